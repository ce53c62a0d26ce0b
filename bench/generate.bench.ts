/**
 * `pnpm bench`: whole-process wall time and peak RSS of `floe network generate`
 * for 100, 1,000 and 10,000 domains, each run REPEAT times on a fresh output
 * directory. Prints a table and JSON (also written to target/bench/generate.json).
 * Targets (2-core machine): 100 namespaces < 0.3 s whole process; 10,000 domains
 * < 1 s with --dry-run, < 1.5 s written to tmpfs (FLOE_BENCH_DIR=/dev/shm), < 300 MB.
 * Wall time is only meaningful on an idle machine: the table also gives each
 * process's own CPU time (user + system) and the load average it ran under.
 * Each size also runs --dry-run (all work but the writes) and measures the file
 * system's floor for creating that many files, so a slow disk is told apart from slow code.
 * Nothing here asserts: figures are for people and trend lines.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const REPO = resolve(import.meta.dirname, '..');
const BIN = join(REPO, 'packages/floe-cli/dist/bin.js');
const PROBE = join(REPO, 'bench/rss-probe.mjs');
const SIZES = (process.env.FLOE_BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const REPEAT = Number(process.env.FLOE_BENCH_REPEAT ?? 3);

function manifest(domains: number): string {
  const lines = ['name: bench', 'domains:'];
  for (let i = 0; i < domains; i++) lines.push(`  - name: d${String(i).padStart(5, '0')}`);
  lines.push('security:', '  network_policies:', '    kubernetes_api: { cidrs: [10.96.0.1/32] }');
  return lines.join('\n') + '\n';
}

interface Row {
  domains: number;
  namespaces: number;
  files: number;
  outputMiB: number;
  wallMsMedian: number;
  wallMsMin: number;
  dryRunMs: number;
  cpuMs: number;
  dryRunCpuMs: number;
  fsFloorMs: number;
  peakRssMiB: number;
}

/** The file system's floor: creating the same number of files of the same total size, nothing else. */
function fsFloor(dir: string, count: number, bytes: number): number {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const body = 'x'.repeat(Math.max(1, Math.round(bytes / count)));
  const started = performance.now();
  for (let i = 0; i < count; i++) writeFileSync(join(dir, `f${i}.yaml`), body, { flag: 'wx' });
  const ms = performance.now() - started;
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

function runFloe(args: string[], rssFile: string) {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', PROBE, BIN, ...args], {
    env: { ...process.env, FLOE_BENCH_RSS_FILE: rssFile },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`floe ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  const [rss, cpu] = readFileSync(rssFile, 'utf8').split(' ').map(Number);
  return { ms, rssKiB: rss as number, cpuMs: cpu as number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const generate = (args: string[], rssFile: string) => runFloe(['--log-level', 'silent', 'network', 'generate', ...args], rssFile);

// FLOE_BENCH_DIR=/dev/shm separates floe's own cost from a slow disk's.
const work = mkdtempSync(join(process.env.FLOE_BENCH_DIR ?? tmpdir(), 'floe-bench-'));
const rows: Row[] = [];
const loadBefore = loadavg()[0] as number;
let startup = { wallMs: 0, cpuMs: 0 };
try {
  // Start-up alone: what every command pays before it does anything.
  const versions = Array.from({ length: Math.max(REPEAT, 5) }, () => runFloe(['--version'], join(work, 'rss')));
  startup = { wallMs: Math.round(median(versions.map((v) => v.ms))), cpuMs: Math.round(median(versions.map((v) => v.cpuMs))) };
  for (const domains of SIZES) {
    const manifestPath = join(work, `manifest-${domains}.yaml`);
    writeFileSync(manifestPath, manifest(domains));
    const walls: number[] = [];
    const dryRuns: number[] = [];
    const cpus: number[] = [];
    const dryCpus: number[] = [];
    let rss = 0;
    let files = 0;
    let bytes = 0;
    const rssFile = join(work, 'rss');
    const out = join(work, `out-${domains}`);
    for (let run = 0; run < REPEAT; run++) {
      rmSync(out, { recursive: true, force: true });
      const real = generate(['-m', manifestPath, '-d', out], rssFile);
      walls.push(real.ms);
      cpus.push(real.cpuMs);
      rss = Math.max(rss, real.rssKiB);
      const dry = generate(['-m', manifestPath, '-d', out, '--dry-run'], rssFile);
      dryRuns.push(dry.ms);
      dryCpus.push(dry.cpuMs);
      rss = Math.max(rss, dry.rssKiB);
      const names = readdirSync(out);
      files = names.length - 1; // minus .floe-generated
      bytes = names.reduce((n, f) => n + readFileSync(join(out, f)).length, 0);
    }
    const floor = fsFloor(join(work, 'floor'), files, bytes);
    walls.sort((a, b) => a - b);
    rows.push({
      domains,
      namespaces: domains + 2,
      files,
      outputMiB: +(bytes / 1048576).toFixed(1),
      wallMsMedian: Math.round(walls[Math.floor(walls.length / 2)] as number),
      wallMsMin: Math.round(walls[0] as number),
      dryRunMs: Math.round(median(dryRuns)),
      cpuMs: Math.round(median(cpus)),
      dryRunCpuMs: Math.round(median(dryCpus)),
      fsFloorMs: Math.round(floor),
      peakRssMiB: Math.round(rss / 1024),
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const header = ['domains', 'namespaces', 'files', 'output MiB', 'wall ms (median)', 'wall ms (min)', 'CPU ms', '--dry-run ms', '--dry-run CPU ms', 'fs floor ms', 'peak RSS MiB'];
const table = rows.map((r) => [r.domains, r.namespaces, r.files, r.outputMiB, r.wallMsMedian, r.wallMsMin, r.cpuMs, r.dryRunMs, r.dryRunCpuMs, r.fsFloorMs, r.peakRssMiB].map(String));
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i] as number)).join(' | ')} |`;
const loadAfter = loadavg()[0] as number;
console.log(`floe network generate, whole process, ${REPEAT} runs each, Node ${process.version}, ${process.platform}/${process.arch}, output under ${work}`);
console.log(`load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${availableParallelism()} CPUs; start-up (floe --version): ${startup.wallMs} ms wall, ${startup.cpuMs} ms CPU`);
console.log(fmt(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of table) console.log(fmt(row));
const result = { benchmark: 'floe network generate', node: process.version, repeat: REPEAT, loadAverage: { before: loadBefore, after: loadAfter }, startup, rows };
console.log('--dry-run ms: the same command writing nothing (parse, render). CPU ms: the process\'s own user + system time, median. fs floor ms: creating as many files of the same total size');
console.log('in one directory from this process with nothing else, i.e. what this disk costs before floe does any work.');
console.log(JSON.stringify(result));
mkdirSync(join(REPO, 'target/bench'), { recursive: true });
writeFileSync(join(REPO, 'target/bench/generate.json'), `${JSON.stringify(result, null, 2)}\n`);
