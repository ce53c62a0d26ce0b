/**
 * The cluster read behind `diff`: get and list only. For a handful of
 * managed namespaces it asks per namespace (a few small requests, and a Role
 * in each namespace is enough); for many it lists each resource once across
 * all namespaces and keeps the managed ones (one paginated list instead of a
 * thousand round trips; see bench/diff.bench.ts). A cluster-wide list the
 * user may not make (403) falls back to the per-namespace reads.
 */
import { ClusterError } from '../cluster/errors.js';
import { RESOURCES } from '../cluster/resources.js';
import type { ClusterClient, KubeObject, ListOptions, ResourceRef } from '../cluster/types.js';
import { GUARDRAIL_KINDS, type Intent, type LiveState } from './types.js';

/** The cluster guardrails' resources (network-policy-api). */
export const GUARDRAIL_RESOURCES: readonly ResourceRef[] = [RESOURCES.clusterNetworkPolicies, RESOURCES.adminNetworkPolicies, RESOURCES.baselineAdminNetworkPolicies];

export interface ReadOptions {
  /** Up to this many managed namespaces are read one by one; more are listed cluster-wide. */
  perNamespaceUpTo?: number;
  /** Requests in flight at once when reading per namespace. */
  concurrency?: number;
}

export const DEFAULT_PER_NAMESPACE_UP_TO = 20;
const DEFAULT_CONCURRENCY = 8;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const forbidden = (err: unknown) => err instanceof ClusterError && err.fault === 'forbidden';

/** Every object of `ref` in the namespaces, cluster-wide or one namespace at a time. */
async function listIn(client: ClusterClient, ref: ResourceRef, namespaces: string[], wide: boolean, concurrency: number, options: ListOptions = {}): Promise<KubeObject[]> {
  if (wide) {
    try {
      const wanted = new Set(namespaces);
      return (await client.list(ref, options)).filter((o) => wanted.has(o.metadata.namespace as string));
    } catch (err) {
      if (!forbidden(err)) throw err;
    }
  }
  return (await mapLimited(namespaces, concurrency, (namespace) => client.list(ref, { ...options, namespace }))).flat();
}

/** The managed Namespaces that exist. */
async function readNamespaces(client: ClusterClient, namespaces: string[], wide: boolean, concurrency: number): Promise<KubeObject[]> {
  if (wide) {
    try {
      const wanted = new Set(namespaces);
      return (await client.list(RESOURCES.namespaces)).filter((o) => wanted.has(o.metadata.name));
    } catch (err) {
      if (!forbidden(err)) throw err;
    }
  }
  const found = await mapLimited(namespaces, concurrency, (name) => client.get(RESOURCES.namespaces, name));
  return found.filter((o): o is KubeObject => o !== null);
}

/**
 * Namespaces, NetworkPolicies (all of them: extras count) and PodTemplates of
 * the managed namespaces. PodTemplates are read by name when the intent names
 * only one (floe-hardened), so other teams' templates are never fetched.
 */
export async function readLiveState(client: ClusterClient, intent: Intent, options: ReadOptions = {}): Promise<LiveState> {
  const namespaces = intent.namespaces;
  const wide = namespaces.length > (options.perNamespaceUpTo ?? DEFAULT_PER_NAMESPACE_UP_TO);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const templateNames = new Set(intent.objects.filter((o) => o.kind === 'PodTemplate').map((o) => o.metadata.name));
  const templateSelector: ListOptions = templateNames.size === 1 ? { fieldSelector: `metadata.name=${[...templateNames][0] as string}` } : {};
  // Only a cluster with Cilium's CRDs serves CiliumNetworkPolicies: asked for when the intent has them.
  const cilium = intent.objects.some((o) => o.kind === 'CiliumNetworkPolicy');
  const [liveNamespaces, networkPolicies, podTemplates, ciliumNetworkPolicies] = await Promise.all([
    readNamespaces(client, namespaces, wide, concurrency),
    listIn(client, RESOURCES.networkPolicies, namespaces, wide, concurrency),
    templateNames.size === 0 ? Promise.resolve([]) : listIn(client, RESOURCES.podTemplates, namespaces, wide, concurrency, templateSelector),
    cilium ? listIn(client, RESOURCES.ciliumNetworkPolicies, namespaces, wide, concurrency) : Promise.resolve(undefined),
  ]);
  return { namespaces: liveNamespaces, networkPolicies, podTemplates, ...(ciliumNetworkPolicies ? { ciliumNetworkPolicies } : {}), ...(await readGuardrails(client, intent)) };
}

/**
 * The guardrails' kinds, cluster-wide, when the intent has guardrails: they
 * are cluster-scoped, so one list each. A kind whose CRD is not installed
 * lists as none, so every guardrail of it is reported missing.
 */
async function readGuardrails(client: ClusterClient, intent: Intent): Promise<Pick<LiveState, 'clusterPolicies'>> {
  const kinds = new Set(intent.objects.filter((o) => GUARDRAIL_KINDS.includes(o.kind)).map((o) => o.kind));
  if (kinds.size === 0) return {};
  const refs = GUARDRAIL_RESOURCES.filter((r) => kinds.has(r.kind));
  const lists = await Promise.all(refs.map((r) => client.list(r, { optional: true })));
  return { clusterPolicies: lists.flat() };
}
