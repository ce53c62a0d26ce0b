import { compareStrings } from '../util/compare.js';
import { systemNamespaceReason } from '../config/refusals.js';
import { describeRule, type CompiledRule } from './compile.js';
import { NAMESPACE_NAME_LABEL, type PolicyEngine } from './engine.js';
import type { NotEvaluatedPolicy } from './cilium.js';
import type { Direction, PodInfo } from './types.js';

export type FindingSeverity = 'error' | 'warning';

/** One audit finding; `id` is stable and documented, `object` names what to change. */
export interface PolicyFinding {
  id: string;
  severity: FindingSeverity;
  namespace: string;
  /** `NetworkPolicy ns/name`, `Namespace ns` or an endpoint `ns/name[Kind]`. */
  object: string;
  message: string;
  remedy: string;
  /** The rule concerned, e.g. `ns/name ingress[0]`, when there is one. */
  rule?: string;
  /** Endpoints concerned, when the finding is about pods. */
  endpoints?: string[];
}

export interface PolicySummary {
  id: string;
  /** Present for a CiliumNetworkPolicy (the id then ends in `[CiliumNetworkPolicy]`); absent for a NetworkPolicy. */
  kind?: 'CiliumNetworkPolicy';
  namespace: string;
  name: string;
  policyTypes: Direction[];
  policyTypesDefaulted: boolean;
  /** The podSelector in words, and the endpoints it selects. */
  selects: string;
  selected: string[];
  /** Every effective rule in plain words; `null` for a direction the policy does not isolate. */
  ingress: string[] | null;
  egress: string[] | null;
}

export interface AuditOptions {
  /** Cluster DNS; defaults to `kube-system` pods labelled `k8s-app: kube-dns`, or a stand-in for them when the input has none. */
  dns?: PodInfo;
}

const MAX_LISTED = 5;
const list = (xs: readonly string[]): string => (xs.length <= MAX_LISTED ? xs.join(', ') : `${xs.slice(0, MAX_LISTED).join(', ')} and ${xs.length - MAX_LISTED} more`);
const uniqueSorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort(compareStrings);

/** Every policy with its effective rules in plain words, in namespace and name order. */
export function summarisePolicies(engine: PolicyEngine): PolicySummary[] {
  const podsByNs = groupPods(engine);
  return [...engine.policies]
    .sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name))
    .map((p) => ({
      id: p.id,
      ...(p.kind ? { kind: p.kind } : {}),
      namespace: p.namespace,
      name: p.name,
      policyTypes: p.policyTypes,
      policyTypesDefaulted: p.policyTypesDefaulted,
      selects: p.podSelector.empty ? `every pod in namespace ${p.namespace}` : `pods with ${p.podSelector.key} in namespace ${p.namespace}`,
      selected: uniqueSorted((podsByNs.get(p.namespace) ?? []).filter((pod) => p.podSelector.matches(pod.labels)).map((pod) => pod.endpoint)),
      ingress: p.ingress ? (p.ingress.length === 0 ? ['nothing: all ingress is denied'] : p.ingress.map(describeRule)) : null,
      egress: p.egress ? (p.egress.length === 0 ? ['nothing: all egress is denied'] : p.egress.map(describeRule)) : null,
    }));
}

function groupPods(engine: PolicyEngine): Map<string, PodInfo[]> {
  const out = new Map<string, PodInfo[]>();
  for (const p of engine.model.pods) {
    const l = out.get(p.namespace);
    if (l) l.push(p);
    else out.set(p.namespace, [p]);
  }
  return out;
}

function allowAll(rule: CompiledRule): string | null {
  if (rule.ports) return null;
  if (!rule.peers) return 'every peer (pods of every namespace and every address)';
  for (const peer of rule.peers) {
    if (peer.kind === 'ipBlock' && peer.block.cidr.first === 0n && peer.block.ranges.length > 0 && peer.block.cidr.last === (peer.block.family === 4 ? 0xffffffffn : (1n << 128n) - 1n)) {
      return `every IPv${peer.block.family} address (ipBlock ${peer.block.text})`;
    }
    if (peer.kind === 'pods' && peer.namespaces?.empty && peer.pods.empty) return 'every pod in every namespace';
  }
  return null;
}

/** Advice that is safe in a namespace Kubernetes itself uses, where floe never writes a default deny. */
function systemRemedy(ns: string, why: string): string {
  if (ns === 'default') return `default is a system namespace (${why}): move these workloads into a namespace of their own and isolate them there; floe never manages default`;
  return `${ns} is a system namespace (${why}): a default deny there cuts off cluster add-ons unless every flow they need is allowed first; floe never manages it. Leave it, or allow each add-on's known flows with a policy that selects only its pods, and test before denying the rest`;
}

/**
 * The audit's findings over the engine's model: default deny decided by the
 * policies of every namespace, with pods or not (a podSelector {} isolating the
 * direction, never a policy's name), DNS reachability, allow-all rules,
 * unselected pods and dead selectors. Sorted by namespace, id, object.
 */
export function auditFindings(engine: PolicyEngine, options: AuditOptions = {}): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  const podsByNs = groupPods(engine);

  // Every namespace of the input, with pods or not: default deny is decided by the policies, so an empty namespace is judged too.
  for (const ns of engine.namespaceNames()) {
    // hostNetwork pods are the node, not policy subjects: no NetworkPolicy isolates them, so none is listed as open.
    const all = podsByNs.get(ns) ?? [];
    const pods = all.filter((p) => !p.hostNetwork);
    const system = systemNamespaceReason(ns);
    for (const direction of ['ingress', 'egress'] as const) {
      // Only podSelector {} selects every pod, including those created later.
      if (engine.policiesIn(ns).some((p) => p[direction] !== null && p.podSelector.empty)) continue;
      const type = direction === 'ingress' ? 'Ingress' : 'Egress';
      const open = uniqueSorted(pods.filter((p) => engine.isolating(p, direction).length === 0).map((p) => p.endpoint));
      const today =
        pods.length === 0
          ? all.length > 0
            ? `its pods use hostNetwork (the node's address, which no NetworkPolicy isolates); the first other pods will not be isolated for ${direction}`
            : `the namespace has no pods yet; the first ones will not be isolated for ${direction}`
          : open.length === 0
            ? `its endpoints are isolated for ${direction} today by narrower policies, but a pod they do not select will not be`
            : `${open.length} endpoint${open.length === 1 ? ' is' : 's are'} not isolated for ${direction}: ${list(open)}`;
      findings.push({
        id: `namespace-without-default-deny-${direction}`,
        severity: 'warning',
        namespace: ns,
        object: `Namespace ${ns}`,
        message: `no NetworkPolicy of ${ns} selects every pod (podSelector: {}) with ${type} in policyTypes: ${today}`,
        remedy: system ? systemRemedy(ns, system) : `add a default-deny NetworkPolicy to ${ns}: podSelector: {} with policyTypes: [${type}], then allow what is needed`,
        endpoints: open,
      });
    }
    const policies = engine.policiesIn(ns);
    if (policies.length > 0) {
      const unselected = uniqueSorted(pods.filter((p) => !policies.some((pol) => pol.podSelector.matches(p.labels))).map((p) => p.endpoint));
      for (const endpoint of unselected) {
        findings.push({
          id: 'pod-not-selected',
          severity: 'warning',
          namespace: ns,
          object: endpoint,
          message: `${endpoint} is selected by none of the ${policies.length} NetworkPolicies of ${ns}: its traffic is not restricted in either direction`,
          remedy: system ? systemRemedy(ns, system) : `select it with a policy of ${ns} (a default deny with podSelector: {} covers every pod), or label it for an existing policy`,
          endpoints: [endpoint],
        });
      }
    }
  }

  // DNS: every egress-isolated endpoint must reach cluster DNS on UDP and TCP 53.
  const dns =
    options.dns ??
    engine.model.pods.find((p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === 'kube-dns') ??
    ({ namespace: 'kube-system', name: 'kube-dns', labels: { 'k8s-app': 'kube-dns' }, ips: [], ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' }], endpoint: 'kube-system/kube-dns[Deployment]', template: true } satisfies PodInfo);
  const dnsEndpoint = { kind: 'pod' as const, pod: dns };
  for (const ns of [...podsByNs.keys()].sort(compareStrings)) {
    const blocked = new Map<string, string[]>();
    for (const pod of podsByNs.get(ns) ?? []) {
      if (engine.isolating(pod, 'egress').length === 0 || blocked.has(pod.endpoint)) continue;
      const missing = (['UDP', 'TCP'] as const).filter((protocol) => !engine.evaluate({ kind: 'pod', pod }, dnsEndpoint, { protocol, port: 53 }).egress.allowed);
      if (missing.length > 0) blocked.set(pod.endpoint, missing.map((p) => `${p}/53`));
    }
    if (blocked.size === 0) continue;
    const endpoints = uniqueSorted(blocked.keys());
    const what = uniqueSorted([...blocked.values()].flat()).join(' and ');
    findings.push({
      id: 'dns-egress-blocked',
      severity: 'error',
      namespace: ns,
      object: `Namespace ${ns}`,
      message: `${endpoints.length} egress-isolated endpoint${endpoints.length === 1 ? '' : 's'} cannot reach cluster DNS (${dns.endpoint}) on ${what}: ${list(endpoints)}`,
      remedy: `allow egress from ${ns} to namespaceSelector {${NAMESPACE_NAME_LABEL}: ${dns.namespace}} AND podSelector {k8s-app: kube-dns} on UDP 53 and TCP 53`,
      endpoints,
    });
  }

  // Cluster DNS exists even when the input leaves it out (files), so rules reaching it are never dead.
  const nsNames = uniqueSorted([...engine.namespaceNames(), dns.namespace]);
  const peerPods = (ns: string): readonly PodInfo[] => (ns === dns.namespace && !(podsByNs.get(ns) ?? []).includes(dns) ? [...(podsByNs.get(ns) ?? []), dns] : (podsByNs.get(ns) ?? []));
  for (const policy of engine.policies) {
    const selected = (podsByNs.get(policy.namespace) ?? []).filter((p) => policy.podSelector.matches(p.labels));
    const object = `${policy.kind ?? 'NetworkPolicy'} ${policy.namespace}/${policy.name}`;
    if (selected.length === 0 && (podsByNs.get(policy.namespace)?.length ?? 0) > 0) {
      findings.push({
        id: 'policy-selects-nothing',
        severity: 'warning',
        namespace: policy.namespace,
        object,
        message: `podSelector ${policy.podSelector.key} selects none of the pods of ${policy.namespace}: the policy has no effect`,
        remedy: 'fix the podSelector (compare it with the pods\' labels: kubectl get pods --show-labels) or delete the policy',
      });
    }
    for (const direction of ['ingress', 'egress'] as const) {
      for (const rule of policy[direction] ?? []) {
        const every = allowAll(rule);
        if (every) {
          findings.push({
            id: `allow-all-${direction}`,
            severity: 'error',
            namespace: policy.namespace,
            object,
            rule: rule.ref,
            message: `${rule.ref} admits ${every} on every port${selected.length > 0 ? `, for ${list(uniqueSorted(selected.map((p) => p.endpoint)))}` : ''}`,
            remedy: `name the ${direction === 'ingress' ? 'sources' : 'destinations'} (namespaceSelector AND podSelector, or a narrow ipBlock) and list the ports`,
          });
        }
        for (const peer of rule.peers ?? []) {
          if (peer.kind !== 'pods') continue;
          const namespaces = peer.namespaces ? nsNames.filter((n) => peer.namespaces!.matches(engine.namespaceLabels(n))) : [policy.namespace];
          const matched = namespaces.some((n) => peerPods(n).some((p) => peer.pods.matches(p.labels)));
          if (matched) continue;
          findings.push({
            id: 'peer-matches-nothing',
            severity: 'warning',
            namespace: policy.namespace,
            object,
            rule: rule.ref,
            message: `${rule.ref} peer ${peer.index} (${peer.text}) matches no pod${namespaces.length === 0 ? ': no namespace matches its namespaceSelector' : ` in ${list(namespaces)}`}: the peer is dead`,
            remedy: 'fix the selector against the labels of the intended pods and namespaces, or remove the peer',
          });
        }
      }
    }
  }
  findings.push(...notEvaluatedFindings(engine));
  return findings.sort(
    (a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.id, b.id) || compareStrings(a.object, b.object) || compareStrings(a.rule ?? '', b.rule ?? ''),
  );
}

/** A Cilium policy floe does not evaluate, with the endpoints whose verdicts it leaves undetermined. */
export interface NotEvaluatedSummary {
  id: string;
  kind: NotEvaluatedPolicy['kind'];
  namespace: string | null;
  name: string;
  /** The fields outside floe's subset. */
  reasons: string[];
  directions: Direction[];
  /** The endpoints it selects (every endpoint of its scope when floe cannot read its selector). */
  selected: string[];
}

export function notEvaluatedSummaries(engine: PolicyEngine): NotEvaluatedSummary[] {
  return engine.notEvaluated.map((n) => ({
    id: n.id,
    kind: n.kind,
    namespace: n.namespace,
    name: n.name,
    reasons: n.reasons,
    directions: n.directions,
    selected: uniqueSorted(engine.model.pods.filter((p) => !p.hostNetwork && n.directions.some((d) => engine.notEvaluatedFor(p, d).includes(n))).map((p) => p.endpoint)),
  }));
}

function notEvaluatedFindings(engine: PolicyEngine): PolicyFinding[] {
  return notEvaluatedSummaries(engine).map((n) => ({
    id: 'policy-not-evaluated',
    severity: 'warning',
    namespace: n.namespace ?? '',
    object: `${n.kind} ${n.namespace === null ? '' : `${n.namespace}/`}${n.name}`,
    message: `floe does not evaluate ${n.reasons.join('; ')}: the ${n.directions.join(' and ')} verdicts of the ${n.selected.length} endpoint${n.selected.length === 1 ? '' : 's'} it selects are undetermined${n.selected.length > 0 ? ` (${list(n.selected)})` : ''}`,
    remedy: 'check these endpoints with Cilium itself (cilium policy get, hubble observe); floe evaluates the subset of CiliumNetworkPolicy listed in docs/cilium-policies.md',
    ...(n.selected.length > 0 ? { endpoints: n.selected } : {}),
  }));
}
