/**
 * Plain-data shapes of the NetworkPolicy engine: the Kubernetes API fields it
 * reads, and the cluster model (namespaces, pods, policies) it evaluates.
 */

export type PolicyProtocol = 'TCP' | 'UDP' | 'SCTP';
export const POLICY_PROTOCOLS: readonly PolicyProtocol[] = ['TCP', 'UDP', 'SCTP'];

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface IPBlock {
  cidr: string;
  except?: string[];
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IPBlock;
}

export interface NetworkPolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyIngressRule {
  from?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicyEgressRule {
  to?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicySpec {
  podSelector?: LabelSelector;
  policyTypes?: string[];
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
}

export interface PolicyObject {
  namespace: string;
  name: string;
  spec: NetworkPolicySpec;
}

export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
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
}

/** Everything the engine needs; namespaces referenced by pods or policies but absent here exist implicitly. */
export interface ClusterModel {
  namespaces: NamespaceInfo[];
  pods: PodInfo[];
  policies: PolicyObject[];
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
}

export type Direction = 'ingress' | 'egress';
