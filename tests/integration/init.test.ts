// `floe network init` against a real kube-apiserver seeded with what a real
// cluster has (fixtures/real-cluster-seed.yaml: the kubernetes EndpointSlice,
// CoreDNS and its kube-dns Service, NodeLocal DNSCache, ingress-nginx and its
// IngressClass) plus a Dagster webserver from its Helm chart: the starter
// manifest names each discovered value with where it came from, never
// overwrites without --force, and passes generate + validate --server.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../harness/context.ts';
import { FLOE_BIN } from '../harness/floe.ts';
import { deleteNamespace } from '../harness/namespaces.ts';
import { createUser, READ_ONLY_RULES } from '../harness/users.ts';

const SEED = join(import.meta.dirname, 'fixtures/real-cluster-seed.yaml');
const DAGSTER_NS = 'init-dagster';

let conn: Connection;
let cwd: string;

function floe(args: string[], kubeconfig = conn.info.kubeconfig): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [FLOE_BIN, '--log-level', 'silent', ...args], { cwd, env: { ...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1' }, timeout: 60_000 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

const dagster = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'dagster-dagster-webserver', namespace: DAGSTER_NS },
  spec: {
    selector: { matchLabels: { 'app.kubernetes.io/name': 'dagster', 'app.kubernetes.io/instance': 'dagster', component: 'dagster-webserver' } },
    template: {
      metadata: { labels: { 'app.kubernetes.io/name': 'dagster', 'app.kubernetes.io/instance': 'dagster', component: 'dagster-webserver', 'helm.sh/chart': 'dagster-1.9.0' } },
      spec: { containers: [{ name: 'dagster', image: 'docker.io/dagster/dagster-celery-k8s:1.9.0' }] },
    },
  },
};

beforeAll(async () => {
  conn = await connect();
  cwd = await mkdtemp(join(conn.info.workDir, 'init-'));
  await conn.kubectl.ok(['apply', '--server-side', '-f', SEED]);
  await conn.kubectl.ok(['create', 'namespace', DAGSTER_NS]);
  await conn.kubectl.ok(['apply', '--server-side', '-f', '-'], JSON.stringify(dagster));
});

afterAll(async () => {
  if (!conn) return;
  // Namespaces first (finalized by hand: no namespace controller), then the shared objects other
  // files must not see (the kubernetes EndpointSlice changes validate's API check).
  for (const ns of ['ingress-nginx', DAGSTER_NS]) await deleteNamespace(conn, ns);
  await conn.kubectl.ok(['delete', '--ignore-not-found', '-f', SEED]);
});

describe('floe network init', () => {
  it('writes a starter manifest from the cluster, each value saying where it came from', async () => {
    const r = await floe(['network', 'init', '-o', 'm.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote m\.yaml from https:\/\/\S+ \(Kubernetes v1\.\d+\.\d+; check-cni: unknown; ingress controller: ingress-nginx\)\n$/);
    const text = await readFile(join(cwd, 'm.yaml'), 'utf8');
    const serviceIp = (await conn.kubectl.ok(['get', 'service', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    expect(text).toContain(`      cidrs: [172.18.0.2/32, ${serviceIp}/32]\n`);
    expect(text).toMatch(/# \[172\.18\.0\.2\/32\]: the API server's own addresses, from the EndpointSlice default\/kubernetes;/);
    expect(text).toContain(`# ${serviceIp}/32: the Service IP pods dial (Service default/kubernetes spec.clusterIP)`);
    expect(text).toContain('      namespace: kube-system   # Service kube-system/kube-dns spec.selector\n      pod_labels: { k8s-app: kube-dns }');
    expect(text).toContain('      cidrs: [169.254.20.10/32]   # NodeLocal DNSCache (DaemonSet kube-system/node-local-dns)');
    expect(text).toContain('    ingress_controller_namespace: ingress-nginx   # ingress-nginx: Deployment ingress-nginx/ingress-nginx-controller (IngressClass nginx)');
    expect(text).toContain('pod_labels: { app.kubernetes.io/component: controller, app.kubernetes.io/instance: ingress-nginx, app.kubernetes.io/name: ingress-nginx }');
    expect(text).toContain(`  platform: ${DAGSTER_NS}   # where Deployment ${DAGSTER_NS}/dagster-dagster-webserver already run`);
    expect(text).toContain('      dagster: { pod_labels: { app.kubernetes.io/instance: dagster, app.kubernetes.io/name: dagster, component: dagster-webserver } }');
    const minor = JSON.parse(await conn.kubectl.ok(['version', '-o', 'json'])).serverVersion.minor.replace(/\D/g, '');
    expect(text).toContain(`    version: v1.${minor}          # pinned to the cluster's minor`);
    expect(text).toMatch(/^# Kubernetes v1\.\d+\.\d+\. check-cni: unknown: /m);
  });

  it('the file it writes passes generate and validate --server on the same cluster', async () => {
    const gen = await floe(['network', 'generate', '-m', 'm.yaml']);
    expect(gen.stderr).toBe('');
    expect(gen.code).toBe(0);
    const v = await floe(['network', 'validate', '-m', 'm.yaml', '--server', '-o', 'json']);
    const report = JSON.parse(v.stdout) as { ok: boolean; checks: { id: string; status: string }[] };
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(report.checks.find((c) => c.id === 'kubernetes-api-egress')?.status).toBe('pass');
    expect(report.checks.find((c) => c.id === 'server-dry-run')?.status).toBe('pass');
    expect(v.code).toBe(0);
  });

  it('works for a user granted only examples/rbac/floe-network-reader.yaml, and writes the same file', async () => {
    const reader = await createUser(conn, DAGSTER_NS, READ_ONLY_RULES);
    try {
      const r = await floe(['network', 'init', '-o', 'as-reader.yaml'], reader.kubeconfig);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect((await readFile(join(cwd, 'as-reader.yaml'), 'utf8')).replaceAll('as-reader.yaml', 'm.yaml')).toBe(await readFile(join(cwd, 'm.yaml'), 'utf8'));
    } finally {
      await reader.remove();
    }
  });

  it('never overwrites a file without --force (exit 2, the file untouched), and does with it', async () => {
    await writeFile(join(cwd, 'mine.yaml'), 'name: mine\n');
    const refused = await floe(['network', 'init', '-o', 'mine.yaml']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('floe: error: mine.yaml exists; floe network init never overwrites a file: pass --force, or -o another path\n');
    expect(await readFile(join(cwd, 'mine.yaml'), 'utf8')).toBe('name: mine\n');
    const forced = await floe(['network', 'init', '-o', 'mine.yaml', '--force']);
    expect(forced.code).toBe(0);
    expect(await readFile(join(cwd, 'mine.yaml'), 'utf8')).toMatch(/^# Written by `floe network init`/);
  });
});
