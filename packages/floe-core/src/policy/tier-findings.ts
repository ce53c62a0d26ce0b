/**
 * Audit findings about cluster-scoped policies (policy/tiers.ts): what their
 * tiers do that their author likely did not mean. Each is decided over the
 * pods of the input with the engine's own tier walk, never re-implemented.
 */
import { compareStrings } from '../util/compare.js';
import { describeRule, type CompiledRule } from './compile.js';
import type { PolicyEngine } from './engine.js';
import type { PolicyFinding } from './findings.js';
import { PortSets } from './ports.js';
import { formatIp } from './ip.js';
import { directMatch, subtractPortSet, tierRulePorts, tierRuleText, type CompiledTierRule } from './tiers.js';
import type { Direction, Endpoint, PodInfo } from './types.js';
import { externalEndpoint } from './engine.js';

const MAX_LISTED = 5;
const list = (xs: readonly string[]): string => (xs.length <= MAX_LISTED ? xs.join(', ') : `${xs.slice(0, MAX_LISTED).join(', ')} and ${xs.length - MAX_LISTED} more`);
const uniqueSorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort(compareStrings);

/** A rule that admits every peer on every port (as the allow-all findings judge NetworkPolicy rules). */
function admitsEverything(rule: CompiledRule): boolean {
  if (rule.ports) return false;
  if (!rule.peers) return true;
  return rule.peers.some((p) => p.kind === 'pods' && p.namespaces?.empty === true && p.pods.empty);
}

/** The peers a rule could meet in this input: every pod, and the first address of each networks CIDR. */
function peerEndpoints(engine: PolicyEngine, rule: CompiledTierRule): Endpoint[] {
  const pods: Endpoint[] = engine.model.pods.map((pod) => ({ kind: 'pod', pod }));
  const addresses = rule.peers.flatMap((p) => (p.kind === 'networks' ? p.blocks.map((b) => b.ranges[0]).filter((r) => r !== undefined) : []));
  const externals = addresses.flatMap((r) => {
    const e = externalEndpoint(formatIp(r.family, r.first));
    return e ? [e] : [];
  });
  return [...pods, ...externals];
}

function subjectsOf(engine: PolicyEngine, rule: CompiledTierRule): PodInfo[] {
  const tiers = engine.tiers;
  if (!tiers) return [];
  return engine.model.pods.filter((p) => tiers.selects(engine, rule.policy, p));
}

/** Findings about the Admin and Baseline tiers; none when the model has no cluster-scoped policy. */
export function tierFindings(engine: PolicyEngine): PolicyFinding[] {
  const tiers = engine.tiers;
  if (!tiers) return [];
  const findings: PolicyFinding[] = [];
  const kinds = new Set(tiers.policies.map((p) => p.kind));
  if (kinds.has('ClusterNetworkPolicy') && (kinds.has('AdminNetworkPolicy') || kinds.has('BaselineAdminNetworkPolicy'))) {
    const v1alpha1 = tiers.policies.filter((p) => p.kind !== 'ClusterNetworkPolicy').map((p) => p.id);
    findings.push({
      id: 'cluster-policy-apis-mixed',
      severity: 'warning',
      namespace: '',
      object: v1alpha1[0] as string,
      message: `ClusterNetworkPolicy and the v1alpha1 AdminNetworkPolicy/BaselineAdminNetworkPolicy are both in use (${list(v1alpha1)}): no API defines their order against each other, and a CNI implements one or the other`,
      remedy: 'move the v1alpha1 objects to ClusterNetworkPolicy (tier Admin for AdminNetworkPolicy, tier Baseline for BaselineAdminNetworkPolicy) and delete them; floe evaluates them by priority, ClusterNetworkPolicy first at equal priority',
    });
  }

  for (const policy of tiers.policies) {
    for (const direction of ['ingress', 'egress'] as const satisfies readonly Direction[]) {
      for (const rule of policy[direction]) {
        const subjects = subjectsOf(engine, rule);
        if (rule.action === 'pass' && policy.tier === 'Admin') passFindings(engine, rule, subjects, findings);
        if (rule.action === 'deny' && policy.tier === 'Admin') shadowFinding(engine, rule, subjects, findings);
        if (rule.action === 'deny' && policy.tier === 'Baseline') mootFindings(engine, rule, subjects, findings);
      }
    }
  }
  return findings;
}

/** A Pass rule sends traffic to the NetworkPolicies; for a subject none of them isolates, it goes on to the Baseline tier or default allow. */
function passFindings(engine: PolicyEngine, rule: CompiledTierRule, subjects: readonly PodInfo[], out: PolicyFinding[]): void {
  const byNs = new Map<string, string[]>();
  for (const pod of subjects) {
    if (engine.isolating(pod, rule.direction).length > 0) continue;
    byNs.set(pod.namespace, [...(byNs.get(pod.namespace) ?? []), pod.endpoint]);
  }
  for (const [ns, endpoints] of byNs) {
    const eps = uniqueSorted(endpoints);
    out.push({
      id: 'cluster-policy-pass-unhandled',
      severity: 'warning',
      namespace: ns,
      object: rule.policy.id,
      rule: rule.ref,
      message: `${tierRuleText(rule)} passes ${rule.direction} traffic to NetworkPolicies, but none of ${ns} isolates ${list(eps)} for ${rule.direction}: the passed traffic falls through to the Baseline tier or default allow`,
      remedy: `give ${ns} a NetworkPolicy that isolates these pods for ${rule.direction} (a default deny, then the allowances), or make the rule Deny or Accept if that is what was meant`,
      endpoints: eps,
    });
  }
}

/**
 * An Admin Deny rule whose every match in this input was already decided by an earlier
 * Accept/Allow rule of the tier (a higher-priority policy, or an earlier rule of its own).
 */
function shadowFinding(engine: PolicyEngine, rule: CompiledTierRule, subjects: readonly PodInfo[], out: PolicyFinding[]): void {
  const tiers = engine.tiers;
  if (!tiers) return;
  const peers = peerEndpoints(engine, rule);
  let matched = false;
  const shadowers = new Set<CompiledTierRule>();
  for (const pod of subjects) {
    const me: Endpoint = { kind: 'pod', pod };
    const match = directMatch(engine, pod.namespace);
    const rules = tiers.rulesFor(engine, pod, rule.direction)?.admin ?? [];
    const at = rules.indexOf(rule);
    for (const other of peers) {
      if (!match(rule, other)) continue;
      const destination = rule.direction === 'egress' ? other : me;
      let open = tierRulePorts(engine.ports, rule, destination);
      if (open === PortSets.NONE) continue;
      matched = true;
      for (const earlier of rules.slice(0, at)) {
        if (!match(earlier, other)) continue;
        const taken = engine.ports.intersect(tierRulePorts(engine.ports, earlier, destination), open);
        if (taken === PortSets.NONE) continue;
        if (earlier.action !== 'allow') return; // denied or passed by another rule first: not shadowed by an Accept
        shadowers.add(earlier);
        open = subtractPortSet(engine.ports, open, taken);
        if (open === PortSets.NONE) break;
      }
      if (open !== PortSets.NONE) return; // the Deny decides something here
    }
  }
  if (!matched || shadowers.size === 0) return;
  const by = [...shadowers].map(tierRuleText);
  out.push({
    id: 'cluster-policy-deny-shadowed',
    severity: 'warning',
    namespace: '',
    object: rule.policy.id,
    rule: rule.ref,
    message: `${tierRuleText(rule)} never denies anything here: ${list(by)} accept${by.length === 1 ? 's' : ''} every connection it matches first`,
    remedy: 'give the Deny a higher precedence (a lower priority number, or an earlier place in its policy), or narrow the Accept',
  });
}

/** A Baseline Deny never applies to pods a NetworkPolicy isolates; with an allow-all rule there, the namespace admits what the Deny meant to stop. */
function mootFindings(engine: PolicyEngine, rule: CompiledTierRule, subjects: readonly PodInfo[], out: PolicyFinding[]): void {
  const byNs = new Map<string, { endpoints: string[]; rules: string[] }>();
  for (const pod of subjects) {
    const allowAll = engine
      .isolating(pod, rule.direction)
      .flatMap((p) => p[rule.direction] ?? [])
      .filter(admitsEverything);
    if (allowAll.length === 0) continue;
    const entry = byNs.get(pod.namespace) ?? { endpoints: [], rules: [] };
    entry.endpoints.push(pod.endpoint);
    entry.rules.push(...allowAll.map((r) => `${r.ref} (${describeRule(r)})`));
    byNs.set(pod.namespace, entry);
  }
  for (const [ns, { endpoints, rules }] of byNs) {
    const eps = uniqueSorted(endpoints);
    out.push({
      id: 'cluster-policy-baseline-deny-moot',
      severity: 'warning',
      namespace: ns,
      object: rule.policy.id,
      rule: rule.ref,
      message: `${tierRuleText(rule)} never applies to ${list(eps)}: NetworkPolicies decide before the Baseline tier, and ${list(uniqueSorted(rules))} admits everything`,
      remedy: `narrow the allow-all NetworkPolicy of ${ns}, or make the deny an Admin-tier rule if no namespace may override it`,
      endpoints: eps,
    });
  }
}
