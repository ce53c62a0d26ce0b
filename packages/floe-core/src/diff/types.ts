import type { KubeObject } from '../cluster/types.js';

/** The kinds floe writes and `diff` compares. */
export const DIFF_KINDS = ['Namespace', 'NetworkPolicy', 'CiliumNetworkPolicy', 'PodTemplate', 'ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'] as const;
export type DiffKind = (typeof DIFF_KINDS)[number];
/** The cluster-scoped guardrails floe writes (security.network_policies.cluster_guardrails): no namespace. */
export const GUARDRAIL_KINDS: readonly string[] = ['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'];

/** The admission guard's cluster-scoped kinds: floe writes them, diff sets them aside (reported as not compared). */
export const NOT_COMPARED_KINDS = ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'] as const;

/** What the cluster should contain: floe's objects and the namespaces it manages. */
export interface Intent {
  /** Where the intent came from, for messages: a manifest path, "<built-in defaults>" or a directory. */
  source: string;
  /** Every managed namespace, sorted: those with a Namespace object and those holding an object. */
  namespaces: string[];
  objects: KubeObject[];
  /** floe's objects diff does not compare (the admission guard's, NOT_COMPARED_KINDS). */
  notCompared?: ObjectRef[];
}

/** What the API server returned for the managed namespaces (plain JSON objects). */
export interface LiveState {
  /** The managed namespaces that exist (others may be included; they are ignored). */
  namespaces: KubeObject[];
  /** Every NetworkPolicy in the managed namespaces, whoever owns it. */
  networkPolicies: KubeObject[];
  /** The PodTemplates of the managed namespaces (at least those named in the intent). */
  podTemplates: KubeObject[];
  /** The cluster guardrails' kinds, all of them, when the intent has guardrails (absent: not read). */
  clusterPolicies?: KubeObject[];
  /** Every CiliumNetworkPolicy in the managed namespaces, whoever owns it; read when the intent has one (the cilium plugin). */
  ciliumNetworkPolicies?: KubeObject[];
}

/** One differing field. `expected` or `live` is absent when the field is absent on that side. */
export interface Difference {
  /** `spec.egress[1].ports[0].port`, `metadata.labels[pod-security.kubernetes.io/enforce]`. */
  path: string;
  expected?: unknown;
  live?: unknown;
}

export interface ObjectRef {
  kind: string;
  /** null for cluster-scoped objects (Namespace). */
  namespace: string | null;
  name: string;
}

export interface MissingObject extends ObjectRef {
  /** The object's namespace does not exist either (a missing Namespace object is itself false). */
  namespaceMissing: boolean;
}

export interface ChangedObject extends ObjectRef {
  differences: Difference[];
  /**
   * NetworkPolicies only: the live policy admits something the intended one does
   * not (a tampered default deny, an added port or peer, a dropped policy type).
   */
  widensAccess?: boolean;
}

export interface ExtraObject extends ObjectRef {
  /** Carries `app.kubernetes.io/managed-by: floe`: a policy floe once wrote that the intent no longer has. */
  managedByFloe: boolean;
  /**
   * It allows some traffic (it has an ingress or egress rule). NetworkPolicies only add
   * allowances to the pods they select, so a policy with a rule can only widen access.
   */
  widensAccess: boolean;
  labels: Record<string, string>;
  /** The live spec, normalised (see normalize.ts). */
  spec: unknown;
}

export type PssMode = 'enforce' | 'audit' | 'warn';
/** stricter is not drift: the cluster is tighter than the intent. */
export type PssLevelStatus = 'same' | 'stricter' | 'weaker' | 'missing' | 'invalid';
export type PssVersionStatus = 'same' | 'different' | 'missing';

export interface PssModeStatus {
  mode: PssMode;
  level: { expected: string; live?: string; status: PssLevelStatus };
  version: { expected: string; live?: string; status: PssVersionStatus };
}

export interface NamespaceStatus {
  name: string;
  exists: boolean;
  /** Has a deletionTimestamp: it and everything in it is going away. */
  terminating: boolean;
  /** Missing, terminating, or drifting Pod Security or floe labels. */
  drift: boolean;
  /** null when the intent sets no Pod Security labels on this namespace. */
  podSecurity: PssModeStatus[] | null;
}

/**
 * A floe-labelled NetworkPolicy or PodTemplate that the intent no longer has,
 * outside the namespaces the intent manages (inside them, a policy is `extra`).
 */
export interface OrphanedObject extends ObjectRef {
  /** null for the cluster-scoped: a guardrail (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy), the admission guard's policies and bindings. */
  namespace: string | null;
}

/** A floe-labelled Namespace the intent no longer manages: reported, never deleted, not drift. */
export interface OrphanedNamespace {
  name: string;
  /** The `floe.dev/domain` label: the removed domain it was created for. */
  domain?: string;
  kept: true;
  reason: string;
}

/** Whether orphans were looked for, and how to remove those found. */
export interface OrphanCheck {
  /** false when the cluster-wide list was refused (403) or skipped (--no-orphans). */
  checked: boolean;
  /** Why orphans were not checked; with checked true, what was left out (the admission guard's kinds, when not readable). */
  note?: string;
  /** One `kubectl delete -n NS kind/name ...` per namespace holding orphans. */
  removeCommands: string[];
}

/** Everything `floe network diff` reports; the JSON output is this object. */
export interface DiffReport {
  drift: boolean;
  counts: { missing: number; changed: number; extra: number; extraWidening: number; unchanged: number; orphaned: number };
  missing: MissingObject[];
  changed: ChangedObject[];
  extra: ExtraObject[];
  namespaces: NamespaceStatus[];
  orphaned: OrphanedObject[];
  orphanedNamespaces: OrphanedNamespace[];
  orphans: OrphanCheck;
  /** floe's objects in the intent that diff does not compare: the admission guard's policies and bindings. */
  notCompared: ObjectRef[];
}

/** The normalised pair behind each reported object, for the text renderer's unified diffs. */
export interface DiffPair extends ObjectRef {
  status: 'missing' | 'changed' | 'extra';
  /** Normalised intent, or null when the object is extra. */
  expected: Record<string, unknown> | null;
  /** Normalised live object with its lists aligned to the intent's order, or null when missing. */
  live: Record<string, unknown> | null;
}

export interface DiffResult {
  report: DiffReport;
  pairs: DiffPair[];
}
