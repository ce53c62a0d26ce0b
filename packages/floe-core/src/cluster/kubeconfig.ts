import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { InputError } from '../errors.js';
import { ClusterError } from './errors.js';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Where to look; tests point these at a temp dir to exercise the in-cluster path for real. */
export interface KubeConfigLocations {
  home?: string;
  /** Prefix of /var/run/secrets/kubernetes.io/serviceaccount ('' in a pod). */
  inClusterRoot?: string;
}

export interface LoadedKubeConfig {
  kc: KubeConfig;
  /** Where it came from, for messages: paths, or 'in-cluster service account'. */
  source: string;
  context: string;
  server: string;
}

/**
 * First line only: YAML parsers quote the offending source lines after it,
 * and a kubeconfig's lines hold tokens and keys.
 */
const firstLine = (err: unknown) => String((err as Error)?.message ?? err).split('\n')[0]?.trim() ?? '';

// Up to the last @ of the authority: a password may itself hold an @.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/gi;

/** Every URL in `text` with its user name and password replaced by ***, for messages and logs. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1***@');
}

function loadFile(kc: KubeConfig, file: string): void {
  try {
    kc.loadFromFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : firstLine(err);
    throw new ClusterError('config', `cannot load kubeconfig ${file}: ${why}`);
  }
}

/**
 * kubectl's rules: --kubeconfig, else every file in $KUBECONFIG (missing ones
 * skipped, the first file's current-context wins), else ~/.kube/config, else
 * the pod's service account. Never the silent http://localhost:8080 fallback.
 */
export function loadKubeConfig(options: { kubeconfig?: string; context?: string }, where: KubeConfigLocations = {}): LoadedKubeConfig {
  const kc = new KubeConfig();
  let source: string;
  const envPaths = (process.env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  const home = join(where.home ?? homedir(), '.kube', 'config');
  const inClusterRoot = where.inClusterRoot ?? '';
  if (options.kubeconfig) {
    loadFile(kc, options.kubeconfig);
    source = options.kubeconfig;
  } else if (envPaths.length > 0) {
    const present = envPaths.filter((p) => existsSync(p));
    if (present.length === 0) throw new ClusterError('config', `KUBECONFIG=${process.env.KUBECONFIG}: none of these files exists`);
    loadFile(kc, present[0] as string);
    for (const p of present.slice(1)) {
      const other = new KubeConfig();
      loadFile(other, p);
      mergeInto(kc, other);
    }
    source = present.join(delimiter);
  } else if (existsSync(home)) {
    loadFile(kc, home);
    source = home;
  } else if (existsSync(inClusterRoot + SERVICE_ACCOUNT_TOKEN) && process.env.KUBERNETES_SERVICE_HOST) {
    try {
      kc.loadFromCluster(inClusterRoot);
    } catch (err) {
      throw new ClusterError('config', `cannot use the in-cluster service account: ${firstLine(err)}`);
    }
    source = 'in-cluster service account';
  } else {
    throw new ClusterError('config', 'no kubeconfig: pass --kubeconfig PATH, set KUBECONFIG, or create ~/.kube/config (or run inside a pod with a service account)');
  }

  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const names = kc.getContexts().map((c) => c.name).sort();
      throw new InputError(`--context ${options.context}: no such context in ${source}${names.length ? ` (contexts: ${names.join(', ')})` : ''}`);
    }
    kc.setCurrentContext(options.context);
  }
  const context = kc.getCurrentContext();
  if (!context && source !== 'in-cluster service account') {
    throw new ClusterError('config', `${source}: no current-context set; pass --context NAME`);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new ClusterError('config', `${source}: context "${context}" names no cluster with a server URL`);
  }
  const shown = redactUrlCredentials(cluster.server);
  if (shown !== cluster.server) {
    // fetch refuses such a URL, and the API server has had no basic authentication since Kubernetes 1.19.
    throw new ClusterError('config', `${source}: the server URL ${shown} of cluster "${cluster.name}" carries a user name or password; floe sends no credentials from a URL: remove them and authenticate with a token, a client certificate or an exec plugin`);
  }
  if (cluster.skipTLSVerify && (cluster.caData || cluster.caFile)) {
    // client-go's words; @kubernetes/client-node would silently skip verification.
    throw new ClusterError('config', `${source}: cluster "${cluster.name}" sets both a certificate authority and insecure-skip-tls-verify: specifying a root certificates file with the insecure flag is not allowed (kubectl refuses it too); remove one`);
  }
  return { kc, source, context: context || 'in-cluster', server: cluster.server.replace(/\/+$/, '') };
}

/** kubectl merges KUBECONFIG files first-wins: an entry already defined is kept. */
function mergeInto(into: KubeConfig, other: KubeConfig): void {
  for (const c of other.getClusters()) if (!into.getCluster(c.name)) into.addCluster(c);
  for (const u of other.getUsers()) if (!into.getUser(u.name)) into.addUser(u);
  for (const x of other.getContexts()) if (!into.getContextObject(x.name)) into.addContext(x);
  if (!into.getCurrentContext() && other.getCurrentContext()) into.setCurrentContext(other.getCurrentContext());
}
