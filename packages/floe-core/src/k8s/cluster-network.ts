/**
 * The cluster-scoped network policies of the network-policy-api project
 * (policy.networking.k8s.io): ClusterNetworkPolicy (v1beta1, and v1alpha2 with
 * the same schema) and the older AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy (v1alpha1). Optional where the API leaves a field
 * optional, so one type describes what floe reads and what it writes. What
 * the fields mean (tiers, priorities, actions) is the policy engine's alone
 * (src/policy/tiers.ts).
 */
import type { LabelSelector, ObjectMeta } from './meta.js';

export const POLICY_NETWORKING_GROUP = 'policy.networking.k8s.io';
export const CLUSTER_NETWORK_POLICY_VERSIONS = ['v1beta1', 'v1alpha2'] as const;
export type ClusterNetworkPolicyVersion = (typeof CLUSTER_NETWORK_POLICY_VERSIONS)[number];
export const CLUSTER_POLICY_KINDS = ['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'] as const;
export type ClusterPolicyKind = (typeof CLUSTER_POLICY_KINDS)[number];

export const CLUSTER_NETWORK_POLICY_TIERS = ['Admin', 'Baseline'] as const;
export type ClusterNetworkPolicyTier = (typeof CLUSTER_NETWORK_POLICY_TIERS)[number];
export type ClusterNetworkPolicyAction = 'Accept' | 'Deny' | 'Pass';

/** Pods in namespaces matching namespaceSelector (every namespace when empty) that match podSelector. */
export type NamespacedPodSelector = {
  namespaceSelector?: LabelSelector;
  podSelector?: LabelSelector;
};

/** Exactly one of namespaces and pods. */
export type ClusterNetworkPolicySubject = {
  namespaces?: LabelSelector;
  pods?: NamespacedPodSelector;
};

export type ClusterNetworkPolicyPortRange = { start: number; end: number };
/** Exactly one of number and range; absent: every port of the protocol. */
export type ClusterNetworkPolicyDestinationPort = { number?: number; range?: ClusterNetworkPolicyPortRange };
export type ClusterNetworkPolicyProtocolPorts = { destinationPort?: ClusterNetworkPolicyDestinationPort };

/** Exactly one of tcp, udp, sctp and destinationNamedPort (experimental channel). */
export type ClusterNetworkPolicyProtocol = {
  tcp?: ClusterNetworkPolicyProtocolPorts;
  udp?: ClusterNetworkPolicyProtocolPorts;
  sctp?: ClusterNetworkPolicyProtocolPorts;
  destinationNamedPort?: string;
};

export type ClusterNetworkPolicyIngressPeer = {
  namespaces?: LabelSelector;
  pods?: NamespacedPodSelector;
};

/** nodes and domainNames are experimental-channel fields. */
export type ClusterNetworkPolicyEgressPeer = ClusterNetworkPolicyIngressPeer & {
  nodes?: LabelSelector;
  networks?: string[];
  domainNames?: string[];
};

export type ClusterNetworkPolicyIngressRule = {
  name?: string;
  action: ClusterNetworkPolicyAction;
  from: ClusterNetworkPolicyIngressPeer[];
  protocols?: ClusterNetworkPolicyProtocol[];
};

export type ClusterNetworkPolicyEgressRule = {
  name?: string;
  action: ClusterNetworkPolicyAction;
  to: ClusterNetworkPolicyEgressPeer[];
  protocols?: ClusterNetworkPolicyProtocol[];
};

export type ClusterNetworkPolicySpec = {
  tier: ClusterNetworkPolicyTier;
  /** 0–1000; lower is evaluated first within the tier. */
  priority: number;
  subject: ClusterNetworkPolicySubject;
  ingress?: ClusterNetworkPolicyIngressRule[];
  egress?: ClusterNetworkPolicyEgressRule[];
};

export type ClusterNetworkPolicy = {
  apiVersion: `${typeof POLICY_NETWORKING_GROUP}/${ClusterNetworkPolicyVersion}`;
  kind: 'ClusterNetworkPolicy';
  metadata: ObjectMeta;
  spec: ClusterNetworkPolicySpec;
};

// --- v1alpha1: AdminNetworkPolicy and BaselineAdminNetworkPolicy ---

export type AdminNetworkPolicyAction = 'Allow' | 'Deny' | 'Pass';
export type BaselineAdminNetworkPolicyAction = 'Allow' | 'Deny';

/**
 * A v1alpha1 namespaces peer. Releases from v0.1.5 on write a plain label
 * selector; v0.1.0–v0.1.4 wrote exactly one of namespaceSelector, sameLabels
 * (the peer namespace has the subject namespace's values of these keys) and
 * notSameLabels. Both shapes are read.
 */
export type AdminNetworkPolicyNamespaces = LabelSelector & {
  namespaceSelector?: LabelSelector;
  sameLabels?: string[];
  notSameLabels?: string[];
};

/** v0.1.5+: namespaceSelector and podSelector; v0.1.0–v0.1.4: namespaces (as above) and podSelector. */
export type AdminNetworkPolicyPods = {
  namespaceSelector?: LabelSelector;
  namespaces?: AdminNetworkPolicyNamespaces;
  podSelector?: LabelSelector;
};

export type AdminNetworkPolicyPeer = {
  namespaces?: AdminNetworkPolicyNamespaces;
  pods?: AdminNetworkPolicyPods;
  /** Egress only, v0.1.5+. */
  nodes?: LabelSelector;
  networks?: string[];
};

/** Exactly one of portNumber, portRange and namedPort. */
export type AdminNetworkPolicyPort = {
  portNumber?: { protocol?: string; port: number };
  portRange?: { protocol?: string; start: number; end: number };
  namedPort?: string;
};

export type AdminNetworkPolicyIngressRule<A extends string = AdminNetworkPolicyAction> = {
  name?: string;
  action: A;
  from: AdminNetworkPolicyPeer[];
  ports?: AdminNetworkPolicyPort[];
};

export type AdminNetworkPolicyEgressRule<A extends string = AdminNetworkPolicyAction> = {
  name?: string;
  action: A;
  to: AdminNetworkPolicyPeer[];
  ports?: AdminNetworkPolicyPort[];
};

export type AdminNetworkPolicySubject = {
  namespaces?: LabelSelector;
  pods?: NamespacedPodSelector;
};

export type AdminNetworkPolicySpec = {
  priority: number;
  subject: AdminNetworkPolicySubject;
  ingress?: AdminNetworkPolicyIngressRule[];
  egress?: AdminNetworkPolicyEgressRule[];
};

export type BaselineAdminNetworkPolicySpec = {
  subject: AdminNetworkPolicySubject;
  ingress?: AdminNetworkPolicyIngressRule<BaselineAdminNetworkPolicyAction>[];
  egress?: AdminNetworkPolicyEgressRule<BaselineAdminNetworkPolicyAction>[];
};

export type AdminNetworkPolicy = {
  apiVersion: `${typeof POLICY_NETWORKING_GROUP}/v1alpha1`;
  kind: 'AdminNetworkPolicy';
  metadata: ObjectMeta;
  spec: AdminNetworkPolicySpec;
};

/** The API admits one, named `default`. */
export type BaselineAdminNetworkPolicy = {
  apiVersion: `${typeof POLICY_NETWORKING_GROUP}/v1alpha1`;
  kind: 'BaselineAdminNetworkPolicy';
  metadata: ObjectMeta;
  spec: BaselineAdminNetworkPolicySpec;
};
