import type { CniSnapshot, ConfigMapInfo, ContainerInfo, CustomObjectInfo, DaemonSetStatusInfo, NodeInfo, OwnerInfo, WorkloadInfo } from '../../src/cni/types.js';

export const c = (name: string, image: string, args: string[] = [], command: string[] = []): ContainerInfo => ({ name, image, args, command });
/** A running DaemonSet: 3 pods scheduled, 3 ready (status as the DaemonSet controller writes it). */
export const ds = (namespace: string, name: string, ...containers: ContainerInfo[]): WorkloadInfo => ({
  kind: 'DaemonSet',
  namespace,
  name,
  containers,
  owners: [],
  status: { desiredNumberScheduled: 3, numberReady: 3 },
});
/** The same DaemonSet with another status (a spoof that runs nowhere: 0 and 0). */
export const withStatus = (d: WorkloadInfo, status: DaemonSetStatusInfo): WorkloadInfo => ({ ...d, status });
export const ownedBy = (d: WorkloadInfo, ...owners: OwnerInfo[]): WorkloadInfo => ({ ...d, owners });
export const deploy = (namespace: string, name: string, ...containers: ContainerInfo[]): WorkloadInfo => ({ kind: 'Deployment', namespace, name, containers });
export const cm = (namespace: string, name: string, data: Record<string, string>): ConfigMapInfo => ({ namespace, name, data });
export const node = (name: string, annotations: Record<string, string> = {}, labels: Record<string, string> = {}, kubeletVersion?: string): NodeInfo => ({
  name,
  annotations,
  labels,
  ...(kubeletVersion ? { kubeletVersion } : {}),
});
/** The Tigera operator's Installation; the operator writes status.variant once it has reconciled it. */
export const installation = (spec: Record<string, unknown>, status: Record<string, unknown> = { variant: 'Calico' }): CustomObjectInfo => ({
  apiVersion: 'operator.tigera.io/v1',
  kind: 'Installation',
  name: 'default',
  uid: 'c0ffee00-0000-4000-8000-000000000001',
  spec,
  status,
});
/** An ownerReference to the Installation above (as the operator sets it on calico-node), or with another uid. */
export const installationOwner = (uid = 'c0ffee00-0000-4000-8000-000000000001'): OwnerInfo => ({ apiVersion: 'operator.tigera.io/v1', kind: 'Installation', name: 'default', uid, controller: true });

export function snapshot(parts: Partial<CniSnapshot> = {}): CniSnapshot {
  return { daemonSets: [], deployments: [], configMaps: [], crds: [], nodes: [], customObjects: [], lookedAt: [], ...parts };
}

/** Images and container names as the upstream manifests ship them. */
export const IMG = {
  calicoNode: 'docker.io/calico/node:v3.28.1',
  flannel: 'docker.io/flannel/flannel:v0.25.6',
  cilium: 'quay.io/cilium/cilium:v1.16.1@sha256:0b4a3ab41a4760d86b7fc945b8783747ba27f29dac30dd434d94f2c9e3679f39',
  aksCilium: 'mcr.microsoft.com/containernetworking/cilium/cilium:v1.17.4-250610',
  antrea: 'antrea/antrea-agent-ubuntu:v2.2.0',
  kubeRouter: 'docker.io/cloudnativelabs/kube-router:v2.2.1',
  weave: 'weaveworks/weave-kube:2.8.1',
  weaveNpc: 'weaveworks/weave-npc:2.8.1',
  kindnetV024: 'docker.io/kindest/kindnetd:v20240813-c6f155d6',
  kindnetV023: 'docker.io/kindest/kindnetd:v20240513-cd2ac642',
  awsNode: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3-eksbuild.1',
  awsAgent: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-network-policy-agent:v1.1.2-eksbuild.1',
  azureNpm: 'mcr.microsoft.com/containernetworking/azure-npm:v1.5.5',
  ovnkube: 'ghcr.io/ovn-org/ovn-kubernetes/ovn-kube-ubuntu:v1.0.0',
};
