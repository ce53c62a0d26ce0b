import { InputError } from '../errors.js';
import type { ContainerPort } from '../k8s/core.js';
import { PROTOCOLS, type Protocol } from '../k8s/networking.js';
import { flattenLists, podTemplateOf, WORKLOAD_KINDS, type SourcedObject } from '../k8s/objects.js';
import { compilePolicy } from './compile.js';
import { CILIUM_KINDS, ciliumPolicyId, compileCiliumPolicy } from './cilium.js';
import { compileTierPolicy } from './tiers.js';
import type { CiliumPolicyObject, ClusterModel, ClusterPolicyObject, NamespaceInfo, PodInfo, PolicyObject } from './types.js';
import { compareStrings } from '../util/compare.js';
import { isRecord } from '../util/shape.js';
import { controllerOf, WorkloadIdentity, workloadName, type OwnerRef } from '../workloads/identity.js';

/** `{ hostNetwork: true }` for a pod spec on the node's network, else nothing (the field stays absent). */
const hostNetworkOf = (spec: unknown): { hostNetwork?: true } => (isRecord(spec) && spec.hostNetwork === true ? { hostNetwork: true } : {});

const RELEVANT = new Set<string>(['Namespace', 'Pod', 'NetworkPolicy', ...CILIUM_KINDS, ...WORKLOAD_KINDS]);

/** The cluster-scoped policy kinds the engine evaluates, and the apiVersions it reads them at (another group's kind of the same name, Antrea's ClusterNetworkPolicy, is not one). */
const CLUSTER_POLICY_VERSIONS: Record<ClusterPolicyObject['kind'], readonly string[]> = {
  ClusterNetworkPolicy: ['policy.networking.k8s.io/v1beta1', 'policy.networking.k8s.io/v1alpha2'],
  AdminNetworkPolicy: ['policy.networking.k8s.io/v1alpha1'],
  BaselineAdminNetworkPolicy: ['policy.networking.k8s.io/v1alpha1'],
};
const isClusterPolicyKind = (kind: string): kind is ClusterPolicyObject['kind'] => Object.hasOwn(CLUSTER_POLICY_VERSIONS, kind);

export interface Inventory {
  model: ClusterModel;
  /** Objects of kinds that do not affect NetworkPolicy, by kind. */
  skipped: Record<string, number>;
  /** Where each NetworkPolicy (`ns/name`), Cilium policy (`ns/name[CiliumNetworkPolicy]`) and cluster-scoped policy (`Kind name`) was read from. */
  policySources: Record<string, string>;
  /** Where each endpoint (`ns/name[Kind]`, its first pod or its workload) and each Namespace (`Namespace ns`) was read from. */
  sources: Record<string, string>;
}

const isObj = isRecord;
/** Labels as the API stores them: scalar values as strings; a mapping or list as a label value is bad input, named by `where`. */
const strMap = (v: unknown, where: () => string): Record<string, string> => {
  if (!isObj(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null || x === undefined) continue;
    if (typeof x === 'object') throw new InputError(`${where()}: label ${k} has a ${Array.isArray(x) ? 'list' : 'mapping'} as its value; label values are strings`);
    out[k] = String(x);
  }
  return out;
};
const kindOf = (o: SourcedObject) => (typeof o.object.kind === 'string' ? o.object.kind : 'object');

function meta(o: SourcedObject): { name: string; namespace: string; labels: Record<string, string>; controller: OwnerRef | null } {
  const m = o.object.metadata;
  if (!isObj(m) || typeof m.name !== 'string' || m.name === '') throw new InputError(`${o.source}: ${kindOf(o)} has no metadata.name`);
  return {
    name: m.name,
    namespace: typeof m.namespace === 'string' && m.namespace !== '' ? m.namespace : 'default',
    labels: strMap(m.labels, () => `${o.source}: ${kindOf(o)} ${m.name}`),
    controller: controllerOf(m),
  };
}

function containerPorts(podSpec: unknown): ContainerPort[] {
  if (!isObj(podSpec) || !Array.isArray(podSpec.containers)) return [];
  const out: ContainerPort[] = [];
  for (const c of podSpec.containers) {
    if (!isObj(c) || !Array.isArray(c.ports)) continue;
    for (const p of c.ports) {
      if (!isObj(p) || typeof p.containerPort !== 'number') continue;
      // A port of a protocol NetworkPolicy does not know can never be named by a policy port: leaving it out changes no verdict.
      if (p.protocol !== undefined && p.protocol !== null && !isProtocol(p.protocol)) continue;
      out.push({ containerPort: p.containerPort, ...(typeof p.name === 'string' ? { name: p.name } : {}), ...(isProtocol(p.protocol) ? { protocol: p.protocol } : {}) });
    }
  }
  return out;
}

function podIps(status: unknown): string[] {
  if (!isObj(status)) return [];
  // A finished pod's IP is released and may already belong to another pod.
  if (status.phase === 'Succeeded' || status.phase === 'Failed') return [];
  const list = Array.isArray(status.podIPs) ? status.podIPs.filter(isObj).map((x) => x.ip).filter((x): x is string => typeof x === 'string') : [];
  if (list.length > 0) return list;
  return typeof status.podIP === 'string' && status.podIP !== '' ? [status.podIP] : [];
}

const isProtocol = (v: unknown): v is Protocol => (PROTOCOLS as readonly unknown[]).includes(v);

/**
 * Objects → the engine's model. Each pod is reported as the workload it stands
 * in (workloads/identity.ts: its top-most controller, or itself); a workload
 * with no pod in the input stands for its pods through its pod template.
 */
/** Compiles a policy read from `source` to check it; its bad input is named with the source. */
function checkAt(source: string, compile: () => unknown): void {
  try {
    compile();
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`${source}: ${err.message}`);
    throw err;
  }
}

export function buildInventory(input: readonly SourcedObject[]): Inventory {
  const objects = flattenLists(input);
  // No prototype: a kind named __proto__ or constructor is counted like any other.
  const skipped: Record<string, number> = Object.create(null) as Record<string, number>;
  const seen = new Map<string, string>();
  const namespaces: NamespaceInfo[] = [];
  const policies: PolicyObject[] = [];
  const clusterPolicies: ClusterPolicyObject[] = [];
  const ciliumPolicies: CiliumPolicyObject[] = [];
  const policySources: Record<string, string> = {};
  const sources: Record<string, string> = {};
  const rawPods: { o: SourcedObject; m: ReturnType<typeof meta> }[] = [];
  const workloads = new Map<string, { o: SourcedObject; m: ReturnType<typeof meta>; kind: string }>();
  /** Each object once: a second one with the same kind, namespace and name is bad input. */
  const claim = (id: string, source: string) => {
    const before = seen.get(id);
    if (before) throw new InputError(`${id} is given twice: ${before} and ${source}`);
    seen.set(id, source);
  };

  for (const o of objects) {
    const kind = typeof o.object.kind === 'string' ? o.object.kind : '';
    if (!kind) throw new InputError(`${o.source}: object has no kind`);
    if (isClusterPolicyKind(kind) && CLUSTER_POLICY_VERSIONS[kind].includes(String(o.object.apiVersion))) {
      const m = o.object.metadata;
      if (!isObj(m) || typeof m.name !== 'string' || m.name === '') throw new InputError(`${o.source}: ${kind} has no metadata.name`);
      const id = `${kind} ${m.name}`;
      claim(id, o.source);
      const p = { kind, name: m.name, spec: o.object.spec ?? {} } as ClusterPolicyObject;
      checkAt(o.source, () => compileTierPolicy(p));
      clusterPolicies.push(p);
      policySources[id] = o.source;
      continue;
    }
    if (!RELEVANT.has(kind)) {
      skipped[kind] = (skipped[kind] ?? 0) + 1;
      continue;
    }
    const m = meta(o);
    const clusterScoped = kind === 'Namespace' || kind === 'CiliumClusterwideNetworkPolicy';
    const id = clusterScoped ? `${kind} ${m.name}` : `${kind} ${m.namespace}/${m.name}`;
    claim(id, o.source);
    if (kind === 'Namespace') {
      namespaces.push({ name: m.name, labels: m.labels });
      sources[`Namespace ${m.name}`] = o.source;
    }
    else if (kind === 'NetworkPolicy') {
      // compilePolicy checks the spec's shape (a spec that is no mapping included).
      const p: PolicyObject = { namespace: m.namespace, name: m.name, spec: (o.object.spec ?? {}) as PolicyObject['spec'] };
      checkAt(o.source, () => compilePolicy(p));
      policies.push(p);
      policySources[`${m.namespace}/${m.name}`] = o.source;
    } else if (kind === 'CiliumNetworkPolicy' || kind === 'CiliumClusterwideNetworkPolicy') {
      const c: CiliumPolicyObject = { kind, namespace: kind === 'CiliumNetworkPolicy' ? m.namespace : null, name: m.name, spec: o.object.spec, specs: o.object.specs };
      checkAt(o.source, () => compileCiliumPolicy(c));
      ciliumPolicies.push(c);
      policySources[ciliumPolicyId(c)] = o.source;
    } else if (kind === 'Pod') rawPods.push({ o, m });
    else workloads.set(`${kind}\u0000${m.namespace}/${m.name}`, { o, m, kind });
  }

  const identity = new WorkloadIdentity([
    ...rawPods.map(({ m }) => ({ kind: 'Pod', ...m })),
    ...[...workloads.values()].map(({ m, kind }) => ({ kind, ...m })),
  ]);
  const pods: PodInfo[] = [];
  const represented = new Set<string>();
  for (const { o, m } of rawPods) {
    const endpoint = workloadName(identity.ofPod({ kind: 'Pod', ...m }));
    represented.add(endpoint);
    sources[endpoint] ??= o.source;
    pods.push({ namespace: m.namespace, name: m.name, labels: m.labels, ips: podIps(o.object.status), ports: containerPorts(o.object.spec), endpoint, ...hostNetworkOf(o.object.spec) });
  }
  for (const { o, m, kind } of workloads.values()) {
    const self = { kind, ...m };
    if (identity.ownedInInput(self)) continue;
    // A workload owned by one floe does not read (a Rollout's ReplicaSet) is named after that owner too.
    const endpoint = workloadName(identity.ofWorkload(self));
    if (represented.has(endpoint)) continue;
    const t = podTemplateOf(o.object);
    if (!t) throw new InputError(`${o.source}: ${kind} ${m.namespace}/${m.name} has no pod template`);
    const tm = isObj(t.metadata) ? t.metadata : {};
    pods.push({ namespace: m.namespace, name: m.name, labels: strMap(tm.labels, () => `${o.source}: ${kind} ${m.namespace}/${m.name} pod template`), ips: [], ports: containerPorts(t.spec), endpoint, template: true, ...hostNetworkOf(t.spec) });
    sources[endpoint] ??= o.source;
  }
  pods.sort((a, b) => compareStrings(a.endpoint, b.endpoint) || compareStrings(a.name, b.name));
  namespaces.sort((a, b) => compareStrings(a.name, b.name));
  policies.sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));
  clusterPolicies.sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.name, b.name));
  ciliumPolicies.sort((a, b) => compareStrings(ciliumPolicyId(a), ciliumPolicyId(b)));
  return {
    model: { namespaces, pods, policies, ...(clusterPolicies.length > 0 ? { clusterPolicies } : {}), ...(ciliumPolicies.length > 0 ? { ciliumPolicies } : {}) },
    skipped,
    policySources,
    sources,
  };
}
