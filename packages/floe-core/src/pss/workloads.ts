import { podPath, podTemplateOf, POD_PATHS } from '../k8s/objects.js';
import { isRecord } from '../util/shape.js';
import type { PodLike } from './types.js';

export const PSS_WORKLOAD_KINDS: readonly string[] = Object.keys(POD_PATHS);

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
  const path = podPath(object.kind);
  if (!path) return undefined;
  const node = podTemplateOf(object);
  if (!node || !isRecord(node.spec)) return undefined;
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
