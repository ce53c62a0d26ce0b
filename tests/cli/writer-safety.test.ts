import { execFileSync, spawn } from 'node:child_process';
import { chmod, chown, lstat, mkdir, readdir, readFile, rm, stat, symlink, truncate, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floe, tempDir } from './run.ts';

/** Above any Linux pid_max (2^22): no process has it. */
const DEAD_PID = 4_194_305;
/** A run that must not hang or grow is killed after this long (the issue asks for under 2 s; this is a loaded CI machine). */
const BOUNDED_MS = 5_000;

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const p = join(e.parentPath, e.name);
    out[p.slice(dir.length + 1)] = e.isFile() ? await readFile(p, 'utf8') : e.isSymbolicLink() ? '<link>' : e.isDirectory() ? '<dir>' : '<other>';
  }
  return out;
}

describe('generate leaves entries beside the output that it did not create alone', () => {
  it('keeps .net.floe-notes.md, .net.floe-backup-2024/ and unrecorded .net.floe-new-*/.net.floe-old-* directories', async () => {
    const dir = await tempDir('floe-siblings-');
    await mkdir(join(dir, '.net.floe-backup-2024'));
    await writeFile(join(dir, '.net.floe-backup-2024', 'keep.yaml'), 'mine\n');
    await writeFile(join(dir, '.net.floe-notes.md'), 'x\n');
    // Named like floe's staging and previous trees, but no lock records them: not provably floe's.
    await mkdir(join(dir, '.net.floe-new-AbC123'));
    await writeFile(join(dir, '.net.floe-new-AbC123', 'a.yaml'), 'a\n');
    await mkdir(join(dir, '.net.floe-old-XyZ789'));
    const before = await tree(dir);
    const r = await floe(['network', 'generate', '-d', 'net', '--log-level', 'silent'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const after = await tree(dir);
    for (const [k, v] of Object.entries(before)) expect(after[k], k).toBe(v);
    expect(Object.keys(after).filter((k) => !k.startsWith('net/') && !(k in before))).toEqual(['net']);
  });
});

/**
 * The attack of issue 20: a directory named like a staging tree whose
 * subdirectories another process keeps swapping with symlinks to a directory
 * outside, while generate runs. A recursive delete that follows a swapped-in
 * link deletes the files outside.
 */
const SWAPPER = `
const fs = require('node:fs');
const { join } = require('node:path');
const [planted, attacker, outside, count] = process.argv.slice(1);
const n = Number(count);
const quiet = (f) => { try { f(); } catch {} };
for (;;) {
  quiet(() => fs.mkdirSync(planted, { recursive: true }));
  for (let i = 0; i < n; i++) {
    const d = join(planted, 'd' + i), t = join(attacker, 't' + i), l = join(attacker, 'l' + i);
    if (!fs.existsSync(t)) quiet(() => { fs.mkdirSync(d); fs.writeFileSync(join(d, 'x'), 'x'); });
    quiet(() => fs.symlinkSync(outside, l));
    quiet(() => { fs.renameSync(d, t); fs.renameSync(l, d); });
  }
  for (let i = 0; i < n; i++) {
    const d = join(planted, 'd' + i), t = join(attacker, 't' + i), l = join(attacker, 'l' + i);
    quiet(() => fs.renameSync(d, l));
    quiet(() => fs.renameSync(t, d));
  }
}
`;

describe('a planted .net.floe-new-x whose subdirectories are swapped with symlinks while generate runs', () => {
  it.each([
    ['a shared parent (mode 1777)', 0o1777, 20],
    ['a private parent (mode 0755)', 0o755, 5],
  ])('in %s: nothing outside the tree is deleted', { timeout: 60_000 }, async (_what, mode, runs) => {
    const base = await tempDir('floe-race-');
    const outside = join(base, 'outside');
    await mkdir(outside);
    const canaries = Array.from({ length: 20 }, (_, i) => `keep-${i}`);
    for (const c of canaries) await writeFile(join(outside, c), 'keep\n');
    const parent = join(base, 'parent');
    await mkdir(parent);
    await chmod(parent, mode);
    const attacker = join(parent, 'attacker');
    await mkdir(attacker);
    const swapper = spawn(process.execPath, ['-e', SWAPPER, join(parent, '.net.floe-new-x'), attacker, outside, '300'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const codes: number[] = [];
      // A refused run touches nothing, so those runs go in parallel (the whole test stays near 10 s on 2 busy cores).
      const batch = mode & 0o002 ? 5 : 1;
      for (let i = 0; i < runs; i += batch) {
        const rs = await Promise.all(
          Array.from({ length: batch }, () => floe(['network', 'generate', '-d', join(parent, 'net'), '--log-level', 'silent'], { cwd: base, timeoutMs: 20_000 })),
        );
        for (const r of rs) {
          codes.push(r.code);
          if (mode & 0o002) expect(r.stderr).toContain(`${parent} is writable by every user`);
        }
        expect((await readdir(outside)).sort(), `runs ${i}-${i + batch - 1}: ${rs.map((r) => r.stderr).join('\n')}`).toEqual([...canaries].sort());
      }
      // A shared parent is refused before anything is touched; a private one is written, the planted entry left alone.
      expect(new Set(codes)).toEqual(new Set([mode & 0o002 ? 3 : 0]));
    } finally {
      swapper.kill('SIGKILL');
    }
  });
});

describe('generate never blocks or reads without bound on its lock file or .floe-generated', () => {
  async function generated() {
    const dir = await tempDir('floe-bounded-');
    const r = await floe(['network', 'generate', '-d', 'net', '--log-level', 'silent'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    return dir;
  }

  it.each([
    ['the lock file is a symlink to /dev/zero', '.net.floe.lock', (p: string) => symlink('/dev/zero', p)],
    ['the lock file is a FIFO', '.net.floe.lock', (p: string) => Promise.resolve(execFileSync('mkfifo', [p]))],
    ['the lock file is a directory', '.net.floe.lock', (p: string) => mkdir(p)],
    ['the lock file is larger than a lock record can be', '.net.floe.lock', async (p: string) => (await writeFile(p, ''), truncate(p, 17 * 1024 * 1024))],
    ['.floe-generated is a FIFO', 'net/.floe-generated', (p: string) => Promise.resolve(execFileSync('mkfifo', [p]))],
    ['.floe-generated is a symlink to /dev/zero', 'net/.floe-generated', (p: string) => symlink('/dev/zero', p)],
  ])('%s: exit 3 at once, naming it, and the output directory untouched', async (_what, name, make) => {
    const dir = await generated();
    const path = join(dir, name);
    await rm(path, { force: true });
    await make(path);
    const before = await tree(dir);
    const started = performance.now();
    const r = await floe(['network', 'generate', '-d', 'net', '--log-level', 'silent'], { cwd: dir, timeoutMs: BOUNDED_MS });
    const ms = performance.now() - started;
    expect(r.code, `${r.stderr} (after ${Math.round(ms)} ms)`).toBe(3);
    expect(r.stderr).toContain(path);
    expect(await tree(dir)).toEqual(before);
  });
});

describe('generate refuses an output directory that holds the working directory', () => {
  it.each([['/'], ['.'], ['..'], ['<absolute parent>']])('-d %s: exit 2, and nothing is replaced or created', async (given) => {
    const base = await tempDir('floe-cwd-');
    const cwd = join(base, 'a', 'b');
    await mkdir(cwd, { recursive: true });
    const d = given === '<absolute parent>' ? join(base, 'a') : given;
    const ino = (await stat(cwd)).ino;
    const r = await floe(['network', 'generate', '-d', d, '--log-level', 'silent'], { cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/refusing to replace .*: (it is the file-system root|it holds the current directory)/);
    expect((await stat(cwd)).ino).toBe(ino);
    expect(await readdir(cwd)).toEqual([]);
    expect(await readdir(join(base, 'a'))).toEqual(['b']);
    expect(await readdir(base)).toEqual(['a']);
  });
});

describe('a stale lock left by another user in a sticky directory', () => {
  /** The lock belongs to root and the run is uid 65534 in a group-writable sticky directory, as in a shared team directory. */
  async function sharedDir() {
    if (process.getuid?.() !== 0) throw new Error('this test makes a lock owned by another user, so it must run as root (the CI container does): sudo ./pnpmw exec vitest run tests/cli/writer-safety.test.ts');
    const base = await tempDir('floe-sticky-');
    await chmod(base, 0o711);
    const shared = join(base, 'shared');
    await mkdir(shared);
    await chown(shared, 0, 65534);
    await chmod(shared, 0o1770);
    return shared;
  }
  const lockOf = (pid: number) => `${JSON.stringify({ pid, host: hostname(), token: 'c0ffee', since: '2026-01-01T00:00:00.000Z' })}\n`;

  it.each([
    ['a lock whose process is gone', 0o644, lockOf(DEAD_PID)],
    ['a lock it cannot read', 0o600, lockOf(DEAD_PID)],
    ['an unreadable lock older than a starting run', 0o644, 'garbage'],
  ])('%s: exit 3 at once, naming the lock file, its owner uid and how to remove it', async (_what, mode, content) => {
    const shared = await sharedDir();
    const lock = join(shared, '.net.floe.lock');
    await writeFile(lock, content, { mode });
    await chmod(lock, mode);
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    const started = performance.now();
    const r = await floe(['network', 'generate', '-d', 'net', '--log-level', 'silent'], { cwd: shared, uid: 65534, gid: 65534, timeoutMs: BOUNDED_MS });
    const ms = performance.now() - started;
    expect(r.code, `${r.stderr} (after ${Math.round(ms)} ms)`).toBe(3);
    expect(r.stderr).toContain(lock);
    expect(r.stderr).toContain('uid 0');
    expect(r.stderr).toContain(`rm ${lock}`);
    expect(r.stderr).not.toContain('a run that is starting');
    expect((await lstat(lock)).uid).toBe(0);
    expect(await readdir(shared)).toEqual(['.net.floe.lock']);
  });
});
