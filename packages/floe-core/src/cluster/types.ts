/**
 * Plain-data view of the cluster. Everything above src/cluster/ sees these
 * shapes only; @kubernetes/client-node stays behind this edge.
 */
import type { KubeObject } from '../k8s/meta.js';

// The object envelope is the k8s layer's; re-exported where cluster users have always found it.
export type { KubeObject, KubeObjectMeta } from '../k8s/meta.js';

/** Where a resource lives in the API: enough to build its URL and to name it in messages. */
export interface ResourceRef {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Plural, lower-case, as in the URL and in RBAC rules: 'networkpolicies'. */
  resource: string;
  kind: string;
  namespaced: boolean;
}

export interface ListOptions {
  /** Only this namespace; all namespaces when absent (namespaced resources). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * A resource the server does not serve (a CRD that is not installed) lists
   * as [] instead of failing. For optional signals such as CNI CRDs.
   */
  optional?: boolean;
}

export interface ClusterConnectionOptions {
  /** --kubeconfig; else KUBECONFIG (several paths, merged as kubectl does), else ~/.kube/config, else in-cluster. */
  kubeconfig?: string;
  /** --context; else the kubeconfig's current-context. */
  context?: string;
  /** --request-timeout in ms; 0 = no timeout. Default 30 s. Retries of one request stay within it. */
  requestTimeoutMs?: number;
  /** The command on whose behalf requests are made, named in 403 messages ("floe network diff"). */
  command: string;
  /** Page size for list calls (limit/continue). Default 500, as kubectl. */
  pageSize?: number;
}

export interface ServerVersion {
  gitVersion: string;
  major: string;
  minor: string;
}

export interface DryRunOptions {
  /** Take over fields other managers own (server-side apply `force=true`) instead of failing with a conflict. */
  force?: boolean;
  /** Receives the texts of the server's `Warning` headers (admission warnings), unquoted, in order. */
  warnings?: string[];
}

/**
 * Read-only by construction except `dryRunApply`, which is a server-side
 * dry-run (nothing is persisted). diff and check-cni use only get/list.
 */
export interface ClusterClient {
  /** The API server URL (never credentials). */
  readonly server: string;
  /** The kubeconfig context in use, or 'in-cluster'. */
  readonly context: string;
  version(): Promise<ServerVersion>;
  /** All items, every page followed. */
  list(ref: ResourceRef, options?: ListOptions): Promise<KubeObject[]>;
  /** The object, or null when it does not exist (404). */
  get(ref: ResourceRef, name: string, namespace?: string): Promise<KubeObject | null>;
  /** Server-side apply with dryRun=All and the given field manager; returns what the server would store. */
  dryRunApply(ref: ResourceRef, object: KubeObject, fieldManager?: string, options?: DryRunOptions): Promise<KubeObject>;
  /** Closes pooled connections so the process can exit at once. Idempotent. */
  close(): Promise<void>;
}
