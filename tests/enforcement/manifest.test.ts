// Packets through a real NetworkPolicy firewall: the objects `floe network generate`
// writes for examples/manifest.yaml, enforced by kube-router inside the sandbox's
// node namespace, probed between network-namespace "pods" and outside hosts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverSideApply } from '../harness/apply.ts';
import { connect, type Connection } from '../harness/context.ts';
import { EXAMPLE_MANIFEST, generate, type Generated } from '../harness/floe.ts';
import { deleteNamespace } from '../harness/namespaces.ts';
import { Sandbox, type Protocol } from '../harness/sandbox.ts';
import { createNamespace, createNode, createPod, deleteNode } from './objects.ts';
import { EXTRA_NAMESPACES, intended, JOBS, POD_WORKLOADS, WORKLOADS, type Workload } from './world.ts';

interface Flow {
  src: Workload;
  dst: Workload;
  port: number;
  protocol: Protocol;
  expected: boolean;
}
interface Observed extends Flow {
  result: string;
}

const byName = (name: string) => {
  const w = WORKLOADS.find((x) => x.name === name);
  if (!w) throw new Error(`no workload ${name}`);
  return w;
};
const flow = (src: string, dst: string, port: number, protocol: Protocol = 'TCP'): Flow => {
  const s = byName(src);
  const d = byName(dst);
  return { src: s, dst: d, port, protocol, expected: intended(s, d, port, protocol) };
};
const where = (w: Workload) => (w.namespace ? `${w.namespace}/${w.name}` : `${w.name} (${w.ip})`);

/** Every source (pods and outside hosts) to every other workload, on every port the destination declares. */
function matrix(): Flow[] {
  const flows: Flow[] = [];
  for (const src of WORKLOADS) {
    for (const dst of WORKLOADS) {
      if (src === dst) continue;
      for (const p of dst.ports) flows.push({ src, dst, port: p.port, protocol: p.protocol, expected: intended(src, dst, p.port, p.protocol) });
    }
  }
  return flows;
}

async function probeAll(sandbox: Sandbox, flows: Flow[], concurrency = 128): Promise<Observed[]> {
  const out: Observed[] = new Array(flows.length);
  let next = 0;
  const worker = async () => {
    while (next < flows.length) {
      const i = next++;
      const f = flows[i]!;
      out[i] = { ...f, result: await sandbox.probe(f.src.name, f.dst.ip, f.port, f.protocol) };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

function truthTable(rows: Observed[]): string {
  const cells = rows.map((r) => [
    where(r.src),
    where(r.dst),
    `${r.port}/${r.protocol}`,
    r.expected ? 'allow' : 'deny',
    r.result === 'ok' ? 'connected' : `blocked (${r.result})`,
    (r.result === 'ok') === r.expected ? '' : 'MISMATCH',
  ]);
  const head = ['source', 'destination', 'port', 'expected', 'observed', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), ...cells.map(line)].join('\n');
}

const mismatches = (rows: Observed[]) => rows.filter((r) => (r.result === 'ok') !== r.expected);

/** Polls until every sentinel flow behaves as intended and kube-router's rules stop changing. */
async function converge(sandbox: Sandbox, sentinels: Flow[], timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  let lastRules = '';
  let stableSince = 0;
  for (;;) {
    if (!sandbox.kubeRouterAlive()) throw new Error(`kube-router exited; see ${sandbox.kubeRouterLog}`);
    const rules = (await sandbox.nodeRules()).replace(/^#.*$/gm, '').replace(/\[\d+:\d+\]/g, '');
    const ok = mismatches(await probeAll(sandbox, sentinels)).length === 0;
    if (ok && rules === lastRules && rules.includes('KUBE-NWPLCY-')) {
      if (performance.now() - stableSince >= 1000) return performance.now() - started;
    } else {
      stableSince = performance.now();
    }
    lastRules = rules;
    if (performance.now() - started > timeoutMs) throw new Error(`kube-router did not converge in ${timeoutMs} ms; see ${sandbox.kubeRouterLog}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('NetworkPolicy enforcement of examples/manifest.yaml (kube-router in network namespaces)', () => {
  let conn: Connection;
  let sandbox: Sandbox;
  let scratch: string;
  let generated: Generated;
  const timings: Record<string, number> = {};

  const sentinels = () => [flow('job-a', 'job-b', 8080), flow('job-a', 'polaris', 8181), flow('sales-worker', 'marketing-worker', 8080), flow('job-a', 'coredns', 53, 'UDP')];

  beforeAll(async () => {
    const t0 = performance.now();
    conn = await connect();
    scratch = await mkdtemp(join(tmpdir(), 'floe-enf-'));
    sandbox = await Sandbox.create(join(scratch, 'run'));
    await createNode(conn.api);
    await sandbox.startKubeRouter({ kubeconfig: JSON.parse(await conn.kubectl.ok(['config', 'view', '--raw', '--minify', '--flatten', '-o', 'json'])) });
    timings.node = performance.now() - t0;

    const t1 = performance.now();
    generated = await generate(conn.kubectl, scratch, EXAMPLE_MANIFEST);
    const applied = await serverSideApply(conn.kubectl, generated.files.map((f) => f.file));
    if (applied.code !== 0) throw new Error(`kubectl apply failed: ${applied.stderr}`);
    for (const ns of EXTRA_NAMESPACES) await createNamespace(conn.api, ns);
    await Promise.all(POD_WORKLOADS.map((w) => createPod(conn.api, w)));
    await sandbox.addEndpoints(WORKLOADS.map((w) => ({ name: w.name, ip: w.ip, ports: w.ports })));
    timings.pods = performance.now() - t1;
    timings.convergence = await converge(sandbox, sentinels());
    timings.start = performance.now() - t0;
    process.stdout.write(
      `harness start ${(timings.start / 1000).toFixed(1)} s: node + kube-router ${(timings.node / 1000).toFixed(1)} s, ` +
        `policies + ${POD_WORKLOADS.length} pods + ${WORKLOADS.length - POD_WORKLOADS.length} hosts ${(timings.pods / 1000).toFixed(1)} s, ` +
        `convergence ${(timings.convergence / 1000).toFixed(1)} s\n`,
    );
  }, 180_000);

  afterAll(async () => {
    await sandbox?.teardown();
    if (conn) {
      await deleteNode(conn.api);
      for (const ns of [...(generated?.namespaces ?? []), ...EXTRA_NAMESPACES]) await deleteNamespace(conn, ns);
      for (const w of POD_WORKLOADS.filter((p) => p.namespace === 'kube-system')) {
        await conn.api.request('DELETE', `/api/v1/namespaces/kube-system/pods/${w.name}`);
      }
    }
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }, 120_000);

  it('connects 100% of the intended flows and blocks 100% of the forbidden ones, every pod and host to every declared port', async () => {
    const flows = matrix();
    const t = performance.now();
    const rows = await probeAll(sandbox, flows);
    const ms = performance.now() - t;
    const allowed = rows.filter((r) => r.expected);
    const denied = rows.filter((r) => !r.expected);
    process.stdout.write(
      `\nTruth table, examples/manifest.yaml through kube-router (${rows.length} probes):\n${truthTable(rows)}\n` +
        `intended flows connected: ${allowed.filter((r) => r.result === 'ok').length}/${allowed.length}; ` +
        `forbidden flows blocked: ${denied.filter((r) => r.result !== 'ok').length}/${denied.length}; ` +
        `${rows.length} probes in ${(ms / 1000).toFixed(2)} s (${Math.round(rows.length / (ms / 1000))} probes/s)\n`,
    );
    expect(mismatches(rows).map((r) => `${where(r.src)} -> ${where(r.dst)} ${r.port}/${r.protocol}: expected ${r.expected ? 'allow' : 'deny'}, got ${r.result}`)).toEqual([]);
    // The matrix must contain the flows the issue names, in both verdicts.
    for (const f of [
      flow('job-a', 'job-b', 8080), flow('sales-worker', 'marketing-worker', 8080), flow('job-a', 'polaris', 9090),
      flow('job-a', 'private-10x', 443), flow('job-a', 'metrics-server', 443), flow('job-a', 'coredns', 9153),
      flow('job-a', 'coredns', 53, 'UDP'), flow('job-a', 'coredns', 53), flow('job-a', 'external-https', 443),
    ]) {
      expect(rows.some((r) => r.src === f.src && r.dst === f.dst && r.port === f.port && r.protocol === f.protocol)).toBe(true);
    }
  });

  it('keeps the node namespace sealed: /32 routes to harness endpoints only, no default route, no interface but loopback and the endpoint veths', async () => {
    const net = await sandbox.nodeNetwork();
    const harnessIps = new Set(WORKLOADS.map((w) => w.ip));
    expect(net.routes.length).toBe(WORKLOADS.length);
    for (const route of net.routes) {
      const m = /^(\S+) dev (fenf\d+) scope link$/.exec(route);
      expect(m, route).not.toBeNull();
      expect(harnessIps.has(m![1]!), route).toBe(true);
    }
    // IPv6: only the link-local route of each veth, which reaches nothing but its peer namespace.
    expect(net.routes6.filter((r) => !/^fe80::\/64 dev fenf\d+ proto kernel metric 256/.test(r))).toEqual([]);
    expect(net.links.filter((l) => l !== 'lo' && !/^fenf\d+$/.test(l))).toEqual([]);
    // Only the node IP and loopback; IPv6 link-local addresses on the veths reach nothing but their peer.
    expect(net.addresses.filter((a) => a.includes('.')).sort()).toEqual(['lo 10.250.0.1/32', 'lo 127.0.0.1/8']);
    await expect(sandbox.probe('job-a', '8.8.8.8', 53, 'UDP')).rejects.toThrow(/not a harness address/);
  });

  it('removing the DNS allowance from floe-jobs makes DNS over UDP and TCP fail while the other allowed flows still work', async () => {
    const path = `/apis/networking.k8s.io/v1/namespaces/${JOBS}/networkpolicies/floe-allow-egress`;
    const original = (await conn.api.request('GET', path)).body as { spec: { egress: { to?: { namespaceSelector?: { matchLabels?: Record<string, string> } }[] }[] } };
    const dnsRule = original.spec.egress.findIndex((r) => r.to?.some((p) => p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'kube-system'));
    expect(dnsRule).toBeGreaterThanOrEqual(0);
    const patched = await conn.api.request('PATCH', path, {
      body: [{ op: 'remove', path: `/spec/egress/${dnsRule}` }],
      contentType: 'application/json-patch+json',
    });
    expect(patched.status).toBe(200);
    const dnsGone = [flow('job-a', 'coredns', 53, 'UDP'), flow('job-a', 'coredns', 53)].map((f) => ({ ...f, expected: false }));
    const stillAllowed = [flow('job-a', 'polaris', 8181), flow('job-b', 'minio', 9000), flow('job-a', 'external-https', 443), flow('job-a', 'feature-api', 8443), flow('sales-worker', 'coredns', 53, 'UDP')];
    await converge(sandbox, [...dnsGone, ...stillAllowed]);
    const rows = await probeAll(sandbox, [...dnsGone, ...stillAllowed]);
    process.stdout.write(`\nDNS allowance removed from ${JOBS}/floe-allow-egress:\n${truthTable(rows)}\n`);
    expect(mismatches(rows)).toEqual([]);
  }, 90_000);
});
