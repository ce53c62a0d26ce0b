/**
 * The cluster-scoped policies of the network-policy-api project
 * (policy.networking.k8s.io), as floe writes them: ClusterNetworkPolicy
 * v1beta1 (network-policy-api v0.3.x, tiers Admin and Baseline) and
 * AdminNetworkPolicy / BaselineAdminNetworkPolicy v1alpha1 in the shape of
 * network-policy-api v0.1.5 and later (peers `namespaces` and `pods`, egress
 * `networks`), which the CNIs that enforce v1alpha1 ship. Plain data with
 * the API's own field names; what the fields mean is the policy engine's.
 */
import type { LabelSelector, ObjectMeta } from './meta.js';

export const POLICY_API_GROUP = 'policy.networking.k8s.io';

/** `pods` of a subject or peer: pods matching podSelector in namespaces matching namespaceSelector. */
export type NamespacedPod = {
  namespaceSelector: LabelSelector;
  podSelector: LabelSelector;
};

/** Exactly one of namespaces and pods. */
export type ClusterPolicySubject = {
  namespaces?: LabelSelector;
  pods?: NamespacedPod;
};

// ---- ClusterNetworkPolicy v1beta1 -------------------------------------------

export type ClusterNetworkPolicyTier = 'Admin' | 'Baseline';
export type ClusterNetworkPolicyAction = 'Accept' | 'Deny' | 'Pass';

export type ClusterNetworkPolicyPort = { number: number } | { range: { start: number; end: number } };

/** Exactly one field. */
export type ClusterNetworkPolicyProtocol = {
  tcp?: { destinationPort?: ClusterNetworkPolicyPort };
  udp?: { destinationPort?: ClusterNetworkPolicyPort };
  sctp?: { destinationPort?: ClusterNetworkPolicyPort };
  destinationNamedPort?: string;
};

export type ClusterNetworkPolicyIngressPeer = {
  namespaces?: LabelSelector;
  pods?: NamespacedPod;
};

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

export type ClusterNetworkPolicy = {
  apiVersion: 'policy.networking.k8s.io/v1beta1';
  kind: 'ClusterNetworkPolicy';
  metadata: ObjectMeta;
  spec: {
    tier: ClusterNetworkPolicyTier;
    /** 0 to 1000; lower is evaluated first within a tier. */
    priority: number;
    subject: ClusterPolicySubject;
    ingress?: ClusterNetworkPolicyIngressRule[];
    egress?: ClusterNetworkPolicyEgressRule[];
  };
};

// ---- AdminNetworkPolicy and BaselineAdminNetworkPolicy v1alpha1 -------------

export type AdminNetworkPolicyAction = 'Allow' | 'Deny' | 'Pass';
export type BaselineAdminNetworkPolicyAction = 'Allow' | 'Deny';

/** Exactly one field. */
export type AdminNetworkPolicyPort = {
  portNumber?: { protocol: 'TCP' | 'UDP' | 'SCTP'; port: number };
  portRange?: { protocol?: 'TCP' | 'UDP' | 'SCTP'; start: number; end: number };
  namedPort?: string;
};

export type AdminNetworkPolicyIngressPeer = {
  namespaces?: LabelSelector;
  pods?: NamespacedPod;
};

export type AdminNetworkPolicyEgressPeer = AdminNetworkPolicyIngressPeer & {
  nodes?: LabelSelector;
  networks?: string[];
};

export type AdminNetworkPolicyIngressRule<A extends string = AdminNetworkPolicyAction> = {
  name?: string;
  action: A;
  from: AdminNetworkPolicyIngressPeer[];
  ports?: AdminNetworkPolicyPort[];
};

export type AdminNetworkPolicyEgressRule<A extends string = AdminNetworkPolicyAction> = {
  name?: string;
  action: A;
  to: AdminNetworkPolicyEgressPeer[];
  ports?: AdminNetworkPolicyPort[];
};

export type AdminNetworkPolicy = {
  apiVersion: 'policy.networking.k8s.io/v1alpha1';
  kind: 'AdminNetworkPolicy';
  metadata: ObjectMeta;
  spec: {
    /** 0 to 1000; lower is evaluated first. */
    priority: number;
    subject: ClusterPolicySubject;
    ingress?: AdminNetworkPolicyIngressRule[];
    egress?: AdminNetworkPolicyEgressRule[];
  };
};

/** A cluster singleton: the API accepts only the name `default`. */
export type BaselineAdminNetworkPolicy = {
  apiVersion: 'policy.networking.k8s.io/v1alpha1';
  kind: 'BaselineAdminNetworkPolicy';
  metadata: ObjectMeta;
  spec: {
    subject: ClusterPolicySubject;
    ingress?: AdminNetworkPolicyIngressRule<BaselineAdminNetworkPolicyAction>[];
    egress?: AdminNetworkPolicyEgressRule<BaselineAdminNetworkPolicyAction>[];
  };
};

export const BASELINE_ADMIN_NETWORK_POLICY_NAME = 'default';

export type ClusterScopedPolicy = ClusterNetworkPolicy | AdminNetworkPolicy | BaselineAdminNetworkPolicy;
