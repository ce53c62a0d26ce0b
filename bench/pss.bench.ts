/**
 * `pnpm bench`: the offline Pod Security evaluator (@floe/core pss).
 *   - 10,000 pods x both levels (baseline, restricted) at latest          target < 1 s
 *   - 1,000 pods x every policy version v1.0..latest x both levels        target < 2 s
 * Pods are seeded-random mixes of what real manifests carry (hardened and not, 1-3 containers,
 * init containers, volumes, host namespaces, annotations). Each case is run REPEAT times;
 * the median is reported. Two more rows run the whole CLI (`floe network pss check -f`) on
 * 10,000 Deployments, parsing included (no target: for people).
 * Prints a table and JSON (also written to target/bench/pss.json).
 * Nothing here asserts: figures are for people and trend lines.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { allPolicyVersions, evaluatePod, evaluatePrepared, preparePod, type PodLike } from '@floe/core/pss';

const REPO = resolve(import.meta.dirname, '..');
const REPEAT = Number(process.env.FLOE_BENCH_REPEAT ?? 5);

/** A small seeded PRNG (mulberry32), so every run judges the same pods. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makePods(n: number, seed: number): PodLike[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const container = (name: string) => {
    const hardened = r() < 0.6;
    return {
      name,
      image: 'registry.example.com/app:1.0',
      ports: r() < 0.3 ? [{ containerPort: 8080, ...(r() < 0.1 ? { hostPort: 8080 } : {}) }] : undefined,
      securityContext: hardened
        ? {
            allowPrivilegeEscalation: r() < 0.95 ? false : true,
            capabilities: { drop: ['ALL'], ...(r() < 0.1 ? { add: [pick(['NET_BIND_SERVICE', 'CHOWN', 'SYS_ADMIN'])] } : {}) },
            ...(r() < 0.5 ? { runAsNonRoot: true } : {}),
            ...(r() < 0.3 ? { seccompProfile: { type: pick(['RuntimeDefault', 'Localhost', 'Unconfined']) } } : {}),
            ...(r() < 0.05 ? { runAsUser: 0 } : {}),
          }
        : r() < 0.2
          ? { privileged: true }
          : undefined,
      livenessProbe: r() < 0.2 ? { httpGet: { port: 8080, ...(r() < 0.05 ? { host: '10.0.0.1' } : {}) } } : undefined,
    };
  };
  return Array.from({ length: n }, (_, i) => ({
    metadata: r() < 0.05 ? { annotations: { 'container.apparmor.security.beta.kubernetes.io/c0': pick(['runtime/default', 'unconfined']) } } : {},
    spec: {
      hostNetwork: r() < 0.03,
      hostPID: r() < 0.02,
      securityContext: r() < 0.5 ? { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, ...(r() < 0.05 ? { sysctls: [{ name: pick(['net.ipv4.tcp_rmem', 'kernel.msgmax']), value: '1' }] } : {}) } : {},
      containers: Array.from({ length: 1 + Math.floor(r() * 3) }, (_, j) => container(`c${j}`)),
      initContainers: r() < 0.3 ? [container('init')] : undefined,
      volumes: r() < 0.4 ? [{ name: `v${i}`, ...(r() < 0.1 ? { hostPath: { path: '/var/log' } } : { emptyDir: {} }) }] : undefined,
    },
  }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

interface Row {
  case: string;
  pods: number;
  versions: number;
  levels: number;
  evaluations: number;
  refused: number;
  msMedian: number;
  msMin: number;
  usPerEvaluation: number;
  targetMs: number;
  withinTarget: boolean;
}

function measure(name: string, pods: PodLike[], versions: string[], targetMs: number, run: (pods: PodLike[], versions: string[]) => number): Row {
  run(pods.slice(0, 200), versions); // warm the JIT on a few pods first
  const times: number[] = [];
  let refused = 0;
  for (let i = 0; i < REPEAT; i++) {
    const started = performance.now();
    refused = run(pods, versions);
    times.push(performance.now() - started);
  }
  const evaluations = pods.length * versions.length * 2;
  const ms = median(times);
  return {
    case: name,
    pods: pods.length,
    versions: versions.length,
    levels: 2,
    evaluations,
    refused,
    msMedian: Math.round(ms),
    msMin: Math.round(Math.min(...times)),
    usPerEvaluation: Number(((ms * 1000) / evaluations).toFixed(2)),
    targetMs,
    withinTarget: ms < targetMs,
  };
}

/** What a caller judging each pod on its own does: evaluatePod per level and version. */
const eachOnItsOwn = (pods: PodLike[], versions: string[]) => {
  let refused = 0;
  for (const pod of pods) for (const version of versions) for (const level of ['baseline', 'restricted'] as const) if (!evaluatePod(pod, { level, version }).allowed) refused++;
  return refused;
};

/** What a caller judging each pod at many versions does: prepare once, then evaluate per level and version. */
const preparedOnce = (pods: PodLike[], versions: string[]) => {
  let refused = 0;
  for (const pod of pods) {
    const prepared = preparePod(pod);
    for (const version of versions) for (const level of ['baseline', 'restricted'] as const) if (!evaluatePrepared(prepared, level, version).allowed) refused++;
  }
  return refused;
};

const rows = [
  measure('10,000 pods x 2 levels at latest', makePods(10_000, 1), ['latest'], 1000, eachOnItsOwn),
  measure('1,000 pods x every version x 2 levels', makePods(1_000, 2), allPolicyVersions(), 2000, eachOnItsOwn),
  measure('1,000 pods x every version x 2 levels (prepared once)', makePods(1_000, 2), allPolicyVersions(), 2000, preparedOnce),
];
/**
 * The whole CLI on 10,000 Deployments: process start, parsing, judging, JSON output. Once as
 * multi-document YAML (the `yaml` parser sets the pace) and once as one JSON List, the shape
 * `kubectl get deploy -A -o json` prints (parsed with JSON.parse).
 */
function cliRuns(): { case: string; pods: number; fileMiB: number; msMedian: number; msMin: number; exitCode: number | null }[] {
  const dir = mkdtempSync(join(tmpdir(), 'floe-pss-bench-'));
  const objects = makePods(10_000, 3).map((p, i) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `d${i}`, namespace: 'bench' },
    spec: { selector: { matchLabels: { app: `d${i}` } }, template: { metadata: { labels: { app: `d${i}` }, ...p.metadata }, spec: p.spec } },
  }));
  const inputs = [
    { case: 'CLI: pss check -f, 10,000 Deployments as multi-document YAML', file: join(dir, 'deployments.yaml'), text: objects.map((o) => JSON.stringify(o)).join('\n---\n') },
    { case: 'CLI: pss check -f, 10,000 Deployments as one JSON List', file: join(dir, 'deployments.json'), text: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2) },
  ];
  const rows = inputs.map(({ case: name, file, text }) => {
    writeFileSync(file, text);
    const times: number[] = [];
    let exitCode: number | null = null;
    for (let i = 0; i < Math.min(REPEAT, 3); i++) {
      const started = performance.now();
      const r = spawnSync(process.execPath, [join(REPO, 'packages/floe-cli/dist/bin.js'), '--log-level', 'silent', 'network', 'pss', 'check', '-f', file, '-o', 'json'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
      times.push(performance.now() - started);
      exitCode = r.status;
    }
    return { case: name, pods: objects.length, fileMiB: Number((Buffer.byteLength(text) / 1048576).toFixed(1)), msMedian: Math.round(median(times)), msMin: Math.round(Math.min(...times)), exitCode };
  });
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

const cli = cliRuns();
console.log(`Pod Security evaluator (node ${process.version}, median of ${REPEAT} runs)`);
console.table(rows);
console.table(cli);
const result = { node: process.version, repeat: REPEAT, rows, cli };
console.log(JSON.stringify(result));
mkdirSync(join(REPO, 'target/bench'), { recursive: true });
writeFileSync(join(REPO, 'target/bench/pss.json'), `${JSON.stringify(result, null, 2)}\n`);
