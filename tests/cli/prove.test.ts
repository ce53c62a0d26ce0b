// The intent proof on what `floe network generate` writes: every intended
// flow allowed end to end, every forbidden one denied; removing the
// platform's ingress allowance breaks jobs -> Polaris, and the proof says so.
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifestFile } from '@floe/core';
import { buildIntents } from '@floe/core/intent';
import { loadObjectsFromDir } from '@floe/core/inventory';
import { proveIntents, type ProofResult } from '@floe/core/policy';
import { REPO, floe, tempDir } from './run.ts';

const EXAMPLE = join(REPO, 'examples/manifest.yaml');

async function proof(dir: string, manifest = EXAMPLE): Promise<ProofResult[]> {
  const { config } = await loadManifestFile(manifest);
  const { objects } = await loadObjectsFromDir(dir);
  return proveIntents(buildIntents(config), objects);
}

describe('the intent proof over generated NetworkPolicies', () => {
  it('allows every intended flow and denies every forbidden one on fresh output of examples/manifest.yaml', async () => {
    const out = join(await tempDir('floe-prove-'), 'net');
    expect((await floe(['network', 'generate', '-m', EXAMPLE, '-d', out])).code).toBe(0);
    const results = await proof(out);
    const failed = results.filter((r) => !r.ok).map((r) => `${r.flow.id}: ${r.why}`);
    expect(failed).toEqual([]);
    const ids = results.map((r) => r.flow.id);
    for (const id of ['floe-jobs->polaris TCP/8181', 'floe-jobs->otel-collector TCP/4317', 'floe-jobs->minio TCP/9000', 'floe-jobs->dns UDP/53', 'floe-sales-domain->dns TCP/53', 'forbidden: floe-jobs -> floe-jobs TCP/8080', 'forbidden: floe-jobs -> 10.0.0.0/8 TCP/443']) {
      expect(ids).toContain(id);
    }
    expect(ids.some((id) => id.startsWith('forbidden: floe-sales-domain -> floe-marketing-domain'))).toBe(true);
    expect(ids.some((id) => /^forbidden: floe-jobs -> kube-system other pods/.test(id))).toBe(true);
    console.log(`intent proof: ${results.length} flows (${results.filter((r) => r.flow.expect === 'allowed').length} intended, ${results.filter((r) => r.flow.expect === 'denied').length} forbidden), all as intended`);
  });

  it('fails naming jobs -> Polaris and the rule that breaks it when the platform ingress allowance is deleted', async () => {
    const out = join(await tempDir('floe-prove-'), 'net');
    expect((await floe(['network', 'generate', '-m', EXAMPLE, '-d', out])).code).toBe(0);
    for (const f of await readdir(out)) if (/^floe-platform-allow-ingress.*\.yaml$/.test(f)) await rm(join(out, f));
    const failed = (await proof(out)).filter((r) => !r.ok);
    const polaris = failed.find((r) => r.flow.id === 'floe-jobs->polaris TCP/8181');
    expect(polaris?.why).toMatch(/^ingress at floe-platform\/stand-in-polaris\[Pod\] is denied: /);
    expect(polaris?.why).toContain('floe-platform/floe-default-deny');
    console.log(`after deleting the platform's ingress allowance:\n${failed.map((r) => `  ${r.flow.id}: ${r.why}`).join('\n')}`);
  });

  it('does not forbid what a custom egress rule intends (jobs -> 10.0.0.0/8 on 443)', async () => {
    const dir = await tempDir('floe-prove-');
    const manifest = join(dir, 'manifest.yaml');
    await writeFile(manifest, 'security:\n  network_policies:\n    jobs_egress_allow:\n      - name: internal-https\n        to_cidr: 10.0.0.0/8\n        port: 443\n');
    expect((await floe(['network', 'generate', '-m', manifest, '-d', join(dir, 'net')])).code).toBe(0);
    const results = await proof(join(dir, 'net'), manifest);
    expect(results.filter((r) => !r.ok).map((r) => r.flow.id)).toEqual([]);
    expect(results.map((r) => r.flow.id)).toContain('floe-jobs->internal-https TCP/443');
    expect(results.map((r) => r.flow.id).filter((id) => id.includes('10.0.0.0/8'))).toEqual([]);
  });
});
