import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, truncate, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../src/errors.js';
import { acquireOutputLock, leftoverName, lockPathFor, type Leftover } from '../../src/network/lock.js';
import { replaceOutputDir } from '../../src/network/writer.js';

/** Above any Linux pid_max (2^22): no process has it. */
const DEAD_PID = 4_194_305;

let root: string;
let out: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'floe-lock-'));
  out = join(root, 'network');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

const leftover = (kind: Leftover['kind'], token: string): Leftover => ({ kind, name: leftoverName(out, kind, token), token, dev: '1', ino: '2', uid: 0 });

const holder = (fields: Record<string, unknown>) => `${JSON.stringify({ pid: DEAD_PID, host: hostname(), token: 'old', since: '2026-01-01T00:00:00.000Z', ...fields })}\n`;

describe('the output directory lock', () => {
  it('is a file beside the output directory that the recovery of leftovers never matches', () => {
    expect(lockPathFor('/srv/target/network')).toBe('/srv/target/.network.floe.lock');
  });

  it('refuses a second holder while the first holds it, naming the owner, and is free again after release', () => {
    const first = acquireOutputLock(out, 'target/network');
    const err = thrown(() => acquireOutputLock(out, 'target/network'));
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as EnvironmentError).code).toBe('environment.locked');
    expect((err as Error).message).toMatch(
      new RegExp(`^another generate is running on target/network \\(pid ${process.pid} on ${hostname()}, since \\d{4}-.*Z\\); run again when it has finished\\. If no floe process is running, remove ${lockPathFor(out)}$`),
    );
    first.release();
    expect(existsSync(lockPathFor(out))).toBe(false);
    acquireOutputLock(out, 'target/network').release();
  });

  it('takes over a lock whose owner process is gone (a crashed run)', async () => {
    await writeFile(lockPathFor(out), holder({}));
    const lock = acquireOutputLock(out, 'network');
    expect(JSON.parse(await readFile(lockPathFor(out), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('takes over a lock left by an earlier process that had this pid', async () => {
    await writeFile(lockPathFor(out), holder({ pid: process.pid }));
    acquireOutputLock(out, 'network').release();
  });

  it('takes over a lock whose pid now belongs to a process started at another time', async () => {
    await writeFile(lockPathFor(out), holder({ pid: process.ppid, startTime: '1' }));
    acquireOutputLock(out, 'network').release();
  });

  it('counts a lock of a live process as held', async () => {
    await writeFile(lockPathFor(out), holder({ pid: process.ppid }));
    expect(thrown(() => acquireOutputLock(out, 'network'))).toMatchObject({ code: 'environment.locked' });
  });

  it('counts a lock from another host as held, since its process cannot be checked', async () => {
    await writeFile(lockPathFor(out), holder({ host: `not-${hostname()}` }));
    expect(thrown(() => acquireOutputLock(out, 'network'))).toMatchObject({ code: 'environment.locked' });
  });

  it('treats an unreadable lock as a run that is starting, and as debris once it is old', async () => {
    await writeFile(lockPathFor(out), '');
    expect((thrown(() => acquireOutputLock(out, 'network')) as Error).message).toMatch(/^another generate is running on network \(a run that is starting\)/);
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPathFor(out), old, old);
    acquireOutputLock(out, 'network').release();
  });

  it('records the directories a run makes, and passes the record of a crashed run to the one run that takes its lock over', async () => {
    const lock = acquireOutputLock(out, 'network');
    const made = leftover('staging', lock.token);
    lock.record([made]);
    expect(JSON.parse(await readFile(lockPathFor(out), 'utf8'))).toMatchObject({ pid: process.pid, token: lock.token, leftovers: [made] });
    // The process dies holding it.
    await writeFile(lockPathFor(out), `${JSON.stringify({ ...JSON.parse(await readFile(lockPathFor(out), 'utf8')), pid: DEAD_PID })}\n`);
    const next = acquireOutputLock(out, 'network');
    expect(next.inherited).toEqual([made]);
    expect(JSON.parse(await readFile(lockPathFor(out), 'utf8'))).toMatchObject({ token: next.token, leftovers: [made] });
    // Recovered: nothing left to record, so release removes the lock.
    next.record([]);
    next.release();
    expect(existsSync(lockPathFor(out))).toBe(false);
  });

  it('keeps its lock, marked ended, when recorded directories remain at release, so the next run takes it over at once and inherits them', async () => {
    const lock = acquireOutputLock(out, 'network');
    const made = leftover('old', lock.token);
    lock.record([made]);
    lock.release();
    expect(JSON.parse(await readFile(lockPathFor(out), 'utf8'))).toMatchObject({ ended: true, leftovers: [made] });
    const next = acquireOutputLock(out, 'network');
    expect(next.inherited).toEqual([made]);
    next.release();
  });

  it('inherits only well-formed records that name this output directory\'s own leftovers', async () => {
    const token = 'ab'.repeat(12);
    const good = leftover('staging', token);
    const bad = [
      { ...good, name: '../../etc' },
      { ...good, name: leftoverName(join(root, 'other'), 'staging', token) },
      { ...good, token: 'x', name: leftoverName(out, 'staging', 'x') },
      { ...good, kind: 'backup' },
      { ...good, ino: '-1' },
      { ...good, uid: 'root' },
      null,
      'text',
    ];
    await writeFile(lockPathFor(out), holder({ leftovers: [...bad, good] }));
    const lock = acquireOutputLock(out, 'network');
    expect(lock.inherited).toEqual([good]);
    lock.release();
  });

  it.each([
    ['a FIFO', (p: string) => Promise.resolve(execFileSync('mkfifo', [p])), /is a FIFO, not a lock floe wrote/],
    ['a symlink to /dev/zero', (p: string) => symlink('/dev/zero', p), /is a symlink to \/dev\/zero, not a lock floe wrote/],
    ['a directory', (p: string) => mkdir(p), /is a directory, not a lock floe wrote/],
    ['larger than a lock record can be', async (p: string) => (await writeFile(p, ''), truncate(p, 17 * 1024 * 1024)), /is larger than 16777216 bytes, not a lock floe wrote/],
  ])('refuses at once a lock file that is %s, naming it and how to remove it (issue 20)', async (_what, make, message) => {
    await make(lockPathFor(out));
    const err = thrown(() => acquireOutputLock(out, 'network'));
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(`the lock file ${lockPathFor(out)} `);
    expect((err as Error).message).toMatch(new RegExp(`if no floe process is running, remove it: rm ${lockPathFor(out)}$`));
  });

  it('never removes a lock it no longer owns on release', async () => {
    const lock = acquireOutputLock(out, 'network');
    await writeFile(lockPathFor(out), holder({ pid: process.ppid, token: 'someone-else' }));
    lock.release();
    expect(existsSync(lockPathFor(out))).toBe(true);
  });
});

describe('replaceOutputDir under the lock', () => {
  it('fails with environment.locked while another run holds the lock, and leaves the tree as it was', async () => {
    await replaceOutputDir(out, [{ path: 'a.yaml', content: 'a\n' }]);
    const other = acquireOutputLock(out, 'network');
    const err = await replaceOutputDir(out, [{ path: 'b.yaml', content: 'b\n' }]).then(() => undefined, (e: unknown) => e);
    other.release();
    expect(err).toMatchObject({ code: 'environment.locked' });
    expect((await readdir(out)).sort()).toEqual(['.floe-generated', 'a.yaml']);
    expect(await readdir(root)).toEqual(['network']);
  });

  it('leaves debris beside the output that the crashed run did not record in its lock (issue 20)', async () => {
    await writeFile(lockPathFor(out), holder({}));
    await writeFile(join(root, '.network.floe-new-abc123'), 'debris');
    await replaceOutputDir(out, [{ path: 'a.yaml', content: 'a\n' }]);
    expect((await readdir(root)).sort()).toEqual(['.network.floe-new-abc123', 'network']);
  });

  it('reports a file-system failure as an environment error, not an internal one', async () => {
    await writeFile(join(root, 'file'), 'x');
    const err = await replaceOutputDir(join(root, 'file', 'network'), []).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(/^cannot create .*\/file: EEXIST/);
  });
});
