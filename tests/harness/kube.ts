// Minimal clients for the test cluster: raw HTTPS (to see status codes and
// `Warning` headers exactly as the API server sends them) and kubectl (the tool
// users apply our files with). Neither mocks anything.
import { spawn } from 'node:child_process';
import https from 'node:https';

export interface KubeResponse {
  status: number;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  body: unknown;
  text: string;
  /** Texts of the `Warning` response headers (RFC 7234 form `299 - "text"`), unquoted. */
  warnings: string[];
  elapsedMs: number;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string>;
}

export interface KubeClient {
  server: string;
  request(method: string, path: string, options?: RequestOptions): Promise<KubeResponse>;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Kubectl {
  path: string;
  run(args: string[], input?: string): Promise<KubectlResult>;
  /** Like run, but throws with kubectl's stderr on a non-zero exit. */
  ok(args: string[], input?: string): Promise<string>;
}

export function makeKubectl(path: string, kubeconfig: string, cacheDir: string): Kubectl {
  const run = (args: string[], input?: string) =>
    new Promise<KubectlResult>((resolve, reject) => {
      // An explicit kubeconfig and cache dir: never the developer's ~/.kube.
      const child = spawn(path, [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cacheDir}`, ...args], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, KUBECONFIG: kubeconfig },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.once('error', reject);
      child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.end(input ?? '');
    });
  return {
    path,
    run,
    async ok(args, input) {
      const r = await run(args, input);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr.trim()}`);
      return r.stdout;
    },
  };
}

interface FlatKubeconfig {
  clusters?: { cluster: Record<string, unknown> }[];
  users?: { user?: Record<string, unknown> }[];
}

/**
 * Reads any kubeconfig through `kubectl config view --raw --minify --flatten`, which resolves
 * the current context and inlines file references. Exec/auth-provider credentials cannot be
 * used by a raw HTTPS client; those fail here with the reason.
 */
export async function makeClient(kubectl: Kubectl): Promise<KubeClient> {
  const flat = JSON.parse(await kubectl.ok(['config', 'view', '--raw', '--minify', '--flatten', '-o', 'json'])) as FlatKubeconfig;
  const cluster = flat.clusters?.[0]?.cluster;
  const user = flat.users?.[0]?.user ?? {};
  if (!cluster || typeof cluster.server !== 'string') throw new Error('kubeconfig has no current cluster with a server URL');
  if (user.exec || user['auth-provider']) {
    throw new Error(
      'the kubeconfig user authenticates with an exec/auth-provider plugin, which the test client cannot run; ' +
        'use a kubeconfig with client certificates or a token (e.g. `kubectl create token` for a cluster-admin ServiceAccount)',
    );
  }
  const b64 = (v: unknown) => (typeof v === 'string' ? Buffer.from(v, 'base64') : undefined);
  const server = cluster.server.replace(/\/$/, '');
  const headers: Record<string, string> = {};
  if (typeof user.token === 'string') headers.authorization = `Bearer ${user.token}`;
  if (typeof user.username === 'string' && typeof user.password === 'string') {
    headers.authorization = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  }
  const agent = new https.Agent({
    keepAlive: true,
    ca: b64(cluster['certificate-authority-data']),
    cert: b64(user['client-certificate-data']),
    key: b64(user['client-key-data']),
    rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true,
    ...(typeof cluster['tls-server-name'] === 'string' ? { servername: cluster['tls-server-name'] } : {}),
  });

  return {
    server,
    request(method, path, options = {}) {
      const url = new URL(server + path);
      for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      const started = performance.now();
      return new Promise<KubeResponse>((resolve, reject) => {
        const req = https.request(
          url,
          {
            method,
            agent,
            timeout: 30_000,
            headers: {
              ...headers,
              accept: 'application/json',
              ...(payload === undefined
                ? {}
                : { 'content-type': options.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload) }),
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => {
              let body: unknown;
              try {
                body = JSON.parse(text);
              } catch {
                body = undefined;
              }
              resolve({
                status: res.statusCode ?? 0,
                body,
                text,
                warnings: warningTexts(res.rawHeaders),
                elapsedMs: performance.now() - started,
              });
            });
          },
        );
        req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timeout`)));
        req.on('error', reject);
        req.end(payload);
      });
    },
  };
}

// rawHeaders keeps each `Warning` header separate; res.headers would join them with commas.
function warningTexts(rawHeaders: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() !== 'warning') continue;
    const value = rawHeaders[i + 1] ?? '';
    const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(value);
    out.push(m?.[1] ? m[1].replace(/\\(.)/g, '$1') : value);
  }
  return out;
}

/** Kubernetes objects as the tests need them: loosely typed, checked by assertions. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    generation?: number;
    resourceVersion?: string;
    managedFields?: { manager?: string; operation?: string }[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/**
 * Objects from kubectl's `-o json`: `get` prints one List, `create --dry-run` prints
 * one JSON document per object, back to back. Both are handled.
 */
export function itemsOf(output: string): KubeObject[] {
  return splitJsonDocuments(output).flatMap((doc) => {
    const parsed = JSON.parse(doc) as KubeObject & { items?: KubeObject[] };
    return parsed.kind === 'List' || Array.isArray(parsed.items) ? (parsed.items ?? []) : [parsed];
  });
}

function splitJsonDocuments(text: string): string[] {
  const docs: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') {
      if (depth++ === 0) start = i;
    } else if (ch === '}' || ch === ']') {
      if (--depth === 0) docs.push(text.slice(start, i + 1));
    }
  }
  return docs;
}

/**
 * Waits until each CRD is Established (served), retrying `kubectl wait` a few times: right
 * after a create, under load, a wait has been seen to fail once and pass on the next try.
 * The last failure is thrown with kubectl's own message.
 */
export async function waitCrdsEstablished(kubectl: Kubectl, names: readonly string[], timeoutSeconds = 60, attempts = 3): Promise<void> {
  let last = '';
  for (let i = 0; i < attempts; i++) {
    const r = await kubectl.run(['wait', '--for=condition=Established', `--timeout=${timeoutSeconds}s`, ...names.map((n) => `crd/${n}`)]);
    if (r.code === 0) return;
    last = `${r.stderr}${r.stdout}`.trim();
    await new Promise((done) => setTimeout(done, 1000));
  }
  throw new Error(`CRDs ${names.join(', ')} not Established after ${attempts} tries: ${last}`);
}

