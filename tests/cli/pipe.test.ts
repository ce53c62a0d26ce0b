import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FLOE_BIN } from './run.js';

/** Runs floe with stdout read by a reader that leaves after the first chunk, like `| head -1`. */
function runIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [FLOE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdout.once('data', () => child.stdout.destroy());
    child.once('close', (code) => done({ code, stderr }));
  });
}

describe('output into a pipe that closes early', () => {
  it.each(['--help', 'network --help', 'network generate --help', '--log-level silent network generate --dry-run -o json'])(
    'floe %s | head -1 ends quietly with exit 0',
    async (line) => {
      const r = await runIntoClosedPipe(line.split(' '));
      expect(r.stderr).not.toMatch(/EPIPE|Error/);
      expect(r.code).toBe(0);
    },
  );
});
