// The admission guard (security.admission_guard) judged by the real API server:
// `floe network generate` writes ValidatingAdmissionPolicies and bindings, they
// are applied to the local kube-apiserver, and then objects are created,
// changed and deleted as the cluster admin (an applier: group system:masters)
// and as a user who is not one. Every verdict and message below is the API
// server's own CEL evaluation; floe evaluates nothing.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/cluster.ts';
import { connect, type Connection } from '../harness/context.ts';
import { execFile } from 'node:child_process';
import { FLOE_BIN, floe } from '../harness/floe.ts';
import { makeKubectl, type Kubectl, type KubectlResult } from '../harness/kube.ts';
import { deleteNamespace, uniqueName } from '../harness/namespaces.ts';
import { connectOldest } from '../harness/oldest.ts';
import { parseAllDocuments } from 'yaml';
import { createUser, READ_ONLY_RULES, type PolicyRule, type TestUser } from '../harness/users.ts';

let conn: Connection;
let work: string;
let user: TestUser;
let asUser: Kubectl;
const names = { platform: uniqueName('guard-platform'), jobs: uniqueName('guard-jobs'), sales: uniqueName('guard-sales') };
const outside = uniqueName('guard-outside');
const GUARD_KINDS = 'validatingadmissionpolicies.admissionregistration.k8s.io,validatingadmissionpolicybindings.admissionregistration.k8s.io';

async function writeManifest(guard: string): Promise<string> {
  const file = join(work, `manifest-${guard.replace(/\W+/g, '-')}.yaml`);
  await writeFile(
    file,
    `name: guard-test
namespaces:
  platform: ${names.platform}
  jobs: ${names.jobs}
domains:
  - name: sales
    namespace: ${names.sales}
security:
  admission_guard: ${guard}
`,
  );
  return file;
}

async function generate(manifest: string): Promise<string> {
  const dir = await mkdtemp(join(work, 'network-'));
  const cwd = await mkdtemp(join(work, 'cwd-'));
  await floe(['network', 'generate', '--log-level', 'silent', '--manifest', manifest, '--output-dir', dir], cwd);
  return dir;
}

const yaml = (o: unknown) => JSON.stringify(o);

function allowAll(ns: string, annotations?: Record<string, string>) {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-all', namespace: ns, ...(annotations ? { annotations } : {}) }, spec: { podSelector: {}, ingress: [{}] } };
}

/** The floe-hardened PodTemplate's pod spec, read from the generated file: what `harden` merges into workloads. */
async function hardenedSpec(dir: string, ns: string): Promise<Record<string, unknown>> {
  const out = await conn.kubectl.ok(['create', '--dry-run=client', '-o', 'json', '-f', join(dir, `${ns}-pod-template.yaml`)]);
  return (JSON.parse(out) as { template: { spec: Record<string, unknown> } }).template.spec;
}

function job(ns: string, name: string, spec: Record<string, unknown>) {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: ns }, spec: { template: { spec: { restartPolicy: 'Never', ...spec } } } };
}

const create = (k: Kubectl, obj: unknown, ...flags: string[]): Promise<KubectlResult> => k.run(['create', '-f', '-', ...flags], yaml(obj));

/** Bindings take effect when the API server's policy informer has them: poll a request the guard must refuse. */
async function untilGuarded(refused: () => Promise<KubectlResult>, expectWarning = false): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await refused();
    if (expectWarning ? r.code === 0 && r.stderr.includes('floe admission guard') : r.code !== 0 && r.stderr.includes('floe admission guard')) return;
    if (Date.now() > deadline) throw new Error(`the admission guard did not take effect within 30 s; last answer: ${r.code} ${r.stderr}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

async function applyGuard(dir: string): Promise<void> {
  await conn.kubectl.ok(['apply', '--server-side', '--field-manager=floe', '--force-conflicts', '-f', dir]);
}

beforeAll(async () => {
  conn = await connect();
  work = await mkdtemp(join(conn.info.workDir, 'admission-guard-'));
  await conn.kubectl.ok(['create', 'namespace', outside]);
  // A namespace editor, not an applier of floe's output: may do everything the rules below touch.
  user = await createUser(conn, outside, [
    { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'] },
    { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'update', 'patch'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'create'] },
    { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'create'] },
  ]);
  asUser = makeKubectl(conn.info.kubectl, user.kubeconfig, join(work, 'user-cache'));
  const dir = await generate(await writeManifest('{ mode: deny, automount_service_accounts: [spark-driver] }'));
  await applyGuard(dir);
  await untilGuarded(() => create(conn.kubectl, allowAll(names.sales), '--dry-run=server'));
});

afterAll(async () => {
  if (!conn) return;
  // The guard first: it would refuse nothing of the clean-up, but it is cluster-scoped and outlives the namespaces.
  await conn.kubectl.run(['delete', GUARD_KINDS, '-l', 'app.kubernetes.io/managed-by=floe', '--ignore-not-found']);
  await user?.remove();
  for (const ns of [...Object.values(names), outside]) await deleteNamespace(conn, ns);
});

describe('admission guard, mode deny: NetworkPolicies in a managed namespace', () => {
  it('refuses allow-all (podSelector {}, ingress [{}]) that floe does not own, with floe\'s message naming the rule and how to comply', async () => {
    const r = await create(conn.kubectl, allowAll(names.sales));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ValidatingAdmissionPolicy 'floe-guard-network-policies' with binding 'floe-guard-network-policies' denied request`);
    expect(r.stderr).toContain(
      `floe admission guard, rule unowned NetworkPolicies: NetworkPolicy ${names.sales}/allow-all is not floe's (no app.kubernetes.io/managed-by: floe) and namespace ${names.sales} is managed by floe, where a NetworkPolicy of its own can widen access. To comply: add the annotation floe.dev/exception: "<reason>" (a non-empty reason for reviewers), or express the flow in manifest.yaml (security.network_policies) and run floe network generate.`,
    );
  });

  it('admits the same object with a floe.dev/exception reason, and refuses a blank reason', async () => {
    const blank = await create(asUser, allowAll(names.sales, { 'floe.dev/exception': '   ' }), '--dry-run=server');
    expect(blank.code).toBe(1);
    expect(blank.stderr).toContain('rule unowned NetworkPolicies');
    const r = await create(asUser, allowAll(names.sales, { 'floe.dev/exception': 'INC-4711: vendor load test, approved by the platform team' }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Removing the reason later is refused too; deleting a policy of one's own is allowed.
    const strip = await asUser.run(['annotate', 'networkpolicy', 'allow-all', '-n', names.sales, 'floe.dev/exception-']);
    expect(strip.code).toBe(1);
    expect((await asUser.run(['delete', 'networkpolicy', 'allow-all', '-n', names.sales])).code).toBe(0);
  });

  it('admits NetworkPolicies outside the managed namespaces', async () => {
    const r = await create(asUser, allowAll(outside), '--dry-run=server');
    expect(r.code, r.stderr).toBe(0);
  });

  it('lets only an applier change or delete a floe-owned policy, or create one labelled as floe\'s', async () => {
    const patch = await asUser.run(['patch', 'networkpolicy', 'floe-default-deny', '-n', names.sales, '--type=merge', '-p', yaml({ spec: { ingress: [{}] } })]);
    expect(patch.code).toBe(1);
    expect(patch.stderr).toContain(
      `floe admission guard, rule floe-owned NetworkPolicies: NetworkPolicy ${names.sales}/floe-default-deny is owned by floe (app.kubernetes.io/managed-by: floe), and system:serviceaccount:${outside}:${user.name} is not an applier of floe's output (group system:masters). To comply: change manifest.yaml, run floe network generate and let the applier apply it`,
    );
    const del = await asUser.run(['delete', 'networkpolicy', 'floe-default-deny', '-n', names.sales, '--dry-run=server']);
    expect(del.code).toBe(1);
    expect(del.stderr).toContain('rule floe-owned NetworkPolicies');
    // Taking a policy over by removing floe's label is a change to a floe-owned policy.
    const unlabel = await asUser.run(['label', 'networkpolicy', 'floe-default-deny', '-n', names.sales, 'app.kubernetes.io/managed-by-']);
    expect(unlabel.code).toBe(1);
    expect(unlabel.stderr).toContain('rule floe-owned NetworkPolicies');
    const impostor = { ...allowAll(names.sales), metadata: { name: 'looks-like-floe', namespace: names.sales, labels: { 'app.kubernetes.io/managed-by': 'floe' } } };
    const forged = await create(asUser, impostor, '--dry-run=server');
    expect(forged.code).toBe(1);
    expect(forged.stderr).toContain('rule floe-owned NetworkPolicies');
    // The applier (cluster admin, group system:masters) may.
    const admin = await conn.kubectl.run(['patch', 'networkpolicy', 'floe-default-deny', '-n', names.sales, '--type=merge', '-p', yaml({ metadata: { annotations: { note: 'applied' } } }), '--dry-run=server']);
    expect(admin.code, admin.stderr).toBe(0);
  });
});

describe('admission guard, mode deny: Pod Security labels of a managed Namespace', () => {
  it('refuses removing pod-security.kubernetes.io/enforce from the jobs namespace, even for the cluster admin', async () => {
    for (const k of [conn.kubectl, asUser]) {
      const r = await k.run(['label', 'namespace', names.jobs, 'pod-security.kubernetes.io/enforce-']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `floe admission guard, rule Pod Security labels: namespace ${names.jobs} is managed by floe, and removing or weakening its Pod Security labels is refused: pod-security.kubernetes.io/enforce below restricted. To comply: keep the labels as floe network generate writes them (00-${names.jobs}-namespace.yaml, kubectl label namespace ${names.jobs} KEY=VALUE --overwrite)`,
      );
    }
  });

  it('refuses a lower level or an older pinned version, and names each label', async () => {
    const r = await asUser.run(['label', 'namespace', names.sales, 'pod-security.kubernetes.io/audit=baseline', 'pod-security.kubernetes.io/warn-version=v1.25', '--overwrite']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refused: pod-security.kubernetes.io/audit below restricted, pod-security.kubernetes.io/warn-version other than latest.');
  });

  it('admits a stricter level than floe sets, and going back to floe\'s; leaves other namespaces alone', async () => {
    expect((await asUser.run(['label', 'namespace', names.platform, 'pod-security.kubernetes.io/enforce=restricted', '--overwrite'])).code).toBe(0);
    expect((await asUser.run(['label', 'namespace', names.platform, 'pod-security.kubernetes.io/enforce=baseline', '--overwrite'])).code).toBe(0);
    const below = await asUser.run(['label', 'namespace', names.platform, 'pod-security.kubernetes.io/enforce=privileged', '--overwrite']);
    expect(below.stderr).toContain('pod-security.kubernetes.io/enforce below baseline');
    expect((await asUser.run(['label', 'namespace', outside, 'pod-security.kubernetes.io/enforce=privileged'])).code).toBe(0);
  });
});

describe('admission guard, mode deny: pods and workloads in the jobs and domain namespaces', () => {
  it('refuses a Job in the jobs namespace without readOnlyRootFilesystem, naming the container', async () => {
    const spec = { automountServiceAccountToken: false, containers: [{ name: 'etl', image: 'registry.example.com/etl:1.0' }] };
    const r = await create(asUser, job(names.jobs, 'nightly-etl', spec));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `floe admission guard, rule read-only root file system: Job ${names.jobs}/nightly-etl: container etl must set securityContext.readOnlyRootFilesystem: true (floe's hardened context; write to emptyDir volumes mounted at the writable paths). To comply: copy the securityContext, volumes and volumeMounts of the floe-hardened PodTemplate in namespace ${names.jobs}, or run floe network harden on the manifest.`,
    );
  });

  it('admits a Job whose pod template is floe\'s hardened PodTemplate (what harden produces)', async () => {
    const dir = await generate(await writeManifest('deny'));
    const r = await create(asUser, job(names.jobs, 'hardened-etl', await hardenedSpec(dir, names.jobs)));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('checks init containers too, and CronJobs and Deployments (their pod templates) in domain namespaces', async () => {
    const dir = await generate(await writeManifest('deny'));
    const hardened = await hardenedSpec(dir, names.sales);
    const withInit = { ...hardened, initContainers: [{ name: 'fetch', image: 'registry.example.com/fetch:1.0' }] };
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'hourly', namespace: names.sales }, spec: { schedule: '@hourly', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', ...withInit } } } } } };
    const c = await create(conn.kubectl, cron, '--dry-run=server');
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(`rule read-only root file system: CronJob ${names.sales}/hourly: container fetch must set`);
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: names.sales },
      spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { ...hardened, automountServiceAccountToken: true } } },
    };
    const d = await create(conn.kubectl, deployment, '--dry-run=server');
    expect(d.code).toBe(1);
    expect(d.stderr).toContain(
      `floe admission guard, rule no service account token: Deployment ${names.sales}/api must set automountServiceAccountToken: false in its pod spec (service account default is not in security.admission_guard.automount_service_accounts).`,
    );
  });

  it('refuses a Pod that mounts a service account token, unless its service account is allow-listed', async () => {
    const dir = await generate(await writeManifest('deny'));
    const spec = await hardenedSpec(dir, names.jobs);
    delete spec.automountServiceAccountToken;
    const pod = (name: string, extra: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: names.jobs }, spec: { ...spec, ...extra } });
    const r = await create(asUser, pod('token', {}), '--dry-run=server');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`rule no service account token: Pod ${names.jobs}/token must set automountServiceAccountToken: false`);
    const allowed = await create(asUser, pod('driver', { serviceAccountName: 'spark-driver' }), '--dry-run=server');
    expect(allowed.code, allowed.stderr).toBe(0);
  });

  it('leaves workloads in the platform namespace to Pod Security alone', async () => {
    const r = await create(conn.kubectl, job(names.platform, 'loose', { containers: [{ name: 'x', image: 'registry.example.com/x:1' }] }), '--dry-run=server');
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('admission guard, mode warn', () => {
  it('admits allow-all with the guard\'s warning shown by kubectl', async () => {
    const dir = await generate(await writeManifest('warn'));
    const binding = await readFile(join(dir, 'admission-guard-network-policies-binding.yaml'), 'utf8');
    expect(binding).toContain('validationActions:\n    - Warn\n    - Audit\n');
    await applyGuard(dir);
    await untilGuarded(() => create(conn.kubectl, allowAll(names.sales), '--dry-run=server'), true);
    const r = await create(asUser, allowAll(names.sales));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('networkpolicy.networking.k8s.io/allow-all created');
    expect(r.stderr).toContain(
      `Warning: Validation failed for ValidatingAdmissionPolicy 'floe-guard-network-policies' with binding 'floe-guard-network-policies': floe admission guard, rule unowned NetworkPolicies: NetworkPolicy ${names.sales}/allow-all is not floe's`,
    );
  });
});

interface Report {
  checks: { id: string; status: string; summary: string; problems: { file: string | null; message: string }[] }[];
}

/** `floe network validate --server -o json` (exit 1 is a finding; the report is on stdout either way). */
function validateServer(kubeconfig: string, manifest: string, dir: string): Promise<{ code: number; report: Report; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [FLOE_BIN, '--log-level', 'silent', 'network', 'validate', '--server', '--kubeconfig', kubeconfig, '-m', manifest, '-d', dir, '-o', 'json'], { timeout: 60_000 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, report: (stdout ? JSON.parse(stdout) : { checks: [] }) as Report, stderr }),
    );
  });
}

describe('floe network validate --server with the admission guard', () => {
  it('the API server accepts the policies and bindings (CEL compiles) on the newest control plane', async () => {
    const manifest = await writeManifest('deny');
    const dir = await generate(manifest);
    const { report } = await validateServer(conn.info.kubeconfig, manifest, dir);
    const dryRun = report.checks.find((c) => c.id === 'server-dry-run');
    expect(dryRun?.problems.filter((p) => p.file?.includes('admission-guard')), JSON.stringify(dryRun)).toEqual([]);
    expect(report.checks.find((c) => c.id === 'schema')?.status).toBe('pass');
  });

  it('works for a user granted only the documented floe-network-reader and floe-network-validator roles', async () => {
    const validator = (parseAllDocuments(await readFile(join(REPO_ROOT, 'examples/rbac/floe-network-reader.yaml'), 'utf8'))
      .map((d) => d.toJS() as { metadata: { name: string }; rules: PolicyRule[] })
      .find((d) => d.metadata.name === 'floe-network-validator')?.rules ?? []);
    const ci = await createUser(conn, outside, [...READ_ONLY_RULES, ...validator]);
    try {
      const manifest = await writeManifest('deny');
      const { code, report, stderr } = await validateServer(ci.kubeconfig, manifest, await generate(manifest));
      expect(code, stderr).not.toBe(3);
      const dryRun = report.checks.find((c) => c.id === 'server-dry-run');
      expect(dryRun?.problems.filter((p) => p.file?.includes('admission-guard')), JSON.stringify(dryRun)).toEqual([]);
    } finally {
      await ci.remove();
    }
  });

  it('says the guard needs Kubernetes >= 1.30 against the oldest supported control plane (1.26), and sends the rest', async () => {
    const oldest = await connectOldest();
    try {
      const manifest = await writeManifest('deny');
      const dir = await generate(manifest);
      const { code, report } = await validateServer(oldest.conn.info.kubeconfig, manifest, dir);
      expect(code).toBe(1);
      const dryRun = report.checks.find((c) => c.id === 'server-dry-run');
      const guard = dryRun?.problems.filter((p) => p.file?.includes('admission-guard')) ?? [];
      expect(guard).toHaveLength(6);
      for (const p of guard) {
        expect(p.message).toMatch(/^not sent: ValidatingAdmissionPolicy(Binding)? \(the admission guard, security\.admission_guard\) needs Kubernetes >= 1\.30, where admissionregistration\.k8s\.io\/v1 serves it; the API server at \S+ is v1\.26\.\d+\. Upgrade the cluster, or set security\.admission_guard: off and regenerate$/);
      }
      // Everything else was sent and judged by the 1.26 server.
      expect(dryRun?.problems.filter((p) => !p.file?.includes('admission-guard')).map((p) => p.message)).toEqual([]);
    } finally {
      await oldest.close();
    }
  }, 120_000);
});

describe('the guard in the prune set (docs/pruning.md, kubectl ApplySet)', () => {
  const CRD = join(REPO_ROOT, 'examples/applyset/applyset-crd.yaml');
  const PARENT = join(REPO_ROOT, 'examples/applyset/floe-network-applyset.yaml');
  const prune = (dir: string) => conn.kubectl.ok(['apply', '--server-side', '--field-manager=floe', '--force-conflicts', '--prune', '--applyset=applysets.floe.dev/floe-network', '-k', dir]);

  it('applies the cluster-scoped policies and bindings with the rest; turned off, diff calls them orphaned and the pruned apply deletes them', async () => {
    const saved = process.env.KUBECTL_APPLYSET;
    process.env.KUBECTL_APPLYSET = 'true';
    try {
      await conn.kubectl.ok(['apply', '--server-side', '-f', CRD]);
      await conn.kubectl.ok(['wait', '--for=condition=established', '--timeout=30s', 'crd/applysets.floe.dev']);
      await conn.kubectl.ok(['apply', '--server-side', '--field-manager=kubectl-applyset', '-f', PARENT]);
      const on = await prune(await generate(await writeManifest('deny')));
      for (const rule of ['network-policies', 'pod-security-labels', 'pod-hardening']) {
        expect(on).toContain(`validatingadmissionpolicy.admissionregistration.k8s.io/floe-guard-${rule} serverside-applied`);
        expect(on).toContain(`validatingadmissionpolicybinding.admissionregistration.k8s.io/floe-guard-${rule} serverside-applied`);
      }
      // Turned off but still live: diff calls them orphaned (drift), with the delete that removes them.
      const offManifest = await writeManifest('off');
      const diff = await new Promise<{ code: number; stdout: string }>((done) => {
        execFile(process.execPath, [FLOE_BIN, '--log-level', 'silent', 'network', 'diff', '--kubeconfig', conn.info.kubeconfig, '-m', offManifest, '-o', 'json'], { timeout: 60_000 }, (err, stdout) =>
          done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout }),
        );
      });
      expect(diff.code).toBe(1);
      const report = JSON.parse(diff.stdout) as { orphaned: { kind: string; namespace: string | null; name: string }[]; orphans: { removeCommands: string[] } };
      expect(report.orphaned.filter((o) => o.namespace === null).map((o) => `${o.kind}/${o.name}`).sort()).toEqual(
        ['network-policies', 'pod-hardening', 'pod-security-labels'].flatMap((rule) => [`ValidatingAdmissionPolicy/floe-guard-${rule}`, `ValidatingAdmissionPolicyBinding/floe-guard-${rule}`]).sort(),
      );
      expect(report.orphans.removeCommands[0]).toMatch(/^kubectl delete validatingadmissionpolicy\.admissionregistration\.k8s\.io\/floe-guard-/);
      const off = await prune(await generate(offManifest));
      const pruned = off.split('\n').filter((l) => l.endsWith(' pruned')).sort();
      expect(pruned).toEqual(
        ['network-policies', 'pod-hardening', 'pod-security-labels'].flatMap((rule) => [
          `validatingadmissionpolicy.admissionregistration.k8s.io/floe-guard-${rule} pruned`,
          `validatingadmissionpolicybinding.admissionregistration.k8s.io/floe-guard-${rule} pruned`,
        ]).sort(),
      );
      expect(await conn.kubectl.ok(['get', GUARD_KINDS, '-o', 'name'])).toBe('');
    } finally {
      if (saved === undefined) delete process.env.KUBECTL_APPLYSET;
      else process.env.KUBECTL_APPLYSET = saved;
      await conn.kubectl.run(['delete', '--ignore-not-found', '-f', PARENT]);
      await conn.kubectl.run(['delete', '--ignore-not-found', '-f', CRD]);
    }
  });
});
