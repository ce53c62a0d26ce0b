import { enableCompileCache } from 'node:module';

/**
 * Runs the CLI under `name` (what help shows as the command: floe, or kubectl floe)
 * with process.argv, and sets the exit code. Imported by the entry points once
 * they know this Node.js is supported.
 */
export async function start(name: string): Promise<void> {
  // Node caches the compiled code of floe and its dependencies on disk (in the
  // OS temp directory; NODE_DISABLE_COMPILE_CACHE=1 turns it off): start-up is
  // most of a small run's time. Imported after, so that they are cached too.
  enableCompileCache?.();
  const { main } = await import('./main.js');
  const { startTracing } = await import('./telemetry.js');

  // `floe ... | head`: the reader left; stop quietly as Unix tools do, not with an unhandled EPIPE.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
      throw err;
    });
  }

  const tracing = await startTracing();
  process.exitCode = await main(process.argv, name);
  // An exporter still retrying an unreachable collector holds the event loop open: leave once the bounded flush is over.
  if (tracing && !(await tracing.shutdown())) process.exit();
}
