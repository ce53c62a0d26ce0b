/**
 * Intent vs live cluster, for every namespace floe manages. Pure: plain
 * objects in, a report out. What counts as drift:
 * - missing: an intended object that is not in the cluster (a managed
 *   namespace that does not exist is missing with everything in it);
 * - changed: an intended object whose normalised spec (NetworkPolicy), owned
 *   fields (PodTemplate) or floe labels and annotations differ;
 * - extra: a NetworkPolicy in a managed namespace that the intent does not
 *   have, whoever owns it. Policies only ever add allowances to the pods they
 *   select, and floe's default-deny already isolates every pod, so an extra
 *   policy with a rule can only widen access;
 * - Namespace Pod Security labels missing, weaker or of another version.
 * Not drift: labels and annotations others put on floe's objects, extra
 * labels on a Namespace, a stricter Pod Security level, list order inside a
 * NetworkPolicy spec, and anything the API server fills in (normalize.ts).
 * PodTemplates other than floe's are not reported: they grant nothing.
 * - orphaned (orphans.ts): floe-labelled objects anywhere else in the cluster
 *   that the intent no longer has; floe's Namespaces among them are reported
 *   and kept, never drift.
 */
import type { KubeObject } from '../cluster/types.js';
import { MANAGED_BY_LABEL } from '../network/labels.js';
import { compareStrings } from '../util/compare.js';
import { policyWidens } from '../policy/semantic-diff.js';
import { childPath, compare } from './compare.js';
import { jsonEqual, type JsonObject } from './json.js';
import { allowsTraffic, ciliumAllowsTraffic, normalizeIntended, normalizeLive, ownedKeys } from './normalize.js';
import { findOrphans, type FloeManagedObjects } from './orphans.js';
import { comparePodSecurity, isPssLabel, levelDrifts, pssLevelLabel, pssVersionLabel, versionDrifts } from './pss.js';
import { GUARDRAIL_KINDS, type ChangedObject, type DiffPair, type DiffResult, type Difference, type ExtraObject, type Intent, type LiveState, type MissingObject, type NamespaceStatus, type ObjectRef } from './types.js';

const KIND_ORDER: Record<string, number> = { Namespace: 0, NetworkPolicy: 1, CiliumNetworkPolicy: 1, PodTemplate: 2 };
const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

function ref(o: KubeObject): ObjectRef {
  return { kind: o.kind, namespace: o.kind === 'Namespace' ? null : (o.metadata.namespace ?? null), name: o.metadata.name };
}

/** Namespace first, then the objects in it by kind and name. */
function byPlace(a: ObjectRef, b: ObjectRef): number {
  return (
    compareStrings(a.namespace ?? a.name, b.namespace ?? b.name) ||
    (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) ||
    compareStrings(a.kind, b.kind) ||
    compareStrings(a.name, b.name)
  );
}

function index(objects: KubeObject[]): Map<string, KubeObject> {
  return new Map(objects.map((o) => [key(o.metadata.namespace, o.metadata.name), o]));
}

/** Lists are sets in a NetworkPolicy or CiliumNetworkPolicy spec, ordered everywhere else. */
const POLICY_KINDS = new Set(['NetworkPolicy', 'CiliumNetworkPolicy']);
const unorderedIn = (kind: string) => (path: string) => POLICY_KINDS.has(kind) && path.startsWith('spec');

/** The metadata keys floe owns hold floe's values. */
function ownedMetadataEqual(intended: KubeObject, live: KubeObject): boolean {
  for (const field of ['labels', 'annotations'] as const) {
    const want = intended.metadata[field];
    if (!want) continue;
    const have = live.metadata[field];
    for (const [k, v] of Object.entries(want)) if (have?.[k] !== v) return false;
  }
  return true;
}

/**
 * A NetworkPolicy whose raw spec already equals the intent's needs no
 * normalising (both normalise alike); the common case in a cluster in sync.
 */
function unchangedAsIs(intended: KubeObject, live: KubeObject): boolean {
  return POLICY_KINDS.has(intended.kind) && jsonEqual(intended.spec, live.spec) && ownedMetadataEqual(intended, live) && live.metadata.deletionTimestamp === undefined;
}

/**
 * A Namespace's drift: the floe labels it must carry (Pod Security levels by
 * strictness, everything else by value) and whether it is being deleted.
 */
function namespaceDifferences(intended: KubeObject, live: KubeObject, status: NamespaceStatus): Difference[] {
  const out: Difference[] = [];
  const want = intended.metadata.labels ?? {};
  const have = live.metadata.labels ?? {};
  const labelPath = (k: string) => childPath('metadata.labels', k);
  const diff = (k: string, expected: string | undefined, got: string | undefined) => {
    out.push({ path: labelPath(k), ...(expected !== undefined ? { expected } : {}), ...(got !== undefined ? { live: got } : {}) });
  };
  for (const k of Object.keys(want)) {
    if (isPssLabel(k)) continue;
    if (have[k] !== want[k]) diff(k, want[k], have[k]);
  }
  for (const ps of status.podSecurity ?? []) {
    if (levelDrifts(ps.level.status)) diff(pssLevelLabel(ps.mode), ps.level.expected, ps.level.live);
    if (versionDrifts(ps.version.status)) diff(pssVersionLabel(ps.mode), want[pssVersionLabel(ps.mode)] ?? ps.version.expected, have[pssVersionLabel(ps.mode)]);
  }
  if (typeof live.metadata.deletionTimestamp === 'string') out.push({ path: 'metadata.deletionTimestamp', live: live.metadata.deletionTimestamp });
  out.sort((a, b) => compareStrings(a.path, b.path));
  return out;
}

/**
 * The cluster guardrails (cluster-scoped, outside every namespace): missing,
 * or changed in spec or in floe's labels. Their rules are ordered lists
 * (first match decides), so order counts. A floe guardrail the intent no
 * longer has is an orphan (orphans.ts).
 */
function compareGuardrails(
  intent: Intent,
  live: LiveState,
  reportMissing: (o: KubeObject, namespaceMissing: boolean) => void,
  reportChanged: (o: KubeObject, differences: Difference[], expected: JsonObject, aligned: JsonObject) => void,
  same: () => void,
): void {
  const liveByKey = new Map((live.clusterPolicies ?? []).map((o) => [`${o.kind}/${o.metadata.name}`, o]));
  for (const o of intent.objects) {
    if (!GUARDRAIL_KINDS.includes(o.kind)) continue;
    const found = liveByKey.get(`${o.kind}/${o.metadata.name}`);
    if (!found) {
      reportMissing(o, false);
      continue;
    }
    if (jsonEqual(o.spec, found.spec) && ownedMetadataEqual(o, found) && found.metadata.deletionTimestamp === undefined) {
      same();
      continue;
    }
    const expected = normalizeIntended(o);
    const { differences, aligned } = compare(expected, normalizeLive(found, expected, ownedKeys(o)), '', () => false);
    reportChanged(o, differences, expected, aligned as JsonObject);
  }
}

/** `floeObjects`: floe's objects cluster-wide (readFloeManaged); undefined when orphans are not looked for. */
export function diffIntent(intent: Intent, live: LiveState, floeObjects?: FloeManagedObjects): DiffResult {
  const liveNamespaces = new Map(live.namespaces.map((n) => [n.metadata.name, n]));
  const liveByKind: Record<string, Map<string, KubeObject>> = {
    NetworkPolicy: index(live.networkPolicies),
    CiliumNetworkPolicy: index(live.ciliumNetworkPolicies ?? []),
    PodTemplate: index(live.podTemplates),
  };
  const intendedByNamespace = new Map<string, KubeObject[]>();
  const intendedNamespace = new Map<string, KubeObject>();
  for (const o of intent.objects) {
    if (o.kind === 'Namespace') {
      intendedNamespace.set(o.metadata.name, o);
      continue;
    }
    const ns = o.metadata.namespace as string;
    const list = intendedByNamespace.get(ns);
    if (list) list.push(o);
    else intendedByNamespace.set(ns, [o]);
  }

  const missing: MissingObject[] = [];
  const changed: ChangedObject[] = [];
  const extra: ExtraObject[] = [];
  const namespaces: NamespaceStatus[] = [];
  const pairs: DiffPair[] = [];
  let unchanged = 0;

  const reportMissing = (o: KubeObject, namespaceMissing: boolean) => {
    missing.push({ ...ref(o), namespaceMissing });
    pairs.push({ ...ref(o), status: 'missing', expected: normalizeIntended(o), live: null });
  };
  const reportChanged = (o: KubeObject, differences: Difference[], expected: JsonObject, aligned: JsonObject, found?: KubeObject) => {
    if (differences.length === 0) {
      unchanged++;
      return;
    }
    changed.push({ ...ref(o), differences, ...(o.kind === 'NetworkPolicy' && found ? { widensAccess: policyWidens(found, o) } : {}) });
    pairs.push({ ...ref(o), status: 'changed', expected, live: aligned });
  };

  const managed = new Set(intent.namespaces);
  for (const ns of intent.namespaces) {
    const liveNs = liveNamespaces.get(ns);
    const nsObject = intendedNamespace.get(ns);
    const contents = intendedByNamespace.get(ns) ?? [];
    const podSecurity = nsObject ? comparePodSecurity(nsObject.metadata.labels ?? {}, liveNs ? (liveNs.metadata.labels ?? {}) : undefined) : null;

    if (!liveNs) {
      if (nsObject) reportMissing(nsObject, false);
      for (const o of contents) reportMissing(o, true);
      namespaces.push({ name: ns, exists: false, terminating: false, drift: true, podSecurity });
      continue;
    }

    const status: NamespaceStatus = { name: ns, exists: true, terminating: typeof liveNs.metadata.deletionTimestamp === 'string', drift: false, podSecurity };
    if (nsObject) {
      const differences = namespaceDifferences(nsObject, liveNs, status);
      status.drift = differences.length > 0;
      reportChanged(nsObject, differences, normalizeIntended(nsObject), normalizeLive(liveNs, null, ownedKeys(nsObject)));
    } else if (status.terminating) status.drift = true;
    namespaces.push(status);

    for (const o of contents) {
      const found = liveByKind[o.kind]?.get(key(ns, o.metadata.name));
      if (!found) {
        reportMissing(o, false);
        status.drift = true;
        continue;
      }
      if (unchangedAsIs(o, found)) {
        unchanged++;
        continue;
      }
      const expected = normalizeIntended(o);
      const liveForm = normalizeLive(found, expected, ownedKeys(o));
      const { differences, aligned } = compare(expected, liveForm, '', unorderedIn(o.kind));
      if (differences.length) status.drift = true;
      reportChanged(o, differences, expected, aligned as JsonObject, found);
    }
  }

  compareGuardrails(intent, live, reportMissing, reportChanged, () => unchanged++);

  const statusOf = new Map(namespaces.map((n) => [n.name, n]));
  const intendedKeys = new Set(intent.objects.filter((o) => POLICY_KINDS.has(o.kind)).map((o) => `${o.kind}/${key(o.metadata.namespace, o.metadata.name)}`));
  for (const np of [...live.networkPolicies, ...(live.ciliumNetworkPolicies ?? [])]) {
    const ns = np.metadata.namespace as string;
    if (!managed.has(ns) || intendedKeys.has(`${np.kind}/${key(ns, np.metadata.name)}`)) continue;
    const shown = normalizeLive(np, null);
    const spec = shown.spec as JsonObject;
    extra.push({
      ...ref(np),
      managedByFloe: np.metadata.labels?.[MANAGED_BY_LABEL] === 'floe',
      widensAccess: np.kind === 'CiliumNetworkPolicy' ? ciliumAllowsTraffic(spec) : allowsTraffic(spec),
      labels: { ...((shown.metadata as JsonObject).labels as Record<string, string> | undefined) },
      spec,
    });
    pairs.push({ ...ref(np), status: 'extra', expected: null, live: shown });
    const status = statusOf.get(ns);
    if (status) status.drift = true;
  }

  missing.sort(byPlace);
  changed.sort(byPlace);
  extra.sort(byPlace);
  pairs.sort(byPlace);
  const { check, orphaned, orphanedNamespaces } = findOrphans(intent, floeObjects);
  const drift = missing.length + changed.length + extra.length + orphaned.length > 0 || namespaces.some((n) => n.drift);
  return {
    report: {
      drift,
      counts: { missing: missing.length, changed: changed.length, extra: extra.length, extraWidening: extra.filter((e) => e.widensAccess).length, unchanged, orphaned: orphaned.length },
      missing,
      changed,
      extra,
      namespaces,
      orphaned,
      orphanedNamespaces,
      orphans: check,
      notCompared: intent.notCompared ?? [],
    },
    pairs,
  };
}
