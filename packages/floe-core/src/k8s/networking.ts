/**
 * NetworkPolicy (networking.k8s.io/v1), as the API defines it: optional where
 * the API server defaults a field (policyTypes, a port's protocol), so the
 * same types describe what floe writes and what it reads from files or a
 * cluster. What the fields mean is the policy engine's (src/policy/), and
 * only its.
 */
import type { LabelSelector, ObjectMeta } from './meta.js';

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const POLICY_TYPES = ['Ingress', 'Egress'] as const;
export type PolicyType = (typeof POLICY_TYPES)[number];

export type IPBlock = {
  cidr: string;
  except?: string[];
};

/** Pods (podSelector, in namespaces matching namespaceSelector or else the policy's own), or an ipBlock. */
export type NetworkPolicyPeer = {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IPBlock;
};

/** No protocol means TCP; no port means every port; a string port is a named container port. */
export type NetworkPolicyPort = {
  protocol?: Protocol;
  port?: number | string;
  endPort?: number;
};

export type NetworkPolicyIngressRule = {
  from?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
};

export type NetworkPolicyEgressRule = {
  to?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
};

/** No policyTypes: Ingress, plus Egress when there is an egress rule (the engine's effectivePolicyTypes). */
export type NetworkPolicySpec = {
  podSelector?: LabelSelector;
  policyTypes?: PolicyType[];
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
};

export type NetworkPolicy = {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: ObjectMeta;
  spec: NetworkPolicySpec;
};
