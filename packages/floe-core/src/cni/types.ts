import type { VersionFinding } from './kubernetes-version.js';

/**
 * What `check-cni` reads from a cluster, as plain data, and what it concludes.
 * The snapshot is built at the edge (gather.ts); detection is pure.
 */

export interface ContainerInfo {
  name: string;
  image: string;
  command: string[];
  args: string[];
}

/** One of metadata.ownerReferences: who manages the object (an operator's custom resource). */
export interface OwnerInfo {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
}

/** What a DaemonSet's status says about its pods (absent counts are 0). */
export interface DaemonSetStatusInfo {
  /** Nodes that should run a pod of it. */
  desiredNumberScheduled: number;
  /** Pods of it that are ready. */
  numberReady: number;
}

/** A DaemonSet or Deployment, reduced to what identifies a network plugin. */
export interface WorkloadInfo {
  kind: 'DaemonSet' | 'Deployment';
  namespace: string;
  name: string;
  /** spec.template.spec.containers (init containers never run the agent). */
  containers: ContainerInfo[];
  /** metadata.ownerReferences; absent is none. */
  owners?: OwnerInfo[];
  /** A DaemonSet's status; absent counts as nothing scheduled. */
  status?: DaemonSetStatusInfo;
}

export interface ConfigMapInfo {
  namespace: string;
  name: string;
  data: Record<string, string>;
}

export interface NodeInfo {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** status.nodeInfo.kubeletVersion, e.g. v1.31.4+k3s1, when the node reported it. */
  kubeletVersion?: string;
}

/** A custom resource such as the Tigera operator's Installation. */
export interface CustomObjectInfo {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** metadata.uid: what an ownerReference to it must name. */
  uid?: string;
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
}

/** One read made to build the snapshot, for the `unknown` verdict's "looked at" list. */
export interface LookedAt {
  /** kubectl's name for it: daemonsets.apps, configmaps, installations.operator.tigera.io. */
  resource: string;
  /** 'all namespaces', 'cluster', or the names asked for. */
  scope: string;
  /** Objects found. */
  found: number;
}

export interface CniSnapshot {
  daemonSets: WorkloadInfo[];
  deployments: WorkloadInfo[];
  configMaps: ConfigMapInfo[];
  /** Names of the CustomResourceDefinitions present, e.g. installations.operator.tigera.io. */
  crds: string[];
  nodes: NodeInfo[];
  customObjects: CustomObjectInfo[];
  lookedAt: LookedAt[];
  /** The API server's version (GET /version); absent when not read. */
  serverVersion?: { gitVersion: string; major: string; minor: string };
}

/** One next step of `check-cni` (advice.ts). */
export interface CniAdvice {
  /** The plugin (or platform: gke, aks; or unknown) the step is for. */
  plugin: string;
  /** One concrete next step. */
  step: string;
  /** The plugin's own documentation for that step. */
  docs: string;
}

export type CniVerdict = 'enforced' | 'not-enforced' | 'unknown';

/** One fact about one object that the verdict rests on. */
export interface CniEvidence {
  kind: string;
  /** Absent for cluster-scoped objects (Node, CustomResourceDefinition, Installation). */
  namespace?: string;
  name: string;
  /** Where in the object: a field path such as spec.template.spec.containers[calico-node].image. */
  field: string;
  value: string;
  /** What the value means for enforcement. */
  meaning: string;
}

/** A plausibility check of an install that a match failed: why it is not counted. */
export interface UnverifiedCheck {
  kind: string;
  namespace?: string;
  name: string;
  /** namespace: not where the plugin installs (and no operator owns it); image: not the plugin's image repository; status: no pod of it runs. */
  check: 'namespace' | 'image' | 'status';
  message: string;
}

export interface CniPlugin {
  /** Stable id: calico, canal, cilium, antrea, kube-router, weave-net, kindnet, flannel, aws-vpc-cni, ... */
  name: string;
  /** For people: "Calico", "GKE Dataplane V2". */
  title: string;
  /** From image tags (or the operator's status); null when no tag says it. Several versions are joined with ", ". */
  version: string | null;
  /** true: enforces NetworkPolicy; false: installed but does not; null: cannot tell from what is visible. */
  enforcesPolicy: boolean | null;
  /** One sentence: why enforcesPolicy is what it is. */
  reason: string;
  evidence: CniEvidence[];
  /**
   * Set when what was matched does not look like an install (wrong namespace,
   * image or status): it then decides nothing (enforcesPolicy null). Empty or
   * absent when verified.
   */
  unverified?: UnverifiedCheck[];
}

export interface CniReport {
  verdict: CniVerdict;
  /** One sentence a person reads first. */
  summary: string;
  /** Names of the plugins that enforce NetworkPolicy. */
  enforcedBy: string[];
  plugins: CniPlugin[];
  /** Every plugin's evidence, in one list. */
  evidence: CniEvidence[];
  /** How several plugins combine, and signals that decided nothing (CRDs or controllers without an agent). */
  notes: string[];
  lookedAt: LookedAt[];
  /** What to do next: empty when enforced; one step per plugin otherwise, with its documentation (advice.ts). */
  advice: CniAdvice[];
  /** The server's Kubernetes version and what is wrong with it for floe; null when not read. */
  kubernetes: { version: string; minor: number | null; findings: VersionFinding[] } | null;
  /** The network-policy-api's cluster-scoped policies: CRDs installed, and whether each detected plugin enforces them (cluster-policies.ts). */
  clusterPolicies?: ClusterPolicyReport;
}

/** The network-policy-api APIs check-cni reports on (BaselineAdminNetworkPolicy goes with AdminNetworkPolicy). */
export type ClusterPolicyApi = 'ClusterNetworkPolicy' | 'AdminNetworkPolicy';

export interface ClusterPolicySupport {
  plugin: string;
  api: ClusterPolicyApi;
  /** true: this version enforces it; false: it does not; null: not known (unknown plugin or version). */
  enforced: boolean | null;
  /** One line: since which version, with what, or why unknown. */
  detail: string;
  /** Where the table row comes from; null when nothing is known. */
  source: string | null;
}

export interface ClusterPolicyReport {
  /** Which network-policy-api CRDs are installed (kind -> installed). */
  crds: Record<string, boolean>;
  support: ClusterPolicySupport[];
}
