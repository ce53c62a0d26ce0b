import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const FLOE_BIN = join(REPO, 'packages/floe-cli/dist/bin.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Kill the run after this long (the result then has code -1): for runs that must not hang. */
  timeoutMs?: number;
  /** Run as another user (needs root). */
  uid?: number;
  gid?: number;
}

/** Runs the built `floe` binary as a user would, with the current Node.js. */
export function floe(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  if (!existsSync(FLOE_BIN)) throw new Error(`${FLOE_BIN} is missing: run ./pnpmw build first`);
  return new Promise((done) => {
    execFile(
      process.execPath,
      [FLOE_BIN, ...args],
      {
        cwd: opts.cwd ?? REPO,
        env: { ...process.env, FLOE_LOG_LEVEL: 'info', ...opts.env },
        maxBuffer: 64 * 1024 * 1024,
        ...(opts.timeoutMs ? { timeout: opts.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
        ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
        ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : err.killed ? -1 : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

export const tempDir = (prefix = 'floe-test-') => mkdtemp(join(tmpdir(), prefix));

/** Every file under `dir` (one level) with its bytes, for byte-identity checks. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) out[name] = await readFile(join(dir, name), 'utf8');
  return out;
}
