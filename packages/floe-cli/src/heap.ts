import { setFlagsFromString } from 'node:v8';

/** From this manifest size on (about 3,500 bare domains), a run holds tens of thousands of objects and files. */
export const LARGE_MANIFEST_BYTES = 64 * 1024;

let bounded = false;

/**
 * Keeps V8's young generation at its starting size for the rest of the run.
 *
 * On a machine with a few GiB of memory or more, V8 grows each of the young
 * generation's semi-spaces up to 64 MiB while a run builds long-lived objects
 * (the YAML document of a large manifest, 50,000 intents and files): 10,000
 * domains peaked at 266-298 MiB, 128 MiB of it young generation. Not growing
 * it costs nothing measurable there (same wall and CPU time) and keeps the
 * peak near 170 MiB. Small runs keep V8's default: there the bigger young
 * generation is 20-30 ms faster. V8 reads this flag each time it would grow the
 * semi-spaces, so setting it at run time takes effect; it changes nothing
 * else. A user's own --max-semi-space-size or growth factor (command line or
 * NODE_OPTIONS) is left alone.
 */
export function boundYoungGeneration(): void {
  if (bounded) return;
  bounded = true;
  if (/semi-space/.test([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' '))) return;
  setFlagsFromString('--semi-space-growth-factor=1');
}
