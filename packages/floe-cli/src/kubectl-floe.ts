#!/usr/bin/env node
// The `kubectl-floe` executable: kubectl runs it for `kubectl floe ...` (kubectl's
// plugin convention: an executable named kubectl-<name> on PATH, given the
// arguments after the name). The same CLI as `floe`, named `kubectl floe` in help.
import { unsupportedNode } from './node-version.js';

const refusal = unsupportedNode(process.versions.node);
if (refusal) {
  process.stderr.write(`${refusal}\n`);
  process.exit(2);
}
const { start } = await import('./start.js');
await start('kubectl floe');
