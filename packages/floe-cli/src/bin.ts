#!/usr/bin/env node
import { main } from './main.js';
import { startTracing } from './telemetry.js';

// `floe ... | head`: the reader left; stop quietly as Unix tools do, not with an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw err;
  });
}

const tracing = await startTracing();
process.exitCode = await main(process.argv);
// An exporter still retrying an unreachable collector holds the event loop open: leave once the bounded flush is over.
if (tracing && !(await tracing.shutdown())) process.exit();
