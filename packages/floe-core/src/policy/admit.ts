import type { Labels } from '../k8s/meta.js';
import type { ContainerPort } from '../k8s/core.js';
import type { Protocol } from '../k8s/networking.js';
import { resolveRulePorts, type CompiledPeer, type CompiledRule } from './compile.js';
import { encode } from './ports.js';

/** A pod as admission sees it without the cluster: its namespace (and that namespace's labels) and its labels; no IPs. */
export interface PodRef {
  namespace: string;
  namespaceLabels: Labels;
  labels: Labels;
}

/**
 * Admission, one peer, as a yes/no: does `peer` (of a rule in a policy of
 * `policyNamespace`) admit `pod`? An ipBlock matches pods only by IP, and a
 * pod judged here has none. The engine's `peerMismatch` says why not.
 */
export function peerAdmitsPod(peer: CompiledPeer, policyNamespace: string, pod: PodRef): boolean {
  // A pod judged here has no address and no hostNetwork: only a pod selector can admit it.
  if (peer.kind !== 'pods') return false;
  const namespaceOk = peer.namespaces ? peer.namespaces.matches(pod.namespaceLabels) : pod.namespace === policyNamespace;
  return namespaceOk && peer.pods.matches(pod.labels);
}

/** Does one of the rule's peers admit `pod` (every pod when the rule names no peers)? */
export function ruleAdmitsPod(rule: CompiledRule, pod: PodRef): boolean {
  return !rule.peers || rule.peers.some((p) => peerAdmitsPod(p, rule.policy.namespace, pod));
}

/** Does the rule admit `protocol`/`port`? Named ports resolve against `destinationPorts`; without them they admit nothing. */
export function ruleAdmitsPort(rule: CompiledRule, protocol: Protocol, port: number, destinationPorts: readonly ContainerPort[] | null = null): boolean {
  const code = encode(protocol, port);
  return resolveRulePorts(rule, destinationPorts).some(([lo, hi]) => lo <= code && code <= hi);
}
