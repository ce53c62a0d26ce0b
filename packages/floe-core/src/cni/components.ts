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

/** Image names (last path segment), for workloads whose containers were renamed. */
function byImage(image: string): Component | undefined {
  const { repository, name } = parseImage(image);
  if (/(^|\/)calico\/node(-windows)?$/.test(repository) || name === 'cnx-node' || name === 'hardened-calico') return 'calico-node';
  if (name === 'flannel' || name === 'hardened-flannel' || name === 'mirrored-flannelcni-flannel') return 'flannel';
  if (/(^|\/)cilium\/cilium$/.test(repository)) return 'cilium-agent';
  if (name.startsWith('antrea-agent-')) return 'antrea-agent';
  if (name === 'kube-router') return 'kube-router';
  if (name === 'weave-kube') return 'weave';
  if (name === 'weave-npc') return 'weave-npc';
  if (name === 'kindnetd') return 'kindnetd';
  if (name === 'amazon-k8s-cni') return 'aws-node';
  if (name === 'aws-network-policy-agent') return 'aws-eks-nodeagent';
  if (name === 'azure-npm') return 'azure-npm';
  if (name.startsWith('ovn-kube') || name === 'ovn-daemonset') return 'ovnkube';
  if (name === 'kube-network-policies') return 'kube-network-policies';
  return undefined;
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
