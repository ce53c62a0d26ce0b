/**
 * `pnpm bench:live`: `floe network audit` against a live API server — the
 * harness's local kube-apiserver (no nodes: pods are created through the API
 * and stay Pending) holding 1,000 namespaces, 10,000 pods and 5,000
 * NetworkPolicies. Measures the whole `floe network audit` process (paginated
 * reads, engine, findings, JSON out) and `--connectivity`. Target: audit < 10 s.
 * Needs the control-plane binaries (`./pnpmw cluster:build`). Prints a table and
 * JSON (also target/bench/policy-live.json). Nothing asserts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { locateBinaries, startCluster, stopCluster } from '../tests/harness/cluster.ts';
import { makeClient, makeKubectl, type KubeClient } from '../tests/harness/kube.ts';

const REPO = resolve(import.meta.dirname, '..');
const BIN = join(REPO, 'packages/floe-cli/dist/bin.js');
const NAMESPACES = Number(process.env.FLOE_BENCH_LIVE_NAMESPACES ?? 1000);
const PODS_PER_NS = 10;
const POLICIES_PER_NS = 5;
const CONCURRENCY = 24;

/** Runs `jobs` with at most CONCURRENCY in flight. */
async function pool(jobs: (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < jobs.length) await (jobs[next++] as () => Promise<void>)();
    }),
  );
}

async function post(api: KubeClient, path: string, body: object): Promise<void> {
  const r = await api.request('POST', path, { body });
  if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${r.text.slice(0, 200)}`);
}

function policy(i: number, n: number): object {
  const name = `p${i}`;
  const team = `team-${n % 10}`;
  const specs = [
    { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }] },
    { podSelector: { matchLabels: { tier: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'api' } } }], ports: [{ port: 'sql' }] }] },
    { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['api', 'web'] }] }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team } }, podSelector: { matchLabels: { tier: 'web' } } }], ports: [{ port: 8080 }] }] },
    { podSelector: { matchLabels: { tier: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }], ports: [{ port: 443 }] }] },
    { podSelector: { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] } }], ports: [{ port: 9000, endPort: 9100 }] }] },
  ];
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name }, spec: specs[i % specs.length] };
}

function floe(args: string[], kubeconfig: string): { ms: number; stdout: string } {
  const s = performance.now();
  const r = spawnSync(process.execPath, [BIN, '--log-level', 'silent', 'network', ...args, '--kubeconfig', kubeconfig, '--request-timeout', '2m'], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const ms = performance.now() - s;
  if (r.status !== 0) throw new Error(`floe ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

await locateBinaries();
const stateDir = mkdtempSync(join(tmpdir(), 'floe-bench-cp-'));
const rows: [string, string, string][] = [];
let result: Record<string, unknown> = {};
try {
  const cluster = await startCluster({ stateDir, ownerPid: process.pid });
  const bins = await locateBinaries();
  const kubectl = makeKubectl(bins.kubectl, cluster.kubeconfig, join(stateDir, 'kube-cache'));
  const api = await makeClient(kubectl);
  const tiers = ['web', 'api', 'db', 'cache', 'batch'];
  const t0 = performance.now();
  await pool(
    Array.from({ length: NAMESPACES }, (_, n) => async () => {
      await post(api, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `bench-${String(n).padStart(4, '0')}`, labels: { team: `team-${n % 10}`, env: n % 3 === 0 ? 'dev' : 'prod' } } });
    }),
  );
  const jobs: (() => Promise<void>)[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `bench-${String(n).padStart(4, '0')}`;
    for (let i = 0; i < PODS_PER_NS; i++) {
      const tier = tiers[i % tiers.length] as string;
      jobs.push(() =>
        post(api, `/api/v1/namespaces/${ns}/pods`, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `${tier}-${i}`, labels: { tier, app: `${tier}-${i % 3}`, ...(i === 7 ? { canary: 'true' } : {}) } },
          spec: { containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10', ports: [{ name: tier === 'db' ? 'sql' : 'http', containerPort: tier === 'db' ? 5432 : 8080 }] }] },
        }),
      );
    }
    for (let i = 0; i < POLICIES_PER_NS; i++) jobs.push(() => post(api, `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`, policy(i, n)));
  }
  await pool(jobs);
  const createMs = performance.now() - t0;

  const audits = [0, 1, 2].map(() => floe(['audit', '-o', 'json', '--fail-on', 'never'], cluster.kubeconfig));
  const conns = [0, 1].map(() => floe(['audit', '--connectivity', '-o', 'json'], cluster.kubeconfig));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const json = JSON.parse((audits[0] as { stdout: string }).stdout) as { policies: unknown[]; findings: unknown[] };
  const connections = (JSON.parse((conns[0] as { stdout: string }).stdout) as { connectivity: unknown[] }).connectivity.length;
  rows.push(
    ['create objects through the API (setup)', `${(createMs / 1000).toFixed(1)} s`, ''],
    ['floe network audit -o json, whole process (median of 3)', `${(median(audits.map((a) => a.ms)) / 1000).toFixed(2)} s`, '< 10 s'],
    ['floe network audit --connectivity -o json (median of 2)', `${(median(conns.map((a) => a.ms)) / 1000).toFixed(2)} s`, ''],
  );
  result = { benchmark: 'floe network audit (live)', node: process.version, namespaces: NAMESPACES, pods: NAMESPACES * PODS_PER_NS, policies: NAMESPACES * POLICIES_PER_NS, createMs, auditMs: audits.map((a) => a.ms), connectivityMs: conns.map((a) => a.ms), findings: json.findings.length, policiesReported: json.policies.length, connections };
  console.log(`floe network audit against a local kube-apiserver: ${NAMESPACES} namespaces, ${NAMESPACES * PODS_PER_NS} pods, ${NAMESPACES * POLICIES_PER_NS} NetworkPolicies; ${json.findings.length} findings, ${connections} allowed connections`);
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(`| ${'step'.padEnd(w0)} | ${'time'.padStart(w1)} | target |`);
  console.log(`|${'-'.repeat(w0 + 2)}|${'-'.repeat(w1 + 2)}|--------|`);
  for (const [a, b, c] of rows) console.log(`| ${a.padEnd(w0)} | ${b.padStart(w1)} | ${c.padEnd(6)} |`);
  console.log(JSON.stringify(result));
  mkdirSync(join(REPO, 'target/bench'), { recursive: true });
  writeFileSync(join(REPO, 'target/bench/policy-live.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await stopCluster({ stateDir });
  rmSync(stateDir, { recursive: true, force: true });
}
