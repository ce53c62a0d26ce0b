// Everything `floe network generate` writes is accepted by a real API server:
// server-side dry run, then server-side apply as field manager `floe`, and a
// second apply is a no-op (the server stores nothing new).
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { liveObjects, objectKey, serverSideApply } from '../harness/apply.ts';
import { connect, type Connection } from '../harness/context.ts';
import { EXAMPLE_MANIFEST, generate, writeUniqueManifest, type Generated } from '../harness/floe.ts';
import { Namespaces } from '../harness/namespaces.ts';

let conn: Connection;
let work: string;
const timings: { case: string; phase: string; ms: number }[] = [];

beforeAll(async () => {
  conn = await connect();
  work = await mkdtemp(join(conn.info.workDir, 'generate-apply-'));
});

afterAll(() => {
  console.log('server-side apply timings (ms)');
  console.table(timings.map((t) => ({ ...t, ms: Math.round(t.ms) })));
});

async function timed<T>(label: string, phase: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    timings.push({ case: label, phase, ms: performance.now() - started });
  }
}

function expectApplied(result: { code: number; stderr: string }, what: string): void {
  expect(result.code, `${what} failed:\n${result.stderr}`).toBe(0);
}

/** Dry run, apply, re-apply; asserts on what the server reports at each step. */
async function applyAndReapply(label: string, gen: Generated): Promise<void> {
  const { kubectl } = conn;
  const nsFiles = gen.files.filter((f) => f.object.kind === 'Namespace').map((f) => f.file);
  const rest = gen.files.filter((f) => f.object.kind !== 'Namespace').map((f) => f.file);
  const all = gen.files.map((f) => f.file);
  expect(nsFiles.length, 'generate wrote no Namespace').toBeGreaterThan(0);
  expect(rest.length, 'generate wrote only Namespaces').toBeGreaterThan(0);

  // Namespaced objects can only be dry-run once their namespace exists, so namespaces go first.
  expectApplied(await timed(label, 'dry-run namespaces', () => serverSideApply(kubectl, nsFiles, { dryRun: true })), 'dry-run of namespaces');
  expect(await liveObjects(kubectl, nsFiles), 'a dry run must not persist anything').toEqual([]);
  expectApplied(await timed(label, 'apply namespaces', () => serverSideApply(kubectl, nsFiles)), 'apply of namespaces');
  expectApplied(await timed(label, 'dry-run the rest', () => serverSideApply(kubectl, rest, { dryRun: true })), 'dry-run of policies and templates');
  expect(await liveObjects(kubectl, rest), 'a dry run must not persist anything').toEqual([]);
  expectApplied(await timed(label, 'apply the rest', () => serverSideApply(kubectl, rest)), 'apply of policies and templates');

  const first = await liveObjects(kubectl, all);
  expect(first.map((o) => o.key).sort()).toEqual(gen.files.map((f) => objectKey(f.object)).sort());
  for (const o of first) {
    expect(o.managers, `${o.key} field managers`).toContain('floe:Apply');
    if (o.key.startsWith('NetworkPolicy/')) expect(o.generation, `${o.key} generation after one apply`).toBe(1);
  }

  expectApplied(await timed(label, 're-apply everything', () => serverSideApply(kubectl, all)), 'second apply');
  // Same resourceVersion and generation: the server saw nothing to change.
  expect(await liveObjects(kubectl, all)).toEqual(first);
}

async function refuseToTouchExisting(names: string[]): Promise<void> {
  const present = [];
  for (const name of names) {
    if ((await conn.api.request('GET', `/api/v1/namespaces/${name}`)).status === 200) present.push(name);
  }
  expect(
    present,
    `namespaces ${present.join(', ')} already exist in ${conn.info.description}; this test creates and deletes them, ` +
      `so it will not touch existing ones. Remove them (kubectl delete namespace ${present.join(' ')}) or use another cluster.`,
  ).toEqual([]);
}

describe('floe network generate output on a real API server', () => {
  it('passes dry run and apply for a manifest with run-unique namespaces, and a second apply changes nothing', async () => {
    const ns = new Namespaces(conn);
    onTestFinished(() => ns.cleanup());
    const manifest = await writeUniqueManifest(await mkdtemp(join(work, 'manifest-')), {
      platform: ns.reserve('floe-it-platform'),
      jobs: ns.reserve('floe-it-jobs'),
      domains: [
        { name: 'sales', namespace: ns.reserve('floe-it-sales') },
        { name: 'marketing', namespace: ns.reserve('floe-it-marketing') },
      ],
    });
    const gen = await generate(conn.kubectl, work, manifest);
    expect(gen.namespaces).toHaveLength(4);
    await applyAndReapply('unique manifest', gen);
  });

  it('passes dry run and apply for the built-in defaults, and a second apply changes nothing', async () => {
    const gen = await generate(conn.kubectl, work);
    await refuseToTouchExisting(gen.namespaces);
    const ns = new Namespaces(conn);
    gen.namespaces.forEach((n) => ns.track(n));
    onTestFinished(() => ns.cleanup());
    await applyAndReapply('defaults', gen);
  });

  it('passes dry run and apply for examples/manifest.yaml, and a second apply changes nothing', async () => {
    const gen = await generate(conn.kubectl, work, EXAMPLE_MANIFEST);
    await refuseToTouchExisting(gen.namespaces);
    const ns = new Namespaces(conn);
    gen.namespaces.forEach((n) => ns.track(n));
    onTestFinished(() => ns.cleanup());
    await applyAndReapply('examples/manifest.yaml', gen);
  });
});
