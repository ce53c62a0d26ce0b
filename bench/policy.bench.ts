/**
 * `pnpm bench` (policy engine): a synthetic cluster in files — 200 namespaces,
 * 5,000 pods, 2,000 NetworkPolicies with mixed selectors, matchExpressions,
 * ipBlocks with except, endPort ranges and named ports — then, in a fresh
 * process per run: load and parse the files, build the inventory, compile the
 * policies, full workload connectivity, and single explains after loading.
 * Targets (2-core machine): connectivity < 5 s and < 1 GB peak RSS; one explain < 50 ms;
 * the audit's findings (engine core) well inside the audit's 5 s.
 * Prints a table and JSON (also written to target/bench/policy.json). Nothing asserts.
 * `node bench/policy.bench.ts --write DIR` only writes the synthetic cluster (for profiling).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { rng } from './rng.ts';

const REPO = resolve(import.meta.dirname, '..');
const BIN = join(REPO, 'packages/floe-cli/dist/bin.js');
const REPEAT = Number(process.env.FLOE_BENCH_REPEAT ?? 3);
const NAMESPACES = 200;
const PODS = 5000;
const POLICIES = 2000;


const TEAMS = ['payments', 'search', 'data', 'platform', 'edge'];
const TIERS = ['web', 'api', 'db', 'cache', 'batch'];
const ENVS = ['prod', 'staging'];

interface Synthetic {
  files: number;
  workloads: number;
}

/** Writes the synthetic cluster: one file of pods and one of policies per namespace, namespaces as a NamespaceList, a few Services to skip. */
function writeCluster(dir: string): Synthetic {
  const rand = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const nsName = (i: number) => `ns-${String(i).padStart(3, '0')}`;
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => ({
    metadata: { name: nsName(i), labels: { team: TEAMS[i % TEAMS.length], env: ENVS[i % 2], ...(i % 7 === 0 ? { 'pci-scope': 'true' } : {}) } },
  }));
  writeFileSync(join(dir, 'namespaces.json'), JSON.stringify({ apiVersion: 'v1', kind: 'NamespaceList', items: namespaces }));
  let files = 1;
  let workloads = 0;
  const podsPerNs = PODS / NAMESPACES;
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = nsName(n);
    const docs: string[] = [];
    // Workloads of 1-5 replicas, each a ReplicaSet's pods with IPs; a Deployment without pods stands for its template.
    let made = 0;
    let w = 0;
    while (made < podsPerNs) {
      const replicas = Math.min(podsPerNs - made, 1 + Math.floor(rand() * 5));
      const tier = pick(TIERS);
      const app = `${tier}-${w}`;
      const ports = [
        '{name: http, containerPort: 8080}',
        ...(tier === 'db' ? ['{name: sql, containerPort: 5432}'] : []),
        ...(rand() < 0.5 ? ['{name: metrics, containerPort: 9090}'] : []),
        ...(tier === 'api' ? ['{name: grpc, containerPort: 50051}'] : []),
      ];
      for (let r = 0; r < replicas; r++) {
        const ip = `10.${n % 250}.${Math.floor((made + r) / 250)}.${((made + r) % 250) + 1}`;
        docs.push(
          [
            'apiVersion: v1',
            'kind: Pod',
            'metadata:',
            `  name: ${app}-7c9f-${r}`,
            `  namespace: ${ns}`,
            `  labels: {app: ${app}, tier: ${tier}, version: v${1 + (w % 2)}${rand() < 0.2 ? ', canary: "true"' : ''}}`,
            `  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: ${app}-7c9f, controller: true, uid: u${n}-${w}}]`,
            'spec:',
            `  containers: [{name: main, image: registry.example/${app}:1, ports: [${ports.join(', ')}]}]`,
            'status:',
            `  podIP: ${ip}`,
            `  podIPs: [{ip: ${ip}}]`,
          ].join('\n'),
        );
      }
      made += replicas;
      w++;
      workloads++;
    }
    docs.push(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: idle, namespace: ${ns}}\nspec:\n  replicas: 0\n  template:\n    metadata: {labels: {app: idle, tier: batch}}\n    spec: {containers: [{name: main, image: x}]}`);
    workloads++;
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: svc, namespace: ${ns}}\nspec: {ports: [{port: 80}]}`);
    writeFileSync(join(dir, `${ns}-workloads.yaml`), `${docs.join('\n---\n')}\n`);
    files++;

    const policies: string[] = [];
    const perNs = POLICIES / NAMESPACES;
    for (let p = 0; p < perNs; p++) {
      const name = `p${p}`;
      const head = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:`;
      const tier = pick(TIERS);
      const otherTeam = pick(TEAMS);
      switch (p % 10) {
        case 0:
          policies.push(`${head}\n  podSelector: {}\n  policyTypes: [Ingress, Egress]`);
          break;
        case 1:
          policies.push(`${head}\n  podSelector: {matchLabels: {tier: ${tier}}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {tier: web}}}]\n    ports: [{port: http}, {port: 8443}]`);
          break;
        case 2:
          policies.push(
            `${head}\n  podSelector: {matchExpressions: [{key: tier, operator: In, values: [api, db]}]}\n  ingress:\n  - from:\n    - namespaceSelector: {matchExpressions: [{key: team, operator: In, values: [${otherTeam}, platform]}]}\n      podSelector: {matchLabels: {tier: api}}\n    ports: [{port: sql}, {port: grpc}]`,
          );
          break;
        case 3:
          policies.push(`${head}\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]\n    ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]`);
          break;
        case 4:
          policies.push(
            `${head}\n  podSelector: {matchLabels: {tier: web}}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]}\n    - ipBlock: {cidr: '::/0', except: ['fc00::/7']}\n    ports: [{port: 443}]\n  - to: [{ipBlock: {cidr: 10.${(n + 1) % 250}.0.0/16, except: [10.${(n + 1) % 250}.1.0/24]}}]\n    ports: [{port: 8000, endPort: 8100}]`,
          );
          break;
        case 5:
          policies.push(`${head}\n  podSelector: {matchExpressions: [{key: canary, operator: DoesNotExist}]}\n  ingress:\n  - from: [{namespaceSelector: {matchExpressions: [{key: env, operator: NotIn, values: [staging]}]}}]\n    ports: [{port: metrics}]`);
          break;
        case 6:
          policies.push(`${head}\n  podSelector: {matchLabels: {tier: db}}\n  egress:\n  - to: [{podSelector: {matchExpressions: [{key: tier, operator: Exists}]}}]\n  ingress:\n  - from: [{podSelector: {matchLabels: {tier: api}}}, {namespaceSelector: {matchLabels: {pci-scope: 'true'}}}]\n    ports: [{port: 5432}]`);
          break;
        case 7:
          policies.push(`${head}\n  podSelector: {matchLabels: {version: v2}}\n  ingress:\n  - from: [{ipBlock: {cidr: 10.${(n + 7) % 250}.0.0/16}}, {namespaceSelector: {matchLabels: {team: ${otherTeam}}}, podSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [batch]}]}}]\n    ports: [{port: 9000, endPort: 9100, protocol: TCP}]`);
          break;
        case 8:
          policies.push(`${head}\n  podSelector: {matchLabels: {app: ${tier}-${p}}}\n  ingress:\n  - {}`);
          break;
        default:
          policies.push(`${head}\n  podSelector: {matchLabels: {tier: cache}}\n  policyTypes: [Ingress, Egress]\n  ingress:\n  - from: [{podSelector: {}}]\n    ports: [{port: 6379}]\n  egress: []`);
      }
    }
    writeFileSync(join(dir, `${ns}-policies.yaml`), `${policies.join('\n---\n')}\n`);
    files++;
  }
  return { files, workloads };
}

interface ChildResult {
  loadMs: number;
  inventoryMs: number;
  compileMs: number;
  connectivityMs: number;
  auditMs: number;
  findings: number;
  summaries: number;
  explainFirstMs: number;
  explainMedianMs: number;
  explainMaxMs: number;
  endpoints: number;
  workloads: number;
  externals: number;
  classes: number;
  rows: number;
  pods: number;
  policies: number;
  peakRssMiB: number;
  /** A real pair for the whole-process CLI run. */
  sample: [string, string];
}

/** Runs in a fresh process so peak RSS is this work's alone. */
async function child(dir: string): Promise<void> {
  const core = { ...(await import('@floe/core/inventory')), ...(await import('@floe/core/policy')) };
  const t0 = performance.now();
  const { objects } = await core.loadObjectsFromDir(dir);
  const t1 = performance.now();
  const inv = core.buildInventory(objects);
  const t2 = performance.now();
  const engine = new core.PolicyEngine(inv.model);
  // Compilation is lazy (an explain compiles two namespaces); here every policy, so connectivity is measured alone.
  void engine.policies.length;
  const t3 = performance.now();
  const c = engine.connectivity();
  // Every pair enumerated (as a renderer would), so the figure compares with a computation that built them all.
  let rows = 0;
  for (const r of c.rows()) rows += r.to.length;
  const t4 = performance.now();
  const m = c.endpoints.length;
  // One explain after loading: a fresh engine (compile) plus resolving and evaluating a pair.
  const endpoints = [...new Set(inv.model.pods.map((p) => p.endpoint))];
  const rand = rng(7);
  const explainOnce = (fresh: boolean) => {
    const s = performance.now();
    const e = fresh ? new core.PolicyEngine(inv.model) : engine;
    const from = core.resolveEndpoint(inv.model, endpoints[Math.floor(rand() * endpoints.length)] as string);
    const to = core.resolveEndpoint(inv.model, endpoints[Math.floor(rand() * endpoints.length)] as string);
    e.evaluate(from.endpoint, to.endpoint, { protocol: 'TCP', port: 8080 });
    return performance.now() - s;
  };
  const a0 = performance.now();
  const findings = core.auditFindings(engine);
  const summaries = core.summarisePolicies(engine);
  const auditMs = performance.now() - a0;
  const first = explainOnce(true);
  const times = Array.from({ length: 50 }, () => explainOnce(true)).sort((a, b) => a - b);
  const result: ChildResult = {
    loadMs: t1 - t0,
    inventoryMs: t2 - t1,
    compileMs: t3 - t2,
    connectivityMs: t4 - t3,
    auditMs,
    findings: findings.length,
    summaries: summaries.length,
    explainFirstMs: first,
    explainMedianMs: times[25] as number,
    explainMaxMs: times[times.length - 1] as number,
    endpoints: m,
    workloads: c.workloadCount,
    externals: m - c.workloadCount,
    classes: c.classCount,
    rows,
    pods: inv.model.pods.length,
    policies: inv.model.policies.length,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    sample: [endpoints.find((e) => e.startsWith('ns-000/web')) ?? (endpoints[0] as string), inv.model.pods.find((p) => p.namespace === 'ns-001' && p.labels.tier === 'api')?.name.replace(/^/, 'ns-001/') ?? (endpoints[1] as string)],
  };
  process.stdout.write(JSON.stringify(result));
}

if (process.argv[2] === '--child') {
  await child(process.argv[3] as string);
} else if (process.argv[2] === '--write') {
  mkdirSync(process.argv[3] as string, { recursive: true });
  writeCluster(process.argv[3] as string);
} else {
  const work = mkdtempSync(join(process.env.FLOE_BENCH_DIR ?? tmpdir(), 'floe-bench-policy-'));
  try {
    const synthetic = writeCluster(work);
    const runs: ChildResult[] = [];
    const cli: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const r = spawnSync(process.execPath, [import.meta.filename, '--child', work], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`bench child exited ${r.status}:\n${r.stderr}`);
      runs.push(JSON.parse(r.stdout) as ChildResult);
      const s = performance.now();
      const e = spawnSync(process.execPath, [BIN, '--log-level', 'silent', 'network', 'explain', '--from-dir', work, '--from', runs[i]!.sample[0], '--to', runs[i]!.sample[1], '--port', '50051'], { encoding: 'utf8' });
      if (e.status !== 0 && e.status !== 1) throw new Error(`floe network explain exited ${e.status}:\n${e.stderr}`);
      cli.push(performance.now() - s);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const med = (k: Exclude<keyof ChildResult, 'sample'>) => median(runs.map((r) => r[k]));
    const one = runs[0] as ChildResult;
    const rows: [string, string, string][] = [
      ['load + parse files', `${Math.round(med('loadMs'))} ms`, ''],
      ['build inventory', `${Math.round(med('inventoryMs'))} ms`, ''],
      ['compile policies', `${Math.round(med('compileMs'))} ms`, ''],
      ['full workload connectivity', `${Math.round(med('connectivityMs'))} ms`, '< 5000 ms'],
      ['audit findings + policy summaries (engine core, no rendering)', `${Math.round(med('auditMs'))} ms`, '< 5000 ms'],
      ['peak RSS (whole process)', `${Math.round(med('peakRssMiB'))} MiB`, '< 1024 MiB'],
      ['one explain after loading (compile + resolve + evaluate), first', `${med('explainFirstMs').toFixed(1)} ms`, '< 50 ms'],
      ['one explain after loading, median / max of 50', `${med('explainMedianMs').toFixed(1)} / ${med('explainMaxMs').toFixed(1)} ms`, '< 50 ms'],
      ['floe network explain, whole process (node start, load, explain)', `${Math.round(median(cli))} ms`, ''],
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    console.log(`floe policy engine: ${NAMESPACES} namespaces, ${one.pods} pods+templates (${PODS} pods), ${one.policies} NetworkPolicies in ${synthetic.files} files; ${REPEAT} runs, medians; Node ${process.version}, ${process.platform}/${process.arch}`);
    console.log(`audit: ${one.findings} findings over ${one.summaries} policies`);
    console.log(`connectivity: ${one.workloads} workloads + ${one.externals} external ranges = ${one.endpoints} endpoints, ${one.classes} pod classes, ${one.rows} allowed pairs`);
    console.log(`| ${'step'.padEnd(w0)} | ${'time / size'.padStart(w1)} | target     |`);
    console.log(`|${'-'.repeat(w0 + 2)}|${'-'.repeat(w1 + 2)}|------------|`);
    for (const [a, b, c] of rows) console.log(`| ${a.padEnd(w0)} | ${b.padStart(w1)} | ${c.padEnd(10)} |`);
    const result = { benchmark: 'floe policy engine', node: process.version, repeat: REPEAT, synthetic: { namespaces: NAMESPACES, pods: PODS, policies: POLICIES, files: synthetic.files }, runs, cliExplainMs: cli };
    console.log(JSON.stringify(result));
    mkdirSync(join(REPO, 'target/bench'), { recursive: true });
    writeFileSync(join(REPO, 'target/bench/policy.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
