import { spawn } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeTree, TreeChangedError } from '../../src/network/remove.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-remove-'));
  await mkdir(join(root, 'outside', 'sub'), { recursive: true });
  await writeFile(join(root, 'outside', 'keep.yaml'), 'keep\n');
  await writeFile(join(root, 'outside', 'sub', 'keep.yaml'), 'keep\n');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const identity = async (path: string) => {
  const st = await lstat(path, { bigint: true });
  return { dev: st.dev, ino: st.ino };
};

async function outside(): Promise<string[]> {
  return (await readdir(join(root, 'outside'), { recursive: true })).sort();
}

describe('removeTree', () => {
  it('removes a tree of files, directories and symlinks without following any link', async () => {
    const tree = join(root, 'tree');
    await mkdir(join(tree, 'a', 'b'), { recursive: true });
    await writeFile(join(tree, 'a', 'b', 'f'), 'x');
    await symlink(join(root, 'outside'), join(tree, 'a', 'dir-link'));
    await symlink(join(root, 'outside', 'keep.yaml'), join(tree, 'file-link'));
    await symlink(join(root, 'nowhere'), join(tree, 'dangling'));
    removeTree(root, 'tree', await identity(tree));
    expect((await readdir(root)).sort()).toEqual(['outside']);
    expect(await outside()).toEqual(['keep.yaml', 'sub', 'sub/keep.yaml']);
  });

  it('removes nothing when the name is no longer the directory it was told', async () => {
    const tree = join(root, 'tree');
    await mkdir(join(root, 'other'));
    const expected = await identity(join(root, 'other'));
    await mkdir(tree);
    await writeFile(join(tree, 'f'), 'x');
    expect(() => removeTree(root, 'tree', expected)).toThrow(TreeChangedError);
    expect(await readdir(tree)).toEqual(['f']);
  });

  it('removes nothing when the name has become a symlink to the directory it was told', async () => {
    const expected = await identity(join(root, 'outside'));
    await symlink(join(root, 'outside'), join(root, 'tree'));
    expect(() => removeTree(root, 'tree', expected)).toThrow(TreeChangedError);
    expect(await outside()).toEqual(['keep.yaml', 'sub', 'sub/keep.yaml']);
  });

  it('is done when the name is already gone', async () => {
    expect(() => removeTree(root, 'tree', { dev: 1n, ino: 2n })).not.toThrow();
  });

  /** Keeps swapping each tree/dN with a symlink to outside/ and back, recreating what is removed (issue 20). */
  const SWAPPER = `
const fs = require('node:fs');
const { join } = require('node:path');
const [tree, attacker, outside] = process.argv.slice(1);
const quiet = (f) => { try { f(); } catch {} };
for (;;) {
  quiet(() => fs.mkdirSync(tree));
  for (let i = 0; i < 300; i++) {
    const d = join(tree, 'd' + i), t = join(attacker, 't' + i), l = join(attacker, 'l' + i);
    if (!fs.existsSync(t)) quiet(() => { fs.mkdirSync(d); fs.writeFileSync(join(d, 'x'), 'x'); });
    quiet(() => fs.symlinkSync(outside, l));
    quiet(() => { fs.renameSync(d, t); fs.renameSync(l, d); });
  }
  for (let i = 0; i < 300; i++) {
    const d = join(tree, 'd' + i), t = join(attacker, 't' + i), l = join(attacker, 'l' + i);
    quiet(() => fs.renameSync(d, l));
    quiet(() => fs.renameSync(t, d));
  }
}
`;

  it('never deletes outside the tree while another process swaps its subdirectories with symlinks (20 rounds)', { timeout: 30_000 }, async () => {
    const tree = join(root, 'tree');
    await mkdir(join(root, 'attacker'));
    const swapper = spawn(process.execPath, ['-e', SWAPPER, tree, join(root, 'attacker'), join(root, 'outside')], { stdio: 'ignore' });
    try {
      const outcomes = new Set<string>();
      for (let round = 0; round < 20; round++) {
        await new Promise((r) => setTimeout(r, 50));
        try {
          removeTree(root, 'tree', await identity(tree));
          outcomes.add('removed');
        } catch (err) {
          // The swapper changes the tree under the walk: refusing to go on, or finding a directory refilled, is right.
          outcomes.add((err as NodeJS.ErrnoException).code ?? (err as Error).name);
        }
        expect(await outside(), `round ${round}`).toEqual(['keep.yaml', 'sub', 'sub/keep.yaml']);
      }
      expect(outcomes.size).toBeGreaterThan(0);
    } finally {
      swapper.kill('SIGKILL');
    }
  });
});
