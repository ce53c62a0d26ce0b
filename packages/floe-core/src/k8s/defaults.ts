/**
 * The API server's defaults that change a Pod Security or NetworkPolicy verdict,
 * written down once: applied to objects read from files (applyDefaults), to every
 * pod the Pod Security evaluator judges, and (policyTypes) by the policy engine, so
 * that floe judges an object as the API server would judge the object it stores. Objects read from a cluster are already
 * defaulted; applying these again changes nothing. The rules are the ones of
 * kube-apiserver v1.37 (pkg/apis/{core,networking}/v1 defaults, the Job strategy);
 * each is checked against the real server by tests/integration/defaults.test.ts,
 * which creates an object without the field and compares what it reads back.
 *
 * Not modelled: defaults that change no verdict (imagePullPolicy, dnsPolicy, ...),
 * and labels only a controller adds to the pods it creates (pod-template-hash,
 * controller-revision-hash, a Job's controller-uid: unknown before the object exists).
 *
 * Pure: the input is never modified; an object nothing applies to is returned as it is.
 */
import { NAMESPACE_NAME_LABEL } from './meta.js';
import type { PolicyType, Protocol } from './networking.js';
import { isRecord } from '../util/shape.js';

type Obj = Record<string, unknown>;

/** One default floe applies: what it sets, on which kinds, the upstream rule it follows, and where floe applies it. */
export interface ApiDefault {
  id: string;
  kinds: readonly string[];
  rule: string;
  upstream: string;
  /**
   * `objects`: applyDefaults, to objects read from files (and, those that can change its verdict, the Pod Security evaluator's
   * preparation of every pod and template it judges). `engine`: the policy engine when it
   * compiles a policy (policy/compile.ts), so that it can still say a file relied on it.
   */
  appliedBy: 'objects' | 'engine';
}

const POD_KINDS = ['Pod', 'PodTemplate', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'] as const;

/** Every default floe applies, in the order applyDefaults applies them; each has a test against the real API server. */
export const API_DEFAULTS: readonly ApiDefault[] = [
  { id: 'volume-source', kinds: POD_KINDS, rule: 'a volume with no source is an emptyDir volume (restricted allows it)', upstream: 'SetDefaults_Volume', appliedBy: 'objects' },
  { id: 'container-port-protocol', kinds: POD_KINDS, rule: 'a container port without protocol is TCP (a named NetworkPolicy port matches name and protocol)', upstream: 'ContainerPort.protocol default TCP', appliedBy: 'objects' },
  { id: 'host-network-host-port', kinds: ['Pod'], rule: 'with hostNetwork, a container port without hostPort gets hostPort = containerPort (baseline refuses hostPorts); Pods only, not templates', upstream: 'SetDefaults_Pod (defaultHostNetworkPorts)', appliedBy: 'objects' },
  { id: 'network-policy-port-protocol', kinds: ['NetworkPolicy'], rule: 'a NetworkPolicy port without protocol is TCP', upstream: 'SetDefaults_NetworkPolicyPort', appliedBy: 'objects' },
  { id: 'network-policy-types', kinds: ['NetworkPolicy'], rule: 'no policyTypes: Ingress, plus Egress when the egress list is not empty', upstream: 'SetDefaults_NetworkPolicy', appliedBy: 'engine' },
  { id: 'namespace-name-label', kinds: ['Namespace'], rule: `every Namespace is labelled ${NAMESPACE_NAME_LABEL}=<its name> (a namespaceSelector can name it)`, upstream: 'SetDefaults_Namespace', appliedBy: 'objects' },
  { id: 'job-name-labels', kinds: ['Job'], rule: 'a Job without manualSelector: true labels its pod template job-name and batch.kubernetes.io/job-name with its name', upstream: 'Job strategy generateSelector', appliedBy: 'objects' },
];

/** A NetworkPolicy port's protocol, and a container port's, when none is written. */
export const DEFAULT_PROTOCOL: Protocol = 'TCP';

/** policyTypes when none are written: Ingress always; Egress only for a non-empty egress list (`egress: []` adds nothing: len != 0 upstream). */
export function defaultPolicyTypes(spec: { egress?: readonly unknown[] | null }): PolicyType[] {
  return (spec.egress?.length ?? 0) > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** A namespace's labels as the API server stores them: with kubernetes.io/metadata.name set to its name (overwriting any other value). */
export function namespaceLabels(name: string, labels: Readonly<Record<string, string>> = {}): Record<string, string> {
  return labels[NAMESPACE_NAME_LABEL] === name ? { ...labels } : { ...labels, [NAMESPACE_NAME_LABEL]: name };
}

/** The fields of core/v1 VolumeSource: a volume setting none of them is defaulted to emptyDir (fields the API does not know are dropped). */
const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs', 'persistentVolumeClaim',
  'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk',
  'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

const absent = (v: unknown) => v === undefined || v === null;

/** `list` with `f` applied to each mapping item; the same array when nothing changed (malformed items are left for the shape checks). */
function mapItems(list: unknown, f: (item: Obj) => Obj): unknown {
  if (!Array.isArray(list)) return list;
  // Copied only from the first changed item: judging a pod that needs no default allocates nothing.
  let out: unknown[] | null = null;
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    const next = isRecord(item) ? f(item) : item;
    if (out) out.push(next);
    else if (next !== item) {
      out = list.slice(0, i);
      out.push(next);
    }
  }
  return out ?? list;
}

/** `o` with the changed fields of `changes`, or `o` itself when every one is already its value. */
function withFields(o: Obj, changes: Obj): Obj {
  let out: Obj | null = null;
  for (const k in changes) {
    if (o[k] !== changes[k]) {
      out ??= { ...o };
      out[k] = changes[k];
    }
  }
  return out ?? o;
}

function defaultProtocol(port: Obj): Obj {
  return absent(port.protocol) ? { ...port, protocol: DEFAULT_PROTOCOL } : port;
}

function defaultContainer(container: Obj, hostNetworkPod: boolean, portProtocols: boolean): Obj {
  const ports = mapItems(container.ports, (p) => {
    const withProtocol = portProtocols ? defaultProtocol(p) : p;
    // upstream: HostPort == 0, so an explicit 0 is defaulted too.
    return hostNetworkPod && (absent(p.hostPort) || p.hostPort === 0) && typeof p.containerPort === 'number' ? { ...withProtocol, hostPort: p.containerPort } : withProtocol;
  });
  return ports === container.ports ? container : { ...container, ports };
}

function defaultVolume(volume: Obj): Obj {
  for (const k of VOLUME_SOURCES) if (!absent(volume[k])) return volume;
  return { ...volume, emptyDir: {} };
}

export interface PodSpecDefaultOptions {
  /**
   * Default container port protocols to TCP (the default). Pod Security passes false: no
   * check reads a port's protocol, and leaving them lets the common pod through with no copy.
   */
  portProtocols?: boolean;
}

/**
 * A pod spec as the API server defaults it: volume sources, container port protocols and,
 * for a Pod (not a template) with hostNetwork, host ports. The same type comes back: the
 * same object when nothing needed a default (Pod Security judges pods in bulk, so the
 * common case allocates nothing).
 */
export function defaultPodSpec<T extends Obj>(spec: T, of: 'pod' | 'template', options: PodSpecDefaultOptions = {}): T {
  const hostNetworkPod = of === 'pod' && spec.hostNetwork === true;
  const portProtocols = options.portProtocols ?? true;
  const forContainer = (c: Obj) => defaultContainer(c, hostNetworkPod, portProtocols);
  const volumes = mapItems(spec.volumes, defaultVolume);
  const containers = mapItems(spec.containers, forContainer);
  const initContainers = mapItems(spec.initContainers, forContainer);
  const ephemeralContainers = mapItems(spec.ephemeralContainers, (c) => defaultContainer(c, false, portProtocols));
  if (volumes === spec.volumes && containers === spec.containers && initContainers === spec.initContainers && ephemeralContainers === spec.ephemeralContainers) return spec;
  // withFields keeps every key of `spec`; the defaulted values have the types the API gives them.
  return withFields(spec, { volumes, containers, initContainers, ephemeralContainers }) as T;
}

/** `template` (a pod template: metadata and spec) with its spec defaulted, and labels added. */
function defaultTemplate(template: unknown, labels: Readonly<Record<string, string>> = {}): unknown {
  if (!isRecord(template)) return template;
  const spec = isRecord(template.spec) ? defaultPodSpec(template.spec, 'template') : template.spec;
  let metadata = template.metadata;
  const missing = Object.entries(labels).filter(([k]) => !(isRecord(metadata) && isRecord(metadata.labels) && k in metadata.labels));
  if (missing.length > 0 && (absent(metadata) || isRecord(metadata))) {
    const m = isRecord(metadata) ? metadata : {};
    const current = isRecord(m.labels) ? m.labels : {};
    metadata = { ...m, labels: { ...current, ...Object.fromEntries(missing) } };
  }
  return withFields(template, { spec, metadata });
}

/** Port protocols; policyTypes are the engine's to default (it reports a policy that relied on them: `policyTypesDefaulted`). */
function defaultNetworkPolicy(o: Obj): Obj {
  const spec = o.spec;
  if (!isRecord(spec)) return o;
  const rules = (list: unknown) => mapItems(list, (r) => withFields(r, { ports: mapItems(r.ports, defaultProtocol) }));
  return withFields(o, { spec: withFields(spec, { ingress: rules(spec.ingress), egress: rules(spec.egress) }) });
}

function defaultNamespace(o: Obj): Obj {
  const m = o.metadata;
  if (!isRecord(m) || typeof m.name !== 'string' || m.name === '') return o;
  if (!absent(m.labels) && !isRecord(m.labels)) return o;
  const labels = isRecord(m.labels) ? m.labels : {};
  if (labels[NAMESPACE_NAME_LABEL] === m.name) return o;
  return { ...o, metadata: { ...m, labels: { ...labels, [NAMESPACE_NAME_LABEL]: m.name } } };
}

function defaultJob(o: Obj): Obj {
  const spec = o.spec;
  if (!isRecord(spec)) return o;
  const m = o.metadata;
  const name = isRecord(m) && typeof m.name === 'string' && m.name !== '' ? m.name : undefined;
  const labels: Record<string, string> = name && spec.manualSelector !== true ? { 'job-name': name, 'batch.kubernetes.io/job-name': name } : {};
  return withFields(o, { spec: withFields(spec, { template: defaultTemplate(spec.template, labels) }) });
}

/** `path` (keys of mappings) inside `o` rebuilt with `f` applied at its end; `o` itself when nothing changed. */
function atPath(o: Obj, path: readonly string[], f: (v: unknown) => unknown): Obj {
  const [key, ...rest] = path;
  if (key === undefined) return o;
  const value = o[key];
  if (rest.length === 0) return withFields(o, { [key]: f(value) });
  return isRecord(value) ? withFields(o, { [key]: atPath(value, rest, f) }) : o;
}

/**
 * One object as the API server would store it, as far as a verdict can tell: the API_DEFAULTS
 * applied by `objects` (policyTypes are left to the engine). Lists (`kind: List`, `PodList`, ...) are defaulted item by item; malformed objects are
 * returned unchanged for the shape checks to report.
 */
export function applyDefaults(object: Obj): Obj {
  const kind = typeof object.kind === 'string' ? object.kind : '';
  if (kind.endsWith('List') && Array.isArray(object.items)) {
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    return withFields(object, { items: mapItems(object.items, (item) => (itemKind && typeof item.kind !== 'string' ? applyDefaults({ ...item, kind: itemKind }) : applyDefaults(item))) });
  }
  switch (kind) {
    case 'Pod':
      return isRecord(object.spec) ? withFields(object, { spec: defaultPodSpec(object.spec, 'pod') }) : object;
    case 'PodTemplate':
      return withFields(object, { template: defaultTemplate(object.template) });
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
      return atPath(object, ['spec', 'template'], (t) => defaultTemplate(t));
    case 'Job':
      return defaultJob(object);
    case 'CronJob':
      // The Jobs a CronJob creates are named at run time: their job-name labels are not known here.
      return atPath(object, ['spec', 'jobTemplate', 'spec', 'template'], (t) => defaultTemplate(t));
    case 'NetworkPolicy':
      return defaultNetworkPolicy(object);
    case 'Namespace':
      return defaultNamespace(object);
    default:
      return object;
  }
}
