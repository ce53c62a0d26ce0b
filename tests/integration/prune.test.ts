// Day 2 with the ecosystem's own pruning, against a real kube-apiserver and the
// real kubectl: apply the generated tree as docs/pruning.md says, remove a domain
// and regenerate; `floe network diff` reports its objects as orphaned (exit 1),
// kubectl's ApplySet prune deletes exactly them (the Namespace stays, a foreign
// policy in it survives), and diff then exits 0.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/cluster.ts';
import { connect, type Connection } from '../harness/context.ts';
import { FLOE_BIN, floe as floeOk } from '../harness/floe.ts';
import { itemsOf } from '../harness/kube.ts';
import { deleteNamespace, uniqueName } from '../harness/namespaces.ts';
import { createUser, READ_ONLY_RULES } from '../harness/users.ts';

const APPLYSET = 'applysets.floe.dev/floe-network';
const CRD = join(REPO_ROOT, 'examples/applyset/applyset-crd.yaml');
const PARENT = join(REPO_ROOT, 'examples/applyset/floe-network-applyset.yaml');

let conn: Connection;
let work: string;
let cwd: string;
let dir: string;
const names = { platform: uniqueName('prune-platform'), jobs: uniqueName('prune-jobs'), sales: uniqueName('prune-sales'), marketing: uniqueName('prune-marketing') };
const savedApplySet = process.env.KUBECTL_APPLYSET;

function floe(args: string[], kubeconfig = conn.info.kubeconfig): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [FLOE_BIN, '--log-level', 'silent', ...args], { cwd, env: { ...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1' }, timeout: 60_000 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

async function writeManifest(withMarketing: boolean): Promise<string> {
  const file = join(work, 'manifest.yaml');
  const domains = [`  - name: sales\n    namespace: ${names.sales}\n`, ...(withMarketing ? [`  - name: marketing\n    namespace: ${names.marketing}\n`] : [])];
  await writeFile(file, `name: prune-test\nnamespaces:\n  platform: ${names.platform}\n  jobs: ${names.jobs}\ndomains:\n${domains.join('')}`);
  return file;
}

/** The documented flow (docs/pruning.md): Namespaces on their own, never pruned; then the prune set with an ApplySet. */
async function applyAndPrune(): Promise<string> {
  await conn.kubectl.ok(['apply', '--server-side', '--field-manager=floe', '-f', join(dir, '00-*-namespace.yaml')]);
  const r = await conn.kubectl.run(['apply', '--server-side', '--field-manager=floe', '--prune', `--applyset=${APPLYSET}`, '-k', dir]);
  expect(r.stderr, 'kubectl warns of nothing (no field conflict on the parent)').toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

const floeObjectsIn = async (ns: string) =>
  itemsOf(await conn.kubectl.ok(['get', 'networkpolicies,podtemplates', '-n', ns, '-o', 'json']))
    .map((o) => `${o.kind}/${o.metadata.name}`)
    .sort();

beforeAll(async () => {
  conn = await connect();
  process.env.KUBECTL_APPLYSET = 'true';
  work = await mkdtemp(join(conn.info.workDir, 'prune-'));
  cwd = await mkdtemp(join(work, 'cwd-'));
  dir = join(work, 'network');
  await conn.kubectl.ok(['apply', '--server-side', '-f', CRD]);
  await conn.kubectl.ok(['wait', '--for=condition=established', '--timeout=30s', 'crd/applysets.floe.dev']);
  // As docs/pruning.md: kubectl's own ApplySet field manager, so its later updates meet no conflict.
  await conn.kubectl.ok(['apply', '--server-side', '--field-manager=kubectl-applyset', '-f', PARENT]);
});

afterAll(async () => {
  if (savedApplySet === undefined) delete process.env.KUBECTL_APPLYSET;
  else process.env.KUBECTL_APPLYSET = savedApplySet;
  if (!conn) return;
  await conn.kubectl.run(['delete', '--ignore-not-found', '-f', PARENT]);
  await conn.kubectl.run(['delete', '--ignore-not-found', '-f', CRD]);
  for (const ns of Object.values(names)) await deleteNamespace(conn, ns);
});

describe('pruning a removed domain with kubectl ApplySet (docs/pruning.md)', () => {
  it('the Kustomization is the prune set: kubectl kustomize builds every generated object except the Namespaces', async () => {
    const manifest = await writeManifest(true);
    await floeOk(['network', 'generate', '-m', manifest, '-d', dir], cwd);
    const built = await conn.kubectl.ok(['kustomize', dir]);
    // Top-level kinds of the YAML stream kubectl builds.
    const kinds = built.split(/^---$/m).map((doc) => /^kind: (\S+)$/m.exec(doc)?.[1]);
    expect(kinds.length).toBeGreaterThan(10);
    expect(new Set(kinds)).toEqual(new Set(['NetworkPolicy', 'PodTemplate']));
  });

  it('applies, reports the removed domain as orphaned, prunes exactly its objects, keeps its Namespace and a foreign policy, then has no drift', async () => {
    const manifest = await writeManifest(true);
    await floeOk(['network', 'generate', '-m', manifest, '-d', dir], cwd);
    await applyAndPrune();
    // Another team's policy in the namespace floe manages for marketing: not floe's, never pruned.
    await conn.kubectl.ok(['apply', '--server-side', '--field-manager=team', '-f', '-'], JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'team-allow-metrics', namespace: names.marketing }, spec: { podSelector: { matchLabels: { app: 'metrics' } }, ingress: [{ ports: [{ port: 9090 }] }] } }));
    const marketingBefore = await floeObjectsIn(names.marketing);
    expect(marketingBefore).toEqual(['NetworkPolicy/floe-allow-egress', 'NetworkPolicy/floe-allow-ingress', 'NetworkPolicy/floe-default-deny', 'NetworkPolicy/team-allow-metrics', 'PodTemplate/floe-hardened']);
    const salesBefore = await floeObjectsIn(names.sales);

    await writeManifest(false);
    await floeOk(['network', 'generate', '-m', manifest, '-d', dir], cwd);

    const drift = await floe(['network', 'diff', '-m', manifest, '-o', 'json']);
    expect(drift.code).toBe(1);
    const report = JSON.parse(drift.stdout) as { counts: Record<string, number>; orphaned: unknown[]; orphanedNamespaces: { name: string; kept: boolean }[]; orphans: { checked: boolean; removeCommands: string[] } };
    expect(report.orphaned).toEqual([
      { kind: 'NetworkPolicy', namespace: names.marketing, name: 'floe-allow-egress' },
      { kind: 'NetworkPolicy', namespace: names.marketing, name: 'floe-allow-ingress' },
      { kind: 'NetworkPolicy', namespace: names.marketing, name: 'floe-default-deny' },
      { kind: 'PodTemplate', namespace: names.marketing, name: 'floe-hardened' },
    ]);
    expect(report.counts, drift.stdout).toMatchObject({ missing: 0, extra: 0, orphaned: 4 }); // changed: the platform's ingress no longer names marketing
    expect(report.orphanedNamespaces).toEqual([expect.objectContaining({ name: names.marketing, kept: true })]);
    expect(report.orphans.removeCommands).toEqual([
      `kubectl delete -n ${names.marketing} networkpolicy.networking.k8s.io/floe-allow-egress networkpolicy.networking.k8s.io/floe-allow-ingress networkpolicy.networking.k8s.io/floe-default-deny podtemplate/floe-hardened`,
    ]);
    const text = await floe(['network', 'diff', '-m', manifest]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`orphaned: NetworkPolicy/${names.marketing}/floe-default-deny (labelled managed-by floe, no longer in the intent)`);
    expect(text.stdout).toContain(`note: namespace ${names.marketing} was created by floe for domain marketing`);

    const pruned = await applyAndPrune();
    expect(pruned.split('\n').filter((l) => l.includes('pruned')).sort()).toEqual([
      'networkpolicy.networking.k8s.io/floe-allow-egress pruned',
      'networkpolicy.networking.k8s.io/floe-allow-ingress pruned',
      'networkpolicy.networking.k8s.io/floe-default-deny pruned',
      'podtemplate/floe-hardened pruned',
    ]);
    expect(await floeObjectsIn(names.marketing)).toEqual(['NetworkPolicy/team-allow-metrics']);
    expect(await floeObjectsIn(names.sales)).toEqual(salesBefore);
    const ns = await conn.kubectl.ok(['get', 'namespace', names.marketing, '-o', 'jsonpath={.status.phase}']);
    expect(ns).toBe('Active');

    const clean = await floe(['network', 'diff', '-m', manifest]);
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^no drift: /m);
  });

  it('a user with per-namespace rights only gets the rest of the diff and a note that orphans were not checked (403 on the cluster-wide list)', async () => {
    const manifest = join(work, 'manifest.yaml');
    const managed = [names.platform, names.jobs, names.sales];
    const user = await createUser(conn, names.jobs, READ_ONLY_RULES, { onlyIn: managed, clusterWide: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }] });
    try {
      const text = await floe(['network', 'diff', '-m', manifest], user.kubeconfig);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('note: orphans were not checked: listing floe\'s objects needs "list" on namespaces, networkpolicies.networking.k8s.io, podtemplates in all namespaces');
      expect(text.stdout).toMatch(/^no drift: /m);
      const json = JSON.parse((await floe(['network', 'diff', '-m', manifest, '-o', 'json'], user.kubeconfig)).stdout) as { orphans: { checked: boolean; note: string } };
      expect(json.orphans.checked).toBe(false);
    } finally {
      await user.remove();
    }
  });
});
