/**
 * @floe/core/plugin: the NetworkSecurityPlugin API (plan in, objects out), the Kubernetes object types, plugin discovery.
 * A plugin imports this entry rather than @floe/core: it loads a fraction of the modules.
 * Listed by name: an internal helper never becomes API by accident.
 */

export {
  capabilitiesOf,
  FLOE_API_VERSION,
  isApiCompatible,
  kindsOf,
  PLUGIN_CAPABILITIES,
  NetworkSecurityPlugin,
  type GroupAllowance,
  type NamespacePlan,
  type NamespacePodSecurity,
  type NetworkPlan,
  type PluginCapability,
  type PluginMetadata,
  type PluginObjectKind,
  type PodGroup,
  type PolicyRule,
  type RenderedObject,
  type RulePeer,
  type RulePurpose,
} from './plugin.js';
export { assertCapabilities, intentCapabilityNeeds, planCapabilityNeeds, shippedPluginsWith, type CapabilityNeed } from './capabilities.js';
export { SHIPPED_PLUGINS } from './shipped.js';
// Plugins report bad input (a plan they cannot express) with the core's error class: exit 2, never "internal error".
export { InputError } from '../errors.js';
// The Kubernetes object types a plugin renders, defined once in src/k8s/ and re-exported here under the same names.
export type {
  Container,
  IPBlock,
  KubernetesObject,
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
} from '../k8s/index.js';
export { DEFAULT_PLUGIN, discoverPlugins, instantiate, KNOWN_PLUGIN_PACKAGES, loadPlugin, type DiscoveredPlugin } from './discovery.js';
// The order floe sorts strings in (code units, never the locale): a plugin's output must be deterministic too.
export { compareStrings } from '../util/compare.js';
// A plugin renders port specs from the plan.
export type { PortSpec } from '../intent/types.js';
