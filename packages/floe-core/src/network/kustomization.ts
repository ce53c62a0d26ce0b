/**
 * The `Kustomization` floe writes beside the objects: the prune set for the
 * ecosystem's own pruning (`kubectl apply -k` with an ApplySet, Argo CD,
 * Flux). It lists every generated object except the Namespaces: those are
 * applied on their own and never pruned, because deleting a namespace deletes
 * every workload in it. See docs/pruning.md.
 *
 * Named `Kustomization`, one of the three names kustomize, Argo CD and Flux
 * recognise, and the one without a .yaml extension: `kubectl apply -f DIR`
 * reads only .yaml, .yml and .json files, so it never tries to apply the
 * Kustomization itself.
 */
import { yamlString } from '../util/yaml-emit.js';
import { GENERATED_HEADER } from './render.js';

export const KUSTOMIZATION_FILE = 'Kustomization';

/** The Namespace files come first (`00-`), each an object of kind Namespace. */
export function renderKustomization(files: readonly { path: string; kind: string }[]): string {
  const resources = files.filter((f) => f.path.endsWith('.yaml') && f.kind !== 'Namespace').map((f) => `  - ${yamlString(f.path)}\n`);
  return (
    GENERATED_HEADER +
    '# The prune set: every generated object except the Namespaces, which are applied\n' +
    '# on their own and never pruned (deleting a namespace deletes its workloads).\n' +
    '# kubectl apply -k, ApplySet pruning, Argo CD and Flux: see docs/pruning.md.\n' +
    'apiVersion: kustomize.config.k8s.io/v1beta1\n' +
    'kind: Kustomization\n' +
    (resources.length ? `resources:\n${resources.join('')}` : 'resources: []\n')
  );
}
