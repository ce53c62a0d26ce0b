import type { PssLevel } from '../config/schema.js';
import type { IntentPurpose, NamespaceRole, PortSpec } from '../intent/types.js';
import type { KubernetesObject, Labels } from '../k8s/meta.js';

/**
 * The plugin API version this core implements. Plugins declare the version
 * they were built for; the major must match and the minor must not be newer.
 * 2.0: plugins render a whole NetworkPlan into objects of any kind (1.x had
 * one abstract method per NetworkPolicy piece and rendered Pod Security too).
 * 2.1: host-name peers (RulePeer kind 'fqdn'), each rule's purposes
 * (PolicyRule.purposes), and the capabilities a plugin declares
 * (PluginMetadata.capabilities), checked by the core before render().
 */
export const FLOE_API_VERSION = '2.1';

/**
 * What a plugin can render beyond pods and IP blocks. The core refuses, before
 * render(), a plan that needs a capability the selected plugin does not
 * declare (exit 2, naming the rule and a plugin that has it).
 *  - fqdn-egress: egress to host names (RulePeer kind 'fqdn'), e.g. Cilium's toFQDNs.
 *    Required by every plan with an fqdn peer.
 *  - api-server-entity: the plugin renders rules with purpose 'api-server' by
 *    the API server's identity (Cilium's toEntities: [kube-apiserver]) instead
 *    of their IP blocks. Never required: plugins without it render the blocks.
 */
export const PLUGIN_CAPABILITIES = ['fqdn-egress', 'api-server-entity'] as const;
export type PluginCapability = (typeof PLUGIN_CAPABILITIES)[number];

export interface PluginMetadata {
  /** The name users select, e.g. "k8s". */
  name: string;
  /** The plugin package's own version. */
  version: string;
  /** The plugin API version it implements: same major as FLOE_API_VERSION, minor not newer. */
  floeApiVersion: string;
  description?: string;
  /** What it can render beyond pods and IP blocks (API 2.1); none when omitted. */
  capabilities?: readonly PluginCapability[];
  /**
   * The kinds of object it renders (API 2.1). `floe network validate` accepts
   * these beside the core's Namespace and PodTemplate, and checks each against
   * the schema the core knows for it (NetworkPolicy, CiliumNetworkPolicy) or
   * the plugin's own `schemaIssues`. Omitted: NetworkPolicy (networking.k8s.io/v1).
   */
  kinds?: readonly PluginObjectKind[];
}

/** One kind of object a plugin renders. */
export interface PluginObjectKind {
  apiVersion: string;
  kind: string;
  /**
   * Every way an object of this kind, read back from a file, breaks its API
   * schema (path from the object's root, message as the API server words it);
   * [] when it conforms. Optional when the core knows the kind's schema.
   */
  schemaIssues?: (object: unknown) => { path: (string | number)[]; message: string }[];
}

/** The kinds a plugin declares; NetworkPolicy for a plugin built for API 2.0. */
export function kindsOf(metadata: Pick<PluginMetadata, 'kinds'>): readonly PluginObjectKind[] {
  return metadata.kinds ?? [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' }];
}

/**
 * A peer of a rule: pods in one or more namespaces (AND pod labels; none =
 * every pod), an IP block, or (egress only) host names outside the cluster.
 *
 * `fqdn`: lower-cased DNS names, sorted and unique; an exact name
 * ("s3.eu-west-1.amazonaws.com") or a pattern "*.example.com", which matches
 * a name with exactly one more label ("a.example.com"; not "example.com",
 * not "a.b.example.com"), as Cilium's matchPattern and TLS wildcards do. A rule holds at most one fqdn peer (the names of
 * one rule's ports, united). Only a plugin declaring 'fqdn-egress' gets a
 * plan with one; the CIDR form of allow_external_https never becomes one.
 */
export type RulePeer =
  | { kind: 'pods'; namespaces: string[]; podLabels?: Labels }
  | { kind: 'cidr'; cidr: string; except: string[] }
  | { kind: 'fqdn'; names: string[] };

/**
 * What a rule is for, from the intents behind it: 'dns', 'api-server',
 * 'external-https', 'platform-service', 'ingress-controller',
 * 'same-namespace', 'egress-allow', 'job-run' (intent/types.ts). A plugin adds
 * what its CNI needs around such flows (Cilium: the DNS-proxy rule on the
 * 'dns' egress, which toFQDNs requires; the kube-apiserver entity for
 * 'api-server'), never wider than the rule's peers and ports.
 */
export type RulePurpose = IntentPurpose;

/** One rule: any of `peers` on any of `ports` (empty ports = every port). */
export interface PolicyRule {
  peers: RulePeer[];
  ports: PortSpec[];
  /** The purposes of the intents merged into this rule, sorted; at least one. */
  purposes: RulePurpose[];
}

/** Pods of one namespace: those carrying every label in `podLabels`; {} = every pod of the namespace. */
export interface PodGroup {
  /** A DNS-label-safe name for the group ("polaris"), or null for the whole namespace. Stable across runs. */
  name: string | null;
  podLabels: Labels;
}

/**
 * What one pod group may do in one direction: for egress the group is the
 * source and the rules name destinations; for ingress it is the destination
 * and the rules name sources. Rules are already merged: exact, minimal and in
 * a stable order.
 */
export interface GroupAllowance {
  group: PodGroup;
  rules: PolicyRule[];
  /** Ids of the intents this allowance implements, for traceability. */
  intents: string[];
}

export interface NamespacePodSecurity {
  enforce: PssLevel;
  audit: PssLevel;
  warn: PssLevel;
  version: string;
}

/** One managed namespace as the core resolved it. */
export interface NamespacePlan {
  name: string;
  role: NamespaceRole;
  /** The domain's name, for role "domain". */
  domain?: string;
  /** Labels for every object created in this namespace (app.kubernetes.io/managed-by: floe, ...). */
  labels: Labels;
  /** The resolved Pod Security levels; null when pod security is disabled. The core renders them. */
  podSecurity: NamespacePodSecurity | null;
  /** Isolate every pod of the namespace in both directions, so only the allowances below pass. */
  defaultDeny: boolean;
  /** Per source pod group in this namespace: the destinations it may open connections to. */
  egress: GroupAllowance[];
  /** Per destination pod group in this namespace: the sources that may connect to it. */
  ingress: GroupAllowance[];
}

/**
 * The plugin-neutral description of the whole platform's network security,
 * computed by the core from the manifest's intents. Plain data; a plugin
 * must not modify it.
 */
export interface NetworkPlan {
  /** The manifest's `name`. */
  platform: string;
  /** security.network_policies.enabled; when false every namespace has no allowances and no default-deny. */
  networkPoliciesEnabled: boolean;
  namespaces: NamespacePlan[];
}

/** One object the plugin chose to render, and the file it goes to. */
export interface RenderedObject {
  /** A plain file name in the output directory, ending in .yaml, e.g. "floe-jobs-allow-egress.yaml". */
  path: string;
  object: KubernetesObject;
}

/**
 * A network security plugin turns the core's NetworkPlan into the objects of
 * one enforcement technology (Kubernetes NetworkPolicy, CiliumNetworkPolicy,
 * Calico policies...). It chooses kinds, names and files; the core writes
 * them and reports them. Pod Security (Namespace labels, the hardened
 * PodTemplate) is the core's: it does not depend on the CNI.
 *
 * Implementations must be pure and deterministic: the same plan renders
 * byte-identical objects, and every allowance in the plan is rendered exactly,
 * neither narrower nor wider.
 */
export abstract class NetworkSecurityPlugin {
  abstract readonly metadata: PluginMetadata;

  /** Every network object for the plan; an empty list when the plan has nothing to enforce. */
  abstract render(plan: NetworkPlan): RenderedObject[];
}

/** The capabilities a plugin declares; none for a plugin built for API 2.0. */
export function capabilitiesOf(metadata: PluginMetadata): ReadonlySet<PluginCapability> {
  return new Set(metadata.capabilities ?? []);
}

/** True when a plugin built for `pluginApi` can run on a core implementing `coreApi`. */
export function isApiCompatible(pluginApi: string, coreApi: string = FLOE_API_VERSION): boolean {
  const parse = (v: string) => /^(\d+)\.(\d+)$/.exec(v);
  const p = parse(pluginApi);
  const c = parse(coreApi);
  if (!p || !c) return false;
  return p[1] === c[1] && Number(p[2]) <= Number(c[2]);
}
