// Server-side apply through kubectl, exactly as a user would run it, plus a
// read-back of what the server stored.
import { itemsOf, type KubeObject, type Kubectl, type KubectlResult } from './kube.ts';

export const FIELD_MANAGER = 'floe';

export function serverSideApply(kubectl: Kubectl, files: string[], options: { dryRun?: boolean } = {}): Promise<KubectlResult> {
  return kubectl.run([
    'apply',
    '--server-side',
    `--field-manager=${FIELD_MANAGER}`,
    ...(options.dryRun ? ['--dry-run=server'] : []),
    ...files.flatMap((f) => ['-f', f]),
  ]);
}

/**
 * Applies generated files as a user does: the Namespaces first (a namespaced object needs its
 * namespace), then the rest. Throws with kubectl's stderr when either apply fails.
 */
export async function applyGenerated(kubectl: Kubectl, files: readonly { file: string; object: { kind: string } }[]): Promise<void> {
  const namespaces = files.filter((f) => f.object.kind === 'Namespace').map((f) => f.file);
  const rest = files.filter((f) => f.object.kind !== 'Namespace').map((f) => f.file);
  for (const batch of [namespaces, rest]) {
    const r = await serverSideApply(kubectl, batch);
    if (r.code !== 0) throw new Error(`applying generated objects failed:\n${r.stderr}`);
  }
}

export interface LiveObject {
  key: string;
  generation: number | undefined;
  resourceVersion: string | undefined;
  managers: string[];
}

export const objectKey = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** What the API server holds for the objects in `files` (absent ones are simply missing). */
export async function liveObjects(kubectl: Kubectl, files: string[]): Promise<LiveObject[]> {
  const out = await kubectl.ok(['get', '--ignore-not-found', '--show-managed-fields', '-o', 'json', ...files.flatMap((f) => ['-f', f])]);
  if (out.trim() === '') return [];
  return itemsOf(out).map((o) => ({
    key: objectKey(o),
    generation: o.metadata.generation,
    resourceVersion: o.metadata.resourceVersion,
    managers: (o.metadata.managedFields ?? []).map((m) => `${m.manager}:${m.operation}`).sort(),
  }));
}
