// Per-test namespaces with unique names, and a cleanup that really finishes.
// The local control plane runs no namespace controller, so a deleted namespace
// would stay Terminating forever: cleanup deletes the namespace's contents
// itself, then finalizes the namespace (PUT .../finalize with no finalizers).
import { randomBytes } from 'node:crypto';
import type { Connection } from './context.ts';
import type { KubeClient, KubeObject } from './kube.ts';

/** `<prefix>-<6 hex>`, a valid DNS label (<= 63 chars). */
export function uniqueName(prefix: string): string {
  const suffix = randomBytes(3).toString('hex');
  return `${prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63 - suffix.length - 1)}-${suffix}`;
}

interface ApiResourceList {
  groupVersion: string;
  resources: { name: string; namespaced: boolean; verbs: string[] }[];
}

// Discovery is stable for a run; one lookup per worker is enough.
let collections: Promise<string[]> | undefined;

/** API paths (with `{ns}`) of every namespaced resource that supports deletecollection. */
function namespacedCollections(api: KubeClient): Promise<string[]> {
  collections ??= (async () => {
    const roots = ['/api/v1'];
    const groups = await api.request('GET', '/apis');
    for (const g of (groups.body as { groups: { preferredVersion: { groupVersion: string } }[] }).groups) {
      roots.push(`/apis/${g.preferredVersion.groupVersion}`);
    }
    const lists = await Promise.all(roots.map((root) => api.request('GET', root)));
    return lists.flatMap((r, i) =>
      r.status !== 200
        ? []
        : (r.body as ApiResourceList).resources
            .filter((res) => res.namespaced && !res.name.includes('/') && res.verbs.includes('deletecollection'))
            .map((res) => `${roots[i]}/namespaces/{ns}/${res.name}`),
    );
  })();
  return collections;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Deletes a namespace and waits until it is gone. Idempotent: a missing namespace is fine.
 * With a namespace controller (Kind, real clusters) it is given `graceMs` to do its job first.
 */
export async function deleteNamespace(conn: Connection, name: string, graceMs = 30_000): Promise<void> {
  const { api } = conn;
  const nsPath = `/api/v1/namespaces/${name}`;
  const paths = await namespacedCollections(api);
  const results = await Promise.all(paths.map((p) => api.request('DELETE', p.replace('{ns}', name))));
  const failed = results.filter((r) => r.status >= 400 && r.status !== 404 && r.status !== 405);
  if (failed.length) throw new Error(`emptying namespace ${name}: ${failed.map((r) => `${r.status} ${r.text.slice(0, 200)}`).join('; ')}`);

  const del = await api.request('DELETE', nsPath);
  if (del.status === 404) return;
  if (del.status >= 400) throw new Error(`DELETE ${nsPath}: ${del.status} ${del.text.slice(0, 300)}`);

  const waitGone = async (ms: number) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const r = await api.request('GET', nsPath);
      if (r.status === 404) return true;
      if (Date.now() >= deadline) return false;
      await sleep(100);
    }
  };
  if (conn.info.hasNamespaceController) {
    // The controller announces itself with status conditions; if none appear soon, nobody is coming.
    const noticeBy = Date.now() + 5_000;
    const giveUpAt = Date.now() + graceMs;
    for (;;) {
      const r = await api.request('GET', nsPath);
      if (r.status === 404) return;
      const conditions = (r.body as { status?: { conditions?: unknown[] } }).status?.conditions ?? [];
      if (Date.now() >= (conditions.length ? giveUpAt : noticeBy)) break;
      await sleep(100);
    }
  }

  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await api.request('GET', nsPath);
    if (current.status === 404) return;
    const ns = current.body as KubeObject & { spec?: { finalizers?: string[] } };
    const fin = await api.request('PUT', `${nsPath}/finalize`, { body: { ...ns, spec: { ...ns.spec, finalizers: [] } } });
    if (fin.status === 409) continue; // someone (the namespace controller) updated it; re-read
    if (fin.status >= 400 && fin.status !== 404) throw new Error(`finalize ${name}: ${fin.status} ${fin.text.slice(0, 300)}`);
    if (await waitGone(10_000)) return;
  }
  throw new Error(`namespace ${name} is still present after delete + finalize`);
}

/**
 * Tracks namespaces a test file creates and removes them all in `cleanup()`
 * (call it from afterAll). Names are unique per call, so files and reruns never collide.
 */
export class Namespaces {
  readonly #conn: Connection;
  readonly #names = new Set<string>();

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /** A fresh unique name, registered for cleanup (the namespace itself may be created by apply). */
  reserve(prefix: string): string {
    const name = uniqueName(prefix);
    this.#names.add(name);
    return name;
  }

  /** Registers a fixed name (e.g. floe-platform) for cleanup. */
  track(name: string): void {
    this.#names.add(name);
  }

  async create(prefix: string, labels: Record<string, string> = {}): Promise<string> {
    const name = this.reserve(prefix);
    const r = await this.#conn.api.request('POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } },
    });
    if (r.status !== 201) throw new Error(`create namespace ${name}: ${r.status} ${r.text.slice(0, 300)}`);
    return name;
  }

  async cleanup(): Promise<void> {
    const names = [...this.#names];
    this.#names.clear();
    const results = await Promise.allSettled(names.map((n) => deleteNamespace(this.#conn, n)));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    if (errors.length) throw new Error(`namespace cleanup failed:\n${errors.join('\n')}`);
  }
}
