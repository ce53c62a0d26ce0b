// Runs the built floe CLI the way users do and reads what it wrote.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './cluster.ts';
import { itemsOf, type KubeObject, type Kubectl } from './kube.ts';

const execFileAsync = promisify(execFile);
export const FLOE_BIN = join(REPO_ROOT, 'packages/floe-cli/dist/bin.js');
export const EXAMPLE_MANIFEST = join(REPO_ROOT, 'examples/manifest.yaml');

export interface GeneratedFile {
  file: string;
  object: KubeObject;
}

export interface Generated {
  dir: string;
  files: GeneratedFile[];
  namespaces: string[];
}

export async function floe(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  if (!existsSync(FLOE_BIN)) throw new Error(`${FLOE_BIN} is missing: build the workspace first with \`./pnpmw build\``);
  try {
    return await execFileAsync(process.execPath, [FLOE_BIN, ...args], { cwd, timeout: 60_000 });
  } catch (error) {
    const e = error as { code?: number; stderr?: string; stdout?: string };
    throw new Error(`floe ${args.join(' ')} exited ${e.code}:\n${e.stderr ?? ''}${e.stdout ?? ''}`);
  }
}

/** A manifest.yaml whose namespace names are unique to this run, so tests never share objects. */
export async function writeUniqueManifest(
  dir: string,
  names: { platform: string; jobs: string; domains: { name: string; namespace: string }[] },
): Promise<string> {
  const file = join(dir, 'manifest.yaml');
  const domains = names.domains.length
    ? `\n${names.domains.map((d) => `  - name: ${d.name}\n    namespace: ${d.namespace}\n`).join('')}`
    : ' []\n';
  await writeFile(
    file,
    `name: floe-integration\nnamespaces:\n  platform: ${names.platform}\n  jobs: ${names.jobs}\ndomains:${domains}`,
  );
  return file;
}

/**
 * `floe network generate` into a fresh temp dir; every YAML file is read back through
 * kubectl (a client-side dry run prints it as JSON), one object per file as the CLI promises.
 */
export async function generate(kubectl: Kubectl, parent: string, manifest?: string, extraArgs: readonly string[] = []): Promise<Generated> {
  const dir = await mkdtemp(join(parent, 'generated-'));
  // An empty working directory: without --manifest the CLI would pick up a ./manifest.yaml.
  const cwd = await mkdtemp(join(parent, 'cwd-'));
  await floe(['network', 'generate', '--output-dir', dir, ...(manifest ? ['--manifest', manifest] : []), ...extraArgs], cwd);
  const names = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (names.length === 0) throw new Error(`floe network generate wrote no YAML files into ${dir}`);
  const paths = names.map((n) => join(dir, n));
  const objects = itemsOf(await kubectl.ok(['create', '--dry-run=client', '-o', 'json', ...paths.flatMap((p) => ['-f', p])]));
  if (objects.length !== paths.length) {
    throw new Error(`expected one object per file, got ${objects.length} objects from ${paths.length} files in ${dir}`);
  }
  const files = paths.map((file, i) => ({ file, object: objects[i] as KubeObject }));
  const namespaces = files.filter((f) => f.object.kind === 'Namespace').map((f) => f.object.metadata.name);
  return { dir, files, namespaces };
}
