// Preloaded into the measured process (node --import): on exit, writes the
// process's peak resident set size (KiB) to FLOE_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.FLOE_BENCH_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
