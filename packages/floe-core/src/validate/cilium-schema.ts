import { z } from 'zod';
import { SELECTOR_OPERATORS } from '../k8s/meta.js';
import { cidrContains, parseCidr } from '../util/cidr.js';
import { add, always, checkedString, cidrString, fields, metadata } from './k8s-schema.js';
import { dns1123Subdomain, labelValue, portNumber, qualifiedName } from './k8s-names.js';

/**
 * CiliumNetworkPolicy (cilium.io/v2), the fields the cilium plugin writes,
 * checked as Cilium's CRD (v1.20) and its rule validation check them: any
 * other field is "not a field floe writes" (the generated file never holds
 * one; `--server` has the API server judge the CRD's whole schema). Selector
 * keys may carry Cilium's source prefix (`k8s:io.kubernetes.pod.namespace`).
 */

const selectorKey = (key: string): string[] => qualifiedName(key.replace(/^(k8s|any|reserved|cidr|fqdn|unspec):/, ''));

const selectorLabels = z.record(z.string(), z.string()).superRefine((map, ctx) => {
  for (const [key, value] of Object.entries(map)) {
    for (const m of selectorKey(key)) add(ctx, [key], `key ${m}`, true);
    if (typeof value === 'string') for (const m of labelValue(value)) add(ctx, [key], m);
  }
}, always);

const requirement = fields({
  key: checkedString(selectorKey),
  operator: z.enum(SELECTOR_OPERATORS),
  values: z.array(checkedString(labelValue)).nullish(),
}).superRefine((req, ctx) => {
  const values = Array.isArray(req.values) ? req.values : [];
  if ((req.operator === 'In' || req.operator === 'NotIn') && values.length === 0) add(ctx, ['values'], `Required value: must be specified when operator is ${req.operator}`);
}, always);

const endpointSelector = fields({ matchLabels: selectorLabels.nullish(), matchExpressions: z.array(requirement).nullish() });

const cidrRule = fields({ cidr: cidrString, except: z.array(cidrString).nullish() }, true).superRefine((rule, ctx) => {
  const outer = typeof rule.cidr === 'string' ? parseCidr(rule.cidr) : undefined;
  if (!outer?.ok || !Array.isArray(rule.except)) return;
  rule.except.forEach((text, i) => {
    const inner = typeof text === 'string' ? parseCidr(text) : undefined;
    if (inner?.ok && !cidrContains(outer.cidr, inner.cidr)) add(ctx, ['except', i], `must be inside cidr ${outer.canonical}`);
  });
}, always);

const port = fields({
  port: z.string().regex(/^\d+$/, { error: 'must be a port number written as a string ("443")' }),
  endPort: z.int({ error: 'must be a whole number' }).nullish(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP', 'ANY']).nullish(),
}, true).superRefine((p, ctx) => {
  const n = Number(p.port);
  for (const m of portNumber(n)) add(ctx, ['port'], m);
  if (typeof p.endPort === 'number' && p.endPort < n) add(ctx, ['endPort'], `must be greater than or equal to port (${n})`);
}, always);

// The DNS proxy rule the plugin writes on DNS egress (toFQDNs needs it).
const dnsRule = fields({ matchPattern: z.string().nullish(), matchName: z.string().nullish() });
const portRule = fields({ ports: z.array(port).max(40, { error: 'may list at most 40 ports (Cilium)' }), rules: fields({ dns: z.array(dnsRule) }, true).nullish() }, true);

const fqdn = fields({ matchName: z.string().nullish(), matchPattern: z.string().nullish() }).superRefine((f, ctx) => {
  const set = [f.matchName, f.matchPattern].filter((v) => typeof v === 'string' && v !== '');
  if (set.length !== 1) add(ctx, [], 'must set exactly one of matchName or matchPattern');
  const name = f.matchName ?? f.matchPattern ?? '';
  if (!/^[-a-z0-9.*]+$/.test(name)) add(ctx, [f.matchName ? 'matchName' : 'matchPattern'], `"${name}" is not a lower-case DNS name or pattern`);
}, always);

/** The CRD's enum of toEntities (v1.20.2). */
const ENTITIES = ['all', 'world', 'cluster', 'cluster-mesh', 'host', 'init', 'ingress', 'unmanaged', 'remote-node', 'health', 'none', 'kube-apiserver'] as const;
const L3 = ['toEndpoints', 'fromEndpoints', 'toCIDRSet', 'fromCIDRSet', 'toEntities', 'toFQDNs'] as const;

/** Cilium's Rule.Sanitize: one kind of peer per rule. */
function onePeerKind(r: Record<string, unknown>, ctx: z.core.$RefinementCtx<unknown>): void {
  const set = L3.filter((k) => r[k] !== undefined && r[k] !== null);
  if (set.length > 1) add(ctx, [], `combining ${set.join(' and ')} is not supported (Cilium): one kind of peer per rule`);
}

const egressRule = fields({
  toEndpoints: z.array(endpointSelector).nullish(),
  toCIDRSet: z.array(cidrRule).nullish(),
  toEntities: z.array(z.enum(ENTITIES)).nullish(),
  toFQDNs: z.array(fqdn).nullish(),
  toPorts: z.array(portRule).nullish(),
}, true).superRefine(onePeerKind, always);

const ingressRule = fields({
  fromEndpoints: z.array(endpointSelector).nullish(),
  fromCIDRSet: z.array(cidrRule).nullish(),
  toPorts: z.array(portRule).nullish(),
}, true).superRefine(onePeerKind, always);

export const CiliumNetworkPolicySchema = fields({
  apiVersion: z.literal('cilium.io/v2'),
  kind: z.literal('CiliumNetworkPolicy'),
  metadata: metadata(dns1123Subdomain, true),
  spec: fields({
    endpointSelector: endpointSelector,
    ingress: z.array(ingressRule).nullish(),
    egress: z.array(egressRule).nullish(),
  }, true).superRefine((spec, ctx) => {
    if (spec.ingress == null && spec.egress == null) add(ctx, [], 'rule must have at least one of ingress or egress (Cilium)');
  }, always),
});

