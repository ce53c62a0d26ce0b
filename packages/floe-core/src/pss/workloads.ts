import { isRecord } from '../util/shape.js';
import type { PodLike } from './types.js';

/** Where each kind keeps its pod, as the API server's Pod Security extractor reads it. */
const TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Pod: [],
  PodTemplate: ['template'],
  ReplicationController: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export const PSS_WORKLOAD_KINDS: readonly string[] = Object.keys(TEMPLATE_PATHS);

export interface PodSource {
  kind: string;
  name: string;
  namespace?: string;
  /** Dotted path of the pod template inside the object (`spec.template`), empty for a Pod. */
  templatePath: string;
  pod: PodLike;
}


/**
 * The pod a Kubernetes object would create, for the kinds Pod Security judges
 * (Pod, PodTemplate and the workload controllers); undefined for any other kind or
 * for an object without a pod spec at the expected place.
 */
export function podOf(object: unknown): PodSource | undefined {
  if (!isRecord(object) || typeof object.kind !== 'string') return undefined;
  // Own keys only: a kind named toString or constructor is no workload.
  const path = Object.hasOwn(TEMPLATE_PATHS, object.kind) ? TEMPLATE_PATHS[object.kind] : undefined;
  if (!path) return undefined;
  let node: unknown = object;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  if (!isRecord(node) || !isRecord(node.spec)) return undefined;
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const podMetadata = isRecord(node.metadata) ? node.metadata : {};
  return {
    kind: object.kind,
    name: typeof metadata.name === 'string' ? metadata.name : '',
    ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
    templatePath: path.join('.'),
    pod: { metadata: podMetadata, spec: node.spec } as PodLike,
  };
}
