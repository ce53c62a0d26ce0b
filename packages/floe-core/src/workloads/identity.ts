/**
 * Workload identity, decided once: which workload (`ns/name[Kind]`) a pod or
 * a controller object stands in. The policy inventory (endpoints, connectivity)
 * and the Pod Security audit (subjects) both ask here, so a pod is never named
 * two ways.
 *
 * The rules (docs/json-output.md, "Workload names"):
 * - a pod follows its controller owner reference (`controller: true`) up to the
 *   top-most owner: Pod → ReplicaSet → Deployment, Pod → Job → CronJob, Pod →
 *   StatefulSet, Pod → DaemonSet, and any chain through owners in the input;
 * - an owner that is not in the input is still the name, with its own kind
 *   (an Argo `Rollout`, a `SparkApplication`, a ReplicaSet of a dump without
 *   ReplicaSets); a ReplicaSet that is not in the input but whose pod carries
 *   the Deployment controller's `pod-template-hash` label and is named
 *   `<deployment>-<hash>` stands for that Deployment;
 * - a pod owned by a Node is a static pod's mirror (kubelet makes the Node its
 *   controller): each is its own workload, `kube-system/etcd-node1[Pod]`, never
 *   the Node's;
 * - a pod without a controller is its own workload, `[Pod]`.
 */
import { isRecord } from '../util/shape.js';

/** A controller owner reference: the kind and name that own an object. */
export interface OwnerRef {
  kind: string;
  name: string;
}

/** A workload: the name pods and controllers are reported as. */
export interface WorkloadRef {
  namespace: string;
  kind: string;
  name: string;
}

/** What identity reads of a pod or a controller object. */
export interface OwnedObject {
  kind: string;
  namespace: string;
  name: string;
  /** Its controller owner reference, or null. */
  controller: OwnerRef | null;
  labels?: Readonly<Record<string, string>>;
}

/** The label the Deployment controller puts on a ReplicaSet's pods (and in its name: `<deployment>-<hash>`). */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** An owner kind that is cluster-scoped: it cannot be a workload of the pod's namespace. Node is the kubelet's, for mirror pods. */
const CLUSTER_SCOPED_OWNERS = new Set(['Node']);

/** Enough hops for any real chain (CronJob → Job → Pod is two); a cycle in bad input stops here. */
const MAX_HOPS = 8;

/** `ns/name[Kind]`: how a workload is named in every output. */
export function workloadName(w: WorkloadRef): string {
  return `${w.namespace}/${w.name}[${w.kind}]`;
}

/** The controller owner reference of an object's metadata (`controller: true`, with a kind and a name), or null. */
export function controllerOf(metadata: unknown): OwnerRef | null {
  if (!isRecord(metadata) || !Array.isArray(metadata.ownerReferences)) return null;
  for (const o of metadata.ownerReferences) {
    if (isRecord(o) && o.controller === true && typeof o.kind === 'string' && o.kind !== '' && typeof o.name === 'string' && o.name !== '') return { kind: o.kind, name: o.name };
  }
  return null;
}

const key = (kind: string, namespace: string, name: string) => `${kind}\u0000${namespace}/${name}`;

/** Workload identity over one input: every pod and controller object that may own pods. */
export class WorkloadIdentity {
  private readonly owners = new Map<string, OwnerRef | null>();

  /** `objects`: the pods and the controller objects of the input (any kind; what owns nothing is harmless). */
  constructor(objects: Iterable<OwnedObject>) {
    for (const o of objects) this.owners.set(key(o.kind, o.namespace, o.name), o.controller);
  }

  /** Is this object in the input? */
  has(kind: string, namespace: string, name: string): boolean {
    return this.owners.has(key(kind, namespace, name));
  }

  /** The workload a pod stands in. */
  ofPod(pod: OwnedObject): WorkloadRef {
    const self = { namespace: pod.namespace, kind: 'Pod', name: pod.name };
    const owner = pod.controller;
    if (!owner || CLUSTER_SCOPED_OWNERS.has(owner.kind)) return self;
    if (owner.kind === 'ReplicaSet' && !this.has('ReplicaSet', pod.namespace, owner.name)) {
      const hash = pod.labels?.[POD_TEMPLATE_HASH_LABEL];
      if (hash && owner.name.length > hash.length + 1 && owner.name.endsWith(`-${hash}`)) return this.top(pod.namespace, { kind: 'Deployment', name: owner.name.slice(0, -hash.length - 1) });
    }
    return this.top(pod.namespace, owner);
  }

  /** The workload a controller object stands in: its top-most owner, else itself. */
  ofWorkload(w: OwnedObject): WorkloadRef {
    return w.controller && !CLUSTER_SCOPED_OWNERS.has(w.controller.kind) ? this.top(w.namespace, w.controller) : { namespace: w.namespace, kind: w.kind, name: w.name };
  }

  /** True when the object's controller is in the input: the owner speaks for it (a Deployment for its ReplicaSets). */
  ownedInInput(w: OwnedObject): boolean {
    return w.controller !== null && this.has(w.controller.kind, w.namespace, w.controller.name);
  }

  /** Follows controller references through the objects of the input; the last hop may be an owner known only by reference. */
  private top(namespace: string, first: OwnerRef): WorkloadRef {
    let cur = first;
    for (let hops = 0; hops < MAX_HOPS; hops++) {
      const next = this.owners.get(key(cur.kind, namespace, cur.name));
      if (!next || CLUSTER_SCOPED_OWNERS.has(next.kind)) break;
      cur = next;
    }
    return { namespace, kind: cur.kind, name: cur.name };
  }
}
