#!/usr/bin/env node
// The `kubectl-floe` executable: kubectl runs it for `kubectl floe ...` (kubectl's
// plugin convention: an executable named kubectl-<name> on PATH, given the
// arguments after the name). The same CLI as `floe`, named `kubectl floe` in help.
import { launch } from './node-version.js';

await launch('kubectl floe');
