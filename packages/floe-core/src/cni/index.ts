export type {
  ClusterPolicyApi,
  ClusterPolicyReport,
  ClusterPolicySupport,
  CniEvidence,
  CniPlugin,
  CniReport,
  CniSnapshot,
  CniVerdict,
  ConfigMapInfo,
  ContainerInfo,
  CustomObjectInfo,
  LookedAt,
  NodeInfo,
  WorkloadInfo,
} from './types.js';
export { detectCni, CNI_CRDS } from './detect.js';
export { gatherCniSnapshot, CNI_CONFIGMAPS, TIGERA_INSTALLATIONS } from './gather.js';
export { cniJson, cniText, type CniCluster, type CniJson } from './render.js';
export { parseImage, imageVersion, type ImageRef } from './image.js';
export { KINDNET_FIRST_ENFORCING_DATE } from './detectors/kindnet.js';
export { cniAdvice, type CniAdvice } from './advice.js';
export { kubernetesVersionFindings, parseKubernetesVersion, OLDEST_SUPPORTED_MINOR, POD_SECURITY_MINOR, type KubernetesVersion, type VersionFinding } from './kubernetes-version.js';
export { clusterPolicyReport, clusterPolicySupport, POLICY_API_CRDS } from './cluster-policies.js';
