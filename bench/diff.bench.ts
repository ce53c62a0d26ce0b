/**
 * `pnpm bench` (second part): `floe network diff` against a local control
 * plane holding 1,000 managed namespaces (a 998-domain manifest, generated
 * and applied) plus 5,000 extra NetworkPolicies spread over them. Measures
 * whole-process wall time and peak RSS of `floe network diff` (text, JSON,
 * --dir), next to `kubectl get networkpolicies,namespaces -A -o json` on the
 * same cluster (the API floor: the same objects, read and printed by kubectl).
 * Then, in this process, where the time goes: intent, cluster read (both
 * strategies: one cluster-wide list per resource vs one list per namespace),
 * comparison, rendering. Prints a table and JSON (also target/bench/diff.json).
 * Targets (2-core machine): diff under 5 s and under 1.5x the floor. Nothing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadManifestFile, type KubeObject } from '@floe/core';
import { connectCluster } from '@floe/core/cluster';
import { diffIntent, intentFromGeneration, loadIntentDir, readLiveState, renderDiffText } from '@floe/core/diff';
import { NetworkPolicyManifestGenerator } from '@floe/core/network';
import { K8sNetworkSecurityPlugin } from '@floe/network-security-k8s';
import { startCluster, stopCluster } from '../tests/harness/cluster.ts';
import { makeClient, makeKubectl, type KubeClient } from '../tests/harness/kube.ts';

const REPO = resolve(import.meta.dirname, '..');
const BIN = join(REPO, 'packages/floe-cli/dist/bin.js');
const PROBE = join(REPO, 'bench/rss-probe.mjs');
const DOMAINS = Number(process.env.FLOE_BENCH_DIFF_DOMAINS ?? 998);
const EXTRA_POLICIES = Number(process.env.FLOE_BENCH_DIFF_EXTRA ?? 5000);
const REPEAT = Number(process.env.FLOE_BENCH_REPEAT ?? 3);
const SEED_CONCURRENCY = 32;

function manifest(domains: number): string {
  const lines = ['name: bench', 'domains:'];
  for (let i = 0; i < domains; i++) lines.push(`  - name: d${String(i).padStart(5, '0')}`);
  lines.push('security:', '  network_policies:', '    kubernetes_api: { cidrs: [10.96.0.1/32] }');
  return lines.join('\n') + '\n';
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function mapLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

function apiPath(o: KubeObject): string {
  if (o.kind === 'Namespace') return `/api/v1/namespaces/${o.metadata.name}`;
  const ns = o.metadata.namespace as string;
  if (o.kind === 'NetworkPolicy') return `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies/${o.metadata.name}`;
  return `/api/v1/namespaces/${ns}/podtemplates/${o.metadata.name}`;
}

/** Server-side apply as field manager floe, as `kubectl apply --server-side` does, many requests at once. */
async function applyAll(api: KubeClient, objects: KubeObject[]): Promise<void> {
  await mapLimited(objects, SEED_CONCURRENCY, async (o) => {
    const r = await api.request('PATCH', apiPath(o), { body: o, contentType: 'application/apply-patch+yaml', query: { fieldManager: 'floe', force: 'true' } });
    if (r.status >= 300) throw new Error(`apply ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}: ${r.status} ${r.text.slice(0, 300)}`);
  });
}

/** Someone else's policies: each lets one app receive from one other namespace on one port. */
function extraPolicies(namespaces: string[], count: number): KubeObject[] {
  return Array.from({ length: count }, (_, i) => {
    const ns = namespaces[i % namespaces.length] as string;
    const from = namespaces[(i * 7 + 3) % namespaces.length] as string;
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `team-allow-${i}`, namespace: ns, labels: { team: `t${i % 17}` } },
      spec: {
        podSelector: { matchLabels: { app: `app-${i % 11}` } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': from } }, podSelector: { matchLabels: { app: 'client' } } }], ports: [{ protocol: 'TCP', port: 8000 + (i % 100) }] }],
      },
    };
  });
}

interface ProcessRun {
  ms: number;
  rssMiB: number | null;
  code: number | null;
  stdoutBytes: number;
}

const HAS_TIME = existsSync('/usr/bin/time');

/**
 * The probe, for node processes when /usr/bin/time is missing. Through /usr/bin/time otherwise: Linux keeps a
 * process's peak RSS across fork and exec, so a child spawned straight from this (large) bench process would
 * report at least this process's size; /usr/bin/time is small.
 */
const PROBE_ARGS = HAS_TIME ? [] : ['--import', PROBE];

/** Wall time and peak RSS of a whole process, measured by /usr/bin/time (or the probe for node without it). */
function run(cmd: string, args: string[], env: Record<string, string>, rssFile: string): ProcessRun {
  const [file, argv] = !HAS_TIME ? [cmd, args] : ['/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args]];
  rmSync(rssFile, { force: true });
  const started = performance.now();
  const r = spawnSync(file, argv, { env: { ...process.env, ...env, FLOE_BENCH_RSS_FILE: rssFile }, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  // The probe writes "rss cpu", /usr/bin/time "%M": the peak RSS is the first number of the last line.
  const rssKiB = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)?.split(' ')[0]) : NaN;
  return { ms, rssMiB: Number.isFinite(rssKiB) ? Math.round(rssKiB / 1024) : null, code: r.status, stdoutBytes: Buffer.byteLength(r.stdout ?? '') };
}

function repeat(label: string, fn: () => ProcessRun) {
  const runs = Array.from({ length: REPEAT }, fn);
  const rss = runs.map((r) => r.rssMiB).filter((x): x is number => x !== null);
  return { label, wallMsMedian: Math.round(median(runs.map((r) => r.ms))), wallMsMin: Math.round(Math.min(...runs.map((r) => r.ms))), peakRssMiB: rss.length ? Math.max(...rss) : null, exitCode: runs[0]?.code ?? null, stdoutKiB: Math.round((runs[0]?.stdoutBytes ?? 0) / 1024) };
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - started), value };
}

const work = mkdtempSync(join(process.env.FLOE_BENCH_DIR ?? tmpdir(), 'floe-bench-diff-'));
const stateDir = join(work, 'cluster');
let result: Record<string, unknown> | undefined;
try {
  const cluster = await startCluster({ stateDir, ownerPid: process.pid });
  const kubectlBin = join(cluster.binDir, 'kubectl');
  const kubectl = makeKubectl(kubectlBin, cluster.kubeconfig, join(work, 'kube-cache'));
  const api = await makeClient(kubectl);
  const env = { KUBECONFIG: cluster.kubeconfig, FLOE_LOG_LEVEL: 'silent' };

  // Seed: generate, apply (namespaces first), then the extra policies.
  const manifestPath = join(work, 'manifest.yaml');
  writeFileSync(manifestPath, manifest(DOMAINS));
  const dir = join(work, 'network');
  const gen = spawnSync(process.execPath, [BIN, '--log-level', 'silent', 'network', 'generate', '-m', manifestPath, '-d', dir], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`generate failed:\n${gen.stderr}`);
  const intent = await loadIntentDir(dir);
  const seedStarted = performance.now();
  await applyAll(api, intent.objects.filter((o) => o.kind === 'Namespace'));
  await applyAll(api, intent.objects.filter((o) => o.kind !== 'Namespace'));
  await applyAll(api, extraPolicies(intent.namespaces, EXTRA_POLICIES));
  const seedMs = performance.now() - seedStarted;
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).length;
  console.error(`seeded ${intent.namespaces.length} namespaces, ${intent.objects.length} floe objects and ${EXTRA_POLICIES} extra policies in ${(seedMs / 1000).toFixed(1)} s`);

  // Warm-up: kubectl's discovery cache and the API server's watch cache.
  const rssFile = join(work, 'rss');
  const floorArgs = [`--kubeconfig=${cluster.kubeconfig}`, `--cache-dir=${join(work, 'kube-cache')}`, 'get', 'networkpolicies,namespaces', '-A', '-o', 'json'];
  run(kubectlBin, floorArgs, {}, rssFile);
  const floe = (...args: string[]) => () => run(process.execPath, [...PROBE_ARGS, BIN, 'network', 'diff', ...args], env, rssFile);
  floe('-m', manifestPath)();

  const rows = [
    repeat('kubectl get networkpolicies,namespaces -A -o json (floor)', () => run(kubectlBin, floorArgs, {}, rssFile)),
    repeat('floe network diff -m manifest.yaml (text)', floe('-m', manifestPath)),
    repeat('floe network diff -m manifest.yaml -o json', floe('-m', manifestPath, '-o', 'json')),
    repeat('floe network diff --dir target/network (text)', floe('--dir', dir)),
    repeat('floe --version (start-up only)', () => run(process.execPath, [...PROBE_ARGS, BIN, '--version'], env, rssFile)),
  ];

  // Where the time goes, in this process (warm: modules loaded, connections reused per client).
  const plugin = new K8sNetworkSecurityPlugin();
  const phases: Record<string, number> = {};
  const loaded = await timed(() => loadManifestFile(manifestPath));
  const generated = await timed(() => intentFromGeneration(new NetworkPolicyManifestGenerator(plugin).generate(loaded.value.config), manifestPath));
  phases['intent: read manifest + generate in memory'] = loaded.ms + generated.ms;
  phases['intent: parse the --dir YAML files'] = (await timed(() => loadIntentDir(dir))).ms;
  const client = await connectCluster({ kubeconfig: cluster.kubeconfig, command: 'floe network diff' });
  const wide = await timed(() => readLiveState(client, generated.value, { perNamespaceUpTo: 0 }));
  phases['cluster read: one list per resource, all namespaces (default above 20 namespaces)'] = wide.ms;
  const fresh = await connectCluster({ kubeconfig: cluster.kubeconfig, command: 'floe network diff' });
  const perNs = await timed(() => readLiveState(fresh, generated.value, { perNamespaceUpTo: Infinity }));
  phases['cluster read: per namespace, 8 at a time (alternative)'] = perNs.ms;
  const compared = await timed(() => diffIntent(generated.value, wide.value));
  phases['compare (normalise, align, pair)'] = compared.ms;
  phases['render text (YAML + unified diffs)'] = (await timed(() => renderDiffText(compared.value, { color: false }))).ms;
  phases['render JSON'] = (await timed(() => JSON.stringify(compared.value.report, null, 2))).ms;

  result = {
    benchmark: 'floe network diff',
    node: process.version,
    repeat: REPEAT,
    cluster: { namespaces: intent.namespaces.length, floeObjects: intent.objects.length, files, extraPolicies: EXTRA_POLICIES, networkPolicies: wide.value.networkPolicies.length, seedSeconds: +(seedMs / 1000).toFixed(1) },
    report: compared.value.report.counts,
    rows,
    phasesMs: phases,
  };

  const header = ['command', 'wall ms (median)', 'wall ms (min)', 'peak RSS MiB', 'exit', 'stdout KiB'];
  const table = rows.map((r) => [r.label, r.wallMsMedian, r.wallMsMin, r.peakRssMiB ?? 'n/a', r.exitCode ?? '', r.stdoutKiB].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ')} |`;
  const floor = rows[0]?.wallMsMedian as number;
  console.log(
    `floe network diff, whole process, ${REPEAT} runs each, Node ${process.version}, ${process.platform}/${process.arch}: ${intent.namespaces.length} managed namespaces, ` +
      `${intent.objects.length} floe objects, ${wide.value.networkPolicies.length} NetworkPolicies in the cluster (${EXTRA_POLICIES} extra)`,
  );
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of table) console.log(fmt(row));
  for (const r of rows.slice(1, 4)) console.log(`${r.label}: ${(r.wallMsMedian / floor).toFixed(2)}x the floor`);
  console.log('where the time goes (in one warm process, ms):');
  for (const [k, v] of Object.entries(phases)) console.log(`  ${String(v).padStart(6)}  ${k}`);
  console.log(JSON.stringify(result));
  mkdirSync(join(REPO, 'target/bench'), { recursive: true });
  writeFileSync(join(REPO, 'target/bench/diff.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await stopCluster({ stateDir }).catch((err: unknown) => console.error(`stopping the bench cluster: ${String(err)}`));
  rmSync(work, { recursive: true, force: true });
}
