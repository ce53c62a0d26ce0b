import { z } from 'zod';
import { cidrContains, parseCidr, type Cidr } from '../util/cidr.js';
import { isRecord } from '../util/shape.js';
import { addProblem } from './problem-codes.js';

/**
 * `security.network_policies.cluster_guardrails`: cluster-scoped policies
 * (network-policy-api) that floe writes beside its NetworkPolicies, opt-in.
 * The schema fields and the checks across the manifest that keep the
 * guardrails exact: they must forbid nothing the manifest allows, so a
 * manifest whose intents reach what a guardrail denies is refused.
 */

export const CLUSTER_GUARDRAIL_MODES = ['off', 'cluster-network-policy', 'admin-network-policy'] as const;
export type ClusterGuardrailMode = (typeof CLUSTER_GUARDRAIL_MODES)[number];

/** The cloud metadata endpoints every managed namespace is denied (AWS, GCP, Azure share 169.254.169.254; AWS IPv6: fd00:ec2::254). */
export const METADATA_ENDPOINTS = ['169.254.169.254/32', 'fd00:ec2::254/128'] as const;

const priority = z.int().min(0, { error: 'must be 0 or more' }).max(1000, { error: 'must be at most 1000 (the API\'s limit)' });

export const ClusterGuardrailPrioritiesSchema = z
  .strictObject({
    /** Admin tier: egress from every managed namespace to the cloud metadata endpoints is denied. */
    metadata_endpoints: priority.default(10),
    /**
     * Admin tier: ingress into each domain namespace from every other domain is denied. One object per domain:
     * ClusterNetworkPolicy gives them all this priority (their subjects never overlap); AdminNetworkPolicy gives
     * them this one and the next ones, in namespace order, because OVN-Kubernetes accepts one ANP per priority.
     */
    domain_isolation: priority.default(20),
    /** Admin tier: ingress into the jobs namespace from every namespace outside the platform is denied. */
    jobs_isolation: priority.default(15),
    /** Baseline tier (ClusterNetworkPolicy only): default deny for the managed namespaces. BaselineAdminNetworkPolicy has no priority. */
    baseline: priority.default(1000),
  })
  .prefault({});

export type ClusterGuardrailPriorities = z.output<typeof ClusterGuardrailPrioritiesSchema>;

type Segment = string | number;
type Ctx = z.core.$RefinementCtx<unknown>;
const NP: Segment[] = ['security', 'network_policies'];
const record = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});
const RULE_LISTS = ['jobs_egress_allow', 'platform_egress_allow', 'domain_egress_allow'] as const;

function parsedEndpoints(): { text: string; cidr: Cidr }[] {
  const out: { text: string; cidr: Cidr }[] = [];
  for (const text of METADATA_ENDPOINTS) {
    const p = parseCidr(text);
    if (p.ok) out.push({ text: text.split('/')[0] ?? text, cidr: p.cidr });
  }
  return out;
}

/** The metadata endpoints inside `cidr` (text from the file; malformed ones have their own problem). */
function endpointsIn(cidr: unknown): string[] {
  if (typeof cidr !== 'string') return [];
  const p = parseCidr(cidr);
  if (!p.ok) return [];
  return parsedEndpoints()
    .filter((e) => e.cidr.family === p.cidr.family && cidrContains(p.cidr, e.cidr))
    .map((e) => e.text);
}

/**
 * With guardrails on: the NetworkPolicies must be on (the Baseline default
 * deny would otherwise block every intended flow), the Admin-tier priorities
 * must not collide, and no intent may reach a metadata endpoint (the Admin
 * deny would forbid what the manifest allows). Reads the partly parsed
 * manifest defensively, like the other cross-section checks.
 */
export function checkClusterGuardrails(m: Record<string, unknown>, domainCount: number, ctx: Ctx): void {
  const np = record(record(m.security).network_policies);
  const mode = np.cluster_guardrails;
  if (mode !== 'cluster-network-policy' && mode !== 'admin-network-policy') return;
  const at = (...path: Segment[]): Segment[] => [...NP, ...path];
  if (np.enabled === false) {
    addProblem(ctx, 'dependent_field', at('cluster_guardrails'),
      `needs security.network_policies.enabled: true: the guardrails' Baseline default deny would block every flow the manifest intends, since no NetworkPolicy would allow it`);
  }
  checkPriorities(record(np.cluster_guardrail_priorities), mode, domainCount, ctx);
  const conflict = (path: Segment[], what: string, endpoints: string[]) =>
    addProblem(ctx, 'guardrail_conflict', path,
      `${what} reaches the cloud metadata endpoint ${endpoints.join(' and ')}, which cluster_guardrails denies to every managed namespace: the guardrail would forbid a flow this manifest allows. Narrow the range, or turn cluster_guardrails off`);
  if (np.enabled === false) return;
  if (np.allow_external_https !== false) {
    const except = Array.isArray(np.external_https_except) ? np.external_https_except : undefined;
    // The schema's default excludes 169.254.0.0/16 and fc00::/7, so only a list in the file can leave an endpoint open.
    if (except) {
      const open = parsedEndpoints().filter((e) => !except.some((c) => endpointsIn(c).includes(e.text))).map((e) => e.text);
      if (open.length) conflict(at('external_https_except'), `allow_external_https, with these exceptions,`, open);
    }
  }
  for (const list of RULE_LISTS) {
    (Array.isArray(np[list]) ? np[list] : []).forEach((rule: unknown, i) => {
      const hit = endpointsIn(record(rule).to_cidr);
      if (hit.length) conflict(at(list, i, 'to_cidr'), `this rule's to_cidr`, hit);
    });
  }
  for (const [section, label] of [['dns', 'dns.cidrs'], ['kubernetes_api', 'kubernetes_api.cidrs']] as const) {
    const cidrs = record(np[section]).cidrs;
    (Array.isArray(cidrs) ? cidrs : []).forEach((c: unknown, i) => {
      const hit = endpointsIn(c);
      if (hit.length) conflict(at(section, 'cidrs', i), label, hit);
    });
  }
}

function checkPriorities(p: Record<string, unknown>, mode: ClusterGuardrailMode, domainCount: number, ctx: Ctx): void {
  const num = (k: string, d: number): number => (typeof p[k] === 'number' ? p[k] : d);
  const metadata = num('metadata_endpoints', 10);
  const jobs = num('jobs_isolation', 15);
  const domain = num('domain_isolation', 20);
  // ClusterNetworkPolicy: one priority for every domain object; AdminNetworkPolicy: one each.
  const last = mode === 'admin-network-policy' ? domain + Math.max(domainCount - 1, 0) : domain;
  const at: Segment[] = [...NP, 'cluster_guardrail_priorities'];
  const range = last === domain ? `${domain}` : `${domain} to ${last} (one AdminNetworkPolicy per domain)`;
  if (last > 1000) {
    addProblem(ctx, 'out_of_range', [...at, 'domain_isolation'], `is ${domain}, so the ${domainCount} domain objects would need priorities up to ${last}, above the API's limit of 1000`);
  }
  if (metadata === jobs) addProblem(ctx, 'guardrail_priority', [...at, 'jobs_isolation'], `must differ from metadata_endpoints (${metadata}): two guardrails on overlapping namespaces at one priority are ambiguous, and OVN-Kubernetes refuses the second`);
  if (domainCount > 0) {
    if (metadata >= domain && metadata <= last) addProblem(ctx, 'guardrail_priority', [...at, 'metadata_endpoints'], `is ${metadata}, inside the domain isolation priorities ${range}`);
    if (jobs >= domain && jobs <= last) addProblem(ctx, 'guardrail_priority', [...at, 'jobs_isolation'], `is ${jobs}, inside the domain isolation priorities ${range}`);
  }
}
