/**
 * `pnpm bench:startup`: whole-process wall time of `floe --version` and
 * `floe network generate --dry-run` (built-in defaults), without and with OTLP
 * trace export (to a receiver on 127.0.0.1 in this process), REPEAT runs each,
 * interleaved so that machine noise spreads evenly over the variants. CPU time
 * (user + system, from the process itself) is printed too: on a busy machine it
 * moves much less than wall time.
 * FLOE_BENCH_BASELINE_BIN=/path/to/other/dist/bin.js adds that build, without
 * OTLP, for a before/after comparison. Nothing here asserts.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const REPO = resolve(import.meta.dirname, '..');
const BIN = join(REPO, 'packages/floe-cli/dist/bin.js');
const BASELINE = process.env.FLOE_BENCH_BASELINE_BIN;
const REPEAT = Number(process.env.FLOE_BENCH_REPEAT ?? 20);

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
});
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const baseEnv: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OTEL_')) baseEnv[k] = v;
baseEnv.FLOE_LOG_LEVEL = 'silent';

interface Variant {
  name: string;
  bin: string;
  env: Record<string, string>;
}
const variants: Variant[] = [
  ...(BASELINE ? [{ name: 'baseline build, no OTLP', bin: BASELINE, env: baseEnv }] : []),
  { name: 'no OTEL_EXPORTER_OTLP_ENDPOINT', bin: BIN, env: baseEnv },
  { name: 'OTEL_EXPORTER_OTLP_ENDPOINT set', bin: BIN, env: { ...baseEnv, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } },
];
const commands = [['--version'], ['network', 'generate', '--dry-run']];

// Preloaded into the measured process: on exit, writes its CPU time (ms) to FLOE_BENCH_CPU_FILE.
const CPU_PROBE = `data:text/javascript,${encodeURIComponent(
  "import{writeFileSync}from'node:fs';process.on('exit',()=>{const u=process.resourceUsage();writeFileSync(process.env.FLOE_BENCH_CPU_FILE,String((u.userCPUTime+u.systemCPUTime)/1000))})",
)}`;

const cwd = mkdtempSync(join(tmpdir(), 'floe-startup-'));
const cpuFile = join(cwd, 'cpu');
function run(bin: string, args: string[], env: Record<string, string>): Promise<{ wall: number; cpu: number }> {
  const started = performance.now();
  return new Promise((done, fail) => {
    execFile(process.execPath, ['--import', CPU_PROBE, bin, ...args], { cwd, env: { ...env, FLOE_BENCH_CPU_FILE: cpuFile } }, (err, _stdout, stderr) => {
      if (err) fail(new Error(`floe ${args.join(' ')} failed: ${stderr}`));
      else done({ wall: performance.now() - started, cpu: Number(readFileSync(cpuFile, 'utf8')) });
    });
  });
}

const times = new Map<string, { wall: number; cpu: number }[]>();
try {
  for (let i = 0; i < REPEAT; i++) {
    for (const args of commands) {
      for (const v of variants) {
        const key = `${args.join(' ')}\t${v.name}`;
        const m = await run(v.bin, args, v.env);
        if (i > 0) times.set(key, [...(times.get(key) ?? []), m]); // the first round warms the file cache
      }
    }
  }
} finally {
  server.close();
  rmSync(cwd, { recursive: true, force: true });
}

const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)] as number, min: s[0] as number, mean: s.reduce((a, b) => a + b, 0) / s.length };
};
console.log(`floe start-up, whole process, ${REPEAT - 1} runs each after one warm-up, Node ${process.version}, ${process.platform}/${process.arch}`);
console.log('| command | variant | wall ms (median) | wall ms (min) | CPU ms (median) |');
console.log('|---|---|---:|---:|---:|');
const rows = [...times].map(([key, ms]) => {
  const [command, variant] = key.split('\t') as [string, string];
  const wall = stat(ms.map((m) => m.wall));
  const cpu = stat(ms.map((m) => m.cpu));
  console.log(`| floe ${command} | ${variant} | ${wall.median.toFixed(0)} | ${wall.min.toFixed(0)} | ${cpu.median.toFixed(0)} |`);
  return { command, variant, wallMs: wall, cpuMs: cpu };
});
console.log(JSON.stringify({ benchmark: 'floe start-up', node: process.version, repeat: REPEAT - 1, rows }));
