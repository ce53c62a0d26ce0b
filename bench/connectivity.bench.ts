/**
 * `pnpm bench` (dense connectivity): `floe network audit --connectivity` as a
 * whole process on the dense cluster of bench/dense-cluster.ts (200
 * namespaces, 5,000 standalone pods, 2,000 NetworkPolicies, about 8.5 million
 * allowed pairs) in files, its output written to a file:
 * - `-o json`: valid JSON (checked by a streaming parser, bench/json-check.ts), < 10 s, peak RSS < 1 GB;
 * - `--compact -o json`: < 5 s, < 500 MB;
 * - `-o text`, `-o dot` and `-n` one namespace, for comparison.
 * Wall time, CPU time (user + system) and peak RSS come from /usr/bin/time
 * (through it, the child's peak RSS is its own: Linux keeps a process's peak
 * across fork and exec); the load average is printed with them, since a shared
 * machine moves wall times. Prints a table and JSON (also written to
 * target/bench/connectivity.json). Nothing asserts.
 * The last two cases add six Admin-tier ClusterNetworkPolicies that select every
 * namespace (cross-team ingress deny, cloud metadata egress deny): each pod class
 * is then decided through the tiers (policy/tiers.ts).
 * FLOE_BENCH_REPEAT (default 3) runs per case, FLOE_BENCH_DIR where the files go,
 * FLOE_BENCH_CASES a regular expression of the case labels to run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DENSE, writeDenseCluster, writeDenseGuardrails } from './dense-cluster.ts';
import { checkJsonFile, type JsonCheck } from './json-check.ts';

const REPO = resolve(import.meta.dirname, '..');
const BIN = join(REPO, 'packages/floe-cli/dist/bin.js');
const REPEAT = Number(process.env.FLOE_BENCH_REPEAT ?? 3);
const TIME = '/usr/bin/time';

interface Case {
  label: string;
  args: string[];
  json: boolean;
  target: string;
  /** Run on the dense cluster plus cluster-scoped guardrails (bench/dense-cluster.ts writeDenseGuardrails). */
  guardrails?: boolean;
}

const CASES: Case[] = [
  { label: 'dense, -o json', args: ['-o', 'json'], json: true, target: '< 10 s, < 1 GB' },
  { label: 'dense, --compact -o json', args: ['--compact', '-o', 'json'], json: true, target: '< 5 s, < 500 MB' },
  { label: 'dense, -o text', args: ['-o', 'text'], json: false, target: '' },
  { label: 'dense, -o dot', args: ['-o', 'dot'], json: false, target: '' },
  { label: 'dense, -n dense-007 -o json', args: ['-n', 'dense-007', '-o', 'json'], json: true, target: '' },
  { label: 'dense + 6 ClusterNetworkPolicies, -o json', args: ['-o', 'json'], json: true, target: '', guardrails: true },
  { label: 'dense + 6 ClusterNetworkPolicies, --compact -o json', args: ['--compact', '-o', 'json'], json: true, target: '', guardrails: true },
];

interface Run {
  wallS: number;
  cpuS: number;
  rssMiB: number;
}

/** One whole-process run through /usr/bin/time, stdout into `out`. */
function runOnce(dir: string, c: Case, out: string, timeFile: string): Run {
  const fd = openSync(out, 'w');
  try {
    const r = spawnSync(TIME, ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, BIN, '--log-level', 'silent', 'network', 'audit', '--connectivity', '--from-dir', dir, ...c.args], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`floe network audit ${c.args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  } finally {
    closeSync(fd);
  }
  const [wall, user, sys, rss] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number, number];
  return { wallS: wall, cpuS: user + sys, rssMiB: Math.round(rss / 1024) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

if (!existsSync(TIME)) throw new Error(`${TIME} is needed to measure peak RSS (Debian: apt-get install time)`);
if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run ./pnpmw build first`);
const work = mkdtempSync(join(process.env.FLOE_BENCH_DIR ?? tmpdir(), 'floe-bench-dense-'));
try {
  const dir = join(work, 'cluster');
  mkdirSync(dir);
  const files = writeDenseCluster(dir);
  const guarded = join(work, 'guarded');
  mkdirSync(guarded);
  writeDenseCluster(guarded);
  writeDenseGuardrails(guarded);
  const loadBefore = load();
  const only = process.env.FLOE_BENCH_CASES ? new RegExp(process.env.FLOE_BENCH_CASES) : null;
  const results = CASES.filter((c) => !only || only.test(c.label)).map((c) => {
    const out = join(work, 'out');
    const runs = Array.from({ length: REPEAT }, () => runOnce(c.guardrails ? guarded : dir, c, out, join(work, 'time')));
    const bytes = statSync(out).size;
    const check: JsonCheck | null = c.json ? checkJsonFile(out) : null;
    rmSync(out, { force: true });
    return {
      ...c,
      runs,
      wallS: median(runs.map((r) => r.wallS)),
      wallMinS: Math.min(...runs.map((r) => r.wallS)),
      cpuS: median(runs.map((r) => r.cpuS)),
      peakRssMiB: Math.max(...runs.map((r) => r.rssMiB)),
      bytes,
      check,
    };
  });
  const loadAfter = load();
  console.log(`floe dense connectivity: ${DENSE.namespaces} namespaces, ${DENSE.pods} standalone pods, ${DENSE.policies} NetworkPolicies in ${files} files; ${REPEAT} runs per case, medians; Node ${process.version}, ${process.platform}/${process.arch}`);
  console.log(`load average (1, 5, 15 min): before ${loadBefore}, after ${loadAfter}`);
  const rows = results.map((r) => [
    r.label,
    `${r.wallS.toFixed(1)} s (${r.wallMinS.toFixed(1)})`,
    `${r.cpuS.toFixed(1)} s`,
    `${r.peakRssMiB} MiB`,
    r.bytes >= 1 << 20 ? `${(r.bytes / (1 << 20)).toFixed(0)} MiB` : `${(r.bytes / 1024).toFixed(0)} KiB`,
    r.check ? (r.check.valid ? `valid, ${r.check.rows} rows` : `INVALID: ${r.check.error}`) : '',
    r.target,
  ]);
  const head = ['case', 'wall, median (min)', 'CPU', 'peak RSS', 'output', 'JSON', 'target'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  const result = { benchmark: 'floe dense connectivity', node: process.version, repeat: REPEAT, load: { before: loadBefore, after: loadAfter }, synthetic: { ...DENSE, files }, results };
  console.log(JSON.stringify(result));
  mkdirSync(join(REPO, 'target/bench'), { recursive: true });
  writeFileSync(join(REPO, 'target/bench/connectivity.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
