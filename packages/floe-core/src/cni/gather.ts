import { RESOURCES, resourceName } from '../cluster/resources.js';
import { POLICY_API_CRDS } from './cluster-policies.js';
import type { ClusterClient, KubeObject, ResourceRef } from '../cluster/types.js';
import { CNI_CRDS } from './detect.js';
import type { CniSnapshot, ConfigMapInfo, ContainerInfo, CustomObjectInfo, DaemonSetStatusInfo, LookedAt, NodeInfo, OwnerInfo, WorkloadInfo } from './types.js';

/** The ConfigMaps whose contents decide enforcement (Cilium's policy mode, the VPC CNI's controller switch). */
export const CNI_CONFIGMAPS = ['cilium-config', 'amazon-vpc-cni'] as const;

export const TIGERA_INSTALLATIONS: ResourceRef = { group: 'operator.tigera.io', version: 'v1', resource: 'installations', kind: 'Installation', namespaced: false };

const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const stringMap = (v: unknown): Record<string, string> => Object.fromEntries(Object.entries(record(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function owners(o: KubeObject): OwnerInfo[] {
  const refs = o.metadata.ownerReferences;
  return (Array.isArray(refs) ? refs : []).map((raw) => {
    const r = record(raw);
    return { apiVersion: String(r.apiVersion ?? ''), kind: String(r.kind ?? ''), name: String(r.name ?? ''), uid: String(r.uid ?? ''), controller: r.controller === true };
  });
}

/** What the DaemonSet controller wrote; a DaemonSet no controller has seen has no status (nothing scheduled). */
function daemonSetStatus(o: KubeObject): DaemonSetStatusInfo {
  const status = record(o.status);
  return { desiredNumberScheduled: count(status.desiredNumberScheduled), numberReady: count(status.numberReady) };
}

function workload(kind: WorkloadInfo['kind'], o: KubeObject): WorkloadInfo {
  const podSpec = record(record(record(o.spec).template).spec);
  const containers: ContainerInfo[] = (Array.isArray(podSpec.containers) ? podSpec.containers : []).map((raw) => {
    const c = record(raw);
    return { name: String(c.name ?? ''), image: String(c.image ?? ''), command: strings(c.command), args: strings(c.args) };
  });
  return {
    kind,
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name,
    containers,
    owners: owners(o),
    ...(kind === 'DaemonSet' ? { status: daemonSetStatus(o) } : {}),
  };
}

function configMap(o: KubeObject): ConfigMapInfo {
  return { namespace: o.metadata.namespace ?? '', name: o.metadata.name, data: stringMap(o.data) };
}

function node(o: KubeObject): NodeInfo {
  const kubeletVersion = record(record(o.status).nodeInfo).kubeletVersion;
  return {
    name: o.metadata.name,
    labels: o.metadata.labels ?? {},
    annotations: o.metadata.annotations ?? {},
    ...(typeof kubeletVersion === 'string' && kubeletVersion ? { kubeletVersion } : {}),
  };
}

function customObject(o: KubeObject): CustomObjectInfo {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    name: o.metadata.name,
    ...(typeof o.metadata.uid === 'string' ? { uid: o.metadata.uid } : {}),
    spec: record(o.spec),
    status: record(o.status),
  };
}

/**
 * Reads what check-cni needs, read-only (get and list only), in parallel:
 * DaemonSets and Deployments in all namespaces, the two deciding ConfigMaps by
 * name in all namespaces, the CNI CRDs by name, Nodes, and the Tigera
 * operator's Installations when that API is served.
 */
export async function gatherCniSnapshot(client: ClusterClient): Promise<CniSnapshot> {
  // The network-policy-api's CRDs too: whether cluster guardrails can be applied (cluster-policies.ts).
  const crdNames = [...Object.keys(CNI_CRDS), ...Object.keys(POLICY_API_CRDS)].sort();
  const [daemonSets, deployments, configMapLists, crds, nodes, installations, serverVersion] = await Promise.all([
    client.list(RESOURCES.daemonSets),
    client.list(RESOURCES.deployments),
    Promise.all(CNI_CONFIGMAPS.map((name) => client.list(RESOURCES.configMaps, { fieldSelector: `metadata.name=${name}` }))),
    Promise.all(crdNames.map((name) => client.get(RESOURCES.customResourceDefinitions, name))),
    client.list(RESOURCES.nodes),
    client.list(TIGERA_INSTALLATIONS, { optional: true }),
    client.version(),
  ]);
  const presentCrds = crds.flatMap((c) => (c ? [c.metadata.name] : []));
  const lookedAt: LookedAt[] = [
    { resource: resourceName(RESOURCES.daemonSets), scope: 'all namespaces', found: daemonSets.length },
    { resource: resourceName(RESOURCES.deployments), scope: 'all namespaces', found: deployments.length },
    ...CNI_CONFIGMAPS.map((name, i) => ({ resource: resourceName(RESOURCES.configMaps), scope: `named ${name}, all namespaces`, found: configMapLists[i]?.length ?? 0 })),
    { resource: resourceName(RESOURCES.customResourceDefinitions), scope: `named ${crdNames.join(', ')}`, found: presentCrds.length },
    { resource: resourceName(RESOURCES.nodes), scope: 'cluster (labels, annotations, kubelet version)', found: nodes.length },
    { resource: resourceName(TIGERA_INSTALLATIONS), scope: 'cluster', found: installations.length },
  ];
  return {
    daemonSets: daemonSets.map((o) => workload('DaemonSet', o)),
    deployments: deployments.map((o) => workload('Deployment', o)),
    configMaps: configMapLists.flat().map(configMap),
    crds: presentCrds,
    nodes: nodes.map(node),
    customObjects: installations.map(customObject),
    lookedAt,
    serverVersion: { gitVersion: serverVersion.gitVersion, major: serverVersion.major, minor: serverVersion.minor },
  };
}
