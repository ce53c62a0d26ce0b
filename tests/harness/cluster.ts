// Local Kubernetes control plane for tests: etcd + kube-apiserver, built from
// source by build-controlplane.sh, started as detached processes on loopback.
// No kubelet, scheduler or controller-manager: objects are stored and admitted
// (RBAC, Pod Security admission, validation) but nothing runs.
//
// CLI:     node tests/harness/cluster.ts up|down|status
// Library: startCluster / stopCluster / clusterStatus (used by global-setup.ts).
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { installCiliumCrds } from './crds.ts';
import { installNetworkPolicyApiCrds } from './network-policy-api-crds.ts';
import { makeKubectl } from './kube.ts';
import { createPki, SERVICE_CLUSTER_IP_RANGE, type Pki } from './pki.ts';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD_SCRIPT = join(REPO_ROOT, 'tests/harness/build-controlplane.sh');
// A file only this harness writes: its presence is what allows `down` to delete a directory.
const MARKER = '.floe-test-cluster';
const READY_TIMEOUT_MS = Number(process.env.FLOE_CLUSTER_READY_TIMEOUT_MS ?? 60_000);

/** Exit codes as in ARCHITECTURE.md: 2 usage, 3 environment, 4 internal. */
export class ClusterError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 3) {
    super(message);
    this.name = 'ClusterError';
    this.exitCode = exitCode;
  }
}

export interface Binaries {
  dir: string;
  etcd: string;
  kubeApiserver: string;
  kubectl: string;
}

export interface ClusterState {
  stateDir: string;
  server: string;
  kubeconfig: string;
  etcdClientUrl: string;
  etcdPid: number;
  apiserverPid: number;
  binDir: string;
  startedAt: string;
  /** The process (e.g. a vitest run) that owns this cluster; lets a later run reap it after a crash. */
  ownerPid?: number;
}

export interface StartResult extends ClusterState {
  elapsedMs: number;
  reused: boolean;
}

export function defaultStateDir(controlPlane: ControlPlane = 'newest'): string {
  if (process.env.FLOE_CLUSTER_DIR) return resolve(process.env.FLOE_CLUSTER_DIR);
  return join(REPO_ROOT, controlPlane === 'newest' ? '.floe-cluster' : '.floe-cluster-oldest');
}

/** Which control plane of tests/harness/go/versions.env: the newest Kubernetes, or the oldest minor floe supports. */
export type ControlPlane = 'newest' | 'oldest';

export async function binariesDir(controlPlane: ControlPlane = 'newest'): Promise<string> {
  const { stdout } = await execFileAsync('bash', [BUILD_SCRIPT, '--print-dir', controlPlane]);
  return stdout.trim();
}

/** etcd and kube-apiserver of that control plane; kubectl is always the newest's (the oldest builds none). */
export async function locateBinaries(controlPlane: ControlPlane = 'newest'): Promise<Binaries> {
  const dir = await binariesDir(controlPlane);
  const bins: Binaries = {
    dir,
    etcd: join(dir, 'etcd'),
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubectl: join(controlPlane === 'newest' ? dir : await binariesDir('newest'), 'kubectl'),
  };
  const missing = [bins.etcd, bins.kubeApiserver, bins.kubectl].filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new ClusterError(
      `control plane binaries missing: ${missing.join(', ')}\n` +
        'Build them once (several minutes, cached afterwards) with:  ./pnpmw cluster:build',
    );
  }
  return bins;
}

// ---------------------------------------------------------------- processes

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function commandLine(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  } catch {
    if (existsSync('/proc/self')) return undefined; // Linux: the process is gone
    try {
      return (await execFileAsync('ps', ['-o', 'args=', '-p', String(pid)])).stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  }
}

/** A pid is ours only if it is alive and its command line names our state dir (pids get reused). */
async function isOurProcess(pid: number, stateDir: string): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 1 || !pidAlive(pid)) return false;
  const cmd = await commandLine(pid);
  // Every path argument we pass lies under `<stateDir>/`; the slash keeps /x/ab from matching /x/abc.
  return cmd !== undefined && cmd.includes(`${stateDir}/`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// SIGKILL, not SIGTERM: the state (etcd data included) is thrown away right after, and a graceful
// apiserver + etcd shutdown costs ~5 s per run for nothing.
async function stopProcess(pid: number, stateDir: string): Promise<void> {
  if (!(await isOurProcess(pid, stateDir))) return;
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && (await isOurProcess(pid, stateDir))) await sleep(20);
}

async function spawnDetached(bin: string, args: string[], logFile: string): Promise<number> {
  const log = await open(logFile, 'a', 0o600);
  try {
    // detached + unref + stdio to a file: `up` returns while the servers keep running.
    const child = spawn(bin, args, { detached: true, stdio: ['ignore', log.fd, log.fd] });
    const pid = await new Promise<number>((resolvePid, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolvePid(child.pid ?? -1));
    });
    child.unref();
    return pid;
  } finally {
    await log.close();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function distinctFreePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

// ---------------------------------------------------------------- HTTP probes

interface Probe {
  status: number;
  body: string;
}

function httpGet(url: string, tls?: { ca: Buffer; cert: Buffer; key: Buffer }, timeoutMs = 2_000): Promise<Probe> {
  return new Promise((resolveProbe, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, { ...(tls ?? {}), timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolveProbe({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

async function tlsMaterial(pki: Pick<Pki, 'caCert' | 'adminCert' | 'adminKey'>) {
  const [ca, cert, key] = await Promise.all([readFile(pki.caCert), readFile(pki.adminCert), readFile(pki.adminKey)]);
  return { ca, cert, key };
}

async function tail(file: string, lines = 15): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  watched: { pid: number; name: string; log: string }[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    for (const w of watched) {
      if (!pidAlive(w.pid)) {
        throw new ClusterError(`${w.name} exited while waiting for ${what}. Log ${w.log}:\n${await tail(w.log)}`);
      }
    }
    try {
      if (await probe()) return;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  const logs = watched.map((w) => w.log).join(' and ');
  throw new ClusterError(
    `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${last})` : ''}.\n` +
      `See ${logs}. Last lines of ${watched.at(-1)?.log}:\n${await tail(watched.at(-1)?.log ?? '')}`,
  );
}

// ---------------------------------------------------------------- state

const paths = (stateDir: string) => ({
  state: join(stateDir, 'cluster.json'),
  kubeconfig: join(stateDir, 'kubeconfig'),
  etcdPid: join(stateDir, 'etcd.pid'),
  apiserverPid: join(stateDir, 'kube-apiserver.pid'),
  etcdLog: join(stateDir, 'etcd.log'),
  apiserverLog: join(stateDir, 'kube-apiserver.log'),
  etcdData: join(stateDir, 'etcd-data'),
  pki: join(stateDir, 'pki'),
  marker: join(stateDir, MARKER),
});

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function readState(stateDir: string): Promise<ClusterState | undefined> {
  try {
    return JSON.parse(await readFile(paths(stateDir).state, 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

/** Refuse to manage a directory we did not create (FLOE_CLUSTER_DIR=$HOME would be a disaster). */
async function assertOurs(stateDir: string): Promise<'absent' | 'empty' | 'ours'> {
  let entries: string[];
  try {
    entries = await readdir(stateDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw error;
  }
  if (entries.length === 0) return 'empty';
  if (entries.includes(MARKER)) return 'ours';
  throw new ClusterError(
    `${stateDir} is not empty and was not created by the floe test harness (no ${MARKER}); refusing to touch it. ` +
      'Point FLOE_CLUSTER_DIR at an empty or new directory.',
    2,
  );
}

async function isReady(state: ClusterState): Promise<boolean> {
  try {
    const tls = await tlsMaterial(pkiPaths(state.stateDir));
    return (await httpGet(`${state.server}/readyz`, tls)).status === 200;
  } catch {
    return false;
  }
}

function pkiPaths(stateDir: string) {
  const dir = paths(stateDir).pki;
  return { caCert: join(dir, 'ca.crt'), adminCert: join(dir, 'admin.crt'), adminKey: join(dir, 'admin.key') };
}

// ---------------------------------------------------------------- public API

export interface StartOptions {
  stateDir?: string;
  ownerPid?: number;
  log?: (line: string) => void;
  /** The newest control plane unless told (the Pod Security differential test also starts the oldest). */
  controlPlane?: ControlPlane;
}

export async function startCluster(options: StartOptions = {}): Promise<StartResult> {
  const started = performance.now();
  const stateDir = resolve(options.stateDir ?? defaultStateDir());
  const log = options.log ?? (() => {});
  const bins = await locateBinaries(options.controlPlane);
  const p = paths(stateDir);

  if ((await assertOurs(stateDir)) === 'ours') {
    const existing = await readState(stateDir);
    if (
      existing &&
      (await isOurProcess(existing.etcdPid, stateDir)) &&
      (await isOurProcess(existing.apiserverPid, stateDir)) &&
      (await isReady(existing))
    ) {
      return { ...existing, elapsedMs: performance.now() - started, reused: true };
    }
    // Leftovers of a crashed or half-stopped run: stop whatever still lives, start clean.
    log(`cleaning stale state in ${stateDir}`);
    await stopCluster({ stateDir });
  }

  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await writeFile(p.marker, 'created by tests/harness/cluster.ts; `down` deletes this directory\n');
  try {
    return await boot(stateDir, bins, options, started);
  } catch (error) {
    // Nothing half-started keeps running; the state dir (and its logs, named in the error) stays for inspection.
    await stopProcesses(stateDir);
    throw error;
  }
}

async function boot(stateDir: string, bins: Binaries, options: StartOptions, started: number): Promise<StartResult> {
  const p = paths(stateDir);
  const [apiPort, etcdClientPort, etcdPeerPort] = (await distinctFreePorts(3)) as [number, number, number];
  const etcdClientUrl = `http://127.0.0.1:${etcdClientPort}`;
  const etcdPeerUrl = `http://127.0.0.1:${etcdPeerPort}`;

  // Plain HTTP on loopback for etcd: only the apiserver talks to it, and TLS there would only cost time.
  const etcdPid = await spawnDetached(
    bins.etcd,
    [
      '--name=floe-test',
      `--data-dir=${p.etcdData}`,
      `--listen-client-urls=${etcdClientUrl}`,
      `--advertise-client-urls=${etcdClientUrl}`,
      `--listen-peer-urls=${etcdPeerUrl}`,
      `--initial-advertise-peer-urls=${etcdPeerUrl}`,
      `--initial-cluster=floe-test=${etcdPeerUrl}`,
      // Throwaway data: skipping fsync makes every write (and startup) much faster.
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ],
    p.etcdLog,
  );
  await writeFile(p.etcdPid, `${etcdPid}\n`);

  const pki = await createPki(p.pki);
  await waitFor(
    `etcd at ${etcdClientUrl}/health`,
    async () => (await httpGet(`${etcdClientUrl}/health`)).status === 200,
    [{ pid: etcdPid, name: 'etcd', log: p.etcdLog }],
    20_000,
  );

  const server = `https://127.0.0.1:${apiPort}`;
  const apiserverPid = await spawnDetached(
    bins.kubeApiserver,
    [
      `--etcd-servers=${etcdClientUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      // Since 1.37 the endpoint reconciler refuses a loopback advertise address; nothing here
      // reaches the API through the `kubernetes` Service, so its endpoints are not maintained.
      '--endpoint-reconciler-type=none',
      `--secure-port=${apiPort}`,
      // Also where a self-signed cert would go; keeps it (and the process's identity check) in the state dir.
      `--cert-dir=${p.pki}`,
      `--tls-cert-file=${pki.serverCert}`,
      `--tls-private-key-file=${pki.serverKey}`,
      `--client-ca-file=${pki.caCert}`,
      '--authorization-mode=Node,RBAC',
      // PodSecurity is in the default admission set; the ServiceAccount plugin is not usable
      // without a controller-manager creating the `default` ServiceAccount in each namespace.
      '--disable-admission-plugins=ServiceAccount',
      '--allow-privileged=true',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
      '--profiling=false',
      '--v=1',
    ],
    p.apiserverLog,
  );
  await writeFile(p.apiserverPid, `${apiserverPid}\n`);

  const tls = await tlsMaterial(pki);
  await waitFor(
    `kube-apiserver ${server}/readyz`,
    async () => {
      const r = await httpGet(`${server}/readyz`, tls);
      if (r.status !== 200) throw new Error(`/readyz ${r.status}: ${r.body.split('\n').filter((l) => l.includes('[-]')).join('; ')}`);
      return true;
    },
    [
      { pid: etcdPid, name: 'etcd', log: p.etcdLog },
      { pid: apiserverPid, name: 'kube-apiserver', log: p.apiserverLog },
    ],
    READY_TIMEOUT_MS,
  );

  await writeFile(p.kubeconfig, JSON.stringify(kubeconfig(server, tls), null, 2), { mode: 0o600 });
  const state: ClusterState = {
    stateDir,
    server,
    kubeconfig: p.kubeconfig,
    etcdClientUrl,
    etcdPid,
    apiserverPid,
    binDir: bins.dir,
    startedAt: new Date().toISOString(),
    ...(options.ownerPid === undefined ? {} : { ownerPid: options.ownerPid }),
  };
  await writeFile(p.state, JSON.stringify(state, null, 2));
  return { ...state, elapsedMs: performance.now() - started, reused: false };
}

// JSON is valid YAML, so kubectl and client libraries read this as a kubeconfig.
function kubeconfig(server: string, tls: { ca: Buffer; cert: Buffer; key: Buffer }) {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'floe-test', cluster: { server, 'certificate-authority-data': tls.ca.toString('base64') } }],
    users: [
      {
        name: 'floe-admin',
        user: {
          'client-certificate-data': tls.cert.toString('base64'),
          'client-key-data': tls.key.toString('base64'),
        },
      },
    ],
    contexts: [{ name: 'floe-test', context: { cluster: 'floe-test', user: 'floe-admin' } }],
    'current-context': 'floe-test',
  };
}

async function stopProcesses(stateDir: string): Promise<number[]> {
  const p = paths(stateDir);
  const stopped: number[] = [];
  // apiserver first: stopping etcd under it only produces noise in its log.
  for (const file of [p.apiserverPid, p.etcdPid]) {
    const pid = await readPid(file);
    if (pid !== undefined && (await isOurProcess(pid, stateDir))) {
      await stopProcess(pid, stateDir);
      stopped.push(pid);
    }
  }
  return stopped;
}

export async function stopCluster(options: { stateDir?: string } = {}): Promise<{ stopped: number[]; removed: boolean }> {
  const stateDir = resolve(options.stateDir ?? defaultStateDir());
  if ((await assertOurs(stateDir)) === 'absent') return { stopped: [], removed: false };
  const stopped = await stopProcesses(stateDir);
  await rm(stateDir, { recursive: true, force: true });
  return { stopped, removed: true };
}

export interface Status {
  stateDir: string;
  running: boolean;
  ready: boolean;
  state?: ClusterState;
  apiserverVersion?: string;
  etcdVersion?: string;
}

export async function clusterStatus(options: { stateDir?: string } = {}): Promise<Status> {
  const stateDir = resolve(options.stateDir ?? defaultStateDir());
  const state = await readState(stateDir);
  if (!state) return { stateDir, running: false, ready: false };
  const running = (await isOurProcess(state.apiserverPid, stateDir)) && (await isOurProcess(state.etcdPid, stateDir));
  const ready = running && (await isReady(state));
  const status: Status = { stateDir, running, ready, state };
  if (ready) {
    const tls = await tlsMaterial(pkiPaths(stateDir));
    status.apiserverVersion = (JSON.parse((await httpGet(`${state.server}/version`, tls)).body) as { gitVersion: string }).gitVersion;
    status.etcdVersion = (JSON.parse((await httpGet(`${state.etcdClientUrl}/version`)).body) as { etcdserver: string }).etcdserver;
  }
  return status;
}

/**
 * Stops clusters left behind by crashed test runs: state dirs under `parent` named `prefix*`
 * whose owning process is gone.
 */
export async function reapOrphans(parent: string, prefix: string): Promise<string[]> {
  const reaped: string[] = [];
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return reaped;
  }
  for (const name of entries.filter((e) => e.startsWith(prefix))) {
    const dir = join(parent, name);
    try {
      if (!(await stat(dir)).isDirectory() || !existsSync(join(dir, MARKER))) continue;
      const state = await readState(dir);
      if (state?.ownerPid !== undefined && pidAlive(state.ownerPid)) continue;
      // No state yet but young: another run may be starting right now.
      if (!state && Date.now() - (await stat(dir)).mtimeMs < 5 * 60_000) continue;
      await stopCluster({ stateDir: dir });
      reaped.push(dir);
    } catch {
      // best effort: a dir we cannot inspect is left alone
    }
  }
  return reaped;
}

// ---------------------------------------------------------------- CLI

async function main(argv: string[]): Promise<number> {
  const [command, ...flags] = argv.filter((a) => a !== '--');
  const err = (s: string) => process.stderr.write(`${s}\n`);
  const unknown = flags.filter((f) => f !== '--oldest');
  const controlPlane: ControlPlane = flags.includes('--oldest') ? 'oldest' : 'newest';
  const stateDir = defaultStateDir(controlPlane);
  switch (unknown.length ? undefined : command) {
    case 'up': {
      const r = await startCluster({ log: err, stateDir, controlPlane });
      if (controlPlane === 'newest') {
        // The CRDs the tests' global setup installs too: a control plane by hand answers as the tests' does.
        const kubectl = makeKubectl(join(r.binDir, 'kubectl'), r.kubeconfig, join(r.stateDir, 'kube-cache'));
        await installNetworkPolicyApiCrds(kubectl);
        await installCiliumCrds(kubectl);
      }
      const secs = (r.elapsedMs / 1000).toFixed(1);
      err(
        r.reused
          ? `control plane already running (${r.server}); checked in ${secs} s`
          : `control plane ready in ${secs} s: ${r.server}\n  logs: ${join(r.stateDir, 'etcd.log')}, ${join(r.stateDir, 'kube-apiserver.log')}`,
      );
      process.stdout.write(`export KUBECONFIG=${r.kubeconfig}\n`);
      return 0;
    }
    case 'down': {
      const r = await stopCluster({ stateDir });
      err(
        !r.removed
          ? `no control plane state in ${stateDir}; nothing to do`
          : `${r.stopped.length ? `stopped pids ${r.stopped.join(', ')}` : 'no live processes'}; removed ${stateDir}`,
      );
      return 0;
    }
    case 'status': {
      const s = await clusterStatus({ stateDir });
      if (!s.state) {
        process.stdout.write(`stopped (no state in ${s.stateDir})\n`);
        return 1;
      }
      process.stdout.write(
        [
          `${s.ready ? 'ready' : s.running ? 'running, not ready' : 'dead (run `./pnpmw cluster:up` to restart)'}`,
          `server:         ${s.state.server}`,
          `kube-apiserver: pid ${s.state.apiserverPid}${s.apiserverVersion ? `, ${s.apiserverVersion}` : ''}`,
          `etcd:           pid ${s.state.etcdPid}${s.etcdVersion ? `, ${s.etcdVersion}` : ''}`,
          `state dir:      ${s.stateDir}`,
          `export KUBECONFIG=${s.state.kubeconfig}`,
        ].join('\n') + '\n',
      );
      return s.ready ? 0 : 1;
    }
    default:
      err('usage: node tests/harness/cluster.ts up|down|status [--oldest]   (state dir: $FLOE_CLUSTER_DIR, or <repo>/.floe-cluster, or with --oldest <repo>/.floe-cluster-oldest)');
      return 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const code = error instanceof ClusterError ? error.exitCode : 4;
      process.stderr.write(`cluster: ${error instanceof Error ? (code === 4 ? error.stack : error.message) : String(error)}\n`);
      process.exit(code);
    },
  );
}
