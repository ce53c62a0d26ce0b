import type { ResourceRef } from './types.js';

const ref = (group: string, version: string, resource: string, kind: string, namespaced: boolean): ResourceRef => ({ group, version, resource, kind, namespaced });

/** The resources floe reads. Anything else can be described with a ResourceRef of its own. */
export const RESOURCES = {
  namespaces: ref('', 'v1', 'namespaces', 'Namespace', false),
  nodes: ref('', 'v1', 'nodes', 'Node', false),
  pods: ref('', 'v1', 'pods', 'Pod', true),
  podTemplates: ref('', 'v1', 'podtemplates', 'PodTemplate', true),
  configMaps: ref('', 'v1', 'configmaps', 'ConfigMap', true),
  services: ref('', 'v1', 'services', 'Service', true),
  networkPolicies: ref('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true),
  /** Written by the cilium plugin; served once Cilium's CRDs are installed. */
  ciliumNetworkPolicies: ref('cilium.io', 'v2', 'ciliumnetworkpolicies', 'CiliumNetworkPolicy', true),
  daemonSets: ref('apps', 'v1', 'daemonsets', 'DaemonSet', true),
  deployments: ref('apps', 'v1', 'deployments', 'Deployment', true),
  statefulSets: ref('apps', 'v1', 'statefulsets', 'StatefulSet', true),
  replicaSets: ref('apps', 'v1', 'replicasets', 'ReplicaSet', true),
  jobs: ref('batch', 'v1', 'jobs', 'Job', true),
  cronJobs: ref('batch', 'v1', 'cronjobs', 'CronJob', true),
  endpointSlices: ref('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true),
  clusterNetworkPolicies: ref('policy.networking.k8s.io', 'v1beta1', 'clusternetworkpolicies', 'ClusterNetworkPolicy', false),
  clusterNetworkPoliciesV1alpha2: ref('policy.networking.k8s.io', 'v1alpha2', 'clusternetworkpolicies', 'ClusterNetworkPolicy', false),
  adminNetworkPolicies: ref('policy.networking.k8s.io', 'v1alpha1', 'adminnetworkpolicies', 'AdminNetworkPolicy', false),
  baselineAdminNetworkPolicies: ref('policy.networking.k8s.io', 'v1alpha1', 'baselineadminnetworkpolicies', 'BaselineAdminNetworkPolicy', false),
  validatingAdmissionPolicies: ref('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies', 'ValidatingAdmissionPolicy', false),
  validatingAdmissionPolicyBindings: ref('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicybindings', 'ValidatingAdmissionPolicyBinding', false),
  ciliumClusterwideNetworkPolicies: ref('cilium.io', 'v2', 'ciliumclusterwidenetworkpolicies', 'CiliumClusterwideNetworkPolicy', false),
  customResourceDefinitions: ref('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false),
} as const satisfies Record<string, ResourceRef>;

/** The ResourceRef of a kind floe writes (for dry-run apply of generated files). */
export function resourceForKind(apiVersion: string, kind: string): ResourceRef | undefined {
  return Object.values(RESOURCES).find((r) => r.kind === kind && (r.group ? `${r.group}/${r.version}` : r.version) === apiVersion);
}

/** 'networkpolicies.networking.k8s.io' / 'namespaces': how kubectl and RBAC name a resource. */
export function resourceName(r: ResourceRef): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}
