import type { LabelSelectorObject, NetworkPolicyObject } from './k8s-schema.js';

type Labels = Record<string, string>;
type Spec = NetworkPolicyObject['spec'];
type Port = NonNullable<NonNullable<Spec['egress']>[number]['ports']>[number];
type Peer = NonNullable<NonNullable<Spec['egress']>[number]['to']>[number];

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** metav1.LabelSelector semantics: every matchLabels pair and every expression must hold; empty selects everything. */
export function selectorMatches(selector: LabelSelectorObject | null | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, req.key);
    const values = req.values ?? [];
    const ok =
      req.operator === 'In' ? has && values.includes(labels[req.key] as string)
      : req.operator === 'NotIn' ? !has || !values.includes(labels[req.key] as string)
      : req.operator === 'Exists' ? has
      : !has;
    if (!ok) return false;
  }
  return true;
}

/** An absent or empty selector: every pod (or namespace). */
export function selectsEverything(selector: LabelSelectorObject | null | undefined): boolean {
  return !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
}

/** policyTypes as the API server defaults them: Ingress always, Egress when egress rules exist. */
export function policyTypes(spec: Spec): Set<'Ingress' | 'Egress'> {
  if (spec.policyTypes && spec.policyTypes.length > 0) return new Set(spec.policyTypes);
  return new Set(spec.egress && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
}

/** Does one `ports` entry admit `protocol`/`port`? Named ports cannot be resolved without the pods, so they do not. */
function portAdmits(p: Port, protocol: string, port: number): boolean {
  if ((p.protocol ?? 'TCP') !== protocol) return false;
  if (p.port === undefined || p.port === null) return true;
  if (typeof p.port !== 'number') return false;
  return p.endPort ? p.port <= port && port <= p.endPort : p.port === port;
}

export function portsAdmit(ports: readonly Port[] | null | undefined, protocol: string, port: number): boolean {
  return !ports || ports.length === 0 || ports.some((p) => portAdmits(p, protocol, port));
}

/**
 * Does an egress peer of a policy in `policyNamespace` admit pods labelled
 * `podLabels` in namespace `namespace`? The namespace is judged by its
 * kubernetes.io/metadata.name label only (the one label every namespace has);
 * an ipBlock cannot be judged against pods offline, so it does not.
 */
export function peerAdmitsPod(peer: Peer, policyNamespace: string, namespace: string, podLabels: Labels): boolean {
  if (peer.ipBlock) return false;
  const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, { [NAMESPACE_NAME_LABEL]: namespace }) : namespace === policyNamespace;
  return nsOk && selectorMatches(peer.podSelector, podLabels);
}

export function peersAdmitPod(peers: readonly Peer[] | null | undefined, policyNamespace: string, namespace: string, podLabels: Labels): boolean {
  return !peers || peers.length === 0 || peers.some((p) => peerAdmitsPod(p, policyNamespace, namespace, podLabels));
}
