import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type PssLevel } from '@floe/core';
import { parseManifestObjects, podOf, templatePassesEnforce } from '@floe/core/pss';
import { floe, tempDir } from './run.ts';

const PRIVILEGED_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: node-agent
  namespace: floe-jobs
spec:
  selector:
    matchLabels: {app: node-agent}
  template:
    metadata:
      labels: {app: node-agent}
    spec:
      containers:
        - name: agent
          image: registry.example.com/agent:1.4
          securityContext:
            privileged: true
`;

const HARDENED_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'hardened' },
  spec: {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  },
};

const SYSCTL_POD = `apiVersion: v1
kind: Pod
metadata: {name: tuned}
spec:
  securityContext:
    sysctls:
      - {name: net.ipv4.tcp_slow_start_after_idle, value: "0"}
      - {name: net.ipv4.tcp_notsent_lowat, value: "16384"}
  containers:
    - {name: app, image: registry.example.com/app:1.0}
`;

async function write(name: string, text: string): Promise<string> {
  const file = join(await tempDir('floe-pss-'), name);
  await writeFile(file, text);
  return file;
}

interface PssJson {
  level: string;
  version: string;
  allowed: boolean;
  counts: { checked: number; refused: number; skipped: number };
  results: { file: string; line: number; kind: string; namespace: string | null; name: string; templatePath: string; allowed: boolean; message: string | null; violations: { check: string; reason: string; detail: string }[] }[];
  skipped: { file: string; line: number; kind: string; name: string }[];
}

describe('floe network pss check', () => {
  it('exits 1 for a privileged Deployment at restricted:latest, naming each violated check', async () => {
    const file = await write('deploy.yaml', PRIVILEGED_DEPLOYMENT);
    const r = await floe(['network', 'pss', 'check', '-f', file, '--level', 'restricted:latest']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`${file}:1 Deployment floe-jobs/node-agent: refused at restricted:latest (5 checks)`);
    for (const check of ['privileged', 'allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted']) expect(r.stdout).toMatch(new RegExp(`^  ${check} `, 'm'));
    expect(r.stdout).toContain('privileged (container "agent" must not set securityContext.privileged=true)');
    expect(r.stderr).toContain('floe: Pod Security: refused at restricted:latest: 1 of 1 pods and pod templates');
  });

  it('points each violation at its field\'s line, with a remedy and a YAML snippet to paste, in text and JSON', async () => {
    const file = await write('deploy.yaml', PRIVILEGED_DEPLOYMENT);
    const r = await floe(['network', 'pss', 'check', '-f', file]);
    // The securityContext of container "agent" is on line 16 of the Deployment, its pod spec on line 12.
    expect(r.stdout).toContain(`    at ${file}:16 spec.template.spec.containers[0].securityContext\n    fix: set securityContext.allowPrivilegeEscalation=false in container "agent" of the pod template\n`);
    expect(r.stdout).toContain('      allowPrivilegeEscalation: false\n');
    const json = JSON.parse((await floe(['network', 'pss', 'check', '-f', file, '-o', 'json'])).stdout) as PssJson;
    const ape = json.results[0]?.violations.find((v) => v.check === 'allowPrivilegeEscalation') as unknown as Record<string, unknown>;
    expect(ape).toMatchObject({ line: 16, path: 'spec.template.spec.containers[0].securityContext', remedy: 'set securityContext.allowPrivilegeEscalation=false in container "agent" of the pod template' });
    expect(ape.snippet).toBe('# in spec.template.spec.containers[0] (container "agent")\nsecurityContext:\n  allowPrivilegeEscalation: false\n');
    const seccomp = json.results[0]?.violations.find((v) => v.check === 'seccompProfile_restricted') as unknown as Record<string, unknown>;
    expect(seccomp).toMatchObject({ line: 12, path: 'spec.template.spec' });
    expect(seccomp.snippet).toBe('# in spec.template.spec (the pod)\nsecurityContext:\n  seccompProfile:\n    type: RuntimeDefault\n');
  });

  it('defaults to restricted:latest and judges baseline at the version given', async () => {
    const file = await write('deploy.yaml', PRIVILEGED_DEPLOYMENT);
    expect((await floe(['network', 'pss', 'check', '-f', file])).stdout).toContain('refused at restricted:latest (5 checks)');
    const baseline = await floe(['network', 'pss', 'check', '-f', file, '--level', 'baseline:v1.30']);
    expect(baseline.code).toBe(1);
    expect(baseline.stdout).toContain('refused at baseline:v1.30 (1 check)');
  });

  it('exits 0 when every pod would be admitted, and skips other kinds', async () => {
    const file = await write('ok.yaml', `${JSON.stringify(HARDENED_POD)}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n`);
    const r = await floe(['network', 'pss', 'check', '-f', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${file}:1 Pod hardened: allowed at restricted:latest\nallowed at restricted:latest: all 1 pods and pod templates; 1 object of other kinds skipped\n`);
  });

  it('reads kind: List, several documents, directories and stdin, and keeps the stable JSON shape', async () => {
    const dir = await tempDir('floe-pss-dir-');
    await writeFile(join(dir, 'a.yaml'), PRIVILEGED_DEPLOYMENT);
    await writeFile(join(dir, 'b.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [HARDENED_POD, { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { jobTemplate: { spec: { template: { spec: { hostPID: true, containers: [{ name: 'c', image: 'x' }] } } } } } }] }));
    await writeFile(join(dir, 'notes.txt'), 'not a manifest');
    const r = await floe(['network', 'pss', 'check', '-f', dir, '--level', 'baseline', '-o', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout) as PssJson;
    expect(json).toMatchObject({ level: 'baseline', version: 'latest', allowed: false, counts: { checked: 3, refused: 2, skipped: 0 }, skipped: [] });
    expect(json.results.map((x) => [x.kind, x.name, x.templatePath, x.allowed, x.violations.map((v) => v.check)])).toEqual([
      ['Deployment', 'node-agent', 'spec.template', false, ['privileged']],
      ['Pod', 'hardened', '', true, []],
      ['CronJob', 'nightly', 'spec.jobTemplate.spec.template', false, ['hostNamespaces']],
    ]);
    expect(json.results[2]?.message).toBe('violates PodSecurity "baseline:latest": host namespaces (hostPID=true)');
    const stdin = await new Promise<{ code: number; stdout: string }>((done) => {
      import('node:child_process').then(({ spawn }) => {
        const child = spawn(process.execPath, [join(import.meta.dirname, '../../packages/floe-cli/dist/bin.js'), 'network', 'pss', 'check', '-f', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.on('close', (code) => done({ code: code ?? -1, stdout }));
        child.stdin.end(PRIVILEGED_DEPLOYMENT);
      });
    });
    expect(stdin.code).toBe(1);
    expect(stdin.stdout).toContain('<stdin>:1 Deployment floe-jobs/node-agent: refused');
  });

  it('admits the two sysctls 1.37 made safe at baseline:v1.37 and latest, refuses them at v1.35, and judges v1.38 as v1.37 with a warning naming both', async () => {
    const file = await write('sysctls.yaml', SYSCTL_POD);
    for (const level of ['baseline:v1.37', 'baseline:latest']) {
      const r = await floe(['network', 'pss', 'check', '-f', file, '--level', level]);
      expect(r.code, `${level}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`Pod tuned: allowed at ${level}`);
      expect(r.stderr).not.toContain('warning');
    }
    const old = await floe(['network', 'pss', 'check', '-f', file, '--level', 'baseline:v1.35']);
    expect(old.code).toBe(1);
    expect(old.stdout).toContain('sysctls  forbidden sysctls (net.ipv4.tcp_slow_start_after_idle, net.ipv4.tcp_notsent_lowat)');
    const newer = await floe(['network', 'pss', 'check', '-f', file, '--level', 'baseline:v1.38', '-o', 'json']);
    expect(newer.code, newer.stderr).toBe(0);
    expect(newer.stderr).toContain('floe: warning: Pod Security version v1.38 is newer than the newest this floe knows (v1.37): judged as v1.37');
    expect(JSON.parse(newer.stdout)).toMatchObject({ level: 'baseline', version: 'v1.38', evaluatedVersion: 'v1.37', allowed: true });
  });

  it('admits a volume with no source at restricted, as the emptyDir the API server makes of it, in a Pod and a Deployment', async () => {
    const pod = { ...HARDENED_POD, metadata: { name: 'scratch' }, spec: { ...HARDENED_POD.spec, volumes: [{ name: 'v' }] } };
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: pod.spec } } };
    const file = await write('scratch.yaml', `${JSON.stringify(pod)}\n---\n${JSON.stringify(deployment)}\n`);
    const r = await floe(['network', 'pss', 'check', '-f', file, '--level', 'restricted']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Pod scratch: allowed at restricted:latest');
    expect(r.stdout).toContain('Deployment web: allowed at restricted:latest');
  });

  it('exits 2 for a level the API server would not write, before reading anything', async () => {
    for (const level of ['strict', 'restricted:1.30', 'restricted:v2.1']) {
      const r = await floe(['network', 'pss', 'check', '-f', '/nonexistent.yaml', '--level', level]);
      expect(r.code, level).toBe(2);
      expect(r.stderr).toContain('invalid Pod Security');
    }
  });

  it('exits 2 naming file and line for YAML errors, non-objects and wrongly typed fields, all at once', async () => {
    const file = await write('bad.yaml', `${PRIVILEGED_DEPLOYMENT.replace('privileged: true', 'privileged: "yes"')}---\n- just a list\n---\nkind: Pod\nmetadata: {name: x\n`);
    const r = await floe(['network', 'pss', 'check', '-f', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('3 problems in the input');
    expect(r.stderr).toContain(`${file}:17:1 Deployment floe-jobs/node-agent: spec.template.spec.containers[0].securityContext.privileged must be a boolean, not "yes"`);
    expect(r.stderr).toContain(`${file}:19:1 a document must be a Kubernetes object`);
    expect(r.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2[23]:\\d+ YAML syntax error`));
    expect(r.stdout).toBe('');
  });

  it('exits 2, never 4, for an empty container, a mapping as a name and a kind named after an Object.prototype member', async () => {
    const file = await write('odd.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - null\n    - {name: {toString: false}, image: x}\n---\nkind: toString\nmetadata: {name: t}\nspec: {containers: []}\n');
    const r = await floe(['network', 'pss', 'check', '-f', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:6:1 Pod p: spec.containers[0] must be a mapping, not null`);
    expect(r.stderr).toContain(`${file}:7:1 Pod p: spec.containers[1].name must be a string, not a mapping`);
    expect(r.stderr).not.toContain('internal error');
  });

  it('exits 2 for a missing file and a workload without a pod template', async () => {
    expect((await floe(['network', 'pss', 'check', '-f', '/nonexistent/deploy.yaml'])).stderr).toContain('floe: error: cannot read /nonexistent/deploy.yaml: no such file or directory');
    const file = await write('empty.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: empty}\nspec: {}\n');
    const r = await floe(['network', 'pss', 'check', '-f', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Deployment empty: no pod spec at spec.template.spec');
  });

  it('teaches in --help: levels, versions, checks, exit codes and examples', async () => {
    const r = await floe(['network', 'pss', 'check', '--help']);
    expect(r.code).toBe(0);
    for (const text of ['--level <LEVEL[:VERSION]>', 'restricted:latest', 'enforce-version', 'Exit codes', 'floe network pss check -f k8s/ --level baseline:v1.30', 'procMount_restricted']) expect(r.stdout).toContain(text);
  });

  it('passes every floe-hardened template floe generates at its namespace enforce level, v1.25 to latest (as validate will check)', async () => {
    const cwd = await tempDir('floe-pss-gen-');
    expect((await floe(['--log-level', 'silent', 'network', 'generate'], { cwd })).code).toBe(0);
    const dir = join(cwd, 'target/network');
    const objects = (await Promise.all((await readdir(dir)).filter((f) => f.endsWith('.yaml')).map(async (f) => parseManifestObjects(await readFile(join(dir, f), 'utf8'), f).objects))).flat();
    const enforce = new Map(
      objects.filter((o) => o.object.kind === 'Namespace').map((o) => {
        const meta = o.object.metadata as { name: string; labels: Record<string, string> };
        return [meta.name, meta.labels['pod-security.kubernetes.io/enforce'] as PssLevel];
      }),
    );
    const templates = objects.map((o) => podOf(o.object)).filter((t) => t?.kind === 'PodTemplate');
    expect(templates.length).toBeGreaterThan(0);
    for (const t of templates) {
      const level = enforce.get(t?.namespace ?? '');
      expect(level, t?.namespace).toBeDefined();
      expect(templatePassesEnforce(t!.pod, level as PssLevel), `${t?.namespace}/${t?.name} at ${level}`).toEqual({ passes: true, failures: [] });
    }
    const cli = await floe(['network', 'pss', 'check', '-f', dir, '--level', 'restricted:v1.25']);
    expect(cli.code, cli.stdout).toBe(0);
  });
});
