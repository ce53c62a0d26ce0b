/**
 * Objects as floe reads them, whatever the source: one object with where it
 * came from, lists flattened, and where each kind keeps the pod it creates.
 */
import { InputError } from '../errors.js';
import { isRecord } from '../util/shape.js';

/** An object read from a file or the cluster, with where it came from (`file:line`, or `cluster Kind`). */
export interface SourcedObject {
  object: Record<string, unknown>;
  source: string;
}

/** The controllers whose pod template stands for pods they create. */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Where each kind keeps its pod (the API server's Pod Security extractor reads the same places); [] for a Pod. */
export const POD_PATHS: Readonly<Record<string, readonly string[]>> = {
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

/** The path of `kind`'s pod inside the object, or undefined for a kind that creates no pods (own keys only: `toString` is no kind). */
export function podPath(kind: string): readonly string[] | undefined {
  return Object.hasOwn(POD_PATHS, kind) ? POD_PATHS[kind] : undefined;
}

/** The pod template (metadata and spec) of a workload or PodTemplate, or the Pod itself; null when it is missing or not a mapping. */
export function podTemplateOf(object: Record<string, unknown>): Record<string, unknown> | null {
  const path = typeof object.kind === 'string' ? podPath(object.kind) : undefined;
  if (!path) return null;
  let node: unknown = object;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  return isRecord(node) ? node : null;
}

/** `kind: List` and typed lists (`PodList`, ...) flattened; items of typed lists take the list's kind, as the API omits it. */
export function flattenLists(objects: readonly SourcedObject[]): SourcedObject[] {
  const out: SourcedObject[] = [];
  const visit = (o: SourcedObject) => {
    const kind = typeof o.object.kind === 'string' ? o.object.kind : '';
    if (kind.endsWith('List') && Array.isArray(o.object.items)) {
      const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
      for (const item of o.object.items) {
        if (!isRecord(item)) throw new InputError(`${o.source}: an item of ${kind} is not an object`);
        visit({ object: itemKind && typeof item.kind !== 'string' ? { ...item, kind: itemKind } : item, source: o.source });
      }
      return;
    }
    out.push(o);
  };
  objects.forEach(visit);
  return out;
}
