import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { escapeControl } from '../util/escape.js';
import { ClusterError } from './errors.js';
import { loadKubeConfig, redactUrlCredentials, type KubeConfigLocations } from './kubeconfig.js';
import { resourceName } from './resources.js';
import type { ClusterClient, ClusterConnectionOptions, DryRunOptions, KubeObject, ListOptions, ResourceRef, ServerVersion } from './types.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_PAGE_SIZE = 500;
/** Attempts for 429/5xx when no request timeout bounds them (--request-timeout 0). */
const MAX_ATTEMPTS_UNBOUNDED = 6;

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

interface RequestSpec {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
  /** For messages: the RBAC verb, the resource and the namespace. */
  verb: string;
  ref?: ResourceRef;
  namespace?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Connection-level failures worth one more try: the connection broke, not the server said no. */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME|ALTNAME/;

function causeCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let i = 0; cur && i < 5; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The innermost cause's first line, URL credentials redacted (undici quotes the URL it refused). */
function causeMessage(err: unknown): string {
  let cur: unknown = err;
  let last = '';
  for (let i = 0; cur && i < 5; i++) {
    last = String((cur as Error).message ?? cur).split('\n')[0] ?? '';
    cur = (cur as { cause?: unknown }).cause;
  }
  return redactUrlCredentials(last);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A list page: an object whose items, when present, are objects. */
const isListPage = (v: unknown): boolean => isObject(v) && (v.items === undefined || v.items === null || (Array.isArray(v.items) && v.items.every(isObject)));

function header(r: RawResponse, name: string): string | undefined {
  const key = Object.keys(r.headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : r.headers[key];
}

/** Seconds (or an HTTP date) in Retry-After, as ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The API server's own Status.message, when the body is a Status. */
function statusMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { kind?: string; message?: string };
    return body.kind === 'Status' && body.message ? body.message : undefined;
  } catch {
    return undefined;
  }
}

function where(spec: RequestSpec): string {
  const what = spec.ref ? resourceName(spec.ref) : spec.path;
  return spec.ref?.namespaced ? `${what} in ${spec.namespace ? `namespace "${spec.namespace}"` : 'all namespaces'}` : what;
}

/**
 * A read-only client for one kubeconfig context. @kubernetes/client-node
 * resolves the kubeconfig, credentials (tokens, client certificates, exec
 * plugins, in-cluster) and TLS, and sends each request; the URLs come from
 * the resource table, so lists stay plain JSON and keep every field the
 * server sent (the generated typed models would drop fields they do not know).
 */
class KubeClusterClient implements ClusterClient {
  private readonly http = new IsomorphicFetchHttpLibrary();
  private dispatcher: unknown;

  constructor(
    private readonly kc: KubeConfig,
    readonly server: string,
    readonly context: string,
    private readonly command: string,
    private readonly timeoutMs: number,
    private readonly pageSize: number,
    private readonly log?: Logger,
  ) {}

  async version(): Promise<ServerVersion> {
    const spec: RequestSpec = { method: HttpMethod.GET, path: '/version', verb: 'get' };
    return this.json<ServerVersion>(spec, await this.request(spec), isObject, 'an object');
  }

  async list(ref: ResourceRef, options: ListOptions = {}): Promise<KubeObject[]> {
    const items: KubeObject[] = [];
    let token: string | undefined;
    let restarted = false;
    const path = this.path(ref, options.namespace);
    for (;;) {
      const spec: RequestSpec = {
        method: HttpMethod.GET,
        path,
        query: { limit: String(this.pageSize), continue: token, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector },
        verb: 'list',
        ref,
        ...(options.namespace ? { namespace: options.namespace } : {}),
      };
      let r: RawResponse;
      try {
        r = await this.request(spec);
      } catch (err) {
        if (err instanceof ClusterError && err.status === 404 && options.optional) return [];
        // 410 Gone: the continue token expired mid-list; start over once, as kubectl does.
        if (err instanceof ClusterError && err.status === 410 && token && !restarted) {
          restarted = true;
          items.length = 0;
          token = undefined;
          continue;
        }
        throw err;
      }
      const page = this.json<{ items?: KubeObject[] | null; metadata?: { continue?: string } }>(spec, r, isListPage, 'a Kubernetes list');
      // Items of a list carry no apiVersion/kind; give them back so callers see whole objects.
      const apiVersion = ref.group ? `${ref.group}/${ref.version}` : ref.version;
      for (const item of page.items ?? []) items.push({ ...item, apiVersion: item.apiVersion ?? apiVersion, kind: item.kind ?? ref.kind });
      token = page.metadata?.continue || undefined;
      if (!token) return items;
    }
  }

  async get(ref: ResourceRef, name: string, namespace?: string): Promise<KubeObject | null> {
    try {
      const spec: RequestSpec = { method: HttpMethod.GET, path: `${this.path(ref, namespace)}/${encodeURIComponent(name)}`, verb: 'get', ref, ...(namespace ? { namespace } : {}) };
      return this.json<KubeObject>(spec, await this.request(spec), isObject, 'an object');
    } catch (err) {
      if (err instanceof ClusterError && err.status === 404) return null;
      throw err;
    }
  }

  async dryRunApply(ref: ResourceRef, object: KubeObject, fieldManager = 'floe', options: DryRunOptions = {}): Promise<KubeObject> {
    const namespace = ref.namespaced ? object.metadata.namespace : undefined;
    const spec: RequestSpec = {
      method: HttpMethod.PATCH,
      path: `${this.path(ref, namespace)}/${encodeURIComponent(object.metadata.name)}`,
      query: { dryRun: 'All', fieldManager, ...(options.force ? { force: 'true' } : {}) },
      body: JSON.stringify(object),
      contentType: 'application/apply-patch+yaml',
      verb: 'patch',
      ref,
      ...(namespace ? { namespace } : {}),
    };
    const r = await this.request(spec);
    options.warnings?.push(...warningTexts(r.headers.warning ?? r.headers.Warning));
    return this.json<KubeObject>(spec, r, isObject, 'an object');
  }

  async close(): Promise<void> {
    const d = this.dispatcher as { close?: () => Promise<void> } | undefined;
    this.dispatcher = undefined;
    await d?.close?.();
  }

  /**
   * A 2xx body as JSON of the expected shape. Anything else (a proxy's login
   * page, a captive portal) is the environment's fault, exit 3, never a crash;
   * the body is not quoted.
   */
  private json<T>(spec: RequestSpec, r: RawResponse, shape: (v: unknown) => boolean, what: string): T {
    let value: unknown;
    let parsed = true;
    try {
      value = JSON.parse(r.text);
    } catch {
      parsed = false;
    }
    if (parsed && shape(value)) return value as T;
    const type = escapeControl((header(r, 'content-type') ?? 'no Content-Type').slice(0, 100));
    const body = parsed ? `JSON that is not ${what}` : 'a body that is not JSON';
    throw new ClusterError('server', `the API server at ${this.server} answered ${r.status} (${type}) to ${spec.verb} ${where(spec)} with ${body}: a proxy or login page in front of the API server? Check the server URL of context "${this.context}"`, r.status);
  }

  private path(ref: ResourceRef, namespace: string | undefined): string {
    const base = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
    return ref.namespaced && namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${ref.resource}` : `${base}/${ref.resource}`;
  }

  /** One logical request: retried on 429/5xx and broken connections, all within the request timeout. */
  private async request(spec: RequestSpec): Promise<RawResponse> {
    const deadline = this.timeoutMs > 0 ? Date.now() + this.timeoutMs : Infinity;
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw this.timeout(spec);
      let r: RawResponse;
      try {
        r = await this.send(spec, remaining);
      } catch (err) {
        if (err instanceof ClusterError) throw err;
        const code = causeCode(err);
        const name = (err as Error)?.name;
        if (name === 'TimeoutError' || name === 'AbortError' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') throw this.timeout(spec);
        if (code && TRANSIENT_CODES.has(code) && this.mayRetry(attempt, deadline, 200 * attempt)) {
          await sleep(200 * attempt);
          continue;
        }
        throw this.connectionError(err, code);
      }
      if (r.status < 300) return r;
      if (r.status === 429 || r.status >= 500) {
        const wait = retryAfterMs(r.headers['retry-after']) ?? Math.min(250 * 2 ** (attempt - 1), 4000);
        if (this.mayRetry(attempt, deadline, wait)) {
          this.log?.debug({ status: r.status, attempt, waitMs: wait, path: spec.path }, 'kube API retry');
          await sleep(wait);
          continue;
        }
      }
      throw this.httpError(spec, r);
    }
  }

  private mayRetry(attempt: number, deadline: number, waitMs: number): boolean {
    return deadline === Infinity ? attempt < MAX_ATTEMPTS_UNBOUNDED : Date.now() + waitMs < deadline;
  }

  private async send(spec: RequestSpec, remainingMs: number): Promise<RawResponse> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) qs.set(k, v);
    const url = `${this.server}${spec.path}${qs.size ? `?${qs}` : ''}`;
    const ctx = new RequestContext(url, spec.method);
    ctx.setHeaderParam('Accept', 'application/json');
    ctx.setHeaderParam('User-Agent', 'floe-network');
    if (spec.body !== undefined) {
      ctx.setHeaderParam('Content-Type', spec.contentType ?? 'application/json');
      ctx.setBody(spec.body);
    }
    // Credentials are re-applied per request (exec plugins and token files refresh);
    // the TLS dispatcher of the first request is reused, so connections are too.
    await this.authenticate(ctx);
    if (this.dispatcher) ctx.setDispatcher(this.dispatcher as Parameters<RequestContext['setDispatcher']>[0]);
    else this.dispatcher = ctx.getDispatcher();
    if (Number.isFinite(remainingMs)) ctx.setSignal(AbortSignal.timeout(Math.max(1, Math.ceil(remainingMs))));
    const started = performance.now();
    const resp = await this.http.send(ctx).toPromise();
    const text = await resp.body.text();
    this.log?.debug({ method: spec.method, path: spec.path, status: resp.httpStatusCode, ms: Math.round(performance.now() - started) }, 'kube API request');
    return { status: resp.httpStatusCode, headers: resp.headers, text };
  }

  private async authenticate(ctx: RequestContext): Promise<void> {
    try {
      await this.kc.applySecurityAuthentication(ctx);
    } catch (err) {
      throw this.credentialError(err);
    }
  }

  /**
   * Credentials could not be had. An exec plugin or auth provider is named by
   * its command; what it printed (stdout or stderr) is never quoted: a parse
   * error shows the start of the token, and plugins echo tokens on stderr.
   */
  private credentialError(err: unknown): ClusterError {
    const user = this.kc.getCurrentUser();
    const exec = (user?.exec ?? user?.authProvider?.config?.exec) as { command?: unknown } | undefined;
    const code = causeCode(err);
    const who = `user "${user?.name ?? ''}"`;
    const notShown = 'its output is not shown, it may hold credentials';
    if (exec) {
      const plugin = `the exec credential plugin ${escapeControl(String(exec.command))} of ${who}`;
      if (code) return new ClusterError('credentials', `${plugin} could not be started: ${code}`);
      if (err instanceof SyntaxError || err instanceof TypeError) return new ClusterError('credentials', `${plugin} printed something that is not an ExecCredential (JSON); ${notShown}`);
      return new ClusterError('credentials', `${plugin} failed (it exited with an error); ${notShown}: run it yourself to see why`);
    }
    const path = (err as { path?: unknown }).path;
    const why = code ? `${code}${typeof path === 'string' ? ` (${escapeControl(path)})` : ''}` : `the auth provider failed; ${notShown}`;
    return new ClusterError('credentials', `cannot get the credentials of ${who} in context "${this.context}": ${why}`);
  }

  private timeout(spec: RequestSpec): ClusterError {
    const t = this.timeoutMs >= 1000 ? `${this.timeoutMs / 1000}s` : `${this.timeoutMs}ms`;
    return new ClusterError('timeout', `timed out after ${t} waiting for the API server at ${this.server} (${spec.verb} ${where(spec)}); raise --request-timeout or check the server`);
  }

  private connectionError(err: unknown, code: string | undefined): ClusterError {
    if (code && TLS_CODE.test(code)) {
      return new ClusterError('tls', `TLS failure talking to the API server at ${this.server}: ${causeMessage(err)} (${code}); check the cluster's certificate-authority in context "${this.context}"`);
    }
    const why = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' ? 'host not found' : code === 'EHOSTUNREACH' ? 'host unreachable' : causeMessage(err);
    return new ClusterError('unreachable', `cannot reach the API server at ${this.server}: ${why}${code && !why.includes(code) ? ` (${code})` : ''}`);
  }

  private httpError(spec: RequestSpec, r: RawResponse): ClusterError {
    const said = statusMessage(r.text);
    if (r.status === 401) {
      return new ClusterError('unauthorized', `the API server at ${this.server} rejected the credentials of context "${this.context}" (401 Unauthorized): the token or client certificate is expired, revoked or unknown`, 401);
    }
    if (r.status === 403) {
      const scope = spec.ref?.namespaced ? (spec.namespace ? ` in namespace "${spec.namespace}"` : ' in all namespaces (cluster-wide)') : '';
      const what = spec.ref ? resourceName(spec.ref) : spec.path;
      // RBAC names the verb it checked: a server-side apply of an absent object is a "create".
      const verb = /cannot (\w+) resource/.exec(said ?? '')?.[1] ?? spec.verb;
      return new ClusterError('forbidden', `forbidden: ${this.command} needs "${verb}" on ${what}${scope}${said ? `; the API server said: ${said}` : ''}`, 403, said);
    }
    if (r.status === 404) return new ClusterError('not-found', `${where(spec)}: not found on the API server at ${this.server}${said ? `: ${said}` : ''}`, 404, said);
    const retried = r.status === 429 || r.status >= 500 ? ' (retried until the request timeout)' : '';
    return new ClusterError('server', `the API server at ${this.server} answered ${r.status} to ${spec.verb} ${where(spec)}${retried}${said ? `: ${said}` : ''}`, r.status, said);
  }
}

export function createClusterClient(options: ClusterConnectionOptions & { logger?: Logger; locations?: KubeConfigLocations }): ClusterClient {
  const { kc, server, context } = loadKubeConfig(options, options.locations);
  return new KubeClusterClient(kc, server, context, options.command, options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, options.pageSize ?? DEFAULT_PAGE_SIZE, options.logger);
}

/**
 * The texts of `Warning` headers (`299 - "text"`, RFC 7234), unquoted and with
 * control characters escaped (they are printed); several headers arrive joined
 * with ", ", which the quoting keeps apart.
 */
export function warningTexts(header: string | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const m of header.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)) out.push(escapeControl((m[1] ?? '').replace(/\\(.)/g, '$1')));
  return out;
}
