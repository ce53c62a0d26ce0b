#!/usr/bin/env node
import { enableCompileCache } from 'node:module';

// Node caches the compiled code of floe and its dependencies on disk (in the
// OS temp directory; NODE_DISABLE_COMPILE_CACHE=1 turns it off): start-up is
// most of a small run's time.
enableCompileCache?.();
const { main } = await import('./main.js');

process.exitCode = await main(process.argv);
