/**
 * The public API of @floe/core: what the CLI, plugins and other tools may
 * import. Listed by name so that an internal helper never becomes API by
 * accident; @floe/core/testing holds the plugin contract suite.
 */

// Errors and exit categories
export { EnvironmentError, FindingError, FloeError, formatIssue, InputError, ManifestError, type ErrorCategory, type ManifestIssue } from './errors.js';

// The manifest
export {
  DEFAULT_EXTERNAL_HTTPS_EXCEPT,
  DEFAULT_SERVICE_POD_LABELS,
  domainNamespace,
  ManifestSchema,
  PSS_LEVELS,
  SERVICE_KEYS,
  type EgressAllowRule,
  type FloeManifest,
  type NetworkPoliciesConfig,
  type PodSecurityConfig,
  type Protocol,
  type PssLevel,
  type SecurityConfig,
  type ServiceKey,
} from './config/schema.js';
export { defaultManifest, loadManifestFile, MAX_ALIAS_COUNT, MAX_MANIFEST_BYTES, parseManifest, type LoadedManifest } from './config/load.js';
export { manifestJsonSchema } from './config/json-schema.js';
export { MANIFEST_PROBLEM_CODES, problemCode, type ManifestProblemCode } from './config/problem-codes.js';

// Intents: the flows the platform needs
export type { CidrPeer, IntentPlan, ManagedNamespace, NamespaceRole, NetworkIntent, Peer, PodsPeer, PortSpec } from './intent/types.js';
export { buildIntents, externalHttpsBlocks, jobRunIntent, managedNamespaces } from './intent/build.js';

// The plugin API
export {
  FLOE_API_VERSION,
  isApiCompatible,
  NetworkSecurityPlugin,
  type GroupAllowance,
  type KubernetesObject,
  type NamespacePlan,
  type NamespacePodSecurity,
  type NetworkPlan,
  type PluginMetadata,
  type PodGroup,
  type PolicyRule,
  type RenderedObject,
  type RulePeer,
} from './plugin/plugin.js';
export type {
  Container,
  IPBlock,
  LabelSelector,
  LabelSelectorRequirement,
  Labels,
  Namespace,
  NetworkPolicy,
  NetworkPolicyEgressRule,
  NetworkPolicyIngressRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  ObjectMeta,
  PodSecurityContext,
  PodTemplate,
  SeccompProfile,
  SecurityContext,
  Volume,
  VolumeMount,
} from './plugin/k8s-types.js';
export { DEFAULT_PLUGIN, discoverPlugins, instantiate, KNOWN_PLUGIN_PACKAGES, loadPlugin, type DiscoveredPlugin } from './plugin/discovery.js';

// Generation: plan, Pod Security, rendering, writing
export { generateJobRunPolicy, NetworkPolicyManifestGenerator, type GeneratedFile, type GenerationResult, type GeneratorOptions, type NamespaceReport } from './network/generator.js';
export { enforceLevel, planFromIntents, planNetwork, podSecurityFor, type PlannedNetwork } from './network/plan.js';
export { mergeAllowances, normalizePorts, type Allowance } from './network/merge.js';
export { COMPONENT_LABEL, floeLabels, MANAGED_BY_LABEL } from './network/labels.js';
export { GENERATED_HEADER, renderObjectYaml } from './network/render.js';
export { describePeer, describePorts, renderSummary, SUMMARY_FILE } from './network/summary.js';
export { OWNERSHIP_FILE, replaceOutputDir, type FileToWrite } from './network/writer.js';
export { PLACEHOLDER_IMAGE, POD_TEMPLATE_NAME, renderNamespace, renderPodTemplate } from './podsecurity/render.js';

// Telemetry
export { auditEvent, createLogger, withSpan, type AuditEvent, type LevelWithSilent, type Logger } from './telemetry/index.js';

// Utilities other packages use
export { sha256 } from './util/hash.js';
export { cidrContains, parseCidr, type Cidr, type CidrParse } from './util/cidr.js';

export * from './cluster/index.js';
export * from './cni/index.js';
export * from './validate/index.js';
export * from './pss/index.js';
export * from './diff/index.js';
export * from './policy/index.js';
export * from './policy/pss-violations.js';
