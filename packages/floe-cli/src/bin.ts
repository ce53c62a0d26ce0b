#!/usr/bin/env node
import { main } from './main.js';
import { startTracing } from './telemetry.js';

const tracing = await startTracing();
process.exitCode = await main(process.argv);
// An exporter still retrying an unreachable collector holds the event loop open: leave once the bounded flush is over.
if (tracing && !(await tracing.shutdown())) process.exit();
