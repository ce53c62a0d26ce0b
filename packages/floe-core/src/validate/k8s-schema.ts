import { z } from 'zod';
import { SELECTOR_OPERATORS } from '../k8s/meta.js';
import { POLICY_TYPES, PROTOCOLS, type NetworkPolicy } from '../k8s/networking.js';
import type { PodTemplate } from '../k8s/core.js';
import { cidrContains, embeddedIpv4, parseCidr } from '../util/cidr.js';
import { ANNOTATIONS_MAX_BYTES, dns1123Label, dns1123Subdomain, labelValue, portName, portNumber, qualifiedName } from './k8s-names.js';
import type { PathSegment } from './source.js';
import { valueAt } from '../util/path.js';
import { isRecord } from '../util/shape.js';

/**
 * zod schemas of the kinds floe writes, mirroring the API server's
 * validation (k8s.io/kubernetes pkg/apis/networking/validation and
 * pkg/apis/core/validation, apimachinery's name rules). NetworkPolicy and
 * Namespace are covered whole; for PodTemplate the fields floe writes are
 * covered and any other field is refused as one floe does not write (the
 * generated file never holds one; `--server` has the API server judge the rest).
 *
 * One deliberate difference: a CIDR with host bits set (10.1.2.3/8) is
 * refused here. The API server still accepts it for NetworkPolicy (with a
 * warning, until the StrictIPCIDRValidation gate is on), but the policy would
 * then mean 10.0.0.0/8, which is never what the author wrote.
 */

type Ctx = z.core.$RefinementCtx<unknown>;
type Shape = Record<string, z.core.$ZodType>;

/** Runs object-level refinements even when a field failed, so one run reports everything. */
export const always = { when: (payload: { value: unknown }) => isRecord(payload.value) };

export const add = (ctx: Ctx, path: PathSegment[], message: string, atKey = false) =>
  ctx.addIssue({ code: 'custom', path, message, ...(atKey ? { params: { atKey: true } } : {}) });

/**
 * A strict object. `subset`: the API type has more fields than floe writes;
 * an unknown key is then "not a field floe writes", not "unknown field".
 */
export function fields<S extends Shape>(shape: S, subset = false) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        return subset ? `not a field floe writes (floe writes: ${allowed})` : `unknown field (allowed: ${allowed})`;
      }
      if (iss.code === 'invalid_type') return iss.input === undefined ? 'Required value' : 'must be a mapping';
      return undefined;
    },
  });
}

export function checkedString(check: (v: string) => string[]) {
  return z.string().superRefine((v, ctx) => {
    for (const m of check(v)) add(ctx, [], m);
  });
}

const bool = z.boolean().nullish();
const stringList = z.array(z.string()).nullish();

export const labels = z.record(z.string(), z.string()).superRefine((map, ctx) => {
  for (const [key, value] of Object.entries(map)) {
    for (const m of qualifiedName(key)) add(ctx, [key], `key ${m}`, true);
    if (typeof value === 'string') for (const m of labelValue(value)) add(ctx, [key], m);
  }
}, always);

const annotations = z.record(z.string(), z.string()).superRefine((map, ctx) => {
  let size = 0;
  for (const [key, value] of Object.entries(map)) {
    // The API server checks annotation keys lower-cased: upper-case names are allowed.
    for (const m of qualifiedName(key.toLowerCase())) add(ctx, [key], `key ${m}`, true);
    size += key.length + (typeof value === 'string' ? value.length : 0);
  }
  if (size > ANNOTATIONS_MAX_BYTES) add(ctx, [], `must have at most ${ANNOTATIONS_MAX_BYTES} bytes of keys and values together (has ${size})`);
}, always);

const clusterScoped = z.unknown().optional().superRefine((v, ctx) => {
  if (v !== undefined && v !== null && v !== '') add(ctx, [], 'Forbidden: not allowed on this type (the kind is cluster-scoped)');
});

export function metadata(nameCheck: (v: string) => string[], namespaced: true): ReturnType<typeof namespacedMetadata>;
export function metadata(nameCheck: (v: string) => string[], namespaced: false): ReturnType<typeof clusterMetadata>;
export function metadata(nameCheck: (v: string) => string[], namespaced: boolean) {
  return namespaced ? namespacedMetadata(nameCheck) : clusterMetadata(nameCheck);
}

function namespacedMetadata(nameCheck: (v: string) => string[]) {
  return fields({ name: checkedString(nameCheck), namespace: checkedString(dns1123Label), labels: labels.nullish(), annotations: annotations.nullish() }, true);
}

function clusterMetadata(nameCheck: (v: string) => string[]) {
  return fields({ name: checkedString(nameCheck), namespace: clusterScoped, labels: labels.nullish(), annotations: annotations.nullish() }, true);
}

// --- NetworkPolicy (networking.k8s.io/v1) ---

// The enumerations are the k8s layer's; re-exported where validate users have found them.
export { POLICY_TYPES, PROTOCOLS, SELECTOR_OPERATORS };

const selectorRequirement = fields({
  key: checkedString(qualifiedName),
  operator: z.enum(SELECTOR_OPERATORS),
  values: z.array(checkedString(labelValue)).nullish(),
}).superRefine((req, ctx) => {
  const values = Array.isArray(req.values) ? req.values : [];
  if ((req.operator === 'In' || req.operator === 'NotIn') && values.length === 0) {
    add(ctx, ['values'], `Required value: must be specified when operator is ${req.operator}`);
  }
  if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && values.length > 0) {
    add(ctx, ['values'], `Forbidden: may not be specified when operator is ${req.operator}`);
  }
}, always);

export const labelSelector = fields({
  matchLabels: labels.nullish(),
  matchExpressions: z.array(selectorRequirement).nullish(),
});

export const cidrString = z.string().superRefine((v, ctx) => {
  // Strict IP validation's own words (StrictIPCIDRValidation); without it the API server stores the form and reads it as IPv4.
  const embedded = embeddedIpv4(v);
  if (embedded?.kind === 'mapped') {
    add(ctx, [], `must not have an IPv4-mapped IPv6 address (Kubernetes reads ${v} as the IPv4 range ${embedded.ipv4})`);
    return;
  }
  const parsed = parseCidr(v);
  if (!parsed.ok) add(ctx, [], parsed.reason);
});

const ipBlock = fields({
  cidr: cidrString,
  except: z.array(cidrString).nullish(),
}).superRefine((block, ctx) => {
  const outer = typeof block.cidr === 'string' ? parseCidr(block.cidr) : undefined;
  if (!outer?.ok || !Array.isArray(block.except)) return;
  block.except.forEach((text, i) => {
    const inner = typeof text === 'string' ? parseCidr(text) : undefined;
    if (inner?.ok && !(cidrContains(outer.cidr, inner.cidr) && inner.cidr.prefix > outer.cidr.prefix)) {
      add(ctx, ['except', i], `must be a strict subset of cidr ${outer.canonical}`);
    }
  });
}, always);

const peer = fields({
  podSelector: labelSelector.nullish(),
  namespaceSelector: labelSelector.nullish(),
  ipBlock: ipBlock.nullish(),
}).superRefine((p, ctx) => {
  const set = (['podSelector', 'namespaceSelector', 'ipBlock'] as const).filter((k) => p[k] !== undefined && p[k] !== null);
  if (set.length === 0) add(ctx, [], 'Required value: must specify a peer (podSelector, namespaceSelector or ipBlock)');
  else if (set.length > 1 && set.includes('ipBlock')) add(ctx, [], 'Forbidden: may not specify both ipBlock and another peer');
}, always);

const policyPort = fields({
  protocol: z.enum(PROTOCOLS).nullish(),
  port: z.union([z.int(), z.string()], { error: 'must be a port number or a named port' }).nullish(),
  endPort: z.int({ error: 'must be a whole number' }).nullish(),
}).superRefine((p, ctx) => {
  const { port, endPort } = p;
  if (typeof port === 'number') {
    for (const m of portNumber(port)) add(ctx, ['port'], m);
    if (typeof endPort === 'number') {
      if (endPort < port) add(ctx, ['endPort'], `must be greater than or equal to port (${port})`);
      for (const m of portNumber(endPort)) add(ctx, ['endPort'], m);
    }
  } else if (typeof port === 'string') {
    for (const m of portName(port)) add(ctx, ['port'], `${m} (a named port is an IANA service name)`);
    if (endPort !== undefined && endPort !== null) add(ctx, ['endPort'], 'may not be specified when port is a named port');
  } else if (endPort !== undefined && endPort !== null) {
    add(ctx, ['endPort'], 'may not be specified when port is not specified');
  }
}, always);

const ingressRule = fields({ from: z.array(peer).nullish(), ports: z.array(policyPort).nullish() });
const egressRule = fields({ to: z.array(peer).nullish(), ports: z.array(policyPort).nullish() });

export const NetworkPolicySchema = fields({
  apiVersion: z.literal('networking.k8s.io/v1'),
  kind: z.literal('NetworkPolicy'),
  metadata: metadata(dns1123Subdomain, true),
  spec: fields({
    podSelector: labelSelector.nullish(),
    policyTypes: z.array(z.enum(POLICY_TYPES)).max(2, { error: 'may not specify more than two policyTypes' }).nullish(),
    ingress: z.array(ingressRule).nullish(),
    egress: z.array(egressRule).nullish(),
  }),
});

// --- Namespace (v1) ---

export const NamespaceSchema = fields({
  apiVersion: z.literal('v1'),
  kind: z.literal('Namespace'),
  metadata: metadata(dns1123Label, false),
});

// --- PodTemplate (v1), the fields floe writes ---

const id = z.int({ error: 'must be a whole number' }).min(0, { error: 'must be between 0 and 2147483647, inclusive' }).max(2147483647, { error: 'must be between 0 and 2147483647, inclusive' });

const seccompProfile = fields({
  type: z.enum(['RuntimeDefault', 'Localhost', 'Unconfined']),
  localhostProfile: z.string().nullish(),
}).superRefine((s, ctx) => {
  const hasProfile = typeof s.localhostProfile === 'string' && s.localhostProfile !== '';
  if (s.type === 'Localhost' && !hasProfile) add(ctx, ['localhostProfile'], 'Required value: must be set when seccomp type is Localhost');
  if (s.type !== 'Localhost' && hasProfile) add(ctx, ['localhostProfile'], 'Forbidden: can only be set when seccomp type is Localhost');
}, always);

const podSecurityContext = fields(
  {
    runAsNonRoot: bool,
    runAsUser: id.nullish(),
    runAsGroup: id.nullish(),
    fsGroup: id.nullish(),
    supplementalGroups: z.array(id).nullish(),
    seccompProfile: seccompProfile.nullish(),
  },
  true,
);

const containerSecurityContext = fields(
  {
    allowPrivilegeEscalation: bool,
    readOnlyRootFilesystem: bool,
    runAsNonRoot: bool,
    privileged: bool,
    runAsUser: id.nullish(),
    runAsGroup: id.nullish(),
    capabilities: fields({ add: stringList, drop: stringList }).nullish(),
    seccompProfile: seccompProfile.nullish(),
  },
  true,
).superRefine((sc, ctx) => {
  if (sc.allowPrivilegeEscalation !== false) return;
  if (sc.privileged === true) add(ctx, [], 'cannot set allowPrivilegeEscalation to false and privileged to true');
  const added = isRecord(sc.capabilities) && Array.isArray(sc.capabilities.add) ? sc.capabilities.add : [];
  if (added.includes('SYS_ADMIN') || added.includes('CAP_SYS_ADMIN')) add(ctx, [], 'cannot set allowPrivilegeEscalation to false and capabilities.add CAP_SYS_ADMIN');
}, always);

const volumeMount = fields({ name: z.string().min(1, { error: 'Required value' }), mountPath: z.string().min(1, { error: 'Required value' }), readOnly: bool }, true);

const container = fields(
  {
    name: checkedString(dns1123Label),
    image: z.string().superRefine((v, ctx) => {
      if (v.length === 0) add(ctx, [], 'Required value');
      else if (v.trim() !== v) add(ctx, [], 'must not have leading or trailing whitespace');
    }),
    securityContext: containerSecurityContext.nullish(),
    volumeMounts: z.array(volumeMount).nullish(),
  },
  true,
);

const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?\d+))?$/;
const emptyDir = fields({
  medium: z.string().nullish(),
  sizeLimit: z
    .union([z.string(), z.number()], { error: 'must be a quantity such as 64Mi' })
    .refine((v) => typeof v === 'number' || QUANTITY.test(v), { error: 'must be a quantity such as 64Mi or 1Gi' })
    .nullish(),
});

const volume = fields({ name: checkedString(dns1123Label), emptyDir: emptyDir.nullish() }, true).superRefine((v, ctx) => {
  if (v.emptyDir === undefined || v.emptyDir === null) add(ctx, [], 'Required value: must specify a volume type (floe writes emptyDir)');
}, always);

function duplicates(items: unknown[], key: string, ctx: Ctx, where: (i: number) => PathSegment[], what: string): void {
  const seen = new Set<unknown>();
  items.forEach((item, i) => {
    const v = isRecord(item) ? item[key] : undefined;
    if (typeof v !== 'string') return;
    if (seen.has(v)) add(ctx, where(i), `Duplicate value: "${v}" (${what} must be unique)`);
    seen.add(v);
  });
}

const podSpec = fields(
  {
    automountServiceAccountToken: bool,
    securityContext: podSecurityContext.nullish(),
    containers: z.array(container).min(1, { error: 'Required value: at least one container' }),
    volumes: z.array(volume).nullish(),
  },
  true,
).superRefine((spec, ctx) => {
  const containers: unknown[] = Array.isArray(spec.containers) ? spec.containers : [];
  const volumes: unknown[] = Array.isArray(spec.volumes) ? spec.volumes : [];
  duplicates(containers, 'name', ctx, (i) => ['containers', i, 'name'], 'container names');
  duplicates(volumes, 'name', ctx, (i) => ['volumes', i, 'name'], 'volume names');
  const volumeNames = new Set(volumes.map((v) => (isRecord(v) ? v.name : undefined)));
  containers.forEach((c, i) => {
    const mounts: unknown[] = isRecord(c) && Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
    duplicates(mounts, 'mountPath', ctx, (j) => ['containers', i, 'volumeMounts', j, 'mountPath'], 'mount paths');
    mounts.forEach((m, j) => {
      const name = isRecord(m) ? m.name : undefined;
      if (typeof name === 'string' && name !== '' && !volumeNames.has(name)) add(ctx, ['containers', i, 'volumeMounts', j, 'name'], `Not found: no volume named "${name}"`);
    });
  });
}, always);

export const PodTemplateSchema = fields({
  apiVersion: z.literal('v1'),
  kind: z.literal('PodTemplate'),
  metadata: metadata(dns1123Subdomain, true),
  template: fields({
    metadata: fields({ labels: labels.nullish(), annotations: annotations.nullish() }, true).nullish(),
    spec: podSpec,
  }),
});

// --- Cluster guardrails (policy.networking.k8s.io): the CRDs' validation, for the fields floe writes ---

const guardrailPriority = z.int({ error: 'must be a whole number' }).min(0, { error: 'must be 0 or more' }).max(1000, { error: 'must be at most 1000' });
const namespacedPod = fields({ namespaceSelector: labelSelector, podSelector: labelSelector });
/** Exactly one field set, as the CRDs' MinProperties=1, MaxProperties=1. */
const oneOf = <S extends Shape>(shape: S) =>
  fields(shape, true).superRefine((v, ctx) => {
    const set = Object.keys(shape).filter((k) => (v as Record<string, unknown>)[k] !== undefined && (v as Record<string, unknown>)[k] !== null);
    if (set.length !== 1) add(ctx, [], `must set exactly one of ${Object.keys(shape).join(', ')} (has ${set.length ? set.join(', ') : 'none'})`);
  }, always);
const guardrailSubject = oneOf({ namespaces: labelSelector.nullish(), pods: namespacedPod.nullish() });
const networks = z.array(cidrString).min(1, { error: 'must list at least one CIDR' }).max(25, { error: 'must list at most 25 CIDRs (the API\'s limit)' });
const ingressPeer = oneOf({ namespaces: labelSelector.nullish(), pods: namespacedPod.nullish() });
const egressPeer = oneOf({ namespaces: labelSelector.nullish(), pods: namespacedPod.nullish(), networks: networks.nullish() });
const peers = <T extends z.core.$ZodType>(peer: T) => z.array(peer).min(1, { error: 'must list at least one peer' }).max(100, { error: 'must list at most 100 peers' });
function guardrailRules<A extends readonly [string, ...string[]]>(actions: A) {
  const name = z.string().max(100, { error: 'must be at most 100 characters' }).nullish();
  return {
    ingress: z.array(fields({ name, action: z.enum(actions), from: peers(ingressPeer) }, true)).max(100, { error: 'must list at most 100 rules' }).nullish(),
    egress: z.array(fields({ name, action: z.enum(actions), to: peers(egressPeer) }, true)).max(100, { error: 'must list at most 100 rules' }).nullish(),
  };
}

export const ClusterNetworkPolicySchema = fields({
  apiVersion: z.literal('policy.networking.k8s.io/v1beta1'),
  kind: z.literal('ClusterNetworkPolicy'),
  metadata: metadata(dns1123Subdomain, false),
  spec: fields({ tier: z.enum(['Admin', 'Baseline']), priority: guardrailPriority, subject: guardrailSubject, ...guardrailRules(['Accept', 'Deny', 'Pass'] as const) }, true),
});

export const AdminNetworkPolicySchema = fields({
  apiVersion: z.literal('policy.networking.k8s.io/v1alpha1'),
  kind: z.literal('AdminNetworkPolicy'),
  metadata: metadata(dns1123Subdomain, false),
  spec: fields({ priority: guardrailPriority, subject: guardrailSubject, ...guardrailRules(['Allow', 'Deny', 'Pass'] as const) }, true),
});

export const BaselineAdminNetworkPolicySchema = fields({
  apiVersion: z.literal('policy.networking.k8s.io/v1alpha1'),
  kind: z.literal('BaselineAdminNetworkPolicy'),
  metadata: metadata((v) => (v === 'default' ? [] : ['must be "default": BaselineAdminNetworkPolicy is a cluster singleton']), false),
  spec: fields({ subject: guardrailSubject, ...guardrailRules(['Allow', 'Deny'] as const) }, true),
});

// --- ValidatingAdmissionPolicy and its binding (admissionregistration.k8s.io/v1), the fields floe writes ---
// The shapes and the rules of pkg/apis/admissionregistration/validation that do not need CEL: a CEL
// expression that does not compile is the API server's to find (validate --server).

const nonEmpty = z.string().min(1, { error: 'Required value' });
const ruleWithOperations = fields(
  {
    apiGroups: z.array(z.string()).min(1, { error: 'Required value' }),
    apiVersions: z.array(nonEmpty).min(1, { error: 'Required value' }),
    operations: z.array(z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT', '*'])).min(1, { error: 'Required value' }),
    resources: z.array(nonEmpty).min(1, { error: 'Required value' }),
    resourceNames: z.array(nonEmpty).nullish(),
    scope: z.enum(['Cluster', 'Namespaced', '*']).nullish(),
  },
  true,
);
const matchResources = fields(
  {
    namespaceSelector: labelSelector.nullish(),
    objectSelector: labelSelector.nullish(),
    resourceRules: z.array(ruleWithOperations).nullish(),
    excludeResourceRules: z.array(ruleWithOperations).nullish(),
    matchPolicy: z.enum(['Exact', 'Equivalent']).nullish(),
  },
  true,
);
const celVariable = fields({ name: checkedString((v) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(v) ? [] : ['must be a valid CEL identifier'])), expression: nonEmpty });
const validation = fields({ expression: nonEmpty, message: z.string().nullish(), messageExpression: z.string().nullish(), reason: z.string().nullish() }, true);

export const ValidatingAdmissionPolicySchema = fields({
  apiVersion: z.literal('admissionregistration.k8s.io/v1'),
  kind: z.literal('ValidatingAdmissionPolicy'),
  metadata: metadata(dns1123Subdomain, false),
  spec: fields(
    {
      failurePolicy: z.enum(['Fail', 'Ignore']).nullish(),
      matchConstraints: matchResources,
      matchConditions: z.array(fields({ name: checkedString(qualifiedName), expression: nonEmpty })).nullish(),
      variables: z.array(celVariable).nullish(),
      validations: z.array(validation).min(1, { error: 'Required value: at least one validation (floe writes no audit annotations)' }),
    },
    true,
  ),
});

export const ValidatingAdmissionPolicyBindingSchema = fields({
  apiVersion: z.literal('admissionregistration.k8s.io/v1'),
  kind: z.literal('ValidatingAdmissionPolicyBinding'),
  metadata: metadata(dns1123Subdomain, false),
  spec: fields(
    {
      policyName: checkedString(dns1123Subdomain),
      validationActions: z
        .array(z.enum(['Deny', 'Warn', 'Audit']))
        .min(1, { error: 'Required value: validationActions must contain at least one value' })
        .superRefine((actions, ctx) => {
          if (new Set(actions).size !== actions.length) add(ctx, [], 'Duplicate value: validationActions must not contain duplicates');
          if (actions.includes('Deny') && actions.includes('Warn')) add(ctx, [], 'Invalid value: Deny and Warn must not be used together');
        }),
      matchResources: matchResources.nullish(),
    },
    true,
  ),
});

/**
 * The Kubernetes kinds whose schema the core knows, by kind. What a directory
 * may hold is validate/kinds.ts's: the core's Namespace and PodTemplate, and
 * the kinds the selected plugin declares.
 */
export const FLOE_KINDS = {
  Namespace: { apiVersion: 'v1', schema: NamespaceSchema, namespaced: false },
  NetworkPolicy: { apiVersion: 'networking.k8s.io/v1', schema: NetworkPolicySchema, namespaced: true },
  PodTemplate: { apiVersion: 'v1', schema: PodTemplateSchema, namespaced: true },
  ClusterNetworkPolicy: { apiVersion: 'policy.networking.k8s.io/v1beta1', schema: ClusterNetworkPolicySchema, namespaced: false },
  AdminNetworkPolicy: { apiVersion: 'policy.networking.k8s.io/v1alpha1', schema: AdminNetworkPolicySchema, namespaced: false },
  BaselineAdminNetworkPolicy: { apiVersion: 'policy.networking.k8s.io/v1alpha1', schema: BaselineAdminNetworkPolicySchema, namespaced: false },
  ValidatingAdmissionPolicy: { apiVersion: 'admissionregistration.k8s.io/v1', schema: ValidatingAdmissionPolicySchema, namespaced: false },
  ValidatingAdmissionPolicyBinding: { apiVersion: 'admissionregistration.k8s.io/v1', schema: ValidatingAdmissionPolicyBindingSchema, namespaced: false },
} as const;
export type FloeKind = keyof typeof FLOE_KINDS;

export function isFloeKind(kind: unknown): kind is FloeKind {
  return typeof kind === 'string' && Object.hasOwn(FLOE_KINDS, kind);
}


export interface SchemaIssue {
  path: PathSegment[];
  /** Point at the key rather than its value (unknown fields, bad label keys). */
  atKey: boolean;
  message: string;
}


function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v === 'object' ? 'mapping' : typeof v;
}

function preview(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return typeName(v);
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) return 'Required value';
      if (issue.message !== '' && !issue.message.startsWith('Invalid input')) return issue.message;
      const expected = issue.expected === 'int' ? 'whole number' : issue.expected === 'object' || issue.expected === 'record' ? 'mapping' : issue.expected === 'array' ? 'list' : issue.expected;
      return `must be ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected} (got ${typeName(input)} ${preview(input)})`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])} (got ${preview(input)})`
        : `Unsupported value: ${preview(input)}: supported values: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_big':
    case 'too_small':
      return issue.message.startsWith('Too') ? `${issue.message} (got ${preview(input)})` : issue.message;
    default:
      return issue.message;
  }
}

/** Every way `value` (an object of kind `kind`) breaks the API's rules; empty when it conforms. */
export function schemaIssues(kind: FloeKind, value: unknown): SchemaIssue[] {
  return zodSchemaIssues(FLOE_KINDS[kind].schema, value);
}

/** Every way `value` breaks `schema`, located and worded as the API server words it. */
export function zodSchemaIssues(schema: z.ZodType, value: unknown): SchemaIssue[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  const issues: SchemaIssue[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ path: [...path, key], atKey: true, message: issue.message });
      continue;
    }
    const input = valueAt(value, path);
    const atKey = input === undefined || (issue.code === 'custom' && issue.params?.atKey === true);
    issues.push({ path, atKey, message: describe(issue, input) });
  }
  return issues;
}

/** null is absent to the API: the schemas accept it where the k8s/ types leave the field out. */
type Absent<T> = T extends null ? undefined : T extends readonly (infer U)[] ? Absent<U>[] : T extends object ? { [K in keyof T]: Absent<T[K]> } : T;
/**
 * The schemas and the k8s/ types describe the same objects: an object the schema of a kind accepts
 * is an object of that kind's type. Checked when this module compiles, so the two cannot drift.
 */
const conforming = (np: Absent<z.output<typeof NetworkPolicySchema>>, pt: Absent<z.output<typeof PodTemplateSchema>>): [NetworkPolicy, PodTemplate] => [np, pt];
void conforming;
