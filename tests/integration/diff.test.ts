// `floe network diff` against a real kube-apiserver: generated objects are
// applied as users apply them, then drifted in every way drift happens; each
// drift is reported exactly, with exit 1, and an untouched cluster is exit 0.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { connectCluster } from '@floe/core/cluster';
import { compare, intentFromFiles, normalizeNetworkPolicySpec, readLiveState } from '@floe/core/diff';
import { applyGenerated } from '../harness/apply.ts';
import { connect, type Connection } from '../harness/context.ts';
import { FLOE_BIN, generate, writeUniqueManifest, type Generated } from '../harness/floe.ts';
import type { KubeObject } from '../harness/kube.ts';
import { deleteNamespace, Namespaces, uniqueName } from '../harness/namespaces.ts';
import { createUser, READ_ONLY_RULES, readOnlyRulesWithout } from '../harness/users.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface DiffJson {
  drift: boolean;
  counts: Record<string, number>;
  missing: { kind: string; namespace: string | null; name: string; namespaceMissing: boolean }[];
  changed: { kind: string; namespace: string | null; name: string; differences: { path: string; expected?: unknown; live?: unknown }[] }[];
  extra: { kind: string; namespace: string; name: string; managedByFloe: boolean; widensAccess: boolean; labels: Record<string, string> }[];
  namespaces: { name: string; exists: boolean; drift: boolean; podSecurity: { mode: string; level: { expected: string; live?: string; status: string } }[] | null }[];
}

let conn: Connection;
let ns: Namespaces;
let work: string;
let cwd: string;
let manifest: string;
let gen: Generated;
let platform: string;
let jobs: string;
let sales: string;

function floe(args: string[], kubeconfig?: string): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [FLOE_BIN, '--log-level', 'silent', ...args],
      { cwd, env: { ...process.env, KUBECONFIG: kubeconfig ?? conn.info.kubeconfig, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

const diff = (...extra: string[]) => floe(['network', 'diff', '--manifest', manifest, ...extra]);

async function diffJson(): Promise<{ code: number; json: DiffJson }> {
  const r = await diff('-o', 'json');
  // Drift is a finding: the report on stdout, one line on stderr.
  if (r.code === 1) expect(r.stderr).toMatch(/^floe: the cluster differs from the intent: \d+ objects? differs?: .*\n$/);
  else expect(r.stderr).toBe('');
  return { code: r.code, json: JSON.parse(r.stdout) as DiffJson };
}

async function kubectl(...args: string[]): Promise<string> {
  return conn.kubectl.ok(args);
}

/** Puts the generated objects back (taking fields back from kubectl patch/label) and removes test policies. */
async function restore(): Promise<void> {
  await kubectl('delete', 'networkpolicy', '-n', jobs, '--ignore-not-found', 'team-allow-all');
  await kubectl('apply', '--server-side', '--field-manager=floe', '--force-conflicts', '-f', gen.dir);
  const r = await diff();
  expect(r.code, `restore left drift:\n${r.stdout}${r.stderr}`).toBe(0);
}

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  work = await mkdtemp(join(conn.info.workDir, 'diff-'));
  // An empty working directory: without --manifest the CLI would pick up a ./manifest.yaml.
  cwd = await mkdtemp(join(work, 'cwd-'));
  platform = ns.reserve('floe-it-platform');
  jobs = ns.reserve('floe-it-jobs');
  sales = ns.reserve('floe-it-sales');
  manifest = await writeUniqueManifest(await mkdtemp(join(work, 'manifest-')), { platform, jobs, domains: [{ name: 'sales', namespace: sales }] });
  gen = await generate(conn.kubectl, work, manifest);
  await applyGenerated(conn.kubectl, gen.files);
});

afterAll(async () => {
  await ns?.cleanup();
});

describe('floe network diff on an applied intent', () => {
  it('exits 0 right after kubectl apply --server-side, and says everything matches', async () => {
    const r = await diff();
    expect(r.stdout).toBe(`no drift: ${gen.files.length} objects in 3 namespaces match the intent\n`);
    expect(r.code).toBe(0);
  });

  it('exits 0 with --dir on the generated directory', async () => {
    const r = await floe(['network', 'diff', '--dir', gen.dir]);
    expect(r.stdout).toBe(`no drift: ${gen.files.length} objects in 3 namespaces match the intent\n`);
    expect(r.code).toBe(0);
  });

  it('exits 0 right after a client-side kubectl apply, which adds the last-applied annotation', async () => {
    await kubectl('apply', '-f', gen.dir);
    const annotations = JSON.parse(await kubectl('get', 'networkpolicy', '-n', jobs, 'floe-default-deny', '-o', 'jsonpath={.metadata.annotations}')) as Record<string, string>;
    expect(Object.keys(annotations)).toContain('kubectl.kubernetes.io/last-applied-configuration');
    const r = await diff();
    expect(r.stdout, r.stderr).toMatch(/^no drift: /);
    expect(r.code).toBe(0);
  });

  it('reports a changed port with its path and both values, and exits 1', async () => {
    onTestFinished(restore);
    const egress = gen.files.find((f) => f.object.kind === 'NetworkPolicy' && f.object.metadata.namespace === jobs && f.object.metadata.name === 'floe-allow-egress')?.object as KubeObject & {
      spec: { egress: { ports?: { port: number }[] }[] };
    };
    const rule = egress.spec.egress.findIndex((r) => r.ports?.length);
    const port = egress.spec.egress[rule]?.ports?.[0]?.port as number;
    await kubectl('patch', 'networkpolicy', '-n', jobs, 'floe-allow-egress', '--type=json', '-p', JSON.stringify([{ op: 'replace', path: `/spec/egress/${rule}/ports/0/port`, value: port + 1 }]));

    const text = await diff();
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`changed: NetworkPolicy/${jobs}/floe-allow-egress spec.egress[${rule}].ports[0].port: live ${port + 1}, intent ${port}\n`);
    expect(text.stdout).toContain(`-          port: ${port + 1}\n+          port: ${port}\n`);
    // The next port is already allowed: the change narrows (loses one port), it does not widen.
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('1 object differs: 0 missing, 1 changed, 0 extra');

    const { code, json } = await diffJson();
    expect(code).toBe(1);
    expect(json.changed).toEqual([{ kind: 'NetworkPolicy', namespace: jobs, name: 'floe-allow-egress', differences: [{ path: `spec.egress[${rule}].ports[0].port`, expected: port, live: port + 1 }], widensAccess: false }]);
    expect([json.missing, json.extra]).toEqual([[], []]);
  });

  it('marks floe-default-deny patched to ingress: [{}] as widening access in plain diff', async () => {
    onTestFinished(async () => {
      // The patch owns spec.ingress: floe's apply would keep it, so remove it first.
      await kubectl('patch', 'networkpolicy', '-n', jobs, 'floe-default-deny', '--type=json', '-p', JSON.stringify([{ op: 'remove', path: '/spec/ingress' }]));
      await restore();
    });
    await kubectl('patch', 'networkpolicy', '-n', jobs, 'floe-default-deny', '--type=merge', '-p', JSON.stringify({ spec: { ingress: [{}] } }));
    const text = await diff();
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`note: changed NetworkPolicy ${jobs}/floe-default-deny admits more than the intent: it widens access\n`);
    const { json } = await diffJson();
    expect(json.changed).toEqual([expect.objectContaining({ name: 'floe-default-deny', widensAccess: true })]);
  });

  it('reports an added rule with its value, and exits 1', async () => {
    onTestFinished(restore);
    const live = JSON.parse(await kubectl('get', 'networkpolicy', '-n', sales, 'floe-allow-egress', '-o', 'json')) as { spec: { egress: unknown[] } };
    const rule = { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 22 }] };
    await kubectl('patch', 'networkpolicy', '-n', sales, 'floe-allow-egress', '--type=json', '-p', JSON.stringify([{ op: 'add', path: '/spec/egress/-', value: rule }]));
    const { code, json } = await diffJson();
    expect(code).toBe(1);
    expect(json.changed).toEqual([{ kind: 'NetworkPolicy', namespace: sales, name: 'floe-allow-egress', differences: [{ path: `spec.egress[${live.spec.egress.length}]`, live: rule }], widensAccess: true }]);
  });

  it('reports a field added to the hardened PodTemplate that is neither floe\'s nor a server default, and exits 1', async () => {
    // floe's server-side apply does not own hostNetwork, so re-applying would not remove it: diff is how you find out.
    onTestFinished(async () => {
      await kubectl('patch', 'podtemplate', '-n', jobs, 'floe-hardened', '--type=json', '-p', JSON.stringify([{ op: 'remove', path: '/template/spec/hostNetwork' }]));
      await restore();
    });
    await kubectl('patch', 'podtemplate', '-n', jobs, 'floe-hardened', '--type=json', '-p', JSON.stringify([{ op: 'add', path: '/template/spec/hostNetwork', value: true }]));
    const { code, json } = await diffJson();
    expect(code).toBe(1);
    expect(json.changed).toEqual([{ kind: 'PodTemplate', namespace: jobs, name: 'floe-hardened', differences: [{ path: 'template.spec.hostNetwork', live: true }] }]);
  });

  it('reports a deleted policy as missing, and exits 1', async () => {
    onTestFinished(restore);
    await kubectl('delete', 'networkpolicy', '-n', platform, 'floe-default-deny');
    const { code, json } = await diffJson();
    expect(code).toBe(1);
    expect(json.missing).toEqual([{ kind: 'NetworkPolicy', namespace: platform, name: 'floe-default-deny', namespaceMissing: false }]);
    expect([json.changed, json.extra]).toEqual([[], []]);
  });

  it('reports a foreign allow-all policy in the jobs namespace under extra, as widening access, and exits 1', async () => {
    onTestFinished(restore);
    const allowAll = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'team-allow-all', namespace: jobs, labels: { team: 'analytics' } }, spec: { podSelector: {}, ingress: [{}], egress: [{}] } };
    await conn.kubectl.ok(['apply', '-f', '-'], JSON.stringify(allowAll));
    const { code, json } = await diffJson();
    expect(code).toBe(1);
    expect(json.extra).toEqual([
      { kind: 'NetworkPolicy', namespace: jobs, name: 'team-allow-all', managedByFloe: false, widensAccess: true, labels: { team: 'analytics' }, spec: { podSelector: {}, ingress: [{}], egress: [{}], policyTypes: ['Ingress', 'Egress'] } },
    ]);
    expect(json.counts.extraWidening).toBe(1);
    const text = await diff();
    expect(text.stdout).toContain(`note: extra NetworkPolicy ${jobs}/team-allow-all (not floe's) allows traffic: policies only add allowances, so it widens access\n`);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('1 object differs: 0 missing, 0 changed, 1 extra (widens access)');
  });

  it('reports a weakened Pod Security label on the namespace, and exits 1', async () => {
    onTestFinished(restore);
    await kubectl('label', '--overwrite', 'namespace', jobs, 'pod-security.kubernetes.io/enforce=baseline');
    const { code, json } = await diffJson();
    expect(code).toBe(1);
    expect(json.changed).toEqual([{ kind: 'Namespace', namespace: null, name: jobs, differences: [{ path: 'metadata.labels[pod-security.kubernetes.io/enforce]', expected: 'restricted', live: 'baseline' }] }]);
    expect(json.namespaces.find((n) => n.name === jobs)?.podSecurity?.[0]?.level).toEqual({ expected: 'restricted', live: 'baseline', status: 'weaker' });
  });

  it('does not report a stricter Pod Security level or an unrelated label as drift, and says the level is stricter', async () => {
    onTestFinished(restore);
    await kubectl('label', '--overwrite', 'namespace', platform, 'pod-security.kubernetes.io/enforce=restricted', 'team.example.com/cost-center=42');
    const r = await diff();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`note: namespace ${platform}: Pod Security enforce is restricted, stricter than the intent's baseline (not drift)\n`);
  });

  it('reports a deleted namespace as missing with everything in it, and exits 1', async () => {
    onTestFinished(restore);
    await deleteNamespace(conn, sales);
    const { code, json } = await diffJson();
    expect(code).toBe(1);
    const inSales = gen.files.filter((f) => f.object.metadata.namespace === sales || (f.object.kind === 'Namespace' && f.object.metadata.name === sales));
    expect(json.missing).toEqual(
      inSales
        .map((f) => ({ kind: f.object.kind, namespace: f.object.metadata.namespace ?? null, name: f.object.metadata.name, namespaceMissing: f.object.kind !== 'Namespace' }))
        .sort((a, b) => (a.kind === 'Namespace' ? -1 : b.kind === 'Namespace' ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.name < b.name ? -1 : 1)),
    );
    expect(json.namespaces.find((n) => n.name === sales)).toEqual(expect.objectContaining({ exists: false, drift: true }));
    const text = await diff();
    expect(text.stdout).toContain(`note: namespace ${sales} does not exist: its ${inSales.length - 1} objects are missing too\n`);
  });
});

describe('the cluster read', () => {
  it('finds the same objects listing cluster-wide as listing per namespace', async () => {
    const intent = intentFromFiles(gen.dir, await Promise.all(gen.files.map(async (f) => ({ path: f.file, content: await readFile(f.file, 'utf8') }))));
    const client = await connectCluster({ kubeconfig: conn.info.kubeconfig, command: 'floe network diff' });
    onTestFinished(() => client.close());
    const names = (objects: { metadata: { namespace?: string; name: string } }[]) => objects.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    const wide = await readLiveState(client, intent, { perNamespaceUpTo: 0 });
    const perNamespace = await readLiveState(client, intent, { perNamespaceUpTo: Infinity });
    for (const kind of ['namespaces', 'networkPolicies', 'podTemplates'] as const) expect(names(wide[kind]), kind).toEqual(names(perNamespace[kind]));
    expect(names(wide.namespaces)).toEqual([platform, jobs, sales].map((n) => `/${n}`).sort());
    expect(wide.podTemplates).toHaveLength(3);
  });
});

describe('floe network diff with limited rights', () => {
  it('works for a user with only the documented read-only role, and exits 0', async () => {
    const reader = await createUser(conn, jobs, READ_ONLY_RULES);
    onTestFinished(() => reader.remove());
    const r = await floe(['network', 'diff', '--manifest', manifest], reader.kubeconfig);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^no drift: /);
    expect(r.code).toBe(0);
  });

  it('exits 3 with the 403 line naming list on networkpolicies for a user without it, and never prints the token', async () => {
    const user = await createUser(conn, jobs, readOnlyRulesWithout('networkpolicies'));
    onTestFinished(() => user.remove());
    const r = await floe(['network', 'diff', '--manifest', manifest], user.kubeconfig);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^floe: error: forbidden: floe network diff needs "list" on networkpolicies\\.networking\\.k8s\\.io in namespace "(${[platform, jobs, sales].join('|')})"; the API server said: .*\n$`));
    expect(r.stderr).not.toContain(user.token);
  });
});

describe('what the API server stores (the ground for diff normalisation)', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await ns.create('floe-it-diff-store');
  });

  // Each spec is written as given and read back; normalising either gives the same result.
  const cases: Record<string, Record<string, unknown>> = {
    'empty ingress and egress lists': { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] },
    'no policyTypes, empty egress list': { podSelector: {}, egress: [] },
    'no policyTypes, an egress rule': { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] },
    'empty policyTypes list': { podSelector: {}, policyTypes: [], egress: [{}] },
    'ports without protocol': { podSelector: {}, ingress: [{ ports: [{ port: 80 }, {}] }] },
    'a rule of empty peer and port lists': { podSelector: {}, egress: [{ to: [], ports: [] }] },
    'an empty rule': { podSelector: {}, ingress: [{}] },
    'empty matchLabels, matchExpressions, values and except': {
      podSelector: { matchLabels: {}, matchExpressions: [] },
      ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: [] }] } }, { ipBlock: { cidr: '10.0.0.0/8', except: [] } }] }],
    },
    'a peer with an empty podSelector': { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }] }] },
    'policyTypes in another order': { podSelector: {}, policyTypes: ['Egress', 'Ingress'] },
  };

  for (const [label, spec] of Object.entries(cases)) {
    it(`normalises ${label} to what the server stores`, async () => {
      const name = uniqueName('store');
      const created = await conn.api.request('POST', `/apis/networking.k8s.io/v1/namespaces/${scratch}/networkpolicies`, {
        body: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name }, spec },
      });
      expect(created.status, created.text).toBe(201);
      const stored = (await conn.api.request('GET', `/apis/networking.k8s.io/v1/namespaces/${scratch}/networkpolicies/${name}`)).body as { spec: unknown };
      // The server's own form is a fixed point, and the written form normalises to it.
      expect(normalizeNetworkPolicySpec(stored.spec)).toEqual(stored.spec);
      expect(compare(normalizeNetworkPolicySpec(spec), normalizeNetworkPolicySpec(stored.spec), 'spec', () => true).differences).toEqual([]);
    });
  }

  it('keeps an empty rule apart from no rules', async () => {
    const read = async (spec: unknown) => {
      const name = uniqueName('store');
      await conn.api.request('POST', `/apis/networking.k8s.io/v1/namespaces/${scratch}/networkpolicies`, { body: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name }, spec } });
      return ((await conn.api.request('GET', `/apis/networking.k8s.io/v1/namespaces/${scratch}/networkpolicies/${name}`)).body as { spec: Record<string, unknown> }).spec;
    };
    expect((await read({ podSelector: {}, ingress: [{}] })).ingress).toEqual([{}]);
    expect((await read({ podSelector: {}, ingress: [] })).ingress).toBeUndefined();
  });
});
