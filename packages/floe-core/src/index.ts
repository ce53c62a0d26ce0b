/**
 * @floe/core: the stable API. It is the union of the stable subpaths, listed
 * by name: @floe/core/errors, /config, /plugin, /k8s (and /testing, the plugin
 * contract suite, which needs vitest and so is a subpath only). Each is also
 * importable on its own, which loads only its modules.
 *
 * Every other subpath (/intent, /network, /policy, /pss, /validate, /diff,
 * /cluster, /cni, /inventory, /manifests, /telemetry, /util) is internal:
 * it serves @floe/cli and floe's own tests and may change in any release.
 * package.json "floeStableExports" names the stable ones; ARCHITECTURE.md
 * says why.
 */

// Typed errors: what library code throws, and the exit code each maps to.
export {
  EnvironmentError,
  type ErrorCategory,
  FindingError,
  FloeError,
  formatIssue,
  InputError,
  ManifestError,
  type ManifestIssue,
} from './errors.js';

// manifest.yaml: the schema, loading with limits and located problems, the JSON Schema, problem codes.
export {
  DEFAULT_EXTERNAL_HTTPS_EXCEPT,
  DEFAULT_SERVICE_POD_LABELS,
  defaultManifest,
  domainNamespace,
  type EgressAllowRule,
  type FloeManifest,
  type LoadedManifest,
  loadManifestFile,
  MANIFEST_PROBLEM_CODES,
  manifestJsonSchema,
  type ManifestProblemCode,
  ManifestSchema,
  MAX_ALIAS_COUNT,
  MAX_MANIFEST_BYTES,
  type NetworkPoliciesConfig,
  parseManifest,
  type ParseOptions,
  type PodSecurityConfig,
  problemCode,
  type Protocol,
  PSS_LEVELS,
  type PssLevel,
  type SecurityConfig,
  SERVICE_KEYS,
  type ServiceKey,
  STRICT_KEY,
} from './config/index.js';

// The plugin API: NetworkSecurityPlugin, the plan it renders, discovery, and the Kubernetes types it renders.
export {
  compareStrings,
  type Container,
  DEFAULT_PLUGIN,
  type DiscoveredPlugin,
  discoverPlugins,
  FLOE_API_VERSION,
  type GroupAllowance,
  instantiate,
  type IPBlock,
  isApiCompatible,
  KNOWN_PLUGIN_PACKAGES,
  type KubernetesObject,
  type Labels,
  type LabelSelector,
  type LabelSelectorRequirement,
  loadPlugin,
  type Namespace,
  type NamespacePlan,
  type NamespacePodSecurity,
  type NetworkPlan,
  type NetworkPolicy,
  type NetworkPolicyEgressRule,
  type NetworkPolicyIngressRule,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  NetworkSecurityPlugin,
  type ObjectMeta,
  type PluginMetadata,
  type PodGroup,
  type PodSecurityContext,
  type PodTemplate,
  type PolicyRule,
  type PortSpec,
  type RenderedObject,
  type RulePeer,
  type SeccompProfile,
  type SecurityContext,
  type Volume,
  type VolumeMount,
} from './plugin/index.js';

// The Kubernetes object types floe reads and writes (Protocol stays on @floe/core/k8s: config's Protocol is the manifest's).
export {
  API_DEFAULTS,
  type ApiDefault,
  type AppArmorProfile,
  applyDefaults,
  type Capabilities,
  type ContainerPort,
  DEFAULT_PROTOCOL,
  defaultPodSpec,
  defaultPolicyTypes,
  flattenLists,
  type HostHandler,
  isKubeObject,
  type KubeList,
  type KubeObject,
  type KubeObjectMeta,
  type LabelSelectorOperator,
  NAMESPACE_NAME_LABEL,
  namespaceLabels,
  type NetworkPolicySpec,
  type OwnerReference,
  type Pod,
  POD_PATHS,
  podPath,
  type PodSpec,
  type PodTemplateMetadata,
  podTemplateOf,
  type PodTemplateSpec,
  POLICY_TYPES,
  type PolicyType,
  PROTOCOLS,
  SELECTOR_OPERATORS,
  type SELinuxOptions,
  type SourcedObject,
  type WindowsOptions,
  WORKLOAD_KINDS,
  type WorkloadKind,
} from './k8s/index.js';
