import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../cli/action-runner.ts';
import { fixtureRepository } from '../cli/fixture-repo.ts';
import { oldNode } from '../cli/old-node.ts';
import { REPO, tempDir, type RunResult } from '../cli/run.ts';

/**
 * floe as users get it: the three packages packed with `pnpm pack` (what
 * `pnpm publish` uploads), installed with npm from the tarballs, third-party
 * dependencies from the npm registry through the machine's npm cache, and run
 * from an empty directory with Node 24 first on PATH. Nothing of the workspace
 * may be used at run time.
 */

const PACKAGES = { cli: 'packages/floe-cli', core: 'packages/floe-core', k8s: 'plugins/network-security-k8s', cilium: 'plugins/network-security-cilium' } as const;

/** Help pages that must work from an installed floe (one line per command). */
const HELP_PAGES: string[][] = [
  ['--help'],
  ['network', '--help'],
  ['network', 'generate', '--help'],
  ['network', 'check-cni', '--help'],
  ['network', 'validate', '--help'],
  ['network', 'pss', '--help'],
];

const NODE_BIN = dirname(process.execPath);
const PATH = `${NODE_BIN}${delimiter}${process.env.PATH ?? ''}`;

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<RunResult & { ms: number }> {
  const started = performance.now();
  return new Promise((done) => {
    execFile(
      cmd,
      args,
      { cwd, env: { ...process.env, PATH, FLOE_LOG_LEVEL: 'silent', npm_config_update_notifier: 'false', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 127) : 0;
        done({ code, stdout, stderr, ms: performance.now() - started });
      },
    );
  });
}

async function ok(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await run(cmd, args, cwd);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code} in ${cwd}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

interface Install {
  /** How it was installed, for test names. */
  layout: string;
  /** The `floe` executable npm linked. */
  floe: string;
  /** Everything npm installed is under here. */
  root: string;
}

let work: string;
let tarballs: Record<keyof typeof PACKAGES, string>;
const installs: Install[] = [];
const timings: string[] = [];

beforeAll(async () => {
  work = await tempDir('floe-install-');
  const packDir = join(work, 'tarballs');
  await mkdir(packDir);
  const packStarted = performance.now();
  for (const dir of Object.values(PACKAGES)) await ok('pnpm', ['pack', '--pack-destination', packDir], join(REPO, dir));
  timings.push(`pnpm pack x4: ${((performance.now() - packStarted) / 1000).toFixed(1)} s`);
  const files = await readdir(packDir);
  const find = (prefix: string) => {
    const f = files.find((n) => n.startsWith(prefix) && n.endsWith('.tgz'));
    if (!f) throw new Error(`pnpm pack wrote no ${prefix}*.tgz in ${packDir} (found: ${files.join(', ')})`);
    return join(packDir, f);
  };
  tarballs = { cli: find('floe-cli-'), core: find('floe-core-'), k8s: find('floe-network-security-k8s-'), cilium: find('floe-network-security-cilium-') };

  // The brief's recipe and npx's layout: all four in one prefix, hoisted.
  const local = join(work, 'local');
  // `npm install -g` with all four: each a global package, the plugins siblings of the CLI.
  const global = join(work, 'global');
  // `npm install -g @floe/cli`: npm's global layout keeps the CLI's dependencies in its own
  // node_modules; with the tarballs standing in for the registry (overrides), `shallow` builds that tree.
  const nested = join(work, 'nested');
  for (const d of [local, global, nested]) await mkdir(d);
  writeFileSync(
    join(nested, 'package.json'),
    JSON.stringify({
      private: true,
      dependencies: { '@floe/cli': `file:${tarballs.cli}` },
      overrides: { '@floe/core': `file:${tarballs.core}`, '@floe/network-security-k8s': `file:${tarballs.k8s}`, '@floe/network-security-cilium': `file:${tarballs.cilium}` },
    }),
  );
  const all = [tarballs.cli, tarballs.core, tarballs.k8s, tarballs.cilium];
  const started = performance.now();
  const results = await Promise.all([
    run('npm', ['install', '--prefix', local, ...NPM_FLAGS, ...all], local),
    run('npm', ['install', '--global', '--prefix', global, ...NPM_FLAGS, ...all], local),
    run('npm', ['install', '--install-strategy=shallow', ...NPM_FLAGS], nested),
  ]);
  timings.push(`npm install x3 (concurrent): ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const r of results) if (r.code !== 0) throw new Error(`npm install failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
  installs.push(
    { layout: 'npm install --prefix DIR <4 tarballs>', floe: join(local, 'node_modules/.bin/floe'), root: local },
    { layout: 'npm install -g <4 tarballs>', floe: join(global, 'bin/floe'), root: global },
    { layout: 'npm install -g @floe/cli (dependencies nested under the CLI)', floe: join(nested, 'node_modules/.bin/floe'), root: nested },
  );
}, 180_000);

afterAll(async () => {
  console.log(`install test timings: ${timings.join('; ')}`);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed tarballs', () => {
  it('hold dist, src, README.md, LICENSE and package.json only, for each package', async () => {
    for (const [key, tgz] of Object.entries(tarballs)) {
      const list = (await ok('tar', ['-tzf', tgz], work)).split('\n').filter(Boolean);
      const top = [...new Set(list.map((p) => p.replace(/^package\//, '').split('/')[0]))].sort();
      expect(top, key).toEqual(['LICENSE', 'README.md', 'dist', 'package.json', 'src']);
      expect(list, key).toContain(key === 'cli' ? 'package/dist/bin.js' : 'package/dist/index.js');
      expect(list.some((p) => /\.test\.|tsbuildinfo|\/test\//.test(p)), key).toBe(false);
    }
  });

  it('carry exact versions instead of workspace: ranges', async () => {
    const manifest = JSON.parse(await ok('tar', ['-xzOf', tarballs.cli, 'package/package.json'], work)) as { dependencies: Record<string, string> };
    const own = JSON.parse(readFileSync(join(REPO, PACKAGES.core, 'package.json'), 'utf8')) as { version: string };
    expect(manifest.dependencies['@floe/core']).toBe(own.version);
    expect(manifest.dependencies['@floe/network-security-k8s']).toBe(own.version);
    expect(manifest.dependencies['@floe/network-security-cilium']).toBe(own.version);
    expect(JSON.stringify(manifest)).not.toContain('workspace:');
  });
});

describe('floe installed with npm', () => {
  it('runs network generate --dry-run from an empty directory in every install layout, with the K8s plugin found', async () => {
    for (const install of installs) {
      const cwd = await tempDir('floe-empty-');
      const r = await run(install.floe, ['network', 'generate', '--dry-run'], cwd);
      expect(r.code, `${install.layout}: ${r.stderr}`).toBe(0);
      expect(r.stdout, install.layout).toMatch(/^would write 15 files to target\/network\/ for 2 namespaces \(dry run: nothing written\)/);
      expect(await readdir(cwd), install.layout).toEqual([]);
    }
  });

  it('prints every help page', async () => {
    // One layout is enough: help pages differ between layouts only in whether floe starts, which generate covers.
    const [local] = installs as [Install];
    const cwd = await tempDir('floe-empty-');
    for (const args of HELP_PAGES) {
      const r = await run(local.floe, args, cwd);
      expect(r.code, `floe ${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout, `floe ${args.join(' ')}`).toMatch(/^Usage: floe /);
    }
    expect((await run(local.floe, ['--help'], cwd)).stdout).toMatch(/^\s+network\s/m);
    expect((await run(local.floe, ['network', 'generate', '--help'], cwd)).stdout).toContain('Examples:');
  });

  it('discovers the K8s plugin where npm -g puts it: beside the CLI, or inside the CLI\'s own node_modules', async () => {
    const [, global, nested] = installs as [Install, Install, Install];
    const version = (JSON.parse(readFileSync(join(REPO, PACKAGES.k8s, 'package.json'), 'utf8')) as { version: string }).version;
    for (const [install, pluginDir] of [
      [global, join(global.root, 'lib/node_modules/@floe/network-security-k8s')],
      [nested, join(nested.root, 'node_modules/@floe/cli/node_modules/@floe/network-security-k8s')],
    ] as const) {
      const r = await runLogged(install, ['--log-level', 'info', 'network', 'generate', '--dry-run']);
      expect(r.code, r.stderr).toBe(0);
      const audit = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { audit?: { plugin?: string } });
      expect(audit.map((a) => a.audit?.plugin)).toContain(`k8s@${version}`);
      expect(r.files, install.layout).toContain(pathToFileURL(join(pluginDir, 'dist/index.js')).href);
    }
  });

  it('discovers the cilium plugin in every install layout: --plugin cilium renders CiliumNetworkPolicies', async () => {
    const version = (JSON.parse(readFileSync(join(REPO, PACKAGES.cilium, 'package.json'), 'utf8')) as { version: string }).version;
    for (const install of installs) {
      const r = await runLogged(install, ['--log-level', 'info', 'network', 'generate', '--dry-run', '--plugin', 'cilium']);
      expect(r.code, `${install.layout}: ${r.stderr}`).toBe(0);
      const audit = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { audit?: { plugin?: string } });
      expect(audit.map((a) => a.audit?.plugin), install.layout).toContain(`cilium@${version}`);
    }
  });

  it('links kubectl-floe beside floe in every install layout: the same CLI, named kubectl floe', async () => {
    const version = (JSON.parse(readFileSync(join(REPO, PACKAGES.cli, 'package.json'), 'utf8')) as { version: string }).version;
    for (const install of installs) {
      const kubectlFloe = join(dirname(install.floe), 'kubectl-floe');
      const cwd = await tempDir('floe-empty-');
      const r = await run(kubectlFloe, ['--version'], cwd);
      expect({ code: r.code, stdout: r.stdout }, `${install.layout}: ${r.stderr}`).toEqual({ code: 0, stdout: `${version}\n` });
      expect((await run(kubectlFloe, ['network', '--help'], cwd)).stdout, install.layout).toMatch(/^Usage: kubectl floe network /);
    }
  });

  it('prints one line and exits 2 when the node on PATH is older than 22.12, for floe and kubectl-floe', async () => {
    const { node, version } = oldNode();
    const bin = await tempDir('floe-old-node-');
    await symlink(node, join(bin, 'node'));
    const [, global] = installs as [Install, Install, Install];
    const cwd = await tempDir('floe-empty-');
    for (const exe of [global.floe, join(dirname(global.floe), 'kubectl-floe')]) {
      // `#!/usr/bin/env node`: the old node first on PATH is what a user with the system's Node.js 20 runs.
      const r = await run(exe, ['--version'], cwd, { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` });
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }, exe).toEqual({ code: 2, stdout: '', stderr: `floe: needs Node.js >= 22.12 (this is v${version})\n` });
    }
  });

  it('loads no module from the workspace at run time', async () => {
    for (const install of installs) {
      const r = await runLogged(install, ['network', 'generate', '--dry-run']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.files.length).toBeGreaterThan(50);
      expect(r.files.filter((u) => !u.startsWith(pathToFileURL(install.root).href)), install.layout).toEqual([]);
    }
  });
});

describe('the GitHub Action installing floe with npm', () => {
  it('installs what floe-package names (here the packed tarballs) and runs validate and generate with it', async () => {
    const workspace = await fixtureRepository();
    const r = await runAction({ workspace, inputs: { 'floe-package': [tarballs.cli, tarballs.core, tarballs.k8s, tarballs.cilium].join(' '), sarif: 'out/floe.sarif' } });
    expect(r.code, JSON.stringify(r.steps, null, 2)).toBe(0);
    expect(r.outputs).toEqual({ sarif: 'out/floe.sarif' });
    expect(JSON.parse(await readFile(join(workspace, 'out/floe.sarif'), 'utf8'))).toMatchObject({ version: '2.1.0' });
  });
});

const IMPORT_LOG_HOOK = pathToFileURL(join(REPO, 'tests/cli/fixtures/import-log.mjs')).href;

/** Runs the installed floe from an empty directory, recording every file it loads (the recording hook itself aside). */
async function runLogged(install: Install, args: string[]): Promise<RunResult & { files: string[] }> {
  const cwd = await tempDir('floe-empty-');
  const log = `${cwd}.imports`;
  const r = await run(install.floe, args, cwd, { NODE_OPTIONS: `--import=${IMPORT_LOG_HOOK}`, FLOE_TEST_IMPORT_LOG: log });
  const files = (await readFile(log, 'utf8')).split('\n').filter((u) => u.startsWith('file:') && u !== IMPORT_LOG_HOOK);
  return { ...r, files: [...new Set(files)] };
}
