// `kubectl floe ...`: the kubectl-floe executable found and run by the real kubectl
// (the control-plane build's), under kubectl's plugin convention, against the test cluster.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverSideApply } from '../harness/apply.ts';
import { REPO_ROOT } from '../harness/cluster.ts';
import { connect, type Connection } from '../harness/context.ts';
import { generate, writeUniqueManifest } from '../harness/floe.ts';
import { Namespaces } from '../harness/namespaces.ts';

const KUBECTL_FLOE = join(REPO_ROOT, 'packages/floe-cli/dist/kubectl-floe.js');

let conn: Connection;
let ns: Namespaces;
let work: string;
let plugins: string;
let manifest: string;

/** Runs the real kubectl with the plugin directory first on PATH, as a user who installed @floe/cli would. */
function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('FLOE_') && !k.startsWith('OTEL_')) env[k] = v;
  Object.assign(env, { PATH: [plugins, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter), KUBECONFIG: conn.info.kubeconfig, NO_COLOR: '1', FLOE_LOG_LEVEL: 'silent' });
  return new Promise((done) => {
    execFile(conn.info.kubectl, args, { cwd: work, env, timeout: 60_000 }, (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
  });
}

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  work = await mkdtemp(join(conn.info.workDir, 'kubectl-plugin-'));
  // What npm links from @floe/cli's "bin": an executable named kubectl-floe on PATH.
  plugins = await mkdtemp(join(work, 'bin-'));
  await writeFile(join(plugins, 'kubectl-floe'), `#!/bin/sh\nexec '${process.execPath}' '${KUBECTL_FLOE}' "$@"\n`);
  await chmod(join(plugins, 'kubectl-floe'), 0o755);
  const platform = ns.reserve('floe-it-kplatform');
  const jobs = ns.reserve('floe-it-kjobs');
  manifest = await writeUniqueManifest(await mkdtemp(join(work, 'manifest-')), { platform, jobs, domains: [] });
});

afterAll(async () => {
  await ns?.cleanup();
});

describe('kubectl floe (kubectl-floe on PATH, run by the real kubectl)', () => {
  it('is listed by kubectl plugin list', async () => {
    const r = await kubectl(['plugin', 'list']);
    expect(r.stdout).toContain(join(plugins, 'kubectl-floe'));
  });

  it('prints the version and the help of floe, named kubectl floe', async () => {
    const version = (JSON.parse(await readFile(join(REPO_ROOT, 'packages/floe-cli/package.json'), 'utf8')) as { version: string }).version;
    expect(await kubectl(['floe', '--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const help = await kubectl(['floe', 'network', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: kubectl floe network \[options\] \[command\]/);
    expect(help.stdout).toMatch(/^ {2}diff\b/m);
  });

  it('runs network diff against the cluster of KUBECONFIG: exit 1 before the apply, 0 after', async () => {
    const before = await kubectl(['floe', 'network', 'diff', '--manifest', manifest]);
    expect(before.code, before.stderr).toBe(1);
    expect(before.stderr).toMatch(/^floe: the cluster differs from the intent: /);
    const gen = await generate(conn.kubectl, work, manifest);
    for (const files of [gen.files.filter((f) => f.object.kind === 'Namespace'), gen.files.filter((f) => f.object.kind !== 'Namespace')]) {
      const r = await serverSideApply(conn.kubectl, files.map((f) => f.file));
      expect(r.code, r.stderr).toBe(0);
    }
    const after = await kubectl(['floe', 'network', 'diff', '--manifest', manifest]);
    expect(after, after.stderr).toMatchObject({ code: 0, stdout: `no drift: ${gen.files.length} objects in 2 namespaces match the intent\n` });
  });
});
