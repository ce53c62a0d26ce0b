#!/usr/bin/env node
// The `floe` executable. Any Node.js can parse and run this file: an old one
// gets one line and exit 2, not a SyntaxError from a module it cannot link
// (start.js and everything after it may use what Node.js 22.12 has).
import { launch } from './node-version.js';

await launch('floe');
