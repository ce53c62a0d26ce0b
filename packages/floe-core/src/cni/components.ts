import { parseImage } from './image.js';
import type { CniEvidence, ContainerInfo, WorkloadInfo } from './types.js';

/** The node-agent containers check-cni recognises, by container name or image. */
export type Component =
  | 'calico-node'
  | 'flannel'
  | 'cilium-agent'
  | 'antrea-agent'
  | 'kube-router'
  | 'weave'
  | 'weave-npc'
  | 'kindnetd'
  | 'aws-node'
  | 'aws-eks-nodeagent'
  | 'azure-npm'
  | 'ovnkube'
  | 'kube-network-policies';

/** Container names the upstream manifests, Helm charts and operators use. */
const BY_CONTAINER_NAME: Record<string, Component> = {
  'calico-node': 'calico-node',
  'kube-flannel': 'flannel',
  'cilium-agent': 'cilium-agent',
  'antrea-agent': 'antrea-agent',
  'kube-router': 'kube-router',
  weave: 'weave',
  'weave-npc': 'weave-npc',
  'kindnet-cni': 'kindnetd',
  'aws-node': 'aws-node',
  'aws-eks-nodeagent': 'aws-eks-nodeagent',
  'azure-npm': 'azure-npm',
  'ovnkube-controller': 'ovnkube',
  'ovnkube-node': 'ovnkube',
  'kube-network-policies': 'kube-network-policies',
};

/**
 * How each agent is installed, the plausibility a match must show before it
 * decides anything (any tenant can create a DaemonSet with a container named
 * calico-node): the namespaces its installs use, or an operator's custom
 * resource owning it; and its image repositories, the path below the registry
 * (any registry, so that mirrors count), `*` standing for any characters
 * within one path segment.
 */
export interface Install {
  /** Where its installs put the DaemonSet: upstream manifests, Helm charts, operators, managed clusters. */
  namespaces: readonly string[];
  /** Repositories that name this agent: they recognise it even in a renamed container. */
  images: readonly string[];
  /** Repositories shared by many components (a release payload): accepted, never enough to recognise. */
  sharedImages?: readonly string[];
  /** An operator whose custom resource owns the DaemonSet (an ownerReference with its uid) wherever it runs. */
  operator?: Operator;
}

export interface Operator {
  apiGroup: string;
  kind: string;
  title: string;
  /**
   * The last path segment of the agent's image when the custom resource moved
   * it to a private registry (spec.registry, spec.imagePath), after the
   * custom resource's spec.imagePrefix.
   */
  imageNames: readonly string[];
}

const TIGERA: Operator = { apiGroup: 'operator.tigera.io', kind: 'Installation', title: 'Tigera Installation', imageNames: ['node', 'node-windows', 'cnx-node', 'cnx-node-windows'] };
const OPENSHIFT_PAYLOAD = ['openshift-release-dev/ocp-v4.0-art-dev', 'openshift/okd-content'];

export const INSTALLS: Record<Component, Install> = {
  'calico-node': {
    namespaces: ['kube-system', 'calico-system'],
    images: ['calico/node', 'calico/node-windows', 'tigera/cnx-node', 'tigera/cnx-node-windows', 'rancher/hardened-calico', 'rancher/mirrored-calico-node'],
    operator: TIGERA,
  },
  flannel: {
    namespaces: ['kube-flannel', 'kube-system'],
    images: ['flannel/flannel', 'flannel-io/flannel', 'flannelcni/flannel', 'coreos/flannel', 'rancher/hardened-flannel', 'rancher/mirrored-flannelcni-flannel', 'rancher/mirrored-flannel-flannel', 'rancher/mirrored-coreos-flannel'],
  },
  'cilium-agent': { namespaces: ['kube-system', 'cilium'], images: ['cilium/cilium', 'isovalent/cilium', 'rancher/mirrored-cilium-cilium'] },
  'antrea-agent': { namespaces: ['kube-system'], images: ['antrea/antrea-agent-*'], sharedImages: ['antrea/antrea-ubuntu', 'antrea/antrea-ubi'] },
  'kube-router': { namespaces: ['kube-system'], images: ['cloudnativelabs/kube-router', 'rancher/mirrored-cloudnativelabs-kube-router'] },
  weave: { namespaces: ['kube-system'], images: ['weaveworks/weave-kube', 'weaveworks/launcher/weave-kube', 'rajchaudhuri/weave-kube'] },
  'weave-npc': { namespaces: ['kube-system'], images: ['weaveworks/weave-npc', 'weaveworks/launcher/weave-npc', 'rajchaudhuri/weave-npc'] },
  kindnetd: { namespaces: ['kube-system'], images: ['kindest/kindnetd', 'aojea/kindnetd'] },
  'aws-node': { namespaces: ['kube-system'], images: ['amazon-k8s-cni'] },
  'aws-eks-nodeagent': { namespaces: ['kube-system'], images: ['amazon/aws-network-policy-agent'] },
  'azure-npm': { namespaces: ['kube-system'], images: ['containernetworking/azure-npm'] },
  ovnkube: {
    namespaces: ['ovn-kubernetes', 'openshift-ovn-kubernetes'],
    images: ['ovn-kubernetes/ovn-kube-*', 'ovnkube/ovn-daemonset*', 'openshift4/ose-ovn-kubernetes*'],
    sharedImages: OPENSHIFT_PAYLOAD,
  },
  'kube-network-policies': { namespaces: ['kube-system'], images: ['networking/kube-network-policies'] },
};

/** `calico/node` matches the repository calico/node and any path ending in /calico/node. */
function repositoryPattern(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`(^|/)${body}$`);
}

const PATTERNS = new Map<string, RegExp>();
function matchesRepository(repository: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => {
    let re = PATTERNS.get(p);
    if (!re) PATTERNS.set(p, (re = repositoryPattern(p)));
    return re.test(repository);
  });
}

/** Is this image one of the component's repositories (its own or a shared one)? */
export function isImageOf(component: Component, image: string): boolean {
  const install = INSTALLS[component];
  return matchesRepository(parseImage(image).repository, [...install.images, ...(install.sharedImages ?? [])]);
}

const COMPONENTS = Object.keys(INSTALLS) as Component[];

/** The component an image names, for workloads whose containers were renamed. */
function byImage(image: string): Component | undefined {
  const { repository } = parseImage(image);
  return COMPONENTS.find((component) => matchesRepository(repository, INSTALLS[component].images));
}

export function componentOf(container: ContainerInfo): Component | undefined {
  return BY_CONTAINER_NAME[container.name] ?? byImage(container.image);
}

export function findComponent(workload: WorkloadInfo, component: Component): ContainerInfo | undefined {
  return workload.containers.find((c) => componentOf(c) === component);
}

export function containerField(container: ContainerInfo, what: 'image' | 'args' | 'command'): string {
  return `spec.template.spec.containers[${container.name}].${what}`;
}

export function workloadEvidence(workload: WorkloadInfo, field: string, value: string, meaning: string): CniEvidence {
  return { kind: workload.kind, namespace: workload.namespace, name: workload.name, field, value, meaning };
}

export function imageEvidence(workload: WorkloadInfo, container: ContainerInfo, meaning: string): CniEvidence {
  return workloadEvidence(workload, containerField(container, 'image'), container.image, meaning);
}

/** Where a flag was set (the last occurrence, which Go honours), for evidence. */
export function flagArg(container: ContainerInfo, name: string): { field: string; arg: string } | undefined {
  const re = new RegExp(`^--?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(=|$)`);
  let found: { field: string; arg: string } | undefined;
  for (const arg of container.command) if (re.test(arg)) found = { field: containerField(container, 'command'), arg };
  for (const arg of container.args) if (re.test(arg)) found = { field: containerField(container, 'args'), arg };
  return found;
}
