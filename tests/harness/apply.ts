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
