import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError, InputError } from '../../src/errors.js';
import { leftoverName, lockPathFor, type Leftover } from '../../src/network/lock.js';
import { OWNERSHIP_FILE, replaceOutputDir, type FileToWrite } from '../../src/network/writer.js';

/** Above any Linux pid_max (2^22): no process has it. */
const DEAD_PID = 4_194_305;
const TOKEN = 'ab'.repeat(12);

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

/**
 * What a run killed part-way leaves: its staging tree and/or the previous tree
 * moved aside, each marked inside with the run's token and recorded in a lock
 * whose process is gone (the format lock.ts writes).
 */
async function crashedRun(parts: { staging?: string[]; old?: string[] }, token = TOKEN): Promise<Leftover[]> {
  const leftovers: Leftover[] = [];
  for (const kind of ['staging', 'old'] as const) {
    const names = parts[kind];
    if (!names) continue;
    const name = leftoverName(out, kind, token);
    await floeTree(join(root, name), names);
    await writeFile(join(root, name, '.floe-staging'), `${token}\n`);
    const st = await lstat(join(root, name), { bigint: true });
    leftovers.push({ kind, name, token, dev: String(st.dev), ino: String(st.ino), uid: Number(st.uid) });
  }
  await writeFile(lockPathFor(out), `${JSON.stringify({ pid: DEAD_PID, host: hostname(), token, since: '2026-01-01T00:00:00.000Z', leftovers })}\n`);
  return leftovers;
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

  it('removes the staging tree a killed run recorded in its lock', async () => {
    await replaceOutputDir(out, [file('a.yaml')]);
    await crashedRun({ staging: ['half-written.yaml'] });
    await replaceOutputDir(out, [file('b.yaml')]);
    expect(await readdir(root)).toEqual(['network']);
    expect((await readdir(out)).sort()).toEqual([OWNERSHIP_FILE, 'b.yaml']);
  });

  it('restores the previous tree of a run killed between its renames, then replaces it', async () => {
    await crashedRun({ old: ['a.yaml', 'gone.yaml'], staging: ['a.yaml'] });
    await replaceOutputDir(out, [file('b.yaml')]);
    expect(await readdir(root)).toEqual(['network']);
    expect((await readdir(out)).sort()).toEqual([OWNERSHIP_FILE, 'b.yaml']);
  });

  it('restores the previous tree when the target is missing, even if the run then refuses it', async () => {
    const old = (await crashedRun({ old: ['a.yaml'], staging: ['a.yaml'] })).find((l) => l.kind === 'old');
    await writeFile(join(root, old?.name ?? '', 'notes.txt'), 'mine\n');
    const expected = await snapshot(join(root, old?.name ?? ''));
    // The marker goes once the tree is back in place.
    delete expected['.floe-staging'];
    const err = await rejection(replaceOutputDir(out, [file('b.yaml')]));
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(await readdir(root)).toEqual(['network']);
    expect(await snapshot(out)).toEqual(expected);
  });

  it('discards the old tree a killed run recorded when the target exists', async () => {
    await replaceOutputDir(out, [file('a.yaml', 'current\n')]);
    await crashedRun({ old: ['stale.yaml'] });
    await replaceOutputDir(out, [file('a.yaml', 'next\n')]);
    expect(await readdir(root)).toEqual(['network']);
    expect(await readFile(join(out, 'a.yaml'), 'utf8')).toBe('next\n');
  });

  it('leaves entries beside the output that no run recorded alone, stale lock or not (issue 20)', async () => {
    await replaceOutputDir(out, [file('a.yaml')]);
    await mkdir(join(root, '.network.floe-backup-2024'));
    await writeFile(join(root, '.network.floe-backup-2024', 'keep.yaml'), 'mine\n');
    await writeFile(join(root, '.network.floe-notes.md'), 'x\n');
    await floeTree(join(root, '.network.floe-new-AbC123'), ['half-written.yaml']);
    await floeTree(join(root, '.network.floe-old-XyZ789'), ['a.yaml']);
    await writeFile(join(root, '.network.floe-new-XyZ789'), 'debris');
    await crashedRun({});
    const before = await snapshot(root);
    await replaceOutputDir(out, [file('b.yaml')]);
    const after = await snapshot(root);
    // The crashed run's lock is taken over and released; everything else stays.
    for (const [k, v] of Object.entries(before)) if (!k.startsWith('network') && !k.endsWith('.floe.lock')) expect(after[k], k).toBe(v);
  });

  it.each([
    [
      'replaced by another directory of the same name',
      async (path: string) => {
        // Made while the recorded one still exists, so it cannot reuse its inode number.
        await floeTree(`${path}.tmp`, ['x.yaml']);
        await writeFile(join(`${path}.tmp`, '.floe-staging'), `${TOKEN}\n`);
        await rm(path, { recursive: true });
        await rename(`${path}.tmp`, path);
      },
    ],
    ['without its marker file', (path: string) => rm(join(path, '.floe-staging'))],
    ['with the marker of another run', (path: string) => writeFile(join(path, '.floe-staging'), `${'cd'.repeat(12)}\n`)],
    ['with a marker that is a symlink', async (path: string) => (await rm(join(path, '.floe-staging')), symlink(join(root, 'token'), join(path, '.floe-staging')))],
    ['replaced by a symlink to a directory outside', async (path: string) => (await rm(path, { recursive: true }), symlink(join(root, 'outside'), path))],
  ])('leaves a recorded leftover alone when it is %s', async (_what, change) => {
    await mkdir(join(root, 'outside'));
    await writeFile(join(root, 'outside', 'keep.yaml'), 'keep\n');
    await writeFile(join(root, 'token'), `${TOKEN}\n`);
    const [staging] = await crashedRun({ staging: ['a.yaml'] });
    const path = join(root, staging?.name ?? '');
    await change(path);
    const before = await snapshot(root);
    await replaceOutputDir(out, [file('b.yaml')]);
    const after = await snapshot(root);
    for (const [k, v] of Object.entries(before)) if (!k.endsWith('.floe.lock')) expect(after[k], k).toBe(v);
  });

  it('removes a recorded staging tree without following the symlinks inside it', async () => {
    await mkdir(join(root, 'outside', 'sub'), { recursive: true });
    await writeFile(join(root, 'outside', 'keep.yaml'), 'keep\n');
    await writeFile(join(root, 'outside', 'sub', 'keep.yaml'), 'keep\n');
    const [staging] = await crashedRun({ staging: ['a.yaml'] });
    const path = join(root, staging?.name ?? '');
    await symlink(join(root, 'outside'), join(path, 'dir-link'));
    await symlink(join(root, 'outside', 'keep.yaml'), join(path, 'file-link'));
    const outside = await snapshot(join(root, 'outside'));
    await replaceOutputDir(out, [file('b.yaml')]);
    expect((await readdir(root)).sort()).toEqual(['network', 'outside']);
    expect(await snapshot(join(root, 'outside'))).toEqual(outside);
  });

  it('refuses a parent directory every user can write, naming it, and touches nothing (issue 20)', async () => {
    const shared = join(root, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o1777);
    await floeTree(join(shared, '.network.floe-new-AbC123'), ['a.yaml']);
    const before = await snapshot(root);
    const err = await rejection(replaceOutputDir(join(shared, 'network'), [file('a.yaml')]));
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(new RegExp(`its parent directory ${shared} is writable by every user \\(mode 1777\\)`));
    expect(await snapshot(root)).toEqual(before);
  });

  it('refuses an output path that is a symlink and leaves the link and its target alone', async () => {
    await replaceOutputDir(join(root, 'real'), [file('a.yaml')]);
    await symlink(join(root, 'real'), out);
    const before = await snapshot(root);
    const err = await rejection(replaceOutputDir(out, [file('b.yaml')]));
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(/is a symlink/);
    expect(await snapshot(root)).toEqual(before);
  });

  it.each([['/'], [dirname(process.cwd())], [process.cwd()]])('refuses %s: the file-system root or a directory holding the working directory (issue 20)', async (dir) => {
    const err = await rejection(replaceOutputDir(dir, [file('a.yaml')]));
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/^refusing to replace .*: (it is the file-system root|it holds the current directory)/);
  });

  it('does not touch sibling directories with a similar name', async () => {
    await mkdir(join(root, '.network-backup'));
    await mkdir(join(root, '.networking.floe-old-AbC123'));
    await replaceOutputDir(out, [file('a.yaml')]);
    expect((await readdir(root)).sort()).toEqual(['.network-backup', '.networking.floe-old-AbC123', 'network']);
  });
});
