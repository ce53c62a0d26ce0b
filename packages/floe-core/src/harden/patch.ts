import type { PathSegment } from '../manifests/yaml.js';
import { isRecord } from '../util/shape.js';
import type { HardenChange } from './rules.js';

/**
 * A strategic-merge patch (kustomize `patches:`, `kubectl patch
 * --type=strategic`) that makes harden's changes to one object. Lists of
 * containers and volumes merge by name and volumeMounts by mountPath (their
 * patchMergeKey in the API), so a patch names an item by its key; a list
 * without a merge key (capabilities.drop) is replaced whole, so the patch
 * carries the list as it ends.
 */

/** The merge key of the pod's lists that strategic merge patches merge (k8s.io/api core/v1 patchMergeKey). */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
};

type Obj = Record<string, unknown>;

export function smpPatch(original: Obj, hardened: Obj, changes: readonly HardenChange[]): Obj {
  const meta = isRecord(original.metadata) ? original.metadata : {};
  const patch: Obj = {
    apiVersion: original.apiVersion,
    kind: original.kind,
    metadata: { name: meta.name, ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}) },
  };
  for (const c of changes) {
    const listAdd = c.op === 'add' && Object.hasOwn(MERGE_KEYS, String(c.path[c.path.length - 1]));
    const parentPath = c.path.slice(0, -1);
    let node: Obj = patch;
    let orig: unknown = original;
    let hard: unknown = hardened;
    for (let i = 0; i < parentPath.length; i++) {
      const seg = parentPath[i] as PathSegment;
      const next = parentPath[i + 1];
      const key = MERGE_KEYS[String(seg)];
      if (typeof seg === 'string' && typeof next === 'number' && key !== undefined && Object.hasOwn(MERGE_KEYS, seg)) {
        // An item of a merged list: the patch names it by its merge key.
        const item = (isRecord(orig) && Array.isArray(orig[seg]) ? orig[seg][next] : undefined) as unknown;
        const id = isRecord(item) ? item[key] : undefined;
        const list = (Array.isArray(node[seg]) ? node[seg] : (node[seg] = [])) as Obj[];
        let element = list.find((e) => e[key] === id);
        if (!element) list.push((element = { [key]: id }));
        node = element;
        orig = item;
        hard = isRecord(hard) && Array.isArray(hard[seg]) ? (hard[seg] as unknown[])[next] : undefined;
        i++;
        continue;
      }
      node = (isRecord(node[seg as string]) ? node[seg as string] : (node[seg as string] = {})) as Obj;
      orig = isRecord(orig) ? orig[seg as string] : undefined;
      hard = isRecord(hard) ? hard[seg as string] : undefined;
    }
    const last = String(c.path[c.path.length - 1]);
    if (listAdd) {
      const list = (Array.isArray(node[last]) ? node[last] : (node[last] = [])) as unknown[];
      list.push(c.value);
    } else if (c.op === 'add') {
      // A list without a merge key is replaced by the patch: it carries the list as the hardened object has it.
      node[last] = isRecord(hard) ? hard[last] : [c.value];
    } else {
      node[last] = c.value;
    }
  }
  return patch;
}
