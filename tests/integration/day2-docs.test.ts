// The documented day-2 flow (review the diff, then apply; in CI, go on at exit 0 and 1), run as
// written with bash, the real kubectl and the built floe against the real control plane.
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floe } from '../cli/run.ts';
import { REPO_ROOT } from '../harness/cluster.ts';
import { connect, type Connection } from '../harness/context.ts';
import { FLOE_BIN, writeUniqueManifest } from '../harness/floe.ts';
import { Namespaces } from '../harness/namespaces.ts';

let conn: Connection;
let ns: Namespaces;

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
});

afterAll(async () => {
  await ns?.cleanup();
});

/** The CI lines: from `rc=0; floe network diff` to the `kubectl apply` after it, indentation removed. */
function ciLines(text: string, where: string): string {
  const lines = text.split('\n').map((l) => l.replace(/^ {2}/, ''));
  const start = lines.findIndex((l) => l.startsWith('rc=0; floe network diff'));
  if (start < 0) throw new Error(`${where} shows no CI day-2 lines (rc=0; floe network diff ...)`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('kubectl apply'));
  return lines.slice(start, end + 1).join('\n');
}

function bash(script: string, cwd: string, bin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, PATH: [bin, dirname(conn.info.kubectl), dirname(process.execPath), process.env.PATH ?? ''].join(delimiter), KUBECONFIG: conn.info.kubeconfig, NO_COLOR: '1', FLOE_LOG_LEVEL: 'silent' };
  return new Promise((done) => {
    execFile('bash', ['-e', '-c', script], { cwd, env, timeout: 120_000 }, (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
  });
}

describe('the documented day-2 flow', () => {
  it('is the same in README, docs/cli/diff.md and diff --help, never chains diff with &&, and applies the change when run as written', async () => {
    const help = await floe(['network', 'diff', '--help']);
    const sources: [string, string][] = [
      ['README.md', await readFile(join(REPO_ROOT, 'README.md'), 'utf8')],
      ['docs/cli/diff.md', await readFile(join(REPO_ROOT, 'docs/cli/diff.md'), 'utf8')],
      ['floe network diff --help', help.stdout],
    ];
    const script = ciLines(sources[0]![1], 'README.md');
    for (const [where, text] of sources) {
      expect(ciLines(text, where), where).toBe(script);
      expect(text, where).not.toMatch(/floe network diff[^\n]*&& *kubectl apply/);
    }

    const work = await mkdtemp(join(conn.info.workDir, 'day2-'));
    const bin = join(work, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'floe'), `#!/bin/sh\nexec '${process.execPath}' '${FLOE_BIN}' "$@"\n`);
    await chmod(join(bin, 'floe'), 0o755);
    const platform = ns.reserve('floe-it-day2-platform');
    const jobs = ns.reserve('floe-it-day2-jobs');
    const manifest = await writeUniqueManifest(work, { platform, jobs, domains: [] });
    expect((await floe(['network', 'generate', '-m', manifest], { cwd: work })).code).toBe(0);

    // Drift (nothing applied yet): diff exits 1, and the apply runs.
    const first = await bash(script, work, bin);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`namespace/${jobs} serverside-applied`);
    expect((await floe(['network', 'diff', '--dir', 'target/network', '--kubeconfig', conn.info.kubeconfig], { cwd: work })).code).toBe(0);

    // A bad directory (exit 2) stops before the apply.
    await writeFile(join(work, 'target/network/broken.yaml'), 'kind: [\n');
    const broken = await bash(script, work, bin);
    expect(broken.code).toBe(2);
    expect(broken.stdout).not.toContain('serverside-applied');
  });
});
