/**
 * Plain-data shapes of the NetworkPolicy engine: the cluster model
 * (namespaces, pods, policies) it evaluates. The Kubernetes types it reads
 * are src/k8s/'s.
 */

import { PROTOCOLS, type NetworkPolicySpec, type Protocol } from '../k8s/networking.js';
import type { ContainerPort } from '../k8s/core.js';
import type { AdminNetworkPolicySpec, BaselineAdminNetworkPolicySpec, ClusterNetworkPolicySpec } from '../k8s/cluster-network.js';

// The Kubernetes API fields the engine reads are the k8s layer's types, re-exported under the names the engine always used.
export type { LabelSelector, LabelSelectorRequirement } from '../k8s/meta.js';
export type { IPBlock, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicySpec } from '../k8s/networking.js';
export type { ContainerPort } from '../k8s/core.js';

export type PolicyProtocol = Protocol;
export const POLICY_PROTOCOLS: readonly PolicyProtocol[] = PROTOCOLS;

export interface PolicyObject {
  namespace: string;
  name: string;
  spec: NetworkPolicySpec;
}

export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
}

/** What a pod (or a workload's pod template) looks like to NetworkPolicy. */
export interface PodInfo {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** Pod IPs; empty for pods read from files without status. */
  ips: string[];
  ports: ContainerPort[];
  /** The endpoint the pod is reported as: `ns/name[Kind]`. */
  endpoint: string;
  /** True for a workload's pod template standing for pods that are not in the input. */
  template?: boolean;
  /**
   * spec.hostNetwork: the pod has its node's address. NetworkPolicy does not
   * select it, and its traffic is the node's, which no podSelector matches.
   */
  hostNetwork?: boolean;
}

/** A cluster-scoped policy (policy.networking.k8s.io); what its tiers mean is policy/tiers.ts's. */
export type ClusterPolicyObject =
  | { kind: 'ClusterNetworkPolicy'; name: string; spec: ClusterNetworkPolicySpec }
  | { kind: 'AdminNetworkPolicy'; name: string; spec: AdminNetworkPolicySpec }
  | { kind: 'BaselineAdminNetworkPolicy'; name: string; spec: BaselineAdminNetworkPolicySpec };

/** Everything the engine needs; namespaces referenced by pods or policies but absent here exist implicitly. */
export interface ClusterModel {
  namespaces: NamespaceInfo[];
  pods: PodInfo[];
  policies: PolicyObject[];
  /** ClusterNetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy objects; absent or empty: NetworkPolicies alone decide. */
  clusterPolicies?: ClusterPolicyObject[];
  /** cilium.io/v2 CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies (policy/cilium.ts); absent: none. */
  ciliumPolicies?: CiliumPolicyObject[];
}

/** A CiliumNetworkPolicy (namespace set) or CiliumClusterwideNetworkPolicy (namespace null), as read: `spec` and `specs` are checked when compiled. */
export interface CiliumPolicyObject {
  kind: 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy';
  namespace: string | null;
  name: string;
  spec?: unknown;
  specs?: unknown;
}

/** How an ipBlock treats pod IPs: `match` as the upstream conformance suite does, `ignore` for CNIs that never match them. */
export type IpBlockPodIps = 'match' | 'ignore';

export interface EngineOptions {
  ipBlockPodIps?: IpBlockPodIps;
  /**
   * Connectivity only: cut external ranges at these CIDRs too and keep every
   * elementary range unmerged, so two engines over different policies report
   * the same external endpoints (a semantic diff compares them pairwise).
   */
  externalCuts?: string[];
  /**
   * The addresses Cilium's `kube-apiserver` entity stands for (CIDRs). Unset,
   * floe does not know them, and the entity matches no address it is asked about.
   */
  kubeApiserverCidrs?: string[];
}

export type Direction = 'ingress' | 'egress';

/** One side of a connection: a pod (or a workload's pod template), or an address outside the cluster. */
export type Endpoint =
  | { kind: 'pod'; pod: PodInfo }
  | { kind: 'external'; family: 4 | 6; value: bigint; text: string }
  /** A host name outside the cluster (`example.com`), or every name a `*.` pattern covers: its address is unknown to floe. */
  | { kind: 'host'; name: string; text: string };
