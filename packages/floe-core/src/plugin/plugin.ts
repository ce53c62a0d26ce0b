import type { PodSecurityConfig } from '../config/schema.js';
import type { ManagedNamespace, PortSpec } from '../intent/types.js';
import type {
  Labels,
  Namespace,
  NetworkPolicy,
  NetworkPolicyEgressRule,
  PodSecurityContext,
  PodTemplate,
  SecurityContext,
  Volume,
  VolumeMount,
} from './k8s-types.js';

/** The plugin API version this core implements. Plugins declare the version they were built for. */
export const FLOE_API_VERSION = '1.0';

export interface PluginMetadata {
  /** The name users select, e.g. "k8s". */
  name: string;
  /** The plugin package's own version. */
  version: string;
  /** The plugin API version it implements: same major as FLOE_API_VERSION, minor not newer. */
  floeApiVersion: string;
  description?: string;
}

/** A peer of a policy rule: pods in one or more namespaces (AND pod labels), or an IP block. */
export type RulePeer =
  | { kind: 'pods'; namespaces: string[]; podLabels?: Labels }
  | { kind: 'cidr'; cidr: string; except: string[] };

/** One rule: any of `peers` on any of `ports` (empty ports = every port). */
export interface PolicyRule {
  peers: RulePeer[];
  ports: PortSpec[];
}

/** A plugin-neutral description of one NetworkPolicy, computed by the core from intents. */
export interface NetworkPolicyConfig {
  name: string;
  namespace: string;
  labels: Labels;
  /** matchLabels of the pods the policy applies to; {} = every pod in the namespace. */
  podSelector: Labels;
  policyTypes: ('Ingress' | 'Egress')[];
  ingress: PolicyRule[];
  egress: PolicyRule[];
}

export interface DnsTarget {
  namespace: string;
  podLabels: Labels;
}

export interface WritableVolumes {
  volumes: Volume[];
  volumeMounts: VolumeMount[];
}

/**
 * A network security plugin turns the core's plugin-neutral descriptions into
 * objects for one enforcement technology. Implementations must be pure and
 * deterministic: the same input renders byte-identical objects.
 */
export abstract class NetworkSecurityPlugin {
  abstract readonly metadata: PluginMetadata;

  /** Renders one NetworkPolicy, stating policyTypes and every port's protocol. */
  abstract renderNetworkPolicy(config: NetworkPolicyConfig): NetworkPolicy;

  /** The default-deny policy of a namespace: every pod, both directions, no rules. */
  abstract renderDefaultDeny(namespace: ManagedNamespace, labels: Labels): NetworkPolicy;

  /** The DNS egress rule: UDP and TCP 53 to the DNS pods in their namespace only. */
  abstract renderDnsEgressRule(dns: DnsTarget): NetworkPolicyEgressRule;

  /** The Namespace object with Pod Security Standards labels (none when pod security is disabled). */
  abstract renderNamespace(namespace: ManagedNamespace, labels: Labels, podSecurity: PodSecurityConfig): Namespace;

  abstract renderPodSecurityContext(podSecurity: PodSecurityConfig): PodSecurityContext;

  abstract renderContainerSecurityContext(podSecurity: PodSecurityConfig): SecurityContext;

  /** One emptyDir volume and mount per writable path. */
  abstract renderWritableVolumes(podSecurity: PodSecurityConfig): WritableVolumes;

  /** A hardened workload template for a namespace; a pod made from it passes the namespace's enforce level. */
  abstract renderPodTemplate(namespace: ManagedNamespace, labels: Labels, podSecurity: PodSecurityConfig): PodTemplate;
}

/** True when a plugin built for `pluginApi` can run on a core implementing `coreApi`. */
export function isApiCompatible(pluginApi: string, coreApi: string = FLOE_API_VERSION): boolean {
  const parse = (v: string) => /^(\d+)\.(\d+)$/.exec(v);
  const p = parse(pluginApi);
  const c = parse(coreApi);
  if (!p || !c) return false;
  return p[1] === c[1] && Number(p[2]) <= Number(c[2]);
}
