// The cluster edge (@floe/core src/cluster) against the real kube-apiserver:
// pagination, permissions, and every fault a user meets, each as one line that
// never carries a credential.
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ClusterError, RESOURCES, connectCluster, type ResourceRef } from '@floe/core/cluster';
import { escapeControl } from '@floe/core/util';
import { connect, type Connection } from '../harness/context.ts';
import { Namespaces } from '../harness/namespaces.ts';
import { createUser, READ_ONLY_RULES, type TestUser, readOnlyRulesWithout } from '../harness/users.ts';

let conn: Connection;
let ns: Namespaces;
let home: string;
let reader: TestUser;
let noPolicies: TestUser;

const client = (kubeconfig: string, extra: { requestTimeoutMs?: number; pageSize?: number } = {}) =>
  connectCluster({ kubeconfig, command: 'floe network test', ...extra });

async function failure(p: Promise<unknown>): Promise<ClusterError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ClusterError) return err;
    throw err;
  }
  throw new Error('expected a ClusterError');
}

/** Writes a kubeconfig for `server` with a bearer token and optional CA data. */
async function kubeconfigFor(name: string, server: string, user: Record<string, unknown>, cluster: Record<string, unknown> = {}): Promise<string> {
  const file = join(conn.info.workDir, `${name}.kubeconfig`);
  await writeFile(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': name,
      clusters: [{ name, cluster: { server, ...cluster } }],
      users: [{ name, user }],
      contexts: [{ name, context: { cluster: name, user: name } }],
    }),
  );
  return file;
}

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  home = await ns.create('floe-it-client');
  reader = await createUser(conn, home, READ_ONLY_RULES);
  noPolicies = await createUser(conn, home, readOnlyRulesWithout('networkpolicies'));
});

afterAll(async () => {
  await reader?.remove();
  await noPolicies?.remove();
  await ns?.cleanup();
});

describe('reading the cluster', () => {
  it('follows every page of a list and returns whole objects with apiVersion and kind', async () => {
    const items = Array.from({ length: 23 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${String(i).padStart(2, '0')}`, namespace: home }, data: { i: String(i) } }));
    await conn.kubectl.ok(['apply', '--server-side', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    const c = await client(conn.info.kubeconfig, { pageSize: 5 });
    const listed = await c.list(RESOURCES.configMaps, { namespace: home, labelSelector: '' });
    const names = listed.map((o) => o.metadata.name).filter((n) => n.startsWith('cm-'));
    expect(names).toHaveLength(23);
    expect(listed.every((o) => o.apiVersion === 'v1' && o.kind === 'ConfigMap')).toBe(true);
  });

  it('gets an object, and null for one that does not exist', async () => {
    const c = await client(conn.info.kubeconfig);
    expect((await c.get(RESOURCES.namespaces, home))?.metadata.name).toBe(home);
    expect(await c.get(RESOURCES.namespaces, `${home}-absent`)).toBeNull();
  });

  it('lists a resource the server does not serve as empty only when asked to treat it as optional', async () => {
    const c = await client(conn.info.kubeconfig);
    const installations: ResourceRef = { group: 'operator.tigera.io', version: 'v1', resource: 'installations', kind: 'Installation', namespaced: false };
    expect(await c.list(installations, { optional: true })).toEqual([]);
    const err = await failure(c.list(installations));
    expect(err.fault).toBe('not-found');
  });

  it('dry-runs a server-side apply without creating anything', async () => {
    const c = await client(conn.info.kubeconfig);
    const name = `${home}-dry`;
    const stored = await c.dryRunApply(RESOURCES.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { a: 'b' } } });
    expect(stored.metadata.labels).toMatchObject({ a: 'b', 'kubernetes.io/metadata.name': name });
    expect(await c.get(RESOURCES.namespaces, name)).toBeNull();
  });
});

describe('messages from the API server', () => {
  it('escapes control characters that a Status message echoes back from the request (an admission policy quoting an annotation)', async () => {
    // A ValidatingAdmissionPolicy's messageExpression is returned verbatim; the API server refuses only line feeds in it.
    const name = `${home}-echo`;
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': home } },
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] }],
        },
        validations: [{ expression: "!has(object.metadata.annotations) || !('echo' in object.metadata.annotations)", messageExpression: "'refused: ' + object.metadata.annotations['echo']" }],
      },
    };
    const binding = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name }, spec: { policyName: name, validationActions: ['Deny'] } };
    await conn.kubectl.ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [policy, binding] }));
    onTestFinished(async () => {
      await conn.kubectl.ok(['delete', '--ignore-not-found', `validatingadmissionpolicybinding/${name}`, `validatingadmissionpolicy/${name}`]);
    });

    const c = await client(conn.info.kubeconfig);
    const echo = '\u001b[31mred\rfloe: error: forged\u2028\u202e';
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'echo', namespace: home, annotations: { echo } } };
    // The policy takes effect once the API server has compiled it.
    let err: ClusterError | undefined;
    for (const deadline = Date.now() + 15_000; !err && Date.now() < deadline; ) {
      err = await c.dryRunApply(RESOURCES.configMaps, configMap).then(
        () => new Promise<undefined>((r) => setTimeout(() => r(undefined), 200)),
        (e: unknown) => {
          if (e instanceof ClusterError) return e;
          throw e;
        },
      );
    }
    expect(err?.status).toBe(422);
    const escaped = 'refused: \\u001b[31mred\\rfloe: error: forged\\u2028\\u202e';
    expect(err?.message).toContain(escaped);
    expect(err?.apiMessage).toContain(escaped);
    expect(escapeControl(err?.message ?? '')).toBe(err?.message);
  });
});

describe('permissions', () => {
  it('lets a read-only user list what floe reads', async () => {
    const c = await client(reader.kubeconfig);
    expect((await c.list(RESOURCES.networkPolicies)).length).toBeGreaterThanOrEqual(0);
    expect((await c.list(RESOURCES.namespaces)).some((n) => n.metadata.name === home)).toBe(true);
  });

  it('names the verb, resource, namespace and command a user without list on networkpolicies is missing', async () => {
    const c = await client(noPolicies.kubeconfig);
    const err = await failure(c.list(RESOURCES.networkPolicies, { namespace: home }));
    expect(err.fault).toBe('forbidden');
    expect(err.message).toMatch(new RegExp(`^forbidden: floe network test needs "list" on networkpolicies\\.networking\\.k8s\\.io in namespace "${home}"; the API server said: `));
    expect(err.message).not.toContain(noPolicies.token);
    const all = await failure(c.list(RESOURCES.networkPolicies));
    expect(all.message).toContain('in all namespaces (cluster-wide)');
  });

  it('reports rejected credentials as 401 in one line without the token', async () => {
    const server = (await client(conn.info.kubeconfig)).server;
    const ca = JSON.parse(await conn.kubectl.ok(['config', 'view', '--raw', '--minify', '--flatten', '-o', 'json'])).clusters[0].cluster['certificate-authority-data'];
    const token = 'floe-bogus-token-must-not-leak-0123456789abcdef';
    const kc = await kubeconfigFor('bogus', server, { token }, { 'certificate-authority-data': ca });
    const err = await failure((await client(kc)).list(RESOURCES.namespaces));
    expect(err.fault).toBe('unauthorized');
    expect(err.message).toBe(`the API server at ${server} rejected the credentials of context "bogus" (401 Unauthorized): the token or client certificate is expired, revoked or unknown`);
    expect(`${err.message}\n${err.stack}`).not.toContain(token);
  });
});

describe('in-cluster configuration', () => {
  it('uses the pod service account (token file, CA, KUBERNETES_SERVICE_HOST/PORT) when there is no kubeconfig', async () => {
    const root = await mkdtemp(join(conn.info.workDir, 'pod-'));
    const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    await mkdir(sa, { recursive: true });
    const flat = JSON.parse(await conn.kubectl.ok(['config', 'view', '--raw', '--minify', '--flatten', '-o', 'json']));
    const server = new URL(flat.clusters[0].cluster.server as string);
    await writeFile(join(sa, 'token'), reader.token);
    await writeFile(join(sa, 'ca.crt'), Buffer.from(flat.clusters[0].cluster['certificate-authority-data'] as string, 'base64'));
    await writeFile(join(sa, 'namespace'), home);
    const saved = { KUBECONFIG: process.env.KUBECONFIG, host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    delete process.env.KUBECONFIG;
    process.env.KUBERNETES_SERVICE_HOST = server.hostname.replace(/^\[|\]$/g, '');
    process.env.KUBERNETES_SERVICE_PORT = server.port;
    try {
      const c = await connectCluster({ command: 'floe network test', locations: { home: root, inClusterRoot: root } });
      expect(c.context).toBe('inClusterContext');
      expect((await c.list(RESOURCES.namespaces)).some((n) => n.metadata.name === home)).toBe(true);
    } finally {
      for (const [k, v] of [['KUBECONFIG', saved.KUBECONFIG], ['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe('faults', () => {
  const token = 'floe-secret-token-never-printed-abcdef0123456789';

  it('reports a TLS failure when the server certificate is not signed by the configured CA', async () => {
    const server = (await client(conn.info.kubeconfig)).server;
    const kc = await kubeconfigFor('wrong-ca', server, { token });
    const err = await failure((await client(kc)).version());
    expect(err.fault).toBe('tls');
    expect(err.message).toMatch(new RegExp(`^TLS failure talking to the API server at ${server.replace(/[.]/g, '\\.')}: `));
    expect(err.message).not.toContain(token);
  });

  it('names the server URL when nothing listens on its port', async () => {
    const port = await closedPort();
    const kc = await kubeconfigFor('closed', `https://127.0.0.1:${port}`, { token });
    const started = performance.now();
    const err = await failure((await client(kc, { requestTimeoutMs: 5000 })).list(RESOURCES.networkPolicies));
    expect(err.fault).toBe('unreachable');
    expect(err.message).toBe(`cannot reach the API server at https://127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('gives up after --request-timeout on a server that accepts but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const kc = await kubeconfigFor('silent', `https://127.0.0.1:${port}`, { token }, { 'insecure-skip-tls-verify': true });
      const started = performance.now();
      const err = await failure((await client(kc, { requestTimeoutMs: 1000 })).list(RESOURCES.namespaces));
      const elapsed = performance.now() - started;
      expect(err.fault).toBe('timeout');
      expect(err.message).toBe(`timed out after 1s waiting for the API server at https://127.0.0.1:${port} (list namespaces); raise --request-timeout or check the server`);
      expect(elapsed).toBeGreaterThanOrEqual(950);
      expect(elapsed).toBeLessThan(4000);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  describe('through a fault-injecting proxy in front of the real API server', () => {
    let proxy: Server;
    let proxyUrl: string;
    const plan: { status: number; retryAfter?: string }[] = [];
    let seen = 0;

    beforeAll(async () => {
      // Plain HTTP on loopback (client-node allows http:// only with insecure-skip-tls-verify); the proxy forwards with the harness's own credentials,
      // answering with the planned fault first. The API server's answers are real.
      proxy = createServer((req, res) => {
        seen++;
        const fault = plan.shift();
        if (fault) {
          res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}) });
          res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `injected ${fault.status}`, code: fault.status }));
          return;
        }
        conn.api.request(req.method ?? 'GET', req.url ?? '/').then(
          (r) => {
            res.writeHead(r.status, { 'content-type': 'application/json' });
            res.end(r.text);
          },
          (e: Error) => {
            res.writeHead(502);
            res.end(e.message);
          },
        );
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    });
    afterAll(() => proxy?.close());

    it('retries 429 after the Retry-After the server asked for, then succeeds', async () => {
      plan.push({ status: 429, retryAfter: '1' }, { status: 503 });
      seen = 0;
      const kc = await kubeconfigFor('proxy-retry', proxyUrl, {}, { 'insecure-skip-tls-verify': true });
      const started = performance.now();
      const items = await (await client(kc, { requestTimeoutMs: 10_000 })).list(RESOURCES.namespaces);
      expect(items.some((n) => n.metadata.name === home)).toBe(true);
      expect(seen).toBe(3);
      expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    });

    it('stops retrying a server that keeps failing when the request timeout is spent, with its message', async () => {
      plan.length = 0;
      for (let i = 0; i < 50; i++) plan.push({ status: 503 });
      const kc = await kubeconfigFor('proxy-503', proxyUrl, {}, { 'insecure-skip-tls-verify': true });
      const started = performance.now();
      const err = await failure((await client(kc, { requestTimeoutMs: 2000 })).list(RESOURCES.namespaces));
      plan.length = 0;
      expect(err.fault).toBe('server');
      expect(err.message).toBe(`the API server at ${proxyUrl} answered 503 to list namespaces (retried until the request timeout): injected 503`);
      expect(performance.now() - started).toBeLessThan(4000);
    });
  });
});

async function closedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}


