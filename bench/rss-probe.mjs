// Preloaded into the measured process (node --import): on exit, writes the
// process's peak resident set size (KiB) and its CPU time (user + system, ms)
// to FLOE_BENCH_RSS_FILE as "rss cpu". CPU time stays meaningful on a busy
// machine, where wall time mostly measures the other processes.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.FLOE_BENCH_RSS_FILE;
  const u = process.resourceUsage();
  if (file) writeFileSync(file, `${u.maxRSS} ${Math.round((u.userCPUTime + u.systemCPUTime) / 1000)}`);
});
