// Cluster guardrails (security.network_policies.cluster_guardrails: cluster-network-policy)
// against a real kube-apiserver with the network-policy-api CRDs installed by the harness:
// `validate --server` dry-runs them and proves the intent with their tiers, `diff` reads them
// back and compares them as the server stores them (unchanged, changed, missing, orphaned),
// and `explain` names the Admin-tier object that denies a domain-to-domain connection that a
// foreign allow-all NetworkPolicy would otherwise open.
import { execFile } from 'node:child_process';
import { appendFile, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { applyGenerated } from '../harness/apply.ts';
import { connect, type Connection } from '../harness/context.ts';
import { FLOE_BIN, generate, writeUniqueManifest, type Generated } from '../harness/floe.ts';
import { Namespaces } from '../harness/namespaces.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let conn: Connection;
let ns: Namespaces;
let cwd: string;
let manifest: string;
let gen: Generated;
let names: { platform: string; jobs: string; sales: string; marketing: string };
let guardrails: string[];

function floe(args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [FLOE_BIN, '--log-level', 'silent', ...args],
      { cwd, env: { ...process.env, KUBECONFIG: conn.info.kubeconfig, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

const kubectl = (...args: string[]) => conn.kubectl.ok(args);
const diff = (...extra: string[]) => floe(['network', 'diff', '--manifest', manifest, ...extra]);

async function restore(): Promise<void> {
  await kubectl('apply', '--server-side', '--field-manager=floe', '--force-conflicts', '-f', gen.dir);
  const r = await diff();
  expect(r.code, `restore left drift:\n${r.stdout}${r.stderr}`).toBe(0);
}

const POD = (namespace: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app: name } },
  spec: {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 8080 }], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  },
});

const ALLOW_ALL = (namespace: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'team-allow-all', namespace },
  spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] },
});

async function create(obj: object): Promise<void> {
  const r = await conn.kubectl.run(['create', '-f', '-'], JSON.stringify(obj));
  expect(r.code, r.stderr).toBe(0);
}

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  const work = await mkdtemp(join(conn.info.workDir, 'guardrails-'));
  cwd = await mkdtemp(join(work, 'cwd-'));
  names = { platform: ns.reserve('floe-it-gplat'), jobs: ns.reserve('floe-it-gjobs'), sales: ns.reserve('floe-it-gsales'), marketing: ns.reserve('floe-it-gmkt') };
  manifest = await writeUniqueManifest(await mkdtemp(join(work, 'manifest-')), {
    platform: names.platform,
    jobs: names.jobs,
    domains: [{ name: 'sales', namespace: names.sales }, { name: 'marketing', namespace: names.marketing }],
  });
  await appendFile(manifest, 'security:\n  network_policies:\n    cluster_guardrails: cluster-network-policy\n');
  gen = await generate(conn.kubectl, work, manifest);
  guardrails = gen.files.filter((f) => f.object.kind === 'ClusterNetworkPolicy').map((f) => f.object.metadata.name).sort();
  await applyGenerated(conn.kubectl, gen.files);
});

afterAll(async () => {
  if (guardrails?.length) await conn.kubectl.run(['delete', 'clusternetworkpolicy', '--ignore-not-found', ...guardrails]);
  await ns?.cleanup();
});

describe('cluster guardrails on a real API server', () => {
  it('generates the five ClusterNetworkPolicies, one per domain among them', () => {
    expect(guardrails).toEqual(
      ['floe-default-deny', `floe-domain-isolation-${names.marketing}`, `floe-domain-isolation-${names.sales}`, 'floe-jobs-isolation', 'floe-metadata-endpoints'].sort(),
    );
  });

  it('validate --server: the API server accepts every guardrail, and the intent proof holds with their tiers', async () => {
    const r = await floe(['network', 'validate', '--server', '--manifest', manifest, '--dir', gen.dir, '-o', 'json']);
    const report = JSON.parse(r.stdout) as { checks: { id: string; status: string; summary: string; problems: { message: string }[] }[] };
    const check = (id: string) => report.checks.find((c) => c.id === id);
    expect(check('server-dry-run')).toMatchObject({ status: 'pass', problems: [] });
    expect(check('server-dry-run')?.summary).toContain(`accepts ${gen.files.length} of ${gen.files.length} objects`);
    expect(check('intent-proof')).toMatchObject({ status: 'pass', problems: [] });
  });

  it('diff: no drift right after apply, the guardrails read back from the server included', async () => {
    const r = await diff();
    expect(r.stdout).toBe(`no drift: ${gen.files.length} objects in 4 namespaces match the intent\n`);
    expect(r.code).toBe(0);
  });

  it('diff: a guardrail whose priority was changed is reported changed, with the path and both values', async () => {
    onTestFinished(restore);
    await kubectl('patch', 'clusternetworkpolicy', 'floe-jobs-isolation', '--type=merge', '-p', '{"spec":{"priority":900}}');
    const r = await diff('-o', 'json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { changed: unknown[]; missing: unknown[] };
    expect(json.changed).toEqual([{ kind: 'ClusterNetworkPolicy', namespace: null, name: 'floe-jobs-isolation', differences: [{ path: 'spec.priority', expected: 15, live: 900 }] }]);
    expect(json.missing).toEqual([]);
  });

  it('diff: a deleted guardrail is missing', async () => {
    onTestFinished(restore);
    await kubectl('delete', 'clusternetworkpolicy', 'floe-metadata-endpoints');
    const r = await diff('-o', 'json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { missing: unknown[]; counts: { missing: number } };
    expect(json.missing).toEqual([{ kind: 'ClusterNetworkPolicy', namespace: null, name: 'floe-metadata-endpoints', namespaceMissing: false }]);
    expect((await diff()).stdout).toContain('1 object differs: 1 missing, 0 changed, 0 extra');
  });

  it('diff: a floe guardrail the intent no longer has is orphaned, with the kubectl delete that removes it', async () => {
    const gone = `floe-domain-isolation-${names.sales}-gone`;
    onTestFinished(async () => {
      await kubectl('delete', 'clusternetworkpolicy', '--ignore-not-found', gone);
    });
    const live = gen.files.find((f) => f.object.metadata.name === `floe-domain-isolation-${names.sales}`)?.object;
    expect(live).toBeDefined();
    await create({ ...live, metadata: { name: gone, labels: live?.metadata.labels } });
    const r = await diff();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`orphaned: ClusterNetworkPolicy/${gone} (labelled managed-by floe, no longer in the intent)`);
    expect(r.stdout).toContain(`  kubectl delete clusternetworkpolicy.policy.networking.k8s.io/${gone}\n`);
  });

  it('explain: a foreign allow-all cannot open one domain to another; the Admin-tier object is named', async () => {
    await create(POD(names.marketing, 'x'));
    await create(POD(names.sales, 'y'));
    await create(ALLOW_ALL(names.marketing));
    await create(ALLOW_ALL(names.sales));
    const on = await floe(['network', 'explain', '--from', `${names.marketing}/x`, '--to', `${names.sales}/y`, '--port', '8080']);
    expect(on.code).toBe(1);
    expect(on.stdout).toMatch(/^DENIED /);
    expect(on.stdout).toContain(`denied by ClusterNetworkPolicy \`floe-domain-isolation-${names.sales}\` (Admin, priority 20, ingress rule 1 "deny-from-other-domains") before any NetworkPolicy was consulted`);

    await kubectl('delete', 'clusternetworkpolicy', `floe-domain-isolation-${names.sales}`);
    onTestFinished(async () => {
      for (const n of [names.marketing, names.sales]) await kubectl('delete', 'networkpolicy', '-n', n, '--ignore-not-found', 'team-allow-all');
      await restore();
    });
    const off = await floe(['network', 'explain', '--from', `${names.marketing}/x`, '--to', `${names.sales}/y`, '--port', '8080']);
    expect(off.code).toBe(0);
    expect(off.stdout).toMatch(/^ALLOWED /);
    expect(off.stdout).toContain(`admitted by: ${names.sales}/team-allow-all ingress[0]`);
  });
});
