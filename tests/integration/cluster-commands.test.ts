// The cluster commands as a user runs them: with least-privilege credentials,
// against a dead or dying API server, and never printing a credential.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, stopCluster } from '../harness/cluster.ts';
import { connect, type Connection } from '../harness/context.ts';
import { FLOE_BIN, generate, writeUniqueManifest } from '../harness/floe.ts';
import { serverSideApply } from '../harness/apply.ts';
import { Namespaces } from '../harness/namespaces.ts';
import { createUser, READ_ONLY_RULES, type TestUser, readOnlyRulesWithout } from '../harness/users.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function floe(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const started = performance.now();
  return new Promise((done) => {
    execFile(process.execPath, [FLOE_BIN, ...args], { env: { ...process.env, FLOE_LOG_LEVEL: 'silent', ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** stderr without blank lines: the commands promise one line per fault. */
const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

let conn: Connection;
let ns: Namespaces;
let work: string;
let manifest: string;
let reader: TestUser;
let noPolicies: TestUser;

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  work = await mkdtemp(join(conn.info.workDir, 'cmds-'));
  const platform = ns.reserve('floe-it-cp-platform');
  const jobs = ns.reserve('floe-it-cp-jobs');
  const sales = ns.reserve('floe-it-cp-sales');
  manifest = await writeUniqueManifest(work, { platform, jobs, domains: [{ name: 'sales', namespace: sales }] });
  const generated = await generate(conn.kubectl, work, manifest);
  const applied = await serverSideApply(conn.kubectl, generated.files.map((f) => f.file));
  if (applied.code !== 0) throw new Error(applied.stderr);
  const home = await ns.create('floe-it-cp-users');
  reader = await createUser(conn, home, READ_ONLY_RULES);
  noPolicies = await createUser(conn, home, readOnlyRulesWithout('networkpolicies'));
});

afterAll(async () => {
  await reader?.remove();
  await noPolicies?.remove();
  await ns?.cleanup();
});

describe('least privilege: get and list are enough', () => {
  it('diff runs with a read-only user and finds no drift', async () => {
    const r = await floe(['network', 'diff', '--manifest', manifest, '--kubeconfig', reader.kubeconfig]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('check-cni runs with a read-only user and gives a verdict, not a permission error', async () => {
    const r = await floe(['network', 'check-cni', '--kubeconfig', reader.kubeconfig, '--output', 'json']);
    expect([0, 1]).toContain(r.code);
    expect(JSON.parse(r.stdout).verdict).toMatch(/^(enforced|not-enforced|unknown)$/);
  });

  it('diff names the missing "list networkpolicies" permission in one line, exit 3', async () => {
    const r = await floe(['network', 'diff', '--manifest', manifest, '--kubeconfig', noPolicies.kubeconfig]);
    expect(r.code).toBe(3);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^floe: error: forbidden: floe network diff needs "list" on networkpolicies\.networking\.k8s\.io/);
    expect(r.stdout + r.stderr).not.toContain(noPolicies.token);
  });
});

describe('a dead API server', () => {
  const token = 'floe-dead-server-token-9f8e7d6c5b4a39281706';
  let kubeconfig: string;
  let port: number;

  beforeAll(async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    kubeconfig = join(work, 'dead.kubeconfig');
    await writeFile(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'dead',
        clusters: [{ name: 'dead', cluster: { server: `https://127.0.0.1:${port}` } }],
        users: [{ name: 'dead', user: { token } }],
        contexts: [{ name: 'dead', context: { cluster: 'dead', user: 'dead' } }],
      }),
    );
  });

  const commands: [string, string[]][] = [
    ['diff', ['network', 'diff', '--manifest', 'MANIFEST']],
    ['check-cni', ['network', 'check-cni']],
    ['validate --server', ['network', 'validate', '--server', '--dir', 'DIR', '--manifest', 'MANIFEST']],
  ];

  for (const [name, args] of commands) {
    for (const debug of [false, true]) {
      it(`${name}${debug ? ' --debug' : ''}: exit 3 within the request timeout, naming the server, without the token`, async () => {
        const dir = join(work, 'generated-for-dead');
        await floe(['network', 'generate', '--manifest', manifest, '--output-dir', dir]);
        const argv = args.map((a) => (a === 'MANIFEST' ? manifest : a === 'DIR' ? dir : a));
        const r = await floe([...(debug ? ['--debug'] : []), ...argv, '--kubeconfig', kubeconfig, '--request-timeout', '5s'], { FLOE_LOG_LEVEL: debug ? 'debug' : 'silent' });
        expect(r.code).toBe(3);
        expect(r.ms).toBeLessThan(5000 + 3000);
        expect(r.stderr).toContain(`floe: error: cannot reach the API server at https://127.0.0.1:${port}: connection refused`);
        if (!debug) expect(lines(r.stderr)).toHaveLength(1);
        expect(r.stdout + r.stderr).not.toContain(token);
      });
    }
  }
});

describe('an API server killed mid-run', () => {
  it('diff exits 3 with one line when the server dies while a request is in flight', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'floe-it-cp-kill-'));
    const cluster = await startCluster({ stateDir, ownerPid: process.pid });
    try {
      // Freeze the server so the CLI's first request is certainly in flight, then kill it.
      process.kill(cluster.apiserverPid, 'SIGSTOP');
      const running = floe(['network', 'diff', '--manifest', manifest, '--kubeconfig', cluster.kubeconfig, '--request-timeout', '20s']);
      await new Promise((r) => setTimeout(r, 1500));
      process.kill(cluster.apiserverPid, 'SIGKILL');
      const r = await running;
      expect(r.code).toBe(3);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^floe: error: cannot reach the API server at ${cluster.server.replace(/[.]/g, '\\.')}: `));
      expect(r.ms).toBeLessThan(20_000);
    } finally {
      await stopCluster({ stateDir });
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
