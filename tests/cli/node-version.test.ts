import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unsupportedNode } from '../../packages/floe-cli/src/node-version.ts';
import { oldNode } from './old-node.ts';
import { REPO, type RunResult } from './run.ts';

function run(node: string, args: string[]): Promise<RunResult> {
  return new Promise((done) => {
    execFile(node, args, { cwd: REPO }, (err, stdout, stderr) => done({ code: err ? Number(err.code) : 0, stdout, stderr }));
  });
}

describe('an unsupported Node.js', () => {
  it('is anything before 22.12', () => {
    expect(unsupportedNode('20.20.2')).toBe('floe: needs Node.js >= 22.12 (this is v20.20.2)');
    expect(unsupportedNode('22.11.0')).toBe('floe: needs Node.js >= 22.12 (this is v22.11.0)');
    expect(unsupportedNode('18.0.0')).toBeDefined();
    for (const ok of ['22.12.0', '22.22.1', '23.0.0', '24.21.0', '25.1.0']) expect(unsupportedNode(ok), ok).toBeUndefined();
  });

  it('gets one line and exit 2 from the floe and kubectl-floe of the repository, whatever the command', async () => {
    const { node, version } = oldNode();
    expect(unsupportedNode(version)).toBeDefined();
    for (const [bin, args] of [
      ['bin.js', ['--version']],
      ['bin.js', ['network', 'generate', '--dry-run']],
      ['kubectl-floe.js', ['network', '--help']],
    ] as const) {
      const r = await run(node, [join(REPO, 'packages/floe-cli/dist', bin), ...args]);
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }, `${node} ${bin} ${args.join(' ')}`).toEqual({
        code: 2,
        stdout: '',
        stderr: `floe: needs Node.js >= 22.12 (this is v${version})\n`,
      });
    }
  });
});
