import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floe, REPO, tempDir } from './run.ts';

/**
 * Input an attacker chooses (a pull request's files, run by CI): symlinks out
 * of the tree, FIFOs, devices, /proc files, and YAML 1.1 merge keys that make
 * a policy mean something else to kubectl than to a YAML 1.2 reader.
 */

const EXAMPLE = join(REPO, 'examples/manifest.yaml');
const SECRET = 'ghp_floeTestSecretToken0123456789';
/** Generous bound for "does not hang": a FIFO read blocks forever. */
const NO_HANG = { timeout: 20_000 };

async function generatedRepo(): Promise<{ repo: string; out: string }> {
  const repo = await tempDir('floe-hostile-');
  const out = join(repo, 'target/network');
  const r = await floe(['network', 'generate', '-m', EXAMPLE, '-d', out]);
  expect(r.code, r.stderr).toBe(0);
  return { repo, out };
}

const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

describe('symlinks that leave the input are refused, and nothing they point at is printed', () => {
  it('validate: a generated file replaced by a link to /proc/self/environ is exit 2 naming the link, with no environment in text, json or sarif', async () => {
    const { out } = await generatedRepo();
    const link = join(out, 'floe-platform-allow-egress.yaml');
    await rm(link);
    await symlink('/proc/self/environ', link);
    for (const format of ['text', 'json', 'sarif']) {
      const r = await floe(['network', 'validate', '-m', EXAMPLE, '-d', out, '-o', format], { env: { GITHUB_TOKEN: SECRET } });
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toContain(`${link}: a symlink to /proc/`);
      expect(r.stderr).toContain('outside');
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(r.stdout + r.stderr).not.toContain('GITHUB_TOKEN');
    }
  });

  it('validate: a link to a kubeconfig outside the tree is refused; its token is never printed', async () => {
    const { repo, out } = await generatedRepo();
    const kubeconfig = join(await tempDir('floe-kube-'), 'config');
    await writeFile(kubeconfig, `apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: ${SECRET}\n`);
    const link = join(out, 'floe-jobs-allow-egress.yaml');
    await rm(link);
    await symlink(kubeconfig, link);
    const r = await floe(['network', 'validate', '-m', EXAMPLE, '-d', 'target/network', '-o', 'json'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('target/network/floe-jobs-allow-egress.yaml: a symlink to');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('a link that stays inside the input is followed, as kubectl and ConfigMap volumes do', async () => {
    const { out } = await generatedRepo();
    const name = 'floe-jobs-allow-egress.yaml';
    await mkdir(join(out, '..data'));
    await writeFile(join(out, '..data', name), await readFile(join(out, name)));
    await rm(join(out, name));
    await symlink(join('..data', name), join(out, name));
    const r = await floe(['network', 'diff', '--dir', out, '--kubeconfig', '/nonexistent'], {});
    // diff reads the directory first: it gets as far as the cluster (exit 3), past the reader.
    expect(r.stderr, r.stderr).not.toContain('symlink');
    expect(r.code).toBe(3);
  });

  it('diff --dir, audit --from-dir, explain --from-dir and pss check refuse the same link with exit 2', async () => {
    const { out } = await generatedRepo();
    const link = join(out, 'floe-platform-allow-egress.yaml');
    await rm(link);
    await symlink('/proc/self/environ', link);
    const runs = [
      ['network', 'diff', '--dir', out],
      ['network', 'audit', '--from-dir', out],
      ['network', 'explain', '--from-dir', out, '--from', 'floe-jobs/a', '--to', 'floe-platform/b'],
      ['network', 'pss', 'check', '-f', out],
    ];
    for (const args of runs) {
      const r = await floe(args, { env: { GITHUB_TOKEN: SECRET } });
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`${link}: a symlink to /proc/`);
      expect(r.stdout + r.stderr).not.toContain(SECRET);
    }
  });

  it('generate and validate refuse a manifest.yaml that links out of its directory', async () => {
    const repo = await tempDir('floe-hostile-manifest-');
    await symlink('/proc/self/environ', join(repo, 'manifest.yaml'));
    for (const cmd of ['generate', 'validate']) {
      const r = await floe(['network', cmd], { cwd: repo, env: { GITHUB_TOKEN: SECRET } });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('manifest.yaml');
      expect(r.stderr).toContain('a symlink to /proc/');
      expect(r.stdout + r.stderr).not.toContain(SECRET);
    }
  });
});

describe('what is not a regular file is refused at once, never read without bound', () => {
  it('pss check -f on a FIFO exits 2 instead of hanging', NO_HANG, async () => {
    const fifo = join(await tempDir('floe-fifo-'), 'pods.yaml');
    mkfifo(fifo);
    const r = await floe(['network', 'pss', 'check', '-f', fifo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${fifo}: a FIFO, not a regular file`);
  });

  it('a FIFO inside a directory: pss check, audit --from-dir and diff --dir exit 2; validate reports it as an unexpected entry', NO_HANG, async () => {
    const { out } = await generatedRepo();
    mkfifo(join(out, 'zz-fifo.yaml'));
    for (const args of [['network', 'pss', 'check', '-f', out], ['network', 'audit', '--from-dir', out], ['network', 'diff', '--dir', out]]) {
      const r = await floe(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('zz-fifo.yaml: a FIFO, not a regular file');
    }
    const v = await floe(['network', 'validate', '-m', EXAMPLE, '-d', out]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain('zz-fifo.yaml unexpected entry (not a regular file)');
  });

  it('an output file linked to /proc/self/pagemap or /dev/zero is refused by validate and diff --dir (no unbounded read)', NO_HANG, async () => {
    for (const target of ['/proc/self/pagemap', '/dev/zero']) {
      const { out } = await generatedRepo();
      const link = join(out, 'floe-jobs-allow-egress.yaml');
      await rm(link);
      await symlink(target, link);
      for (const args of [['network', 'validate', '-m', EXAMPLE, '-d', out], ['network', 'diff', '--dir', out]]) {
        const r = await floe(args);
        expect(r.code, `${target} ${args[1]}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toContain(`${link}: a symlink to ${target.startsWith('/proc/') ? '/proc/' : target}`);
      }
    }
  });

  it('pss check -f /proc/self/environ, named directly, is refused as a pseudo-file system file', async () => {
    const r = await floe(['network', 'pss', 'check', '-f', '/proc/self/environ'], { env: { GITHUB_TOKEN: SECRET } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/proc/self/environ: a file of the kernel');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });
});

const MERGE_POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: sneaky, namespace: shop}
spec: {<<: {ingress: [{}]}, podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: nginx}]}
status: {podIP: 10.1.0.5}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: other, labels: {app: client}}
spec: {containers: [{name: c, image: curl}]}
status: {podIP: 10.2.0.7}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
`;

const MERGE_POD = `apiVersion: v1
kind: Pod
metadata: {name: sneaky, namespace: shop}
spec:
  containers:
  - name: c
    image: nginx
    securityContext: {<<: {privileged: true}}
`;

describe('YAML 1.1 merge keys mean what kubectl applies', () => {
  it('a policy whose ingress comes from a merge key allows all ingress in audit and explain', async () => {
    const dir = await tempDir('floe-merge-');
    await writeFile(join(dir, 'all.yaml'), MERGE_POLICY);
    const audit = await floe(['network', 'audit', '--from-dir', dir, '-o', 'json', '--fail-on', 'never']);
    expect(audit.code, audit.stderr).toBe(0);
    const report = JSON.parse(audit.stdout) as { findings: { id: string }[]; policies: { name: string; ingress: string[] | null }[] };
    expect(JSON.stringify(report.policies)).not.toContain('all ingress is denied');
    expect(report.findings.map((f) => f.id)).toContain('allow-all-ingress');
    const explain = await floe(['network', 'explain', '--from-dir', dir, '--from', 'other/client', '--to', 'shop/web', '--port', '80']);
    expect(explain.code, explain.stdout + explain.stderr).toBe(0);
    expect(explain.stdout).toMatch(/^ALLOWED /);
  });

  it('a pod whose privileged: true comes from a merge key fails pss check at restricted and baseline', async () => {
    const file = join(await tempDir('floe-merge-pod-'), 'pod.yaml');
    await writeFile(file, MERGE_POD);
    for (const level of ['restricted:latest', 'baseline:latest']) {
      const r = await floe(['network', 'pss', 'check', '-f', file, '--level', level]);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toContain('privileged');
    }
  });

  it('`on` reads as the boolean true in audit --from-dir, validate and pss check alike (YAML 1.1, as kubectl)', async () => {
    const dir = await tempDir('floe-on-');
    await writeFile(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop, labels: {flag: on}}\nspec:\n  hostNetwork: on\n  containers: [{name: c, image: nginx}]\n');
    const pss = await floe(['network', 'pss', 'check', '-f', dir, '--level', 'baseline:latest']);
    expect(pss.code, pss.stderr).toBe(1);
    expect(pss.stdout).toContain('host namespaces');
  });
});
