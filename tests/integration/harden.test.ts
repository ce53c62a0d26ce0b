// `floe network harden` judged by the real API server: in a namespace that
// enforces Pod Security restricted, the hardened output (the YAML, and the
// original plus the -o patch through kustomize) is admitted where the input
// was refused. No controller runs, so a workload's pods are created from its
// template by the test, as the controller would create them.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifestObjects } from '@floe/core/manifests';
import { connect, type Connection } from '../harness/context.ts';
import { floe } from '../harness/floe.ts';
import type { KubeObject } from '../harness/kube.ts';
import { Namespaces, uniqueName } from '../harness/namespaces.ts';

let conn: Connection;
let ns: Namespaces;
let work: string;
let restricted: string;

const LEVEL_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/warn-version': 'latest',
};

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  work = await mkdtemp(join(conn.info.workDir, 'harden-'));
  restricted = await ns.create('floe-it-harden', LEVEL_LABELS);
  if (conn.info.hasNamespaceController) {
    const deadline = Date.now() + 30_000;
    while ((await conn.api.request('GET', `/api/v1/namespaces/${restricted}/serviceaccounts/default`)).status !== 200) {
      if (Date.now() > deadline) throw new Error(`ServiceAccount ${restricted}/default did not appear within 30 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
});

afterAll(async () => {
  await ns?.cleanup();
});

const job = (namespace: string) => `# nightly ETL job
apiVersion: batch/v1
kind: Job
metadata:
  name: etl
  namespace: ${namespace}
spec:
  backoffLimit: 0
  template:
    metadata:
      labels: { app: etl }   # selected by the ETL NetworkPolicies
    spec:
      restartPolicy: Never
      initContainers:
        - name: fetch
          image: registry.k8s.io/pause:3.10
      containers:
        - name: etl
          image: registry.k8s.io/pause:3.10
          securityContext:
            runAsUser: 185   # the image's user
`;

const sparkOperator = (namespace: string) => `# Spark operator controller, as its Helm chart renders it (trimmed)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: spark-operator-controller
  namespace: ${namespace}
spec:
  replicas: 1
  selector:
    matchLabels: { app.kubernetes.io/name: spark-operator }
  template:
    metadata:
      labels: { app.kubernetes.io/name: spark-operator }
    spec:
      containers:
      - name: spark-operator-controller
        image: registry.k8s.io/pause:3.10
        args: [controller, start]
        ports:
        - { name: metrics, containerPort: 8080 }
        volumeMounts:
        - { name: webhook-certs, mountPath: /etc/k8s-webhook-server/serving-certs }
      volumes:
      - name: webhook-certs
        emptyDir: {}
`;

function objectsOf(text: string, file: string): Record<string, unknown>[] {
  const parsed = parseManifestObjects(text, file);
  if (parsed.problems.length) throw new Error(JSON.stringify(parsed.problems));
  return parsed.objects.map((o) => o.object);
}

/** The pod a controller would create from a workload's template. */
function podFrom(workload: Record<string, unknown>, name: string): KubeObject {
  const template = (workload.spec as { template: { metadata?: { labels?: Record<string, string> }; spec: unknown } }).template;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: restricted, ...(template.metadata?.labels ? { labels: template.metadata.labels } : {}) }, spec: template.spec } as KubeObject;
}

const createPod = (pod: KubeObject) => conn.api.request('POST', `/api/v1/namespaces/${restricted}/pods`, { body: pod });

describe('floe network harden against the API server (Pod Security restricted enforced)', () => {
  it('the pod of job.yaml is refused; after `floe network harden -f job.yaml` the Job applies without warnings and its pod is admitted', async () => {
    const dir = await mkdtemp(join(work, 'job-'));
    const input = job(restricted);
    await writeFile(join(dir, 'job.yaml'), input);
    const before = await createPod(podFrom(objectsOf(input, 'job.yaml')[0] as Record<string, unknown>, uniqueName('etl-plain')));
    expect(before.status).toBe(403);
    expect((before.body as { message?: string }).message).toContain('violates PodSecurity "restricted:latest"');

    const { stdout } = await floe(['network', 'harden', '-f', 'job.yaml'], dir);
    await writeFile(join(dir, 'job.hardened.yaml'), stdout);
    const applied = await conn.kubectl.run(['apply', '--server-side', '--field-manager=floe-test', '-f', join(dir, 'job.hardened.yaml')]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).not.toContain('PodSecurity');
    const stored = JSON.parse(await conn.kubectl.ok(['get', 'job', 'etl', '-n', restricted, '-o', 'json'])) as Record<string, unknown>;
    const after = await createPod(podFrom(stored, uniqueName('etl-hardened')));
    expect(after.status, after.text.slice(0, 600)).toBe(201);
    expect(after.warnings).toEqual([]);
    // The user's runAsUser (stricter or equal) is kept; floe's settings are added around it.
    const spec = (stored.spec as { template: { spec: { containers: { securityContext: Record<string, unknown> }[]; initContainers: { securityContext: Record<string, unknown> }[]; automountServiceAccountToken: boolean } } }).template.spec;
    expect(spec.containers[0]?.securityContext).toMatchObject({ runAsUser: 185, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(spec.initContainers[0]?.securityContext).toMatchObject({ readOnlyRootFilesystem: true });
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  it('a Spark-operator Deployment plus its -o patch, through `kubectl apply -k`, is stored hardened; its pod is admitted and equals the -o yaml output', async () => {
    const dir = await mkdtemp(join(work, 'kustomize-'));
    await writeFile(join(dir, 'spark-operator.yaml'), sparkOperator(restricted));
    const check = await floe(['network', 'harden', '-f', 'spark-operator.yaml', '--check'], dir).then(
      () => ({ code: 0, stdout: '' }),
      (err: Error) => ({ code: /exited (\d+)/.exec(err.message)?.[1] === '1' ? 1 : -1, stdout: err.message }),
    );
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('securityContext.readOnlyRootFilesystem: missing, floe sets true');

    const patch = await floe(['network', 'harden', '-f', 'spark-operator.yaml', '-o', 'patch'], dir);
    await writeFile(join(dir, 'floe-hardening.yaml'), patch.stdout);
    await writeFile(join(dir, 'kustomization.yaml'), 'resources:\n- spark-operator.yaml\npatches:\n- path: floe-hardening.yaml\n');
    const dry = await conn.kubectl.run(['apply', '-k', dir, '--server-side', '--field-manager=floe-test', '--dry-run=server']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).not.toContain('PodSecurity');
    const applied = await conn.kubectl.run(['apply', '-k', dir, '--server-side', '--field-manager=floe-test']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).not.toContain('PodSecurity');

    const stored = JSON.parse(await conn.kubectl.ok(['get', 'deployment', 'spark-operator-controller', '-n', restricted, '-o', 'json'])) as Record<string, unknown>;
    const pod = await createPod(podFrom(stored, uniqueName('spark-operator')));
    expect(pod.status, pod.text.slice(0, 600)).toBe(201);
    expect(pod.warnings).toEqual([]);

    // kustomize's merge of the patch gives what `harden -o yaml` writes (strategic merge puts a patch's list items first: compared by merge key).
    const built = objectsOf(await conn.kubectl.ok(['kustomize', dir]), 'kustomize')[0] as Record<string, unknown>;
    const direct = objectsOf((await floe(['network', 'harden', '-f', 'spark-operator.yaml'], dir)).stdout, 'direct')[0] as Record<string, unknown>;
    const byKey = (key: string) => (list: Record<string, string>[] | undefined) => [...(list ?? [])].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
    const templateSpec = (o: Record<string, unknown>) => {
      const spec = structuredClone((o.spec as { template: { spec: { volumes?: Record<string, string>[]; containers: { volumeMounts?: Record<string, string>[] }[] } } }).template.spec);
      spec.volumes = byKey('name')(spec.volumes);
      for (const c of spec.containers) c.volumeMounts = byKey('mountPath')(c.volumeMounts);
      return spec;
    };
    expect(templateSpec(built)).toEqual(templateSpec(direct));
  });

  it('a Pod hardened by floe network harden is created as written', async () => {
    const dir = await mkdtemp(join(work, 'pod-'));
    const name = uniqueName('hardened-pod');
    await writeFile(
      join(dir, 'pod.yaml'),
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${restricted}\nspec:\n  containers:\n  - name: app\n    image: registry.k8s.io/pause:3.10\n`,
    );
    const { stdout } = await floe(['network', 'harden', '-f', 'pod.yaml'], dir);
    const r = await conn.kubectl.run(['apply', '--server-side', '--field-manager=floe-test', '-f', '-'], stdout);
    expect(r.code, r.stderr).toBe(0);
    const got = await conn.api.request('GET', `/api/v1/namespaces/${restricted}/pods/${name}`);
    expect(got.status).toBe(200);
  });
});
