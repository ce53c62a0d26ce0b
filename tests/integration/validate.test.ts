// `floe network validate --server` against a real kube-apiserver: it accepts
// what generate writes (also when the namespaces do not exist yet), reports
// the API server's own message for a hand-broken file that the offline
// schema lets through, leaves nothing behind, checks kubernetes_api against
// the `kubernetes` EndpointSlices, and fails cleanly on a dead server.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { serverSideApply } from '../harness/apply.ts';
import { connect, type Connection } from '../harness/context.ts';
import { itemsOf } from '../harness/kube.ts';
import { Namespaces, uniqueName } from '../harness/namespaces.ts';
import { createUser, READ_ONLY_RULES, type PolicyRule } from '../harness/users.ts';
import { parseAllDocuments } from 'yaml';
import { floe, REPO } from '../cli/run.ts';

interface Report {
  ok: boolean;
  server: string | null;
  checks: { id: string; status: string; summary: string; problems: { file: string | null; line: number | null; path: string | null; message: string; severity: string }[] }[];
}

const STAND_INS = ['default', 'kube-public', 'kube-system'];

let conn: Connection;
let ns: Namespaces;
let work: string;
let names: { platform: string; jobs: string; domain: string };
/** Addresses of the cluster's own `kubernetes` endpoints (none on the local control plane: it advertises 127.0.0.1). */
let liveApiCidrs: string[];
const createdSlices: string[] = [];

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  work = await mkdtemp(join(conn.info.workDir, 'validate-'));
  names = { platform: ns.reserve('floe-it-vplat'), jobs: ns.reserve('floe-it-vjobs'), domain: ns.reserve('floe-it-vdom') };
  liveApiCidrs = (await apiEndpointAddresses()).map((a) => (a.includes(':') ? `${a}/128` : `${a}/32`));
  // The local control plane publishes no endpoint (see below): then the ClusterIP is what the check compares.
  if (liveApiCidrs.length === 0) liveApiCidrs = [`${(await conn.kubectl.ok(['get', 'service', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP}'])).trim()}/32`];
});

afterAll(async () => {
  await deleteSlices();
  await ns?.cleanup();
});

async function deleteSlices(): Promise<void> {
  for (const name of createdSlices.splice(0)) await conn.kubectl.ok(['delete', 'endpointslice', '-n', 'default', name, '--ignore-not-found']);
}

async function apiEndpointAddresses(): Promise<string[]> {
  const out = await conn.kubectl.ok(['get', 'endpointslices', '-n', 'default', '-l', 'kubernetes.io/service-name=kubernetes', '-o', 'json']);
  return itemsOf(out).flatMap((s) => ((s as { endpoints?: { addresses?: string[] }[] }).endpoints ?? []).flatMap((e) => e.addresses ?? []));
}

/** A manifest with this file's unique namespaces; `apiCidrs` default to the cluster's real API endpoints. */
async function manifest(apiCidrs = liveApiCidrs): Promise<string> {
  const file = join(work, `manifest-${Math.random().toString(16).slice(2)}.yaml`);
  await writeFile(
    file,
    [
      'namespaces:',
      `  platform: ${names.platform}`,
      `  jobs: ${names.jobs}`,
      'domains:',
      '  - name: sales',
      `    namespace: ${names.domain}`,
      'security:',
      '  network_policies:',
      `    kubernetes_api: { cidrs: [${apiCidrs.map((c) => JSON.stringify(c)).join(', ')}], ports: [443, 6443] }`,
      '',
    ].join('\n'),
  );
  return file;
}

async function generated(manifestFile: string): Promise<string> {
  const out = await mkdtemp(join(work, 'network-'));
  const r = await floe(['network', 'generate', '-m', manifestFile, '-d', out]);
  expect(r.code, r.stderr).toBe(0);
  return out;
}

const validateServer = (manifestFile: string, dir: string, ...extra: string[]) =>
  floe(['network', 'validate', '--server', '--kubeconfig', conn.info.kubeconfig, '-m', manifestFile, '-d', dir, '-o', 'json', ...extra]);

const check = (report: Report, id: string) => report.checks.find((c) => c.id === id)!;

/** Nothing floe sent may exist afterwards: not the namespaces, not a floe object in a stand-in namespace. */
async function expectNothingLeftBehind(): Promise<void> {
  const namespaces = itemsOf(await conn.kubectl.ok(['get', 'namespaces', '-o', 'json'])).map((o) => o.metadata.name);
  for (const name of Object.values(names)) expect(namespaces, `namespace ${name} must not exist`).not.toContain(name);
  const floeObjects = itemsOf(await conn.kubectl.ok(['get', 'networkpolicies,podtemplates', '-A', '-l', 'app.kubernetes.io/managed-by=floe', '-o', 'json']));
  const leaked = floeObjects.filter((o) => [...STAND_INS, ...Object.values(names)].includes(o.metadata.namespace ?? ''));
  expect(leaked.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([]);
}

describe('floe network validate --server', () => {
  it('accepts what generate writes while its namespaces do not exist yet, and leaves nothing behind', async () => {
    const m = await manifest();
    const dir = await generated(m);
    const r = await validateServer(m, dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.server).toMatch(/^https:\/\//);
    const dry = check(report, 'server-dry-run');
    expect(dry.status, JSON.stringify(dry.problems)).toBe('pass');
    expect(dry.summary).toContain('accepts 18 of 18 objects (15 sent to a stand-in namespace because theirs does not exist yet); nothing was stored');
    // The local control plane runs no network plugin: check-cni cannot tell, which warns without failing.
    if (conn.info.provider === 'local') expect(check(report, 'cni').status).toBe('warn');
    await expectNothingLeftBehind();
  });

  it('dry-runs objects in their own namespace once it exists, and changes nothing there', async () => {
    const m = await manifest();
    const dir = await generated(m);
    const nsFiles = (await readdir(dir)).filter((n) => n.startsWith('00-')).map((n) => join(dir, n));
    onTestFinished(async () => {
      await ns.cleanup();
      for (const name of Object.values(names)) ns.track(name);
    });
    const applied = await serverSideApply(conn.kubectl, nsFiles);
    expect(applied.code, applied.stderr).toBe(0);
    const before = await conn.kubectl.ok(['get', 'namespaces', ...Object.values(names), '-o', 'jsonpath={.items[*].metadata.resourceVersion}']);
    const r = await validateServer(m, dir);
    expect(r.code, r.stdout).toBe(0);
    expect(check(JSON.parse(r.stdout) as Report, 'server-dry-run').summary).toMatch(/accepts 18 of 18 objects; nothing was stored$/);
    expect(await conn.kubectl.ok(['get', 'namespaces', ...Object.values(names), '-o', 'jsonpath={.items[*].metadata.resourceVersion}'])).toBe(before);
    expect(await conn.kubectl.ok(['get', 'networkpolicies,podtemplates', '-n', names.jobs, '-o', 'name'])).toBe('');
  });

  it('rejects a hand-broken file that passes the offline schema, with the API server\'s own message, and leaves nothing behind', async () => {
    const m = await manifest();
    const dir = await generated(m);
    // A Pod Security level that does not exist: a valid label value (the schema passes), refused by PodSecurity admission.
    const nsFile = join(dir, `00-${names.jobs}-namespace.yaml`);
    await writeFile(nsFile, (await readFile(nsFile, 'utf8')).replace('pod-security.kubernetes.io/enforce: restricted', 'pod-security.kubernetes.io/enforce: strict'));
    // And a namespaced object whose namespace does not exist: still judged by the server.
    const policy = join(dir, `${names.platform}-allow-egress.yaml`);
    await writeFile(policy, (await readFile(policy, 'utf8')).replace('port: 443', 'port: 70000'));
    const r = await validateServer(m, dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(check(report, 'schema').problems.map((p) => p.file)).toEqual([policy]);
    const refused = check(report, 'server-dry-run').problems;
    expect(refused.map((p) => [p.file, p.path])).toEqual([
      [nsFile, 'metadata.labels[pod-security.kubernetes.io/enforce]'],
      [policy, expect.stringMatching(/^spec\.egress\[\d+\]\.ports\[0\]\.port$/)],
    ]);
    expect(refused[0]?.message).toBe(
      `the API server refused it (422 Invalid): Namespace "${names.jobs}" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted`,
    );
    expect(refused[0]?.line).toBeGreaterThan(1);
    expect(refused[1]?.message).toMatch(/^the API server refused it \(422 Invalid\): NetworkPolicy\.networking\.k8s\.io "floe-allow-egress" is invalid: .*Invalid value: 70000: must be between 1 and 65535, inclusive/);
    expect(refused[1]?.message).toContain(`(sent to namespace default: ${names.platform} does not exist yet)`);
    await expectNothingLeftBehind();
  });
});

describe('the kubernetes-api-egress check without an endpoint', () => {
  it('fails when the kubernetes Service ClusterIP lies outside kubernetes_api.cidrs', async () => {
    const clusterIp = (await conn.kubectl.ok(['get', 'service', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    expect(await apiEndpointAddresses()).toEqual([]);
    const m = await manifest(['10.96.0.1/32' === `${clusterIp}/32` ? '10.96.0.2/32' : '10.96.0.1/32']);
    const r = await validateServer(m, await generated(m));
    expect(r.code).toBe(1);
    const api = check(JSON.parse(r.stdout) as Report, 'kubernetes-api-egress');
    expect(api.status).toBe('fail');
    expect(api.problems[0]?.message).toMatch(new RegExp(`^the kubernetes Service ClusterIP ${clusterIp.replace(/\./g, '\\.')} is not inside kubernetes_api.cidrs`));
  });
});

describe('the kubernetes-api-egress check', () => {
  let address: string;
  beforeAll(async () => {
    // The local control plane advertises 127.0.0.1, which an endpoint may not hold, so it publishes
    // none; this slice plays the API server's endpoint (a documentation address: nothing is sent to it).
    address = '192.0.2.10';
    const name = uniqueName('floe-it-kubernetes');
    createdSlices.push(name);
    await conn.kubectl.ok(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes', 'endpointslice.kubernetes.io/managed-by': 'floe-tests' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: [address], conditions: { ready: true } }],
        ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
      }),
    );
  });

  // The other checks must see the cluster's own endpoints only.
  afterAll(deleteSlices);

  it('fails when kubernetes_api.cidrs holds only the ClusterIP, naming the endpoint and the DNAT reason', async () => {
    const clusterIp = (await conn.kubectl.ok(['get', 'service', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const m = await manifest([`${clusterIp}/32`]);
    const r = await validateServer(m, await generated(m));
    expect(r.code).toBe(1);
    const api = check(JSON.parse(r.stdout) as Report, 'kubernetes-api-egress');
    expect(api.status).toBe('fail');
    expect(api.problems.map((p) => p.message)).toContainEqual(
      `the API server endpoint ${address} (EndpointSlice of default/kubernetes) is not inside kubernetes_api.cidrs ([${clusterIp}/32]): platform pods cannot reach the API server once default-deny applies; add ${address}/32. It covers the Service ClusterIP ${clusterIp}, but CNIs that apply policy after DNAT (Calico, Cilium) see the endpoint address. For this cluster: kubernetes_api.cidrs: [${address}/32, ${clusterIp}/32] (floe network init writes it).`,
    );
  });

  it('passes when kubernetes_api.cidrs covers every endpoint', async () => {
    const m = await manifest([...liveApiCidrs, '192.0.2.0/24']);
    const r = await validateServer(m, await generated(m));
    expect(r.code, r.stdout).toBe(0);
    expect(check(JSON.parse(r.stdout) as Report, 'kubernetes-api-egress').status).toBe('pass');
  });
});

describe('permissions', () => {
  /** The documented validator role, read from the file README points users to. */
  const validatorRules = (): PolicyRule[] =>
    (parseAllDocuments(readFileSync(join(REPO, 'examples/rbac/floe-network-reader.yaml'), 'utf8'))
      .map((d) => d.toJS() as { metadata: { name: string }; rules: PolicyRule[] })
      .find((d) => d.metadata.name === 'floe-network-validator')?.rules ?? []);

  it('works for a user granted only floe-network-reader and floe-network-validator, and never prints its token', async () => {
    const home = await ns.create('floe-it-vusers');
    const user = await createUser(conn, home, [...READ_ONLY_RULES, ...validatorRules()]);
    try {
      const m = await manifest();
      const r = await floe(['--debug', 'network', 'validate', '--server', '--kubeconfig', user.kubeconfig, '-m', m, '-d', await generated(m), '-o', 'json']);
      expect(r.code, r.stderr).toBe(0);
      expect(check(JSON.parse(r.stdout) as Report, 'server-dry-run').status).toBe('pass');
      expect(r.stdout + r.stderr).not.toContain(user.token);
    } finally {
      await user.remove();
    }
  });

  it('a user without patch gets exit 3 and the one line naming the missing permission', async () => {
    const home = await ns.create('floe-it-vusers');
    const user = await createUser(conn, home, READ_ONLY_RULES);
    try {
      const m = await manifest();
      const r = await floe(['--log-level', 'silent', 'network', 'validate', '--server', '--kubeconfig', user.kubeconfig, '-m', m, '-d', await generated(m)]);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      // The verb named is the one RBAC refused (the server's own text says which).
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^floe: error: forbidden: floe network validate needs "(\w+)" on namespaces; the API server said: .*cannot \1 resource "namespaces"/)]);
    } finally {
      await user.remove();
    }
  });
});

describe('a dead API server', () => {
  it('exits 3 with one line within the request timeout and never prints the kubeconfig token, also with --debug', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const token = 'floe-test-token-0123456789abcdef';
    const kubeconfig = join(work, 'dead.kubeconfig');
    await writeFile(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: dead, cluster: { server: "https://127.0.0.1:' + port + '", insecure-skip-tls-verify: true } }]',
        `users: [{ name: ci, user: { token: ${token} } }]`,
        'contexts: [{ name: dead, context: { cluster: dead, user: ci } }]',
        'current-context: dead',
        '',
      ].join('\n'),
    );
    const m = await manifest();
    const dir = await generated(m);
    for (const debug of [[], ['--debug']]) {
      const started = performance.now();
      const r = await floe([...debug, 'network', 'validate', '--server', '--kubeconfig', kubeconfig, '--request-timeout', '10s', '-m', m, '-d', dir]);
      const ms = performance.now() - started;
      expect(r.code).toBe(3);
      expect(ms, 'ends before the 10 s request timeout').toBeLessThan(10_000);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n').filter((l) => l && !l.startsWith('{'));
      const error = `floe: error: cannot reach the API server at https://127.0.0.1:${port}: connection refused (ECONNREFUSED)`;
      if (debug.length === 0) expect(lines).toEqual([error]);
      else expect(lines[0]).toBe(error);
      expect(r.stdout + r.stderr).not.toContain(token);
    }
  });
});

describe('the cni check (check-cni\'s verdict)', () => {
  const daemonSet = (namespace: string, name: string, image: string, container: string) => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: container, image }] } },
    },
  });
  /**
   * Creates the DaemonSet, deleted when the test ends; `ready` writes the
   * status the DaemonSet controller would (the local control plane runs none).
   */
  async function run(namespace: string, name: string, image: string, ready: boolean, container = name): Promise<void> {
    await conn.kubectl.ok(['apply', '-f', '-'], JSON.stringify(daemonSet(namespace, name, image, container)));
    onTestFinished(async () => {
      await conn.kubectl.ok(['delete', 'daemonset', name, '-n', namespace, '--ignore-not-found']);
    });
    if (ready) {
      const status = { currentNumberScheduled: 1, desiredNumberScheduled: 1, numberMisscheduled: 0, numberReady: 1 };
      await conn.kubectl.ok(['patch', 'daemonset', name, '-n', namespace, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
    }
  }

  it('fails when only flannel runs (every policy would be inert) and passes once calico-node runs too', async () => {
    const m = await manifest();
    const dir = await generated(m);
    await run('kube-system', 'kube-flannel-ds', 'docker.io/flannel/flannel:v0.25.6', true, 'kube-flannel');
    const inert = await validateServer(m, dir);
    expect(inert.code).toBe(1);
    const cni = check(JSON.parse(inert.stdout) as Report, 'cni');
    expect(cni.status).toBe('fail');
    expect(cni.problems[0]?.message).toMatch(/flannel.* \(details: floe network check-cni\)$/);
    await run('kube-system', 'calico-node', 'quay.io/calico/node:v3.29.1', true);
    const enforced = await validateServer(m, dir);
    expect(enforced.code, enforced.stdout).toBe(0);
    expect(check(JSON.parse(enforced.stdout) as Report, 'cni')).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^NetworkPolicies are enforced: .*[Cc]alico/) });
  });

  it('does not pass on a spoofed calico-node DaemonSet in a tenant namespace (busybox image, scheduled nowhere): it cannot tell, and says why', async () => {
    const tenant = await ns.create('floe-it-vcni-tenant');
    const m = await manifest();
    const dir = await generated(m);
    await run(tenant, 'innocent-looking', 'busybox:1.36', false, 'calico-node');
    const r = await validateServer(m, dir);
    const cni = check(JSON.parse(r.stdout) as Report, 'cni');
    expect(cni.status).toBe('warn');
    expect(cni.problems[0]?.message).toContain(`DaemonSet ${tenant}/innocent-looking is unverified: it fails the namespace, image and status checks of a Calico install`);
  });
});
