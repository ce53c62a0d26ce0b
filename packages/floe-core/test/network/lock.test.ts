import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../src/errors.js';
import { acquireOutputLock, lockPathFor } from '../../src/network/lock.js';
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

  it('removes a staging tree left by a crashed run once it holds the lock', async () => {
    await writeFile(lockPathFor(out), holder({}));
    await writeFile(join(root, '.network.floe-new-abc123'), 'debris');
    await replaceOutputDir(out, [{ path: 'a.yaml', content: 'a\n' }]);
    expect((await readdir(root)).sort()).toEqual(['network']);
  });

  it('reports a file-system failure as an environment error, not an internal one', async () => {
    await writeFile(join(root, 'file'), 'x');
    const err = await replaceOutputDir(join(root, 'file', 'network'), []).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(/^cannot create .*\/file: EEXIST/);
  });
});
