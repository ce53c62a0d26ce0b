// `floe network harden` over plain text inputs: what is merged, what is kept,
// what is a conflict, and that the output passes `pss check` (its own code path).
import { describe, expect, it } from 'vitest';
import { defaultManifest, parseManifest } from '../../src/config/index.js';
import { HardenConflicts, hardenCheckJson, hardenCheckText, hardenedStream, hardenInputs, hardenPatches, hardenPolicy, type NamespaceRole } from '../../src/harden/index.js';
import { ManifestInputError, parseManifestObjects } from '../../src/manifests/index.js';
import { checkObjects, renderPodTemplate } from '../../src/pss/index.js';

const MANIFEST = defaultManifest().config;
const PS = MANIFEST.security.pod_security;
const settings = (role: NamespaceRole = 'jobs') => hardenPolicy(MANIFEST, role);
const harden = (text: string, role: NamespaceRole = 'jobs', file = 'in.yaml') => hardenInputs([{ file, text }], settings(role));
const conflictsOf = (text: string, role: NamespaceRole = 'jobs'): string[] => {
  try {
    harden(text, role);
  } catch (err) {
    if (err instanceof HardenConflicts) return err.problems.map((p) => `${p.line}: ${p.message}`);
    throw err;
  }
  throw new Error('no conflict');
};
const objectsOf = (text: string) => parseManifestObjects(text, 'out.yaml').objects.map((o) => o.object);

const DEPLOYMENT = `# the chart's Deployment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api       # the service
  namespace: floe-sales-domain
spec:
  replicas: 2
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
      - name: api
        image: example/api:1.0
        ports:
        - containerPort: 8080   # http
`;

describe('floe network harden: merging', () => {
  it('adds the hardened pod and container context and writable mounts, keeping comments, key order and sequence style', () => {
    const out = hardenedStream(harden(DEPLOYMENT));
    expect(out).toBe(`# the chart's Deployment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api       # the service
  namespace: floe-sales-domain
spec:
  replicas: 2
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
      - name: api
        image: example/api:1.0
        ports:
        - containerPort: 8080   # http
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          runAsNonRoot: true
          capabilities:
            drop:
            - ALL
        volumeMounts:
        - name: writable-tmp
          mountPath: /tmp
        - name: writable-home-floe
          mountPath: /home/floe
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        runAsGroup: 1000
        fsGroup: 1000
        seccompProfile:
          type: RuntimeDefault
      volumes:
      - name: writable-tmp
        emptyDir: {}
      - name: writable-home-floe
        emptyDir: {}
`);
  });

  it('sets exactly what the floe-hardened PodTemplate carries (one source)', () => {
    const [deployment] = objectsOf(hardenedStream(harden(DEPLOYMENT)));
    const spec = (deployment as { spec: { template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } } } }).spec.template.spec;
    const template = renderPodTemplate({ name: 'x', role: 'jobs', labels: {}, podSecurity: null } as unknown as Parameters<typeof renderPodTemplate>[0], PS).template.spec;
    expect(spec.securityContext).toEqual(template.securityContext);
    expect(spec.automountServiceAccountToken).toBe(template.automountServiceAccountToken);
    expect(spec.volumes).toEqual(template.volumes);
    expect(spec.containers[0]?.securityContext).toEqual(template.containers[0]?.securityContext);
    expect(spec.containers[0]?.volumeMounts).toEqual(template.containers[0]?.volumeMounts);
  });

  it('is idempotent: hardened output has nothing missing', () => {
    const once = hardenedStream(harden(DEPLOYMENT));
    const twice = harden(once);
    expect(twice.workloads[0]?.changes).toEqual([]);
    expect(hardenedStream(twice)).toBe(once);
  });

  it('passes pss check at restricted:latest, for every kind it hardens', () => {
    const kinds = `apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  initContainers: [{ name: init, image: busybox }]
  containers: [{ name: app, image: busybox }]
  ephemeralContainers: [{ name: debug, image: busybox }]
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: c }
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec: { restartPolicy: Never, containers: [{ name: app, image: busybox }] }
---
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: StatefulSet
  metadata: { name: s }
  spec: { selector: {}, serviceName: s, template: { spec: { containers: [{ name: app, image: busybox }] } } }
- apiVersion: apps/v1
  kind: DaemonSet
  metadata: { name: d }
  spec: { selector: {}, template: { spec: { containers: [{ name: app, image: busybox }] } } }
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata: { name: r }
  spec: { selector: {}, template: { spec: { containers: [{ name: app, image: busybox }] } } }
- apiVersion: batch/v1
  kind: Job
  metadata: { name: j }
  spec: { template: { spec: { restartPolicy: Never, containers: [{ name: app, image: busybox }] } } }
`;
    const before = checkObjects([{ file: 'in.yaml', text: kinds }], { level: 'restricted', version: 'latest' });
    expect(before.checked.filter((c) => !c.result.allowed)).toHaveLength(6);
    const result = harden(kinds);
    expect(result.workloads.map((w) => w.kind)).toEqual(['Pod', 'CronJob', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);
    const after = checkObjects([{ file: 'out.yaml', text: hardenedStream(result) }], { level: 'restricted', version: 'latest' });
    expect(after.checked).toHaveLength(6);
    expect(after.checked.filter((c) => !c.result.allowed).map((c) => c.result.violations)).toEqual([]);
    const pod = objectsOf(hardenedStream(result))[0] as { spec: Record<string, { securityContext?: unknown; volumeMounts?: unknown }[]> };
    for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
      expect(pod.spec[list]?.[0]?.securityContext, list).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(pod.spec[list]?.[0]?.volumeMounts, list).toHaveLength(2);
    }
  });

  it('keeps a file indented by four spaces with sequences under their keys as it is', () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
    name: p
spec:
    containers:
        - name: app
          image: busybox
`;
    const out = hardenedStream(harden(text));
    expect(out.startsWith(`apiVersion: v1
kind: Pod
metadata:
    name: p
spec:
    containers:
        - name: app
          image: busybox
          securityContext:
              allowPrivilegeEscalation: false
`)).toBe(true);
  });

  it('passes other kinds through unchanged, byte for byte', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n    name: c   # four spaces\ndata: {a: "1"}\n`;
    const result = harden(text);
    expect(result.workloads).toEqual([]);
    expect(result.files[0]?.changed).toBe(false);
    expect(hardenedStream(result)).toBe(text);
  });

  it('keeps fields the user set at least as strictly', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  automountServiceAccountToken: false
  securityContext:
    runAsUser: 2000
    seccompProfile: { type: Localhost, localhostProfile: profiles/strict.json }
  containers:
  - name: app
    image: busybox
    securityContext:
      readOnlyRootFilesystem: true
      capabilities: { drop: [NET_RAW] }
`;
    const w = harden(text).workloads[0];
    const fields = w?.changes.map((c) => c.field);
    expect(fields).not.toContain('spec.securityContext.runAsUser');
    expect(fields).not.toContain('spec.securityContext.seccompProfile');
    expect(fields).not.toContain('spec.automountServiceAccountToken');
    const pod = objectsOf(hardenedStream(harden(text)))[0] as { spec: { securityContext: unknown; containers: { securityContext: unknown }[] } };
    expect(pod.spec.securityContext).toEqual({ runAsUser: 2000, seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/strict.json' }, runAsNonRoot: true, runAsGroup: 1000, fsGroup: 1000 });
    expect(pod.spec.containers[0]?.securityContext).toEqual({ readOnlyRootFilesystem: true, capabilities: { drop: ['NET_RAW', 'ALL'] }, allowPrivilegeEscalation: false, runAsNonRoot: true });
  });

  it('mounts no writable path twice and never reuses a volume name for another volume', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers:
  - name: app
    image: busybox
    volumeMounts: [{ name: scratch, mountPath: /tmp }]
  volumes:
  - name: scratch
    emptyDir: {}
  - name: writable-home-floe
    configMap: { name: home }
`;
    const pod = objectsOf(hardenedStream(harden(text)))[0] as { spec: { containers: { volumeMounts: unknown }[]; volumes: unknown } };
    expect(pod.spec.containers[0]?.volumeMounts).toEqual([
      { name: 'scratch', mountPath: '/tmp' },
      { name: 'writable-home-floe-2', mountPath: '/home/floe' },
    ]);
    expect(pod.spec.volumes).toEqual([
      { name: 'scratch', emptyDir: {} },
      { name: 'writable-home-floe', configMap: { name: 'home' } },
      { name: 'writable-home-floe-2', emptyDir: {} },
    ]);
  });

  it('follows the manifest: its UIDs, seccomp profile and writable paths', () => {
    const manifest = parseManifest(
      'security:\n  pod_security:\n    run_as_user: 4242\n    seccomp_profile: Localhost\n    localhost_profile: floe/strict.json\n    writable_paths: [/scratch]\n',
      'manifest.yaml',
    );
    const result = hardenInputs([{ file: 'in.yaml', text: DEPLOYMENT }], hardenPolicy(manifest, 'jobs'));
    const d = objectsOf(hardenedStream(result))[0] as { spec: { template: { spec: { securityContext: unknown; volumes: unknown } } } };
    expect(d.spec.template.spec.securityContext).toMatchObject({ runAsUser: 4242, seccompProfile: { type: 'Localhost', localhostProfile: 'floe/strict.json' } });
    expect(d.spec.template.spec.volumes).toEqual([{ name: 'writable-scratch', emptyDir: {} }]);
  });

  it('writes JSON input as JSON in place and as YAML on the stream', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'busybox' }] } }, null, 2);
    const file = harden(json, 'jobs', 'pod.json').files[0];
    expect(file?.changed).toBe(true);
    const parsed = JSON.parse(file?.text ?? '') as { spec: { securityContext: unknown } };
    expect(parsed.spec.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(file?.yaml).toContain('runAsNonRoot: true');
    expect(file?.yaml.trimStart().startsWith('{')).toBe(false);
  });

  it('rewrites a document with aliases from its value, with the same result', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers:
  - &app { name: app, image: busybox }
  initContainers:
  - *app
`;
    const file = harden(text).files[0];
    expect(file?.rewritten).toBe(1);
    const after = checkObjects([{ file: 'out.yaml', text: file?.text ?? '' }], { level: 'restricted', version: 'latest' });
    expect(after.checked[0]?.result.allowed).toBe(true);
  });
});

describe('floe network harden: conflicts', () => {
  const job = (podSecurity: string, containerSecurity: string, extra = '') => `apiVersion: batch/v1
kind: Job
metadata:
  name: etl
  namespace: floe-jobs
spec:
  template:
    spec:
      restartPolicy: Never${extra}
      securityContext: ${podSecurity}
      containers:
      - name: etl
        image: busybox
        securityContext: ${containerSecurity}
`;

  it('refuses, never overrides, what contradicts restricted, naming line, workload, container and field', () => {
    expect(conflictsOf(job('{ runAsNonRoot: false }', '{ privileged: true }'))).toEqual([
      '10: Job floe-jobs/etl: spec.template.spec.securityContext.runAsNonRoot: runAsNonRoot: false runs as root where Pod Security restricted requires non-root; remove it or set true',
      '14: Job floe-jobs/etl: container "etl": spec.template.spec.containers[0].securityContext.privileged: privileged: true is forbidden by Pod Security restricted; remove it',
    ]);
    expect(conflictsOf(job('{ runAsUser: 0 }', '{ allowPrivilegeEscalation: true, capabilities: { add: [NET_BIND_SERVICE, SYS_ADMIN] } }'))).toEqual([
      '10: Job floe-jobs/etl: spec.template.spec.securityContext.runAsUser: runAsUser: 0 is root, which Pod Security restricted forbids; remove it (floe sets 1000) or use a non-zero UID',
      '14: Job floe-jobs/etl: container "etl": spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation: allowPrivilegeEscalation: true is forbidden by Pod Security restricted; remove it or set false',
      '14: Job floe-jobs/etl: container "etl": spec.template.spec.containers[0].securityContext.capabilities.add[1]: adds capability SYS_ADMIN; Pod Security restricted allows adding only NET_BIND_SERVICE',
    ]);
  });

  it("refuses readOnlyRootFilesystem: false in jobs and domain namespaces (the admission guard's rule) and keeps it in the platform namespace", () => {
    const text = job('{}', '{ readOnlyRootFilesystem: false }');
    for (const role of ['jobs', 'domain'] as const) {
      expect(conflictsOf(text, role)[0]).toContain(`readOnlyRootFilesystem: false, but the manifest's read_only_root_filesystem applies in ${role} namespaces (and floe's admission guard refuses it there)`);
    }
    const w = harden(text, 'platform').workloads[0];
    expect(w?.notes.map((n) => `${n.field}: ${n.message}`)).toEqual(['spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem: kept false (floe sets true)']);
  });

  it('at the platform role (baseline) keeps what baseline allows, with a note, and still refuses privileged', () => {
    const text = job('{ runAsUser: 0 }', '{ allowPrivilegeEscalation: true, readOnlyRootFilesystem: true }');
    const w = harden(text, 'platform').workloads[0];
    expect(w?.notes.map((n) => n.field)).toEqual(['spec.template.spec.securityContext.runAsUser', 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation']);
    expect(conflictsOf(job('{}', '{ privileged: true }'), 'platform')[0]).toContain('privileged: true is forbidden by Pod Security baseline');
  });

  it('reports what harden cannot set (host namespaces, hostPath) through the Pod Security evaluator, at the field', () => {
    const text = job('{}', '{}', '\n      hostNetwork: true\n      volumes: [{ name: h, hostPath: { path: /var } }]');
    const got = conflictsOf(text);
    expect(got[0]).toBe(
      '10: Job floe-jobs/etl: spec.template.spec.hostNetwork: host namespaces (hostNetwork=true): Pod Security restricted:latest refuses it, and harden does not remove it for you',
    );
    expect(got.some((c) => c.includes('hostPath volumes') || c.includes('hostPath'))).toBe(true);
  });

  it('refuses a Windows pod rather than giving it Linux settings the API server would refuse', () => {
    expect(conflictsOf(job('{}', '{}', '\n      os: { name: windows }'))[0]).toMatch(/^10: Job floe-jobs\/etl: spec\.template\.spec\.os\.name: is windows: floe's hardened context is for Linux pods/);
  });

  it('keeps automountServiceAccountToken: true with a note naming the service account', () => {
    const text = job('{}', '{}', '\n      serviceAccountName: spark\n      automountServiceAccountToken: true');
    const w = harden(text).workloads[0];
    expect(w?.notes[0]?.message).toBe(`kept true (floe sets false): floe's admission guard, when on, refuses it unless service account "spark" is allow-listed`);
  });

  it("follows the manifest's admission guard for the token: allow-listed is kept, otherwise refused (deny) or noted (warn)", () => {
    const text = job('{}', '{}', '\n      serviceAccountName: spark\n      automountServiceAccountToken: true');
    const guarded = (guard: string) => hardenPolicy(parseManifest(`security:\n  admission_guard: ${guard}\n`, 'manifest.yaml'), 'jobs');
    const allowed = hardenInputs([{ file: 'in.yaml', text }], guarded('{ mode: deny, automount_service_accounts: [spark] }')).workloads[0];
    expect(allowed?.notes[0]?.message).toBe('kept true (floe sets false): service account "spark" is in security.admission_guard.automount_service_accounts');
    let caught: unknown;
    try {
      hardenInputs([{ file: 'in.yaml', text }], guarded('deny'));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(HardenConflicts);
    expect((caught as HardenConflicts).problems.map((p) => p.message).join('\n')).toContain(
      `automountServiceAccountToken: true, but floe's admission guard (security.admission_guard: deny) refuses it in jobs namespaces unless service account "spark" is in security.admission_guard.automount_service_accounts`,
    );
    const warned = hardenInputs([{ file: 'in.yaml', text }], guarded('warn')).workloads[0];
    expect(warned?.notes[0]?.message).toMatch(/^automountServiceAccountToken: true, but floe's admission guard \(security.admission_guard: warn\) warns about it/);
  });

  it('reports every conflict of every file together and returns nothing', () => {
    let caught: unknown;
    try {
      hardenInputs(
        [
          { file: 'a.yaml', text: job('{}', '{ privileged: true }') },
          { file: 'b.yaml', text: job('{ runAsNonRoot: false }', '{}') },
        ],
        settings(),
      );
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(HardenConflicts);
    expect((caught as HardenConflicts).problems.map((p) => `${p.file}:${p.line}`)).toEqual(['a.yaml:14', 'b.yaml:10']);
    expect((caught as HardenConflicts).code).toBe('input.harden_conflict');
  });

  it('refuses malformed input as an input problem, naming file and line', () => {
    expect(() => harden('apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers: 3\n')).toThrow(ManifestInputError);
    expect(() => harden('apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d }\nspec: {}\n')).toThrow(/in\.yaml:1:1: Deployment d: no pod spec at spec\.template\.spec/);
  });
});

describe('floe network harden: the namespace role', () => {
  const deployment = (namespace: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${namespace} }
spec:
  template:
    spec:
      containers:
      - name: web
        image: busybox
        securityContext: { allowPrivilegeEscalation: true }
`;

  it("takes each object's role from its namespace in the manifest, else jobs; --namespace-role overrides it for all", () => {
    const manifest = parseManifest('namespaces: { platform: floe-platform, jobs: floe-jobs }\ndomains: [{ name: sales }]\n', 'manifest.yaml');
    const inputs = ['floe-platform', 'floe-jobs', 'floe-sales-domain', 'elsewhere'].map((ns) => ({ file: `${ns}.yaml`, text: deployment(ns) }));
    let caught: unknown;
    try {
      hardenInputs(inputs, hardenPolicy(manifest));
    } catch (err) {
      caught = err;
    }
    // platform is baseline (allowPrivilegeEscalation allowed, kept); the others are restricted (a conflict).
    expect((caught as HardenConflicts).problems.map((p) => p.file)).toEqual(['floe-jobs.yaml', 'floe-sales-domain.yaml', 'elsewhere.yaml']);
    const platform = hardenInputs(inputs.slice(0, 1), hardenPolicy(manifest));
    expect(platform.workloads.map((w) => [w.role, w.level])).toEqual([['platform', 'baseline:latest']]);
    const forced = hardenInputs(inputs, hardenPolicy(manifest, 'platform'));
    expect(forced.workloads.map((w) => w.role)).toEqual(['platform', 'platform', 'platform', 'platform']);
    expect(hardenCheckJson(forced).workloads).toHaveLength(4);
  });
});

describe('floe network harden: --check and -o patch', () => {
  it('lists each missing field with its line, and a summary', () => {
    const text = hardenCheckText(harden(DEPLOYMENT));
    expect(text).toContain('in.yaml:2: Deployment floe-sales-domain/api (namespace role jobs, Pod Security restricted:latest): 12 settings missing');
    expect(text).toContain('  in.yaml:12: spec.template.spec.automountServiceAccountToken: missing, floe sets false');
    expect(text).toContain('  in.yaml:14: container "api": spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem: missing, floe sets true');
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'harden --check: 1 of 1 workloads miss 12 settings (namespace role jobs, Pod Security restricted:latest); run floe network harden to add them',
    );
    expect(hardenCheckText(harden(hardenedStream(harden(DEPLOYMENT))))).toContain('1 workload hardened');
  });

  it('prints a strategic-merge patch that names containers and volumes by their merge keys', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ns }
spec:
  containers:
  - name: a
    image: busybox
    securityContext: { capabilities: { drop: [NET_RAW] } }
    volumeMounts: [{ name: data, mountPath: /data }]
  - name: b
    image: busybox
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: [ALL] } }
  volumes: [{ name: data, emptyDir: {} }]
`;
    const [patch] = objectsOf(hardenPatches(harden(text)));
    expect(patch).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ns' },
      spec: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'a',
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['NET_RAW', 'ALL'] } },
            volumeMounts: [
              { name: 'writable-tmp', mountPath: '/tmp' },
              { name: 'writable-home-floe', mountPath: '/home/floe' },
            ],
          },
          { name: 'b', volumeMounts: [{ name: 'writable-tmp', mountPath: '/tmp' }, { name: 'writable-home-floe', mountPath: '/home/floe' }] },
        ],
        volumes: [
          { name: 'writable-tmp', emptyDir: {} },
          { name: 'writable-home-floe', emptyDir: {} },
        ],
      },
    });
    expect(hardenPatches(harden(hardenedStream(harden(text))))).toBe('');
  });
});
