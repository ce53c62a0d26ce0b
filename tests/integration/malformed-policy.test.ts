// The apply path the suite relies on does notice a broken generator: a generated
// NetworkPolicy with a hand-written invalid CIDR is refused by the API server.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_MANAGER, serverSideApply } from '../harness/apply.ts';
import { connect, type Connection } from '../harness/context.ts';
import { generate, writeUniqueManifest, type GeneratedFile } from '../harness/floe.ts';
import type { KubeObject } from '../harness/kube.ts';
import { Namespaces } from '../harness/namespaces.ts';

const BAD_CIDR = '10.0.0.0/33';

interface Peer {
  ipBlock?: { cidr: string; except?: string[] };
  [key: string]: unknown;
}
interface NetworkPolicy extends KubeObject {
  spec: { egress?: { to?: Peer[]; [key: string]: unknown }[]; [key: string]: unknown };
}

let conn: Connection;
let ns: Namespaces;
let work: string;
let egressPolicy: GeneratedFile;

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  work = await mkdtemp(join(conn.info.workDir, 'malformed-'));
  const jobs = ns.reserve('floe-it-jobs');
  const manifest = await writeUniqueManifest(work, { platform: ns.reserve('floe-it-platform'), jobs, domains: [] });
  const gen = await generate(conn.kubectl, work, manifest);
  const found = gen.files.find((f) => f.object.kind === 'NetworkPolicy' && f.file.endsWith(`${jobs}-allow-egress.yaml`));
  if (!found) throw new Error(`generate wrote no ${jobs}-allow-egress.yaml in ${gen.dir}`);
  egressPolicy = found;
  // The namespace must exist, or admission refuses the policy before validation looks at it.
  const r = await serverSideApply(conn.kubectl, gen.files.filter((f) => f.object.kind === 'Namespace').map((f) => f.file));
  if (r.code !== 0) throw new Error(`applying generated namespaces failed:\n${r.stderr}`);
});

afterAll(async () => {
  await ns?.cleanup();
});

/** The generated policy with one CIDR replaced (or, if it has none, one egress peer added) by hand. */
function corrupt(policy: NetworkPolicy): { policy: NetworkPolicy; field: string } {
  const bad = structuredClone(policy);
  const egress = (bad.spec.egress ??= []);
  for (const [i, rule] of egress.entries()) {
    const j = (rule.to ?? []).findIndex((peer) => peer.ipBlock !== undefined);
    const peer = rule.to?.[j];
    if (peer?.ipBlock) {
      peer.ipBlock = { ...peer.ipBlock, cidr: BAD_CIDR };
      delete peer.ipBlock.except; // `except` must lie inside cidr; keep the error about cidr alone
      return { policy: bad, field: `spec.egress[${i}].to[${j}].ipBlock.cidr` };
    }
  }
  egress.push({ to: [{ ipBlock: { cidr: BAD_CIDR } }] });
  return { policy: bad, field: `spec.egress[${egress.length - 1}].to[0].ipBlock.cidr` };
}

describe('a generated NetworkPolicy corrupted by hand', () => {
  it('passes server dry run as generated (the control case)', async () => {
    const r = await serverSideApply(conn.kubectl, [egressPolicy.file], { dryRun: true });
    expect(r.code, r.stderr).toBe(0);
  });

  it('with an invalid CIDR is refused by kubectl server-side apply, naming the field', async () => {
    const { policy, field } = corrupt(egressPolicy.object as NetworkPolicy);
    const file = join(work, 'malformed-allow-egress.json');
    await writeFile(file, JSON.stringify(policy, null, 2));
    const r = await serverSideApply(conn.kubectl, [file], { dryRun: true });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(field);
    expect(r.stderr).toContain(BAD_CIDR);
  });

  it('with an invalid CIDR gets 422 Invalid from the API, with the field in the status causes', async () => {
    const { policy, field } = corrupt(egressPolicy.object as NetworkPolicy);
    const { namespace, name } = policy.metadata;
    const r = await conn.api.request('PATCH', `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies/${name}`, {
      body: policy, // JSON is YAML: a valid apply-patch body
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: FIELD_MANAGER, dryRun: 'All' },
    });
    const status = r.body as { reason?: string; message?: string; details?: { causes?: { field?: string; message?: string }[] } };
    expect(r.status, r.text.slice(0, 500)).toBe(422);
    expect(status.reason).toBe('Invalid');
    expect(status.message).toContain(field);
    expect(status.details?.causes?.map((c) => c.field)).toContain(field);
  });
});
