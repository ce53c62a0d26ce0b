import { posix } from 'node:path';
import { z } from 'zod';
import { embeddedIpv4, parseCidr } from '../util/cidr.js';
import { isRecord } from '../util/shape.js';
import { nearest } from '../util/distance.js';
import { fqdnProblem } from './fqdn.js';
import { addProblem, coded } from './problem-codes.js';
import { checkClusterGuardrails, CLUSTER_GUARDRAIL_MODES, ClusterGuardrailPrioritiesSchema } from './guardrails.js';
import { refuseUnsafe, type ManagedRef } from './refusals.js';

/**
 * The manifest.yaml schema. zod is the single description of the input: the
 * loader reports its issues with file:line:col, `floe network schema` exports
 * it as JSON Schema, and the TypeScript types below are inferred from it.
 */

const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const namespaceName = z
  .string()
  .max(63, { error: 'must be at most 63 characters (a Kubernetes namespace name)' })
  .regex(RFC1123_LABEL, {
    error: 'must be an RFC 1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
  });

const labelKey = z.string().refine(
  (key) => {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
    return prefixOk && name.length <= 63 && LABEL_NAME.test(name);
  },
  { error: 'must be a Kubernetes label key ([prefix/]name, name at most 63 characters of [A-Za-z0-9-_.])', ...coded('invalid_label_key') },
);
const labelValue = z
  .string()
  .refine((v) => v === '' || (v.length <= 63 && LABEL_NAME.test(v)), {
    error: 'must be a Kubernetes label value (at most 63 characters of [A-Za-z0-9-_.], alphanumeric at both ends)',
    ...coded('invalid_label_value'),
  });
export const podLabels = z.record(labelKey, labelValue);

export const port = z
  .int({ error: 'must be a whole number from 1 to 65535' })
  .min(1, { error: 'must be 1–65535' })
  .max(65535, { error: 'must be 1–65535' });

export const protocol = z.enum(['TCP', 'UDP', 'SCTP']);

export const cidr = z.string().superRefine((value, ctx) => {
  // Readers disagree about an IPv4 range written as IPv6 (Kubernetes reads ::ffff:0.0.0.0/96 as 0.0.0.0/0): name the IPv4 form.
  const embedded = embeddedIpv4(value);
  if (embedded?.kind === 'mapped') {
    const all = embedded.ipv4.endsWith('/0') ? ' (and floe refuses /0)' : '';
    addProblem(ctx, 'invalid_cidr', [], `${value} is the IPv4 range ${embedded.ipv4} (an IPv4-mapped IPv6 range, which Kubernetes reads as IPv4): write that${all}`);
    return;
  }
  if (embedded?.kind === 'compatible') {
    addProblem(ctx, 'invalid_cidr', [], `${value} is an IPv4-compatible IPv6 range (deprecated by RFC 4291): Kubernetes reads it as the IPv6 range ${embedded.ipv6}, which no IPv4 address is in, and other readers as ${embedded.ipv4}; for the IPv4 range write ${embedded.ipv4}`);
    return;
  }
  const parsed = parseCidr(value);
  if (!parsed.ok) addProblem(ctx, 'invalid_cidr', [], parsed.reason);
});

/** A host name or `*.` pattern (fqdn.ts), lower-cased. */
export const fqdn = z
  .string()
  .superRefine((value, ctx) => {
    const problem = fqdnProblem(value);
    if (problem) addProblem(ctx, 'invalid_fqdn', [], problem);
  })
  .transform((value) => value.toLowerCase())
  .meta({ description: 'A DNS name (s3.eu-west-1.amazonaws.com) or a pattern *.example.com matching a name with one more label (a.example.com, not example.com nor a.b.example.com); no scheme, path or port. Lower-cased.' });

/** Host names, lower-cased, each at most once. */
export const fqdnList = z
  .array(fqdn)
  .min(1, { error: 'must list at least one host name' })
  .superRefine((names, ctx) => {
    const seen = new Set<string>();
    names.forEach((n, i) => {
      if (seen.has(n)) addProblem(ctx, 'duplicate', [i], `duplicates ${n} (host names are case-insensitive)`);
      seen.add(n);
    });
  });

export const EgressAllowRuleSchema = z
  .strictObject({
    // An identifier, not free text: it names the rule in the summary, on the terminal and in policy names.
    name: z
      .string()
      .min(1, { error: 'must not be empty', abort: true })
      .max(63, { error: 'must be at most 63 characters (a DNS label)', abort: true })
      .regex(RFC1123_LABEL, { error: 'must be a DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit' }),
    to_namespace: namespaceName.optional(),
    to_cidr: cidr.optional(),
    /** Host names; rendered only by a plugin with the fqdn-egress capability (--plugin cilium). */
    to_fqdn: fqdnList.optional(),
    to_pod_labels: podLabels.optional(),
    port: port.optional(),
    ports: z.array(port).min(1, { error: 'must list at least one port' }).optional(),
    end_port: port.optional(),
    protocol: protocol.default('TCP'),
  })
  .superRefine((rule, ctx) => {
    const targets = [rule.to_namespace, rule.to_cidr, rule.to_fqdn].filter((t) => t !== undefined).length;
    if (targets !== 1) {
      addProblem(ctx, 'exclusive_fields', [], `needs exactly one of to_namespace, to_cidr or to_fqdn${targets > 1 ? ' (a rule names one kind of destination)' : ''}`);
    }
    if (rule.to_pod_labels !== undefined && rule.to_namespace === undefined) {
      addProblem(ctx, 'dependent_field', ['to_pod_labels'], 'is only allowed together with to_namespace');
    }
    if ((rule.port === undefined) === (rule.ports === undefined)) {
      addProblem(ctx, 'exclusive_fields', [], 'needs exactly one of port or ports');
    }
    if (rule.end_port !== undefined) {
      if (rule.port === undefined) {
        addProblem(ctx, 'dependent_field', ['end_port'], 'is only allowed together with port (a range port..end_port)');
      } else if (rule.end_port < rule.port) {
        addProblem(ctx, 'out_of_range', ['end_port'], `must be at least port (${rule.port})`);
      }
    }
  });

// ---------------------------------------------------------------------------
// Exact at the destination: the pods of each platform service, what the
// ingress controller may reach, the ranges external HTTPS excludes, and the
// opt-in pod-to-pod rule of one job run. (Issue 10, "Exact at the destination".)
// ---------------------------------------------------------------------------

/** The labels the floe platform's own Helm charts put on each service's pods. */
export const DEFAULT_SERVICE_POD_LABELS = {
  polaris: { 'app.kubernetes.io/component': 'polaris' },
  otel_collector: { 'app.kubernetes.io/component': 'otel-collector' },
  minio: { 'app.kubernetes.io/name': 'minio' },
  dagster: { 'app.kubernetes.io/name': 'dagster' },
} as const;

export const SERVICE_KEYS = ['polaris', 'otel_collector', 'minio', 'dagster'] as const;
export type ServiceKey = (typeof SERVICE_KEYS)[number];

/**
 * A platform service: its ports and the labels of its pods. The labels select
 * the destination pods of the ingress policy; `pod_labels: {}` selects every
 * pod of the platform namespace (allowed, with a warning).
 */
function service(defaultPorts: number[], defaultLabels: Record<string, string>) {
  return z
    .strictObject({
      ports: z.array(port).min(1, { error: 'must list at least one port' }).default(defaultPorts),
      pod_labels: podLabels.default(defaultLabels),
    })
    .prefault({});
}

export const ServicesSchema = z
  .strictObject({
    polaris: service([8181], DEFAULT_SERVICE_POD_LABELS.polaris),
    otel_collector: service([4317, 4318], DEFAULT_SERVICE_POD_LABELS.otel_collector),
    minio: service([9000], DEFAULT_SERVICE_POD_LABELS.minio),
    dagster: service([3000], DEFAULT_SERVICE_POD_LABELS.dagster),
  })
  .prefault({});

const groupName = z
  .string()
  .max(40, { error: 'must be at most 40 characters (it names a policy: floe-allow-ingress-<name>)' })
  .regex(RFC1123_LABEL, { error: 'must be lowercase letters, digits and "-", starting and ending with a letter or digit' });

/** Pods of every domain namespace that the ingress controller may reach. */
export const ExposedEndpointSchema = z.strictObject({
  name: groupName,
  pod_labels: podLabels,
  ports: z.array(port).min(1, { error: 'must list at least one port' }),
  /** The domains (names under `domains`) whose namespaces hold this endpoint; every domain when omitted. */
  domains: z.array(z.string()).min(1, { error: 'must list at least one domain (omit it for every domain)' }).optional(),
});

export const IngressControllerSchema = z
  .strictObject({
    /** The controller's own pods in ingress_controller_namespace: the only source admitted. */
    pod_labels: podLabels.default({ 'app.kubernetes.io/name': 'ingress-nginx' }),
    /** Platform services (keys of `services`) the controller may reach, on their ports. */
    platform_services: z.array(z.enum(SERVICE_KEYS)).default(['dagster']),
    /** Endpoints in every domain namespace the controller may reach; none by default. */
    domain_endpoints: z.array(ExposedEndpointSchema).default([]),
  })
  .prefault({})
  .superRefine((ic, ctx) => {
    const seen = new Set<string>();
    ic.domain_endpoints.forEach((e, i) => {
      if (seen.has(e.name)) addProblem(ctx, 'duplicate', ['domain_endpoints', i, 'name'], `duplicates endpoint "${e.name}"`);
      seen.add(e.name);
    });
  });

/** Excluded from external HTTPS: private, shared (CGNAT), "this network", loopback, link-local (metadata), NAT64. */
export const DEFAULT_EXTERNAL_HTTPS_EXCEPT = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '::1/128',
  '64:ff9b::/96',
  'fc00::/7',
  'fe80::/10',
];

const exceptCidr = cidr.refine((c) => !c.endsWith('/0'), { error: 'must not be a /0: that would exclude the whole address family', ...coded('invalid_cidr') });

export const JobRunPodToPodSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** The pod label whose value identifies one run; pods of a run may talk to each other, never across runs. */
    label: labelKey.default('floe.dev/job-run'),
    /** Ports between the pods of one run; all ports when omitted (Spark picks driver and block-manager ports at random). */
    ports: z.array(port).min(1, { error: 'must list at least one port (omit it for every port)' }).optional(),
  })
  .prefault({});

// ---------------------------------------------------------------------------

export const NetworkPoliciesSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    default_deny: z.boolean().default(true),
    /**
     * true: HTTPS (443) to every address outside external_https_except; { fqdns: [...] }:
     * HTTPS to those host names only (a plugin with fqdn-egress, --plugin cilium); false: none.
     */
    allow_external_https: z
      .union([z.boolean(), z.strictObject({ fqdns: fqdnList }, { error: (iss) => (iss.code === 'unrecognized_keys' ? 'unknown field (allowed: fqdns)' : undefined) })], {
        error: 'must be true, false, or { fqdns: [host names] } (HTTPS to those names only, --plugin cilium)',
      })
      .default(true),
    ingress_controller_namespace: namespaceName.default('ingress-nginx'),
    dns: z
      .strictObject({
        namespace: namespaceName.default('kube-system'),
        pod_labels: podLabels.default({ 'k8s-app': 'kube-dns' }),
        /**
         * DNS by address, beside the pod-selector rule: NodeLocal DNSCache listens on a
         * link-local address on every node (host network), which no pod selector matches.
         */
        cidrs: z.array(cidr).default([]),
      })
      .prefault({}),
    kubernetes_api: z
      .strictObject({
        cidrs: z.array(cidr).default([]),
        ports: z.array(port).min(1, { error: 'must list at least one port' }).default([443, 6443]),
      })
      .prefault({}),
    services: ServicesSchema,
    ingress_controller: IngressControllerSchema,
    external_https_except: z.array(exceptCidr).default(DEFAULT_EXTERNAL_HTTPS_EXCEPT),
    job_run_pod_to_pod: JobRunPodToPodSchema,
    jobs_egress_allow: z.array(EgressAllowRuleSchema).default([]),
    platform_egress_allow: z.array(EgressAllowRuleSchema).default([]),
    domain_egress_allow: z.array(EgressAllowRuleSchema).default([]),
    /** Cluster-scoped guardrails (network-policy-api) beside the NetworkPolicies; off by default (docs/guardrails.md). */
    cluster_guardrails: z.enum(CLUSTER_GUARDRAIL_MODES).default('off'),
    cluster_guardrail_priorities: ClusterGuardrailPrioritiesSchema,
  })
  .prefault({});

export const PSS_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export const pssLevel = z.enum(PSS_LEVELS);
export type PssLevel = z.infer<typeof pssLevel>;

const FORBIDDEN_WRITABLE_ROOTS = ['/proc', '/sys', '/dev'];
const writablePath = z.string().superRefine((p, ctx) => {
  if (!p.startsWith('/')) addProblem(ctx, 'invalid_path', [], 'must be an absolute path');
  else if (p === '/') addProblem(ctx, 'invalid_path', [], 'must not be / (that would make the whole root file system writable)');
  else if (posix.normalize(p).replace(/\/$/, '') !== p) {
    addProblem(ctx, 'invalid_path', [], `must be normalised (did you mean ${posix.normalize(p).replace(/(.)\/$/, '$1')}?)`);
  } else if (FORBIDDEN_WRITABLE_ROOTS.some((root) => p === root || p.startsWith(`${root}/`))) {
    addProblem(ctx, 'invalid_path', [], 'must not be under /proc, /sys or /dev');
  }
});

export const PodSecuritySchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    jobs_level: pssLevel.default('restricted'),
    platform_level: pssLevel.default('baseline'),
    domain_level: pssLevel.default('restricted'),
    audit_level: pssLevel.default('restricted'),
    warn_level: pssLevel.default('restricted'),
    version: z
      .string()
      .regex(/^(latest|v1\.\d{1,3})$/, { error: 'must be "latest" or a Kubernetes minor version such as v1.35' })
      .default('latest'),
    run_as_user: z.int().min(0, { error: 'must be 0 or more' }).max(2147483647).default(1000),
    run_as_group: z.int().min(0, { error: 'must be 0 or more' }).max(2147483647).default(1000),
    fs_group: z.int().min(0, { error: 'must be 0 or more' }).max(2147483647).default(1000),
    seccomp_profile: z.enum(['RuntimeDefault', 'Localhost']).default('RuntimeDefault'),
    localhost_profile: z.string().min(1).optional(),
    read_only_root_filesystem: z.boolean().default(true),
    writable_paths: z.array(writablePath).default(['/tmp', '/home/floe']),
  })
  .prefault({})
  .superRefine((ps, ctx) => {
    const rank = (l: PssLevel) => PSS_LEVELS.indexOf(l);
    const enforced: [string, PssLevel][] = [
      ['jobs_level', ps.jobs_level],
      ['platform_level', ps.platform_level],
      ['domain_level', ps.domain_level],
    ];
    const strictest = enforced.reduce((a, b) => (rank(b[1]) > rank(a[1]) ? b : a));
    for (const key of ['audit_level', 'warn_level'] as const) {
      if (rank(ps[key]) < rank(strictest[1])) {
        addProblem(ctx, 'level_order', [key], `must not be weaker than the strictest enforced level (${strictest[0]} is ${strictest[1]})`);
      }
    }
    if (ps.seccomp_profile === 'Localhost' && !ps.localhost_profile) {
      addProblem(ctx, 'dependent_field', ['localhost_profile'], 'is required when seccomp_profile is Localhost');
    }
    if (ps.seccomp_profile !== 'Localhost' && ps.localhost_profile) {
      addProblem(ctx, 'dependent_field', ['localhost_profile'], 'is only allowed when seccomp_profile is Localhost');
    }
    const seen = new Set<string>();
    ps.writable_paths.forEach((p, i) => {
      if (seen.has(p)) addProblem(ctx, 'duplicate', ['writable_paths', i], `duplicates ${p}`);
      seen.add(p);
    });
  });

// ---------------------------------------------------------------------------
// The admission guard (issue 17): ValidatingAdmissionPolicies that keep the
// managed namespaces from drifting. Off by default; `admission_guard: deny`
// is short for `admission_guard: { mode: deny }`.
// ---------------------------------------------------------------------------

export const ADMISSION_GUARD_MODES = ['off', 'warn', 'deny'] as const;
export type AdmissionGuardMode = (typeof ADMISSION_GUARD_MODES)[number];

/** The group of a cluster-admin kubeconfig (kubeadm < 1.29, kind, the local control plane): the default applier. */
export const DEFAULT_APPLIER_GROUPS = ['system:masters'];

// Written into CEL string literals (escaped); a control character would not compile there, and is no identity anyway.
const identity = z
  .string()
  .min(1, { error: 'must not be empty' })
  .refine((v) => ![...v].some((c) => (c.codePointAt(0) ?? 0) < 0x20 || c === '\u007f'), { error: 'must not contain control characters (a Kubernetes user or group name)' });
const serviceAccountName = z
  .string()
  .max(253, { error: 'must be at most 253 characters (a service account name)' })
  .regex(DNS_SUBDOMAIN, { error: 'must be a service account name: lowercase letters, digits, "-" and "."' });
const serviceAccountRef = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'must be NAMESPACE/NAME of a service account, e.g. argocd/argocd-application-controller' });

export const AdmissionGuardObjectSchema = z
  .strictObject({
    /** off: nothing is generated; warn: the API server admits and warns (Warn, Audit); deny: it refuses (Deny, Audit). */
    mode: z.enum(ADMISSION_GUARD_MODES).default('off'),
    /**
     * Who applies floe's output (kubectl, Argo CD, Flux): the only identities
     * that may create, change or delete floe-owned NetworkPolicies in a
     * managed namespace, or lower its Pod Security labels. Any match admits.
     */
    appliers: z
      .strictObject({
        /** Kubernetes user names, as the API server authenticates them (request.userInfo.username). */
        users: z.array(identity).default([]),
        /** Groups (request.userInfo.groups). */
        groups: z.array(identity).default(DEFAULT_APPLIER_GROUPS),
        /** Service accounts as NAMESPACE/NAME (user system:serviceaccount:NAMESPACE:NAME). */
        service_accounts: z.array(serviceAccountRef).default([]),
      })
      .prefault({}),
    /**
     * Service accounts (names, in any jobs or domain namespace) whose pods may
     * mount an API token. Empty by default: the hardened PodTemplate sets
     * automountServiceAccountToken: false, and floe's NetworkPolicies give jobs
     * and domain pods no route to the Kubernetes API (kubernetes_api egress is
     * the platform namespace's).
     */
    automount_service_accounts: z.array(serviceAccountName).default([]),
  })
  .superRefine((g, ctx) => {
    if (g.mode !== 'off' && g.appliers.users.length + g.appliers.groups.length + g.appliers.service_accounts.length === 0) {
      addProblem(ctx, 'no_appliers', ['appliers'], 'names no user, group or service account: nobody could apply floe\'s NetworkPolicies; name the identity that applies floe\'s output (e.g. service_accounts: [argocd/argocd-application-controller])');
    }
    const seen = new Set<string>();
    g.automount_service_accounts.forEach((sa, i) => {
      if (seen.has(sa)) addProblem(ctx, 'duplicate', ['automount_service_accounts', i], `duplicates ${sa}`);
      seen.add(sa);
    });
  });

/** `admission_guard: deny` (a mode) or the mapping. */
export const AdmissionGuardSchema = z.preprocess((v) => (typeof v === 'string' ? { mode: v } : v), AdmissionGuardObjectSchema).prefault({});

export const SecuritySchema = z
  .strictObject({
    network_policies: NetworkPoliciesSchema,
    pod_security: PodSecuritySchema,
    admission_guard: AdmissionGuardSchema,
  })
  .prefault({});

export const DomainSchema = z.strictObject({
  name: z
    .string()
    .max(51, { error: 'must be at most 51 characters (floe-<name>-domain must fit in 63)' })
    .regex(RFC1123_LABEL, {
      error: 'must be lowercase letters, digits and "-", starting and ending with a letter or digit',
    }),
  namespace: namespaceName.optional(),
});

export const NamespacesSchema = z
  .strictObject({
    platform: namespaceName.default('floe-platform'),
    jobs: namespaceName.default('floe-jobs'),
  })
  .prefault({});

/** `floe.dev/strict: true` in the manifest: every unknown top-level key is an error (for CI). */
export const STRICT_KEY = 'floe.dev/strict';

/**
 * The whole manifest. Top-level keys other than these belong to the rest of
 * floe and are ignored, unless they are near misses of a key floe network reads
 * (load.ts: topLevelProblems) or strict mode is on; everything under security,
 * namespaces and domains is strict.
 */
export const ManifestSchema = z
  .looseObject({
    name: z.string().min(1).default('floe'),
    namespaces: NamespacesSchema,
    domains: z.array(DomainSchema).default([]),
    security: SecuritySchema,
    [STRICT_KEY]: z.boolean().optional(),
  })
  // Runs even when some fields are invalid, so one run reports every problem;
  // it reads the partly parsed value defensively and skips what is malformed.
  .superRefine((m, ctx) => crossChecks(m, ctx), { when: (payload) => isRecord(payload.value) });

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Checks across sections: namespace collisions, duplicate domains, cross-domain egress; then the refusals (refusals.ts). */
function crossChecks(m: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  if (!isRecord(m)) return;
  const nsCfg = isRecord(m.namespaces) ? m.namespaces : {};
  const platform = str(nsCfg.platform) ?? 'floe-platform';
  const jobs = str(nsCfg.jobs) ?? 'floe-jobs';
  const owners = new Map<string, string>([[platform, 'namespaces.platform']]);
  const managed: ManagedRef[] = [
    { namespace: platform, owner: 'the platform namespace (namespaces.platform)', path: ['namespaces', 'platform'] },
    { namespace: jobs, owner: 'the jobs namespace (namespaces.jobs)', path: ['namespaces', 'jobs'] },
  ];
  if (owners.has(jobs)) {
    addProblem(ctx, 'namespace_conflict', ['namespaces', 'jobs'], `is the same namespace as namespaces.platform (${jobs})`);
  }
  owners.set(jobs, 'namespaces.jobs');
  const names = new Set<string>();
  (Array.isArray(m.domains) ? m.domains : []).forEach((d: unknown, i) => {
    const name = isRecord(d) ? str(d.name) : undefined;
    if (!isRecord(d) || name === undefined) return;
    if (names.has(name)) {
      addProblem(ctx, 'duplicate', ['domains', i, 'name'], `duplicates domain "${name}"`);
      return;
    }
    names.add(name);
    const explicit = str(d.namespace);
    const ns = explicit ?? domainNamespace(name);
    const other = owners.get(ns);
    if (other) {
      addProblem(ctx, 'namespace_conflict', ['domains', i, explicit ? 'namespace' : 'name'], `namespace ${ns} is already used by ${other}`);
    }
    owners.set(ns, `domains[${i}]`);
    managed.push({ namespace: ns, owner: `the namespace of domain ${name} (domains[${i}])`, path: ['domains', i, explicit ? 'namespace' : 'name'] });
  });
  const security = isRecord(m.security) ? m.security : {};
  const np = isRecord(security.network_policies) ? security.network_policies : {};
  const ic = isRecord(np.ingress_controller) ? np.ingress_controller : {};
  (Array.isArray(ic.domain_endpoints) ? ic.domain_endpoints : []).forEach((e: unknown, i) => {
    const scoped = isRecord(e) && Array.isArray(e.domains) ? e.domains : [];
    scoped.forEach((d: unknown, j) => {
      if (typeof d !== 'string' || names.has(d)) return;
      const near = nearest(d, [...names]);
      addProblem(ctx, 'unknown_domain', ['security', 'network_policies', 'ingress_controller', 'domain_endpoints', i, 'domains', j], `${d} is not a domain of this manifest (${near ? `did you mean ${near}? ` : ''}domains: ${[...names].join(', ') || 'none'})`);
    });
  });
  (Array.isArray(np.domain_egress_allow) ? np.domain_egress_allow : []).forEach((rule: unknown, i) => {
    const target = isRecord(rule) ? str(rule.to_namespace) : undefined;
    if (target !== undefined && owners.get(target)?.startsWith('domains[')) {
      addProblem(ctx, 'cross_domain', ['security', 'network_policies', 'domain_egress_allow', i, 'to_namespace'], `${target} is a domain namespace; domains never reach other domains`);
    }
  });
  refuseUnsafe(m, managed, ctx);
  checkClusterGuardrails(m, names.size, ctx);
}

export function domainNamespace(domain: string): string {
  return `floe-${domain}-domain`;
}

export type FloeManifest = z.output<typeof ManifestSchema>;
export type SecurityConfig = FloeManifest['security'];
export type NetworkPoliciesConfig = SecurityConfig['network_policies'];
export type PodSecurityConfig = SecurityConfig['pod_security'];
export type AdmissionGuardConfig = SecurityConfig['admission_guard'];
export type EgressAllowRule = z.output<typeof EgressAllowRuleSchema>;
export type Protocol = z.output<typeof protocol>;

/** The host names of allow_external_https in its { fqdns } form; undefined for true or false. */
export function externalHttpsFqdns(np: NetworkPoliciesConfig): string[] | undefined {
  return typeof np.allow_external_https === 'object' ? np.allow_external_https.fqdns : undefined;
}
