// ./pnpmw floe ... is documented as the way to run the CLI from the repo: its stdout must be floe's alone.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO } from './run.ts';

function pnpmw(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(`${REPO}/pnpmw`, args, { cwd: REPO, timeout: 60_000, env: { ...process.env, FLOE_LOG_LEVEL: 'silent' } }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('./pnpmw floe', () => {
  it('keeps stdout clean for a pipe: -o json parses, with no "> floe-network@ floe" banner', async () => {
    const r = await pnpmw(['floe', 'network', 'generate', '--dry-run', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('> floe-network@');
    expect((JSON.parse(r.stdout) as { dryRun: boolean }).dryRun).toBe(true);
  });

  it('passes floe\'s exit code through', async () => {
    expect((await pnpmw(['floe', 'network', 'nope'])).code).toBe(2);
  });
});
