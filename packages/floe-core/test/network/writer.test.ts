import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../src/errors.js';
import { OWNERSHIP_FILE, replaceOutputDir, type FileToWrite } from '../../src/network/writer.js';

let root: string;
let out: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-writer-'));
  out = join(root, 'network');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const file = (path: string, content = `kind: ${path}\n`): FileToWrite => ({ path, content });

/** Every entry under `dir`, recursively, with file contents: a byte-exact picture of a tree. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const rel = join(e.parentPath, e.name).slice(dir.length + 1);
    result[rel] = e.isFile() ? (await readFile(join(e.parentPath, e.name))).toString('base64') : e.isDirectory() ? '<dir>' : '<other>';
  }
  return result;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** A tree as an earlier floe run leaves it. */
async function floeTree(dir: string, names: string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const n of names) await writeFile(join(dir, n), `old ${n}\n`);
  await writeFile(join(dir, OWNERSHIP_FILE), ['# Files written by `floe network generate`.', ...names].join('\n') + '\n');
}

describe('replaceOutputDir', () => {
  it('writes the files and an ownership list naming them', async () => {
    await replaceOutputDir(out, [file('b.yaml'), file('a.yaml', 'apiVersion: v1\n')]);
    expect((await readdir(out)).sort()).toEqual([OWNERSHIP_FILE, 'a.yaml', 'b.yaml']);
    expect(await readFile(join(out, 'a.yaml'), 'utf8')).toBe('apiVersion: v1\n');
    const owned = (await readFile(join(out, OWNERSHIP_FILE), 'utf8')).split('\n').filter((l) => l && !l.startsWith('#'));
    expect(owned).toEqual(['a.yaml', 'b.yaml']);
  });

  it('creates missing parent directories', async () => {
    const deep = join(root, 'target', 'network');
    await replaceOutputDir(deep, [file('a.yaml')]);
    expect(await readdir(deep)).toContain('a.yaml');
  });

  it('makes the output directory readable by others', async () => {
    await replaceOutputDir(out, [file('a.yaml')]);
    expect((await stat(out)).mode & 0o777).toBe(0o755);
  });

  it('removes files of an earlier run that are no longer generated', async () => {
    await replaceOutputDir(out, [file('a.yaml'), file('b.yaml'), file('c.yaml')]);
    await replaceOutputDir(out, [file('a.yaml', 'new a\n')]);
    expect((await readdir(out)).sort()).toEqual([OWNERSHIP_FILE, 'a.yaml']);
    expect(await readFile(join(out, 'a.yaml'), 'utf8')).toBe('new a\n');
  });

  it('leaves nothing beside the output directory', async () => {
    await replaceOutputDir(out, [file('a.yaml')]);
    await replaceOutputDir(out, [file('b.yaml')]);
    expect(await readdir(root)).toEqual(['network']);
  });

  it('takes over an existing empty directory', async () => {
    await mkdir(out);
    await replaceOutputDir(out, [file('a.yaml')]);
    expect((await readdir(out)).sort()).toEqual([OWNERSHIP_FILE, 'a.yaml']);
  });

  it('refuses a directory holding a file floe did not write and leaves it byte-identical', async () => {
    await replaceOutputDir(out, [file('a.yaml')]);
    await writeFile(join(out, 'notes.txt'), 'mine\n');
    const before = await snapshot(root);
    const err = await rejection(replaceOutputDir(out, [file('b.yaml')]));
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(/notes\.txt/);
    expect(await snapshot(root)).toEqual(before);
  });

  it('refuses a directory that was never floe\'s and leaves it byte-identical', async () => {
    await mkdir(join(out, 'sub'), { recursive: true });
    await writeFile(join(out, 'deployment.yaml'), 'kind: Deployment\n');
    await writeFile(join(out, 'sub', 'x.yaml'), 'x\n');
    const before = await snapshot(root);
    const err = await rejection(replaceOutputDir(out, [file('deployment.yaml')]));
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(/deployment\.yaml, sub\//);
    expect(await snapshot(root)).toEqual(before);
  });

  it('refuses an output path that is a file and leaves the file unchanged', async () => {
    await writeFile(out, 'not a directory\n');
    const err = await rejection(replaceOutputDir(out, [file('a.yaml')]));
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(/not a directory/);
    expect(await readFile(out, 'utf8')).toBe('not a directory\n');
    expect(await readdir(root)).toEqual(['network']);
  });

  it('removes a staging tree left by a killed run', async () => {
    await replaceOutputDir(out, [file('a.yaml')]);
    await floeTree(join(root, '.network.floe-new-AbC123'), ['half-written.yaml']);
    await replaceOutputDir(out, [file('b.yaml')]);
    expect(await readdir(root)).toEqual(['network']);
    expect((await readdir(out)).sort()).toEqual([OWNERSHIP_FILE, 'b.yaml']);
  });

  it('restores the previous tree of a run killed between its renames, then replaces it', async () => {
    await floeTree(join(root, '.network.floe-old-AbC123'), ['a.yaml', 'gone.yaml']);
    await floeTree(join(root, '.network.floe-new-AbC123'), ['a.yaml']);
    await replaceOutputDir(out, [file('b.yaml')]);
    expect(await readdir(root)).toEqual(['network']);
    expect((await readdir(out)).sort()).toEqual([OWNERSHIP_FILE, 'b.yaml']);
  });

  it('restores the previous tree when the target is missing, even if the run then refuses it', async () => {
    const old = join(root, '.network.floe-old-XyZ789');
    await floeTree(old, ['a.yaml']);
    await writeFile(join(old, 'notes.txt'), 'mine\n');
    const expected = await snapshot(old);
    await floeTree(join(root, '.network.floe-new-XyZ789'), ['a.yaml']);
    const err = await rejection(replaceOutputDir(out, [file('b.yaml')]));
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(await readdir(root)).toEqual(['network']);
    expect(await snapshot(out)).toEqual(expected);
  });

  it('discards an old tree when the target exists', async () => {
    await replaceOutputDir(out, [file('a.yaml', 'current\n')]);
    await floeTree(join(root, '.network.floe-old-AbC123'), ['stale.yaml']);
    await replaceOutputDir(out, [file('a.yaml', 'next\n')]);
    expect(await readdir(root)).toEqual(['network']);
    expect(await readFile(join(out, 'a.yaml'), 'utf8')).toBe('next\n');
  });

  it('does not touch sibling directories with a similar name', async () => {
    await mkdir(join(root, '.network-backup'));
    await mkdir(join(root, '.networking.floe-old-AbC123'));
    await replaceOutputDir(out, [file('a.yaml')]);
    expect((await readdir(root)).sort()).toEqual(['.network-backup', '.networking.floe-old-AbC123', 'network']);
  });
});
