import { createRequire } from 'node:module';
import {
  compareStrings,
  FLOE_API_VERSION,
  InputError,
  NetworkSecurityPlugin,
  type GroupAllowance,
  type KubernetesObject,
  type Labels,
  type LabelSelector,
  type NamespacePlan,
  type NetworkPlan,
  type PluginMetadata,
  type PolicyRule,
  type PortSpec,
  type RenderedObject,
  type RulePeer,
} from '@floe/core/plugin';

const pkg: unknown = createRequire(import.meta.url)('../package.json');
const VERSION = typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : '0.0.0';

/** The label Cilium gives every endpoint with its pod's namespace. */
export const NAMESPACE_LABEL = 'k8s:io.kubernetes.pod.namespace';
export const DEFAULT_DENY = 'floe-default-deny';
export const ALLOW_EGRESS = 'floe-allow-egress';
export const ALLOW_INGRESS = 'floe-allow-ingress';
/** Cilium's identity of the Kubernetes API server, wherever it runs (its addresses are learned, not guessed). */
export const KUBE_APISERVER_ENTITY = 'kube-apiserver';

/** The parts of cilium.io/v2 CiliumNetworkPolicy that this plugin writes. */
export interface CiliumPortProtocol {
  port: string;
  endPort?: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}
export interface CiliumPortRule {
  ports: CiliumPortProtocol[];
  /** The DNS proxy: every query allowed, and seen, so that toFQDNs learns the addresses of the names. */
  rules?: { dns: { matchPattern: string }[] };
}
export interface CiliumCidrRule {
  cidr: string;
  except?: string[];
}
export type CiliumFqdnSelector = { matchName: string } | { matchPattern: string };
export interface CiliumRule {
  toEndpoints?: LabelSelector[];
  fromEndpoints?: LabelSelector[];
  toCIDRSet?: CiliumCidrRule[];
  fromCIDRSet?: CiliumCidrRule[];
  toEntities?: string[];
  toFQDNs?: CiliumFqdnSelector[];
  toPorts?: CiliumPortRule[];
}
export interface CiliumNetworkPolicySpec {
  endpointSelector: LabelSelector;
  ingress?: CiliumRule[];
  egress?: CiliumRule[];
}
export type CiliumNetworkPolicy = KubernetesObject & { spec: CiliumNetworkPolicySpec };

function sortedLabels(labels: Labels): Labels {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => compareStrings(a, b)));
}

/** Pods of `namespaces` carrying `podLabels`: the namespace is always explicit (a CNP peer without it means the policy's own). */
function endpoints(namespaces: string[], podLabels: Labels | undefined): LabelSelector {
  const labels = podLabels ?? {};
  if (namespaces.length === 1) return { matchLabels: sortedLabels({ ...labels, [NAMESPACE_LABEL]: namespaces[0] ?? '' }) };
  const out: LabelSelector = { matchExpressions: [{ key: NAMESPACE_LABEL, operator: 'In', values: [...namespaces] }] };
  if (Object.keys(labels).length) out.matchLabels = sortedLabels(labels);
  return out;
}

function cidrRule(p: { cidr: string; except: string[] }): CiliumCidrRule {
  return p.except.length ? { cidr: p.cidr, except: [...p.except] } : { cidr: p.cidr };
}

function fqdnSelector(name: string): CiliumFqdnSelector {
  // "*.example.com" means one label below example.com, in the manifest as in Cilium's matchPattern.
  return name.startsWith('*.') ? { matchPattern: name } : { matchName: name };
}

function portRule(ports: PortSpec[], dnsProxy: boolean): CiliumPortRule[] | undefined {
  if (ports.length === 0) {
    if (dnsProxy) throw new InputError('a DNS rule on every port cannot carry the DNS proxy: give DNS its ports (the core writes UDP and TCP 53)');
    return undefined;
  }
  const list = ports.map((p): CiliumPortProtocol => (p.endPort ? { port: String(p.port), endPort: p.endPort, protocol: p.protocol } : { port: String(p.port), protocol: p.protocol }));
  return [dnsProxy ? { ports: list, rules: { dns: [{ matchPattern: '*' }] } } : { ports: list }];
}

/**
 * One plan rule as Cilium rules: one per kind of peer, because Cilium refuses
 * a rule that combines endpoints, CIDRs, entities or FQDNs ("combining
 * ToFQDNs and ToEndpoints is not supported yet"); each carries the rule's ports.
 */
function ciliumRules(r: PolicyRule, direction: 'egress' | 'ingress', dnsProxy: boolean): CiliumRule[] {
  const to = direction === 'egress';
  const pods = r.peers.filter((p): p is Extract<RulePeer, { kind: 'pods' }> => p.kind === 'pods');
  const cidrs = r.peers.filter((p): p is Extract<RulePeer, { kind: 'cidr' }> => p.kind === 'cidr');
  const fqdns = r.peers.flatMap((p) => (p.kind === 'fqdn' ? p.names : []));
  const ports = portRule(r.ports, dnsProxy && r.purposes.includes('dns'));
  const out: CiliumRule[] = [];
  const add = (rule: CiliumRule) => out.push(ports ? { ...rule, toPorts: ports } : rule);
  if (pods.length) {
    const selectors = pods.map((p) => endpoints(p.namespaces, p.podLabels));
    add(to ? { toEndpoints: selectors } : { fromEndpoints: selectors });
  }
  // The API server by identity: its rule's blocks are the manifest's guess at its addresses.
  if (cidrs.length && to && r.purposes.every((p) => p === 'api-server')) add({ toEntities: [KUBE_APISERVER_ENTITY] });
  else if (cidrs.length) add(to ? { toCIDRSet: cidrs.map(cidrRule) } : { fromCIDRSet: cidrs.map(cidrRule) });
  if (fqdns.length) {
    if (!to) throw new InputError(`host names (${fqdns.join(', ')}) can only be egress destinations`);
    add({ toFQDNs: fqdns.map(fqdnSelector) });
  }
  return out;
}

function policy(ns: NamespacePlan, name: string, spec: CiliumNetworkPolicySpec): CiliumNetworkPolicy {
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: ns.name, labels: sortedLabels(ns.labels) }, spec };
}

/**
 * CiliumNetworkPolicy (cilium.io/v2) only, never mixed with NetworkPolicy:
 * Cilium unites the allows of both kinds, but an L4 allow of DNS in a
 * NetworkPolicy would void the DNS-proxy rule that toFQDNs needs ("the layer
 * 7 portions of the latter rule will have no effect"), so each flow is
 * written once, in one kind. Per namespace: floe-default-deny (an empty rule
 * in each direction), and one policy per pod group and direction, named as
 * the k8s plugin names them.
 */
export class CiliumNetworkSecurityPlugin extends NetworkSecurityPlugin {
  readonly metadata: PluginMetadata = {
    name: 'cilium',
    version: VERSION,
    floeApiVersion: FLOE_API_VERSION,
    description: 'CiliumNetworkPolicy (cilium.io/v2): egress by host name (toFQDNs) with the DNS proxy, the API server by entity',
    capabilities: ['fqdn-egress', 'api-server-entity'],
    kinds: [{ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy' }],
  };

  render(plan: NetworkPlan): RenderedObject[] {
    const out: RenderedObject[] = [];
    for (const ns of plan.namespaces) {
      if (ns.defaultDeny) {
        out.push({ path: `${ns.name}-default-deny.yaml`, object: policy(ns, DEFAULT_DENY, { endpointSelector: {}, ingress: [{}], egress: [{}] }) });
      }
      // toFQDNs learns addresses from the DNS answers its pods receive: their DNS goes through Cilium's DNS proxy.
      const dnsProxy = ns.egress.some((a) => a.rules.some((r) => r.peers.some((p) => p.kind === 'fqdn')));
      const side = (list: GroupAllowance[], base: string, direction: 'egress' | 'ingress') => {
        for (const a of list) {
          if (a.rules.length === 0) continue;
          const suffix = a.group.name ? `-${a.group.name}` : '';
          const selector: LabelSelector = Object.keys(a.group.podLabels).length ? { matchLabels: sortedLabels(a.group.podLabels) } : {};
          const rules = a.rules.flatMap((r) => ciliumRules(r, direction, dnsProxy));
          const spec: CiliumNetworkPolicySpec = direction === 'egress' ? { endpointSelector: selector, egress: rules } : { endpointSelector: selector, ingress: rules };
          out.push({ path: `${ns.name}-${base.slice('floe-'.length)}${suffix}.yaml`, object: policy(ns, `${base}${suffix}`, spec) });
        }
      };
      side(ns.egress, ALLOW_EGRESS, 'egress');
      side(ns.ingress, ALLOW_INGRESS, 'ingress');
    }
    return out;
  }
}

export default CiliumNetworkSecurityPlugin;
