import type { z } from 'zod';
import { parseCidr } from '../util/cidr.js';
import { isRecord } from '../util/shape.js';
import { addProblem } from './problem-codes.js';

/**
 * Manifests floe refuses because it could not honour them: each would quietly
 * widen access or produce a template no pod can run with. Like the other
 * cross-section checks these run even when some fields are invalid (every
 * problem in one run), so they read the partly parsed value defensively and
 * skip whatever is malformed. Each check is one function; the decisions and
 * what is deliberately allowed are in specs/network-pod-security/spec.md.
 */

type Segment = string | number;
type Ctx = z.core.$RefinementCtx<unknown>;

/** A namespace floe manages, where the manifest names it, and who owns it (for messages). */
export interface ManagedRef {
  namespace: string;
  /** For messages, e.g. "the platform namespace (namespaces.platform)", "the namespace of domain sales (domains[0])" */
  owner: string;
  path: Segment[];
}

/** The schema's default ingress_controller_namespace: a collision with it is blamed on the managed namespace. */
const DEFAULT_INGRESS_CONTROLLER_NAMESPACE = 'ingress-nginx';

const NP: Segment[] = ['security', 'network_policies'];
const PS: Segment[] = ['security', 'pod_security'];
const RULE_LISTS = ['jobs_egress_allow', 'platform_egress_allow', 'domain_egress_allow'] as const;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const record = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});

/** True when the value at `path` already has a problem: zod drops invalid record keys, so an empty mapping may not be empty in the file. */
function hasIssueAt(ctx: Ctx, path: readonly Segment[]): boolean {
  return ctx.issues.some((issue) => path.every((seg, i) => issue.path?.[i] === seg));
}

/** Why a namespace belongs to Kubernetes itself, or undefined when it does not. */
export function systemNamespaceReason(ns: string): string | undefined {
  if (ns === 'kube-system') return 'it runs cluster DNS, the CNI and the other cluster add-ons';
  if (ns === 'default') return 'it holds the kubernetes Service and every workload created without a namespace';
  if (ns.startsWith('kube-')) return 'the kube- prefix is reserved for Kubernetes';
  return undefined;
}

export function refuseUnsafe(m: unknown, managed: readonly ManagedRef[], ctx: Ctx): void {
  if (!isRecord(m)) return;
  const np = record(record(m.security).network_policies);
  const ps = record(record(m.security).pod_security);
  refuseSystemNamespaces(managed, ctx);
  refuseIngressControllerInManagedNamespace(np, managed, ctx);
  refuseDnsInManagedNamespace(np, managed, ctx);
  refuseEmptyDnsSelector(np, ctx);
  refuseUnsafeEgressRules(np, ctx);
  refuseUnboundedApiCidrs(np, ctx);
  refuseRootUser(ps, ctx);
  refusePrivilegedWorkloads(ps, ctx);
  refuseLocalhostProfilePath(ps, ctx);
  refuseNestedWritablePaths(ps, ctx);
}

/** kube-system, kube-public, kube-node-lease, any kube-*, default: never isolated or labelled by floe. */
function refuseSystemNamespaces(managed: readonly ManagedRef[], ctx: Ctx): void {
  for (const ref of managed) {
    const why = systemNamespaceReason(ref.namespace);
    if (why) {
      addProblem(ctx, 'system_namespace', ref.path, `must not be ${ref.namespace}: ${why}, and floe writes default-deny NetworkPolicies and Pod Security labels into every namespace it manages`);
    }
  }
}

/**
 * Every pod of the ingress controller's namespace is admitted into the
 * platform and the domains, so that namespace must be the controller's alone.
 */
function refuseIngressControllerInManagedNamespace(np: Record<string, unknown>, managed: readonly ManagedRef[], ctx: Ctx): void {
  const ns = str(np.ingress_controller_namespace);
  if (ns === undefined || systemNamespaceReason(ns)) return;
  for (const ref of managed) {
    if (ref.namespace !== ns) continue;
    if (ns === DEFAULT_INGRESS_CONTROLLER_NAMESPACE) {
      addProblem(ctx, 'ingress_controller_in_managed_namespace', ref.path,
        `${ns} is the ingress controller's namespace (security.network_policies.ingress_controller_namespace): every pod there is trusted as the ingress controller, so floe must not manage it`);
    } else {
      addProblem(ctx, 'ingress_controller_in_managed_namespace', [...NP, 'ingress_controller_namespace'],
        `must not be a namespace floe manages: ${ns} is ${ref.owner}, and every pod there would be trusted as the ingress controller and admitted into the platform and the domains`);
      // One problem at this field, naming the first owner; a second owner is already a namespace conflict.
      return;
    }
  }
}

/** Every managed namespace reaches the DNS pods on 53; in a managed namespace that is a flow across domains. */
function refuseDnsInManagedNamespace(np: Record<string, unknown>, managed: readonly ManagedRef[], ctx: Ctx): void {
  const ns = str(record(np.dns).namespace);
  if (ns === undefined || systemNamespaceReason(ns)) return;
  const ref = managed.find((r) => r.namespace === ns);
  if (ref) {
    addProblem(ctx, 'dns_in_managed_namespace', [...NP, 'dns', 'namespace'],
      `must not be a namespace floe manages: ${ns} is ${ref.owner}, and every managed namespace would reach pods there on port 53, a flow across domains`);
  }
}

function refuseEmptyDnsSelector(np: Record<string, unknown>, ctx: Ctx): void {
  const dns = record(np.dns);
  const at = [...NP, 'dns', 'pod_labels'];
  if (isRecord(dns.pod_labels) && Object.keys(dns.pod_labels).length === 0 && !hasIssueAt(ctx, at)) {
    const ns = str(dns.namespace) ?? 'the DNS namespace';
    addProblem(ctx, 'empty_selector', at,
      `must name at least one label: an empty selector matches every pod in ${ns}, and every managed namespace would reach all of them on port 53`);
  }
}

/** Egress rules: empty pod selectors, namespace-wide egress into system or DNS namespaces, and /0 CIDRs. */
function refuseUnsafeEgressRules(np: Record<string, unknown>, ctx: Ctx): void {
  const dnsNamespace = str(record(np.dns).namespace);
  for (const list of RULE_LISTS) {
    const rules = Array.isArray(np[list]) ? (np[list] as unknown[]) : [];
    rules.forEach((rule, i) => {
      if (!isRecord(rule)) return;
      const at = (field: string): Segment[] => [...NP, list, i, field];
      const target = str(rule.to_namespace);
      const labels = rule.to_pod_labels;
      if (isRecord(labels) && Object.keys(labels).length === 0 && !hasIssueAt(ctx, at('to_pod_labels'))) {
        addProblem(ctx, 'empty_selector', at('to_pod_labels'), `must name at least one label: an empty selector matches every pod in ${target ?? 'the namespace'}`);
      }
      if (target !== undefined && labels === undefined) {
        const what = systemNamespaceReason(target) ? 'a Kubernetes system namespace' : target === dnsNamespace ? 'the DNS namespace' : undefined;
        if (what) {
          addProblem(ctx, 'namespace_wide_system_egress', at('to_namespace'),
            `${target} is ${what}: name the pods to reach with to_pod_labels, or the rule reaches every pod there (DNS, the CNI, controllers) on its ports`);
        }
      }
      const cidr = str(rule.to_cidr);
      const parsed = cidr === undefined ? undefined : parseCidr(cidr);
      if (cidr !== undefined && parsed?.ok && parsed.cidr.prefix === 0) {
        addProblem(ctx, 'unbounded_cidr', at('to_cidr'),
          `must not be ${cidr}, every address: that includes the pods of every namespace, the nodes and the cloud metadata service (169.254.169.254). Name the networks to reach; for HTTPS to the internet use allow_external_https`);
      }
    });
  }
}

function refuseUnboundedApiCidrs(np: Record<string, unknown>, ctx: Ctx): void {
  const cidrs = record(np.kubernetes_api).cidrs;
  if (!Array.isArray(cidrs)) return;
  cidrs.forEach((cidr: unknown, i) => {
    const parsed = typeof cidr === 'string' ? parseCidr(cidr) : undefined;
    if (parsed?.ok && parsed.cidr.prefix === 0) {
      addProblem(ctx, 'unbounded_cidr', [...NP, 'kubernetes_api', 'cidrs', i],
        `must not be ${cidr as string}: name the API server's own addresses; every address would open the API ports to every pod, node and external host`);
    }
  });
}

/**
 * The hardened template always sets runAsNonRoot: true (pod and container);
 * the kubelet refuses to start a container whose user is 0 under it, so a
 * template with run_as_user 0 is one no pod can run with. floe refuses rather
 * than drop runAsNonRoot: a root template is not a hardened one.
 */
function refuseRootUser(ps: Record<string, unknown>, ctx: Ctx): void {
  if (ps.run_as_user === 0) {
    addProblem(ctx, 'root_user', [...PS, 'run_as_user'],
      'must not be 0: the floe-hardened template sets runAsNonRoot: true, and the kubelet refuses to start a container that would run as root under it; choose a non-root UID (a workload that must run as root cannot use the hardened template)');
  }
}

/**
 * privileged admits hostNetwork pods, which NetworkPolicy does not isolate, so
 * a jobs or domain pod could bypass every floe policy. The platform level may
 * be privileged: the platform team deploys those components itself, and audit
 * and warn (never weaker than the strictest enforce level) still report them.
 */
function refusePrivilegedWorkloads(ps: Record<string, unknown>, ctx: Ctx): void {
  if (ps.enabled === false) return;
  const who = { jobs_level: 'pipeline jobs', domain_level: 'domain workloads' } as const;
  for (const key of ['jobs_level', 'domain_level'] as const) {
    if (ps[key] === 'privileged') {
      addProblem(ctx, 'privileged_workloads', [...PS, key],
        `must not be privileged: it admits hostNetwork pods, which NetworkPolicy does not isolate, so ${who[key]} could bypass every floe policy; use baseline or restricted`);
    }
  }
}

/** The API server only accepts a localhostProfile relative to the kubelet's seccomp directory, without "..". */
function refuseLocalhostProfilePath(ps: Record<string, unknown>, ctx: Ctx): void {
  const profile = str(ps.localhost_profile);
  if (profile === undefined || ps.seccomp_profile !== 'Localhost') return;
  if (profile.startsWith('/') || profile.split('/').includes('..')) {
    addProblem(ctx, 'invalid_path', [...PS, 'localhost_profile'],
      "must be a path relative to the kubelet's seccomp profile directory, without a leading / or any ..; the API server rejects the template otherwise");
  }
}

/** A second emptyDir inside a writable path hides part of the first: list the outer path only. */
function refuseNestedWritablePaths(ps: Record<string, unknown>, ctx: Ctx): void {
  const paths = Array.isArray(ps.writable_paths) ? ps.writable_paths : [];
  paths.forEach((p: unknown, j) => {
    if (typeof p !== 'string') return;
    const outer = paths.findIndex((q: unknown) => typeof q === 'string' && q !== '/' && p.startsWith(`${q}/`));
    if (outer >= 0) {
      addProblem(ctx, 'nested_writable_path', [...PS, 'writable_paths', j],
        `is inside ${paths[outer] as string} (writable_paths[${outer}]), which is already writable; a second emptyDir there would hide what the workload writes under it`);
    }
  });
}
