import type { SourcedObject } from '../k8s/objects.js';
import { WORKLOAD_KINDS } from '../k8s/objects.js';
import { compareStrings } from '../util/compare.js';
import type { NetworkPolicySpec } from './types.js';

/**
 * With no pods to compare, the semantic diff compares the policies' own rules:
 * one stand-in pod per selector the policies name (the pods a policy selects,
 * each peer's pods), in the namespace the selector applies to. Each stand-in
 * carries the labels its selector asks for, so the engine admits exactly what
 * the rules admit between those selectors. Endpoints read `ns/{app=web}[Selector]`.
 */

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

const METADATA_NAME = 'kubernetes.io/metadata.name';
export const SELECTOR_KIND = 'Selector';

/** The labels of a pod the selector matches, and the selector as text: `{app=web}`, `{all pods}`. */
function representative(sel: Selector | undefined, all: string): { labels: Record<string, string>; text: string } {
  const labels: Record<string, string> = { ...(sel?.matchLabels ?? {}) };
  const parts = Object.entries(labels).sort(([a], [b]) => compareStrings(a, b)).map(([k, v]) => `${k}=${v}`);
  for (const e of sel?.matchExpressions ?? []) {
    if (e.operator === 'In' && e.values?.[0] !== undefined) labels[e.key] = e.values[0];
    if (e.operator === 'Exists') labels[e.key] = '';
    parts.push(e.operator === 'Exists' || e.operator === 'DoesNotExist' ? `${e.operator === 'DoesNotExist' ? '!' : ''}${e.key}` : `${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`);
  }
  return { labels, text: `{${parts.length ? parts.join(',') : all}}` };
}

const meta = (o: SourcedObject) => (o.object.metadata ?? {}) as { name?: string; namespace?: string; labels?: Record<string, string> };

/** The stand-in pods (and namespaces a peer names that no object defines) for every selector of `policies`. */
export function selectorStandIns(policies: readonly SourcedObject[]): { pods: Map<string, SourcedObject>; namespaces: Map<string, Record<string, string>> } {
  const pods = new Map<string, SourcedObject>();
  const namespaces = new Map<string, Record<string, string>>();
  const addPod = (namespace: string, sel: Selector | undefined) => {
    const { labels, text } = representative(sel, 'all pods');
    const key = `${namespace}/${text}`;
    if (!pods.has(key)) pods.set(key, { object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: text, namespace, labels } }, source: 'selector' });
    if (!namespaces.has(namespace)) namespaces.set(namespace, { [METADATA_NAME]: namespace });
  };
  for (const p of policies) {
    const namespace = meta(p).namespace ?? 'default';
    const spec = (p.object.spec ?? {}) as NetworkPolicySpec;
    addPod(namespace, spec.podSelector as Selector | undefined);
    for (const peers of [...(spec.ingress ?? []).map((r) => r.from), ...(spec.egress ?? []).map((r) => r.to)]) {
      for (const peer of peers ?? []) {
        if (peer.ipBlock) continue;
        const nsSel = peer.namespaceSelector as Selector | undefined;
        let peerNamespace = namespace;
        if (nsSel) {
          const named = nsSel.matchLabels?.[METADATA_NAME];
          if (named !== undefined) peerNamespace = named;
          else {
            const { labels, text } = representative(nsSel, 'all namespaces');
            peerNamespace = text;
            if (!namespaces.has(text)) namespaces.set(text, labels);
          }
        }
        addPod(peerNamespace, peer.podSelector as Selector | undefined);
      }
    }
  }
  return { pods, namespaces };
}

const WORKLOADS = new Set<string>(WORKLOAD_KINDS);

/** `objects` without their pods and workloads, with the stand-ins and any namespace they need that `objects` lacks. */
export function withStandIns(objects: readonly SourcedObject[], standIns: ReturnType<typeof selectorStandIns>): SourcedObject[] {
  const kept = objects.filter((o) => o.object.kind !== 'Pod' && !WORKLOADS.has(String(o.object.kind)));
  const present = new Set(kept.filter((o) => o.object.kind === 'Namespace').map((o) => meta(o).name));
  const extra: SourcedObject[] = [];
  for (const [name, labels] of standIns.namespaces) {
    if (!present.has(name)) extra.push({ object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }, source: 'selector' });
  }
  return [...kept, ...extra, ...standIns.pods.values()];
}
