// The cilium plugin's output against a real kube-apiserver with Cilium's own
// CRDs (v1.20.2, installed by the harness from the release: tests/harness/crds.ts)
// and against Cilium's own rule validation (pkg/policy/api Rule.Sanitize, built
// from the same release by tests/harness/build-cilium.sh). No Cilium datapath
// runs here: these prove the objects are what Cilium accepts, not what it enforces.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { applyGenerated } from '../harness/apply.ts';
import { connect, type Connection } from '../harness/context.ts';
import { ciliumSanitizer, CILIUM_CRDS } from '../harness/crds.ts';
import { FLOE_BIN, generate, type Generated } from '../harness/floe.ts';
import type { KubeObject } from '../harness/kube.ts';
import { Namespaces } from '../harness/namespaces.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let conn: Connection;
let ns: Namespaces;
let work: string;
let cwd: string;
let manifest: string;
let gen: Generated;
let jobs: string;

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

/** Cilium's Rule.Sanitize over each spec: one verdict line per spec ("ok" or "error: ..."). */
async function sanitize(specs: unknown[]): Promise<string[]> {
  const bin = await ciliumSanitizer();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(out.trimEnd().split('\n')) : reject(new Error(`${bin} exited ${code}: ${err}`))));
    child.stdin.end(specs.map((s) => JSON.stringify(s)).join('\n') + '\n');
  });
}

const cnps = () => gen.files.filter((f) => f.object.kind === 'CiliumNetworkPolicy');

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  work = await mkdtemp(join(conn.info.workDir, 'cilium-'));
  cwd = await mkdtemp(join(work, 'cwd-'));
  const platform = ns.reserve('floe-it-platform');
  jobs = ns.reserve('floe-it-jobs');
  const sales = ns.reserve('floe-it-sales');
  manifest = join(await mkdtemp(join(work, 'manifest-')), 'manifest.yaml');
  await writeFile(
    manifest,
    [
      'name: floe-integration',
      `namespaces: { platform: ${platform}, jobs: ${jobs} }`,
      `domains: [{ name: sales, namespace: ${sales} }]`,
      'security:',
      '  network_policies:',
      '    kubernetes_api: { cidrs: [10.0.0.1/32] }',
      '    jobs_egress_allow:',
      '      - { name: warehouse, to_cidr: 10.20.0.0/16, port: 5432 }',
      '      - { name: snowflake, to_fqdn: ["*.snowflakecomputing.com"], port: 443 }',
      '      - { name: s3, to_fqdn: [s3.eu-west-1.amazonaws.com], ports: [443, 8443] }',
      '',
    ].join('\n'),
  );
  gen = await generate(conn.kubectl, work, manifest, ['--plugin', 'cilium']);
  await applyGenerated(conn.kubectl, gen.files);
});

afterAll(async () => {
  await ns?.cleanup();
});

describe("Cilium's CRDs from its own release", () => {
  it('are installed and Established, so the API server serves cilium.io/v2 CiliumNetworkPolicy', async () => {
    for (const crd of CILIUM_CRDS) {
      const r = await conn.api.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.name}`);
      expect(r.status).toBe(200);
      const conditions = (r.body as { status: { conditions: { type: string; status: string }[] } }).status.conditions;
      expect(conditions.find((c) => c.type === 'Established')?.status, crd.name).toBe('True');
    }
    const resources = await conn.api.request('GET', '/apis/cilium.io/v2');
    expect((resources.body as { resources: { name: string }[] }).resources.map((r) => r.name)).toContain('ciliumnetworkpolicies');
  });
});

describe('the cilium plugin output', () => {
  it('is CiliumNetworkPolicies only, beside the core Namespaces and PodTemplates', () => {
    expect([...new Set(gen.files.map((f) => f.object.kind))].sort()).toEqual(['CiliumNetworkPolicy', 'Namespace', 'PodTemplate']);
    expect(cnps().length).toBe(gen.files.length - 6);
  });

  it("passes Cilium's own rule validation (Rule.Sanitize) for every rendered policy, which refuses a rule combining toFQDNs and toEndpoints", async () => {
    const specs = cnps().map((f) => (f.object as KubeObject & { spec: unknown }).spec);
    const verdicts = await sanitize(specs);
    expect(verdicts).toEqual(specs.map(() => 'ok'));
    const [bad] = await sanitize([{ endpointSelector: {}, egress: [{ toFQDNs: [{ matchName: 'a.example.com' }], toEndpoints: [{}] }] }]);
    // Cilium names the two in map order: either way round.
    expect(bad).toMatch(/^error: combining (ToFQDNs and ToEndpoints|ToEndpoints and ToFQDNs) is not supported yet/);
  });

  it('puts the DNS-proxy rule on the DNS egress of the namespace with host-name egress, and names the API server by entity', () => {
    const egress = cnps().find((f) => f.object.metadata.namespace === jobs && f.object.metadata.name === 'floe-allow-egress')?.object as KubeObject & {
      spec: { egress: Record<string, unknown>[] };
    };
    const dns = egress.spec.egress.find((r) => JSON.stringify(r.toEndpoints ?? '').includes('kube-dns'));
    expect(JSON.stringify(dns)).toContain('"rules":{"dns":[{"matchPattern":"*"}]}');
    const fqdnRules = egress.spec.egress.filter((r) => r.toFQDNs);
    expect(fqdnRules).toHaveLength(2);
    expect(fqdnRules).toContainEqual({ toFQDNs: [{ matchPattern: '*.snowflakecomputing.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] });
    expect(fqdnRules).toContainEqual({ toFQDNs: [{ matchName: 's3.eu-west-1.amazonaws.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }, { port: '8443', protocol: 'TCP' }] }] });
    const api = cnps().flatMap((f) => (f.object as KubeObject & { spec: { egress?: Record<string, unknown>[] } }).spec.egress ?? []).filter((r) => r.toEntities);
    expect(api).toEqual([{ toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }, { port: '6443', protocol: 'TCP' }] }] }]);
  });
});

describe('floe network validate --server --plugin cilium', () => {
  it('passes: the API server accepts every object against the Cilium CRDs, and the intent proof holds over the CiliumNetworkPolicies', async () => {
    const r = await floe(['network', 'validate', '--plugin', 'cilium', '--manifest', manifest, '--dir', gen.dir, '--server', '-o', 'json']);
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: { id: string; status: string; summary: string }[] };
    const check = (id: string) => report.checks.find((c) => c.id === id);
    expect(check('server-dry-run')?.status, r.stdout).toBe('pass');
    expect(check('server-dry-run')?.summary).toContain(`accepts ${gen.files.length} of ${gen.files.length} objects`);
    expect(check('schema')?.status).toBe('pass');
    // The engine evaluates the CiliumNetworkPolicies (policy/cilium.ts), host names included.
    expect(check('intent-proof')).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^\d+ intended flows allowed end to end, \d+ forbidden flows denied$/) });
    expect(check('complete')?.status).toBe('pass');
    expect(report.ok).toBe(true);
    expect(r.code).toBe(0);
  });

  it('reports a CiliumNetworkPolicy the CRD refuses, naming the file', async () => {
    const dir = await mkdtemp(join(work, 'broken-'));
    const target = cnps().find((f) => JSON.stringify(f.object).includes('kube-apiserver')) as Generated['files'][number];
    const bad = (await readFile(target.file, 'utf8')).replace('- kube-apiserver', '- kube-apiserverr');
    expect(bad).toContain('kube-apiserverr');
    const copy = join(dir, 'policy.yaml');
    await writeFile(copy, bad);
    const r = await floe(['network', 'validate', '--plugin', 'cilium', '--manifest', manifest, '--dir', dir, '--server', '-o', 'json']);
    const report = JSON.parse(r.stdout) as { checks: { id: string; status: string; problems: { file: string; message: string }[] }[] };
    const dry = report.checks.find((c) => c.id === 'server-dry-run');
    expect(dry?.status).toBe('fail');
    expect(dry?.problems[0]?.file).toBe(copy);
    expect(dry?.problems[0]?.message).toMatch(/toEntities/);
    expect(r.code).toBe(1);
  });
});

describe('floe network diff --plugin cilium', () => {
  const diff = () => floe(['network', 'diff', '--plugin', 'cilium', '--manifest', manifest]);

  it('exits 0 right after kubectl apply --server-side', async () => {
    const r = await diff();
    expect(r.stdout, r.stderr).toMatch(/^no drift: \d+ objects in 3 namespaces match the intent\n$/);
    expect(r.code).toBe(0);
  });

  it('exits 1 naming the path after a port of one CiliumNetworkPolicy is patched', async () => {
    onTestFinished(async () => {
      await conn.kubectl.ok(['apply', '--server-side', '--field-manager=floe', '--force-conflicts', '-f', gen.dir]);
    });
    const egress = cnps().find((f) => f.object.metadata.namespace === jobs && f.object.metadata.name === 'floe-allow-egress')?.object as KubeObject & {
      spec: { egress: { toFQDNs?: unknown; toPorts?: { ports: { port: string }[] }[] }[] };
    };
    const rule = egress.spec.egress.findIndex((r) => r.toFQDNs);
    const patch = [{ op: 'replace', path: `/spec/egress/${rule}/toPorts/0/ports/0/port`, value: '444' }];
    await conn.kubectl.ok(['patch', 'ciliumnetworkpolicy', '-n', jobs, 'floe-allow-egress', '--type=json', '-p', JSON.stringify(patch)]);
    const r = await diff();
    expect(r.stdout).toContain(`changed: CiliumNetworkPolicy/${jobs}/floe-allow-egress spec.egress[${rule}].toPorts[0].ports[0].port: live "444", intent "443"`);
    expect(r.code).toBe(1);
  });

  it('learns from the server that a CiliumNetworkPolicy is stored as written: empty lists, empty maps and a port without protocol read back unchanged, a null is dropped', async () => {
    const spec = {
      endpointSelector: { matchLabels: {} },
      ingress: [],
      egress: [{ toEndpoints: [{ matchLabels: { a: 'b' }, matchExpressions: [] }], toPorts: [{ ports: [{ port: '443' }] }] }, { toCIDRSet: [{ cidr: '10.0.0.0/8', except: [] }] }],
    };
    const body = { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'stored-as-written', namespace: jobs }, spec };
    const r = await conn.api.request('POST', `/apis/cilium.io/v2/namespaces/${jobs}/ciliumnetworkpolicies`, { body });
    expect(r.status, r.text).toBe(201);
    onTestFinished(async () => {
      await conn.api.request('DELETE', `/apis/cilium.io/v2/namespaces/${jobs}/ciliumnetworkpolicies/stored-as-written`);
    });
    const back = await conn.api.request('GET', `/apis/cilium.io/v2/namespaces/${jobs}/ciliumnetworkpolicies/stored-as-written`);
    expect((back.body as { spec: unknown }).spec).toEqual(spec);
    // A null is dropped on create (and refused by server-side apply): absent, which is how diff reads it.
    const nulled = await conn.api.request('POST', `/apis/cilium.io/v2/namespaces/${jobs}/ciliumnetworkpolicies`, {
      body: { ...body, metadata: { name: 'with-null', namespace: jobs }, spec: { endpointSelector: {}, egress: [{ toCIDRSet: null, toEntities: ['world'] }] } },
    });
    expect(nulled.status, nulled.text).toBe(201);
    onTestFinished(async () => {
      await conn.api.request('DELETE', `/apis/cilium.io/v2/namespaces/${jobs}/ciliumnetworkpolicies/with-null`);
    });
    expect((nulled.body as { spec: unknown }).spec).toEqual({ endpointSelector: {}, egress: [{ toEntities: ['world'] }] });
  });
});
