/**
 * @floe/core/k8s: the Kubernetes object types floe reads and writes, defined
 * once (metav1, networking.k8s.io/v1, core/v1), and the few helpers of the
 * object envelope. The bottom layer: it imports nothing of floe but errors
 * and util. Listed by name: an internal helper never becomes API by accident.
 */

export {
  isKubeObject,
  NAMESPACE_NAME_LABEL,
  SELECTOR_OPERATORS,
  type KubeList,
  type KubeObject,
  type KubeObjectMeta,
  type KubernetesObject,
  type Labels,
  type LabelSelector,
  type LabelSelectorOperator,
  type LabelSelectorRequirement,
  type ObjectMeta,
  type OwnerReference,
} from './meta.js';
export {
  POLICY_TYPES,
  PROTOCOLS,
  type IPBlock,
  type NetworkPolicy,
  type NetworkPolicyEgressRule,
  type NetworkPolicyIngressRule,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  type NetworkPolicySpec,
  type PolicyType,
  type Protocol,
} from './networking.js';
export type {
  AppArmorProfile,
  Capabilities,
  Container,
  ContainerPort,
  HostHandler,
  Namespace,
  Pod,
  PodSecurityContext,
  PodSpec,
  PodTemplate,
  PodTemplateMetadata,
  PodTemplateSpec,
  SeccompProfile,
  SecurityContext,
  SELinuxOptions,
  Volume,
  VolumeMount,
  WindowsOptions,
} from './core.js';
export type {
  AdmissionOperation,
  MatchCondition,
  MatchResources,
  NamedRuleWithOperations,
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
  Validation,
  ValidationAction,
  Variable,
} from './admission.js';
export { API_DEFAULTS, applyDefaults, DEFAULT_PROTOCOL, defaultPodSpec, defaultPolicyTypes, namespaceLabels, type ApiDefault } from './defaults.js';
export { flattenLists, podPath, podTemplateOf, POD_PATHS, WORKLOAD_KINDS, type SourcedObject, type WorkloadKind } from './objects.js';
