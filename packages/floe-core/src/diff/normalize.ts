/**
 * What the API server fills in or rewrites, taken out of both sides before
 * comparing. Each rule below was checked against kube-apiserver v1.37 (see
 * tests/integration/diff.test.ts, "stores"): an object written either way
 * reads back identically, so telling them apart would report drift nobody made.
 *
 * Not normalised, because the server keeps them apart and they mean different
 * things: `ingress: [{}]` (one rule allowing everything) vs no rules; a peer's
 * `podSelector: {}` vs no podSelector; policyTypes that are set (never inferred
 * from which rule lists are empty: a policy listing Ingress with no ingress
 * rules denies all ingress, one not listing it leaves ingress alone).
 * PodTemplates: the pod fields the server defaults are in pod-defaults.ts.
 */
import type { KubeObject } from '../k8s/meta.js';
import { defaultPolicyTypes } from '../policy/compile.js';
import { isObject, type Json, type JsonObject } from './json.js';
import { stripPodTemplateDefaults } from './pod-defaults.js';
import { GUARDRAIL_KINDS } from './types.js';

/**
 * Every list in a NetworkPolicy spec is `omitempty` in the API types and is
 * stored as protobuf, so `[]` reads back as absent; the same holds for an
 * empty `matchLabels` map and for JSON nulls. Walks the whole spec.
 */
function pruneEmpty(value: unknown): Json | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(pruneEmpty).filter((v): v is Json => v !== undefined);
    return items.length ? items : undefined;
  }
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const p = pruneEmpty(v);
      if (p === undefined) continue;
      if (k === 'matchLabels' && isObject(p) && Object.keys(p).length === 0) continue;
      out[k] = p;
    }
    return out;
  }
  return value as Json;
}

/** Ports without a protocol are stored with `protocol: TCP`. */
function defaultProtocols(rules: Json | undefined): void {
  if (!Array.isArray(rules)) return;
  for (const rule of rules) {
    if (!isObject(rule) || !Array.isArray(rule.ports)) continue;
    for (const port of rule.ports) if (isObject(port) && port.protocol === undefined) port.protocol = 'TCP';
  }
}

/**
 * A NetworkPolicy spec as the API server stores it:
 * - lists and `matchLabels` that are empty are absent;
 * - `podSelector` absent is `{}` (a required struct, decoded to its zero value);
 * - ports without `protocol` are TCP;
 * - no `policyTypes`: Ingress, plus Egress when there is at least one egress rule
 *   (SetDefaults_NetworkPolicy; an empty egress list adds nothing).
 */
export function normalizeNetworkPolicySpec(spec: unknown): JsonObject {
  const egress = isObject(spec) && Array.isArray(spec.egress) ? spec.egress : [];
  const out = (pruneEmpty(isObject(spec) ? spec : {}) as JsonObject | undefined) ?? {};
  if (!isObject(out.podSelector)) out.podSelector = {};
  // The engine's defaulting, so diff and every other command read a policy without policyTypes alike.
  if (!Array.isArray(out.policyTypes)) out.policyTypes = defaultPolicyTypes({ egress });
  defaultProtocols(out.ingress);
  defaultProtocols(out.egress);
  return out;
}

/** Whether a (normalised) NetworkPolicy spec allows any traffic: a rule in a direction it governs. */
export function allowsTraffic(spec: JsonObject): boolean {
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  return (types.includes('Ingress') && Array.isArray(spec.ingress)) || (types.includes('Egress') && Array.isArray(spec.egress));
}

function pick(map: unknown, keys: readonly string[]): Record<string, string> | undefined {
  if (!isObject(map)) return undefined;
  const out: Record<string, string> = {};
  for (const k of keys) if (typeof map[k] === 'string') out[k] = map[k];
  return Object.keys(out).length ? out : undefined;
}

/** The label and annotation keys floe sets on an object: the only ones `diff` compares on it. */
export interface OwnedKeys {
  labels: string[];
  annotations: string[];
}

export function ownedKeys(intended: KubeObject): OwnedKeys {
  return { labels: Object.keys(intended.metadata.labels ?? {}), annotations: Object.keys(intended.metadata.annotations ?? {}) };
}

/**
 * Identity plus the labels and annotations floe owns. Everything else in
 * metadata is the server's (uid, resourceVersion, generation,
 * creationTimestamp, managedFields) or someone else's (their labels, the
 * kubectl last-applied annotation), so it is not compared.
 * `keys` undefined keeps every label (for extra objects, to show who owns them).
 */
export function normalizeMetadata(obj: KubeObject, keys?: OwnedKeys): JsonObject {
  const m = obj.metadata;
  const out: JsonObject = { name: m.name };
  if (m.namespace) out.namespace = m.namespace;
  const labels = keys ? pick(m.labels, keys.labels) : pick(m.labels, Object.keys(m.labels ?? {}).sort());
  if (labels) out.labels = labels;
  const annotations = keys ? pick(m.annotations, keys.annotations) : undefined;
  if (annotations) out.annotations = annotations;
  // A namespace being deleted takes everything in it along: worth showing.
  if (typeof m.deletionTimestamp === 'string') out.deletionTimestamp = m.deletionTimestamp;
  return out;
}

/** JSON nulls are absent; empty collections stay (in a PodTemplate `emptyDir: {}` means something). */
function dropNulls(value: unknown): Json | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((v) => dropNulls(v) ?? null);
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const p = dropNulls(v);
      if (p !== undefined) out[k] = p;
    }
    return out;
  }
  return value as Json;
}

/**
 * A CiliumNetworkPolicy spec as the API server stores it with Cilium's CRDs
 * (v1.20.2, checked against kube-apiserver v1.37 in
 * tests/integration/cilium-diff.test.ts): exactly as written. The CRD has no
 * defaults and keeps empty lists and maps (they mean something: `ingress: []`
 * leaves ingress alone, `ingress: [{}]` denies it); a null is dropped on
 * create (refused by server-side apply), so nulls are read as absent and
 * nothing else is normalised. List order is ignored (diff.ts): every list in a
 * CNP spec is a set.
 */
export function normalizeCiliumNetworkPolicySpec(spec: unknown): JsonObject {
  const out = dropNulls(spec);
  return isObject(out) ? out : {};
}

/** Whether a CiliumNetworkPolicy spec allows any traffic: a rule that is not empty (`{}` allows nothing). */
export function ciliumAllowsTraffic(spec: JsonObject): boolean {
  return [spec.ingress, spec.egress].some((rules) => Array.isArray(rules) && rules.some((r) => isObject(r) && Object.keys(r).length > 0));
}

function normalizeBody(obj: KubeObject, out: JsonObject): JsonObject {
  if (obj.kind === 'NetworkPolicy') out.spec = normalizeNetworkPolicySpec(obj.spec);
  else if (obj.kind === 'CiliumNetworkPolicy') out.spec = normalizeCiliumNetworkPolicySpec(obj.spec);
  else if (obj.kind === 'PodTemplate') out.template = dropNulls(obj.template) ?? {};
  // The cluster guardrails: the spec as written; the API server defaults none of their fields (their CRDs have no defaults).
  else if (GUARDRAIL_KINDS.includes(obj.kind)) out.spec = dropNulls(obj.spec) ?? {};
  return out;
}

/** The comparable form of an intended object. */
export function normalizeIntended(obj: KubeObject): JsonObject {
  return normalizeBody(obj, { apiVersion: obj.apiVersion, kind: obj.kind, metadata: normalizeMetadata(obj, ownedKeys(obj)) });
}

/**
 * The comparable form of a live object: compared against `intended` (its owned
 * keys; for PodTemplates, which defaulted fields it leaves to the server), or
 * shown as it is when there is no intended object (an extra NetworkPolicy: all
 * its labels, to tell who owns it).
 */
export function normalizeLive(obj: KubeObject, intended: JsonObject | null, intendedKeys?: OwnedKeys): JsonObject {
  const out = normalizeBody(obj, { apiVersion: obj.apiVersion, kind: obj.kind, metadata: normalizeMetadata(obj, intendedKeys) });
  if (obj.kind === 'PodTemplate') out.template = stripPodTemplateDefaults(out.template as Json, intended?.template, 'template');
  return out;
}
