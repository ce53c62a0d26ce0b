// `floe network harden` as a user runs it: exit codes, what goes to stdout,
// --check, --in-place (all or nothing), the manifest's settings, stdin.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floe, tempDir } from './run.ts';

const JOB = `# nightly ETL (owned by the data team)
apiVersion: batch/v1
kind: Job
metadata:
  name: etl
  namespace: floe-jobs
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: etl
          image: registry.example.com/etl:3.2   # pinned
`;

const PRIVILEGED = JOB.replace('   # pinned\n', '\n          securityContext:\n            privileged: true\n');

async function workDir(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('floe-harden-');
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

describe('floe network harden', () => {
  it('prints the hardened objects on stdout, exit 0, and the result passes pss check at restricted', async () => {
    const dir = await workDir({ 'job.yaml': JOB });
    const r = await floe(['network', 'harden', '-f', 'job.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('# nightly ETL (owned by the data team)\napiVersion: batch/v1\n')).toBe(true);
    expect(r.stdout).toContain('image: registry.example.com/etl:3.2   # pinned\n          securityContext:\n            allowPrivilegeEscalation: false\n');
    expect(r.stderr).toContain('using the built-in defaults');
    await writeFile(join(dir, 'out.yaml'), r.stdout);
    const check = await floe(['network', 'pss', 'check', '-f', 'out.yaml', '--level', 'restricted:latest'], { cwd: dir });
    expect(check.code, check.stdout).toBe(0);
    expect(await readFile(join(dir, 'job.yaml'), 'utf8')).toBe(JOB);
  });

  it('--check exits 1 and lists each missing field; exit 0 once hardened; nothing is written', async () => {
    const dir = await workDir({ 'job.yaml': JOB });
    const r = await floe(['network', 'harden', '-f', 'job.yaml', '--check'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('job.yaml:2: Job floe-jobs/etl (namespace role jobs, Pod Security restricted:latest): 12 settings missing');
    expect(r.stdout).toContain('container "etl": spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem: missing, floe sets true');
    expect(r.stderr).toContain("floe: harden: 1 of 1 workloads miss floe's hardened settings");
    expect(await readFile(join(dir, 'job.yaml'), 'utf8')).toBe(JOB);
    const hardened = await floe(['network', 'harden', '-f', 'job.yaml'], { cwd: dir });
    await writeFile(join(dir, 'job.yaml'), hardened.stdout);
    const again = await floe(['network', 'harden', '-f', 'job.yaml', '--check'], { cwd: dir });
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain('1 workload hardened');
  });

  it('--check -o json prints the stable report; -o json without --check and --check -o patch are usage errors', async () => {
    const dir = await workDir({ 'job.yaml': JOB });
    const r = await floe(['network', 'harden', '-f', 'job.yaml', '--check', '-o', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { counts: unknown; workloads: { name: string; role: string; level: string; missing: { field: string; line: number; op: string; value: unknown; container?: string }[]; kept: unknown[] }[] };
    expect(report.workloads[0]?.role).toBe('jobs');
    expect(report.workloads[0]?.level).toBe('restricted:latest');
    expect(report.counts).toEqual({ workloads: 1, missing: 1, settings: 12 });
    expect(report.workloads[0]?.missing).toContainEqual({ field: 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem', line: 12, container: 'container "etl"', op: 'set', value: true });
    expect(report.workloads[0]?.kept).toEqual([]);
    for (const args of [['-o', 'json'], ['--check', '-o', 'patch']]) {
      const bad = await floe(['network', 'harden', '-f', 'job.yaml', ...args], { cwd: dir });
      expect(bad.code, args.join(' ')).toBe(2);
    }
    const conflict = await floe(['network', 'harden', '-f', 'job.yaml', '--check', '-o', 'json', '--namespace-role', 'jobs'], { cwd: await workDir({ 'job.yaml': PRIVILEGED }) });
    expect(conflict.code).toBe(2);
    expect((JSON.parse(conflict.stdout) as { error: { code: string } }).error.code).toBe('input.harden_conflict');
  });

  it('a conflict is exit 2 naming file, line, workload and field, and --in-place then writes no file', async () => {
    const dir = await workDir({ 'a.yaml': JOB, 'b.yaml': PRIVILEGED });
    const r = await floe(['network', 'harden', '-f', 'a.yaml', '-f', 'b.yaml', '--in-place'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'floe: error: b.yaml:15:1: Job floe-jobs/etl: container "etl": spec.template.spec.containers[0].securityContext.privileged: privileged: true is forbidden by Pod Security restricted; remove it',
    );
    expect(await readFile(join(dir, 'a.yaml'), 'utf8')).toBe(JOB);
    expect(await readFile(join(dir, 'b.yaml'), 'utf8')).toBe(PRIVILEGED);
  });

  it('several conflicts print one line each', async () => {
    const dir = await workDir({ 'b.yaml': PRIVILEGED.replace('privileged: true', 'privileged: true\n            runAsUser: 0') });
    const r = await floe(['network', 'harden', '-f', 'b.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('floe: error') || l.startsWith('  b.yaml'));
    expect(lines).toEqual([
      "floe: error: 2 conflicts with floe's hardened context (nothing was written):",
      '  b.yaml:15:1 Job floe-jobs/etl: container "etl": spec.template.spec.containers[0].securityContext.privileged: privileged: true is forbidden by Pod Security restricted; remove it',
      '  b.yaml:16:1 Job floe-jobs/etl: container "etl": spec.template.spec.containers[0].securityContext.runAsUser: runAsUser: 0 is root, which Pod Security restricted forbids; remove it or use a non-zero UID',
    ]);
  });

  it('--in-place rewrites only the files that change, keeping their mode', async () => {
    const other = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n';
    const dir = await workDir({ 'job.yaml': JOB, 'cm.yaml': other });
    const { chmod } = await import('node:fs/promises');
    await chmod(join(dir, 'job.yaml'), 0o640);
    const before = (await stat(join(dir, 'cm.yaml'))).mtimeMs;
    const r = await floe(['network', 'harden', '-f', dir, '--in-place'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('floe: hardened 1 of 1 workloads; rewrote 1 file');
    const job = await readFile(join(dir, 'job.yaml'), 'utf8');
    expect(job).toContain('readOnlyRootFilesystem: true');
    expect((await stat(join(dir, 'job.yaml'))).mode & 0o777).toBe(0o640);
    expect((await stat(join(dir, 'cm.yaml'))).mtimeMs).toBe(before);
  });

  it('-R reads subdirectories, and --in-place refuses to replace a symbolic link (exit 2, nothing written)', async () => {
    const dir = await workDir({});
    const { mkdir, symlink } = await import('node:fs/promises');
    await mkdir(join(dir, 'apps', 'etl'), { recursive: true });
    await writeFile(join(dir, 'apps', 'etl', 'job.yaml'), JOB);
    const flat = await floe(['network', 'harden', '-f', 'apps', '--check'], { cwd: dir });
    expect(flat.code).toBe(2);
    expect(flat.stderr).toContain('apps: directory holds no .yaml, .yml or .json files');
    const deep = await floe(['network', 'harden', '-f', 'apps', '-R', '--check'], { cwd: dir });
    expect(deep.code).toBe(1);
    expect(deep.stdout).toContain('apps/etl/job.yaml:2: Job floe-jobs/etl');
    await symlink(join(dir, 'apps', 'etl', 'job.yaml'), join(dir, 'link.yaml'));
    const link = await floe(['network', 'harden', '-f', 'link.yaml', '--in-place'], { cwd: dir });
    expect(link.code).toBe(2);
    expect(link.stderr).toContain('link.yaml: --in-place does not replace a symbolic link');
    expect(await readFile(join(dir, 'apps', 'etl', 'job.yaml'), 'utf8')).toBe(JOB);
  });

  it('reads the manifest given with --manifest and the role given with --namespace-role', async () => {
    const dir = await workDir({
      'job.yaml': JOB.replace('   # pinned', '\n          securityContext: {allowPrivilegeEscalation: true}'),
      'manifest.yaml': 'security:\n  pod_security:\n    run_as_user: 4242\n    writable_paths: [/scratch]\n',
    });
    const jobs = await floe(['network', 'harden', '-f', 'job.yaml', '--manifest', 'manifest.yaml'], { cwd: dir });
    expect(jobs.code).toBe(2);
    const platform = await floe(['network', 'harden', '-f', 'job.yaml', '--manifest', 'manifest.yaml', '--namespace-role', 'platform', '--check'], { cwd: dir });
    expect(platform.code).toBe(1);
    expect(platform.stdout).toContain('runAsUser: missing, floe sets 4242');
    expect(platform.stdout).toContain('"mountPath":"/scratch"');
    expect(platform.stdout).toContain('securityContext.allowPrivilegeEscalation: kept as written: Pod Security baseline allows it');
  });

  it('reads stdin with -f - and prints patches with -o patch', async () => {
    const dir = await workDir({});
    const { execFile } = await import('node:child_process');
    const { FLOE_BIN } = await import('./run.ts');
    const out = await new Promise<string>((done, fail) => {
      const child = execFile(process.execPath, [FLOE_BIN, 'network', 'harden', '-f', '-', '-o', 'patch'], { cwd: dir }, (err, stdout) => (err ? fail(err) : done(stdout)));
      child.stdin?.end(JOB);
    });
    expect(out.startsWith('---\n# floe network harden: Job floe-jobs/etl (<stdin>:2)\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: etl\n  namespace: floe-jobs\n')).toBe(true);
  });

  it('refuses --in-place with --check, -o patch or stdin (exit 2)', async () => {
    const dir = await workDir({ 'job.yaml': JOB });
    for (const args of [['--check'], ['-o', 'patch']]) {
      const r = await floe(['network', 'harden', '-f', 'job.yaml', '--in-place', ...args], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--in-place rewrites the inputs');
    }
    const r = await floe(['network', 'harden', '-f', '-', '--in-place'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--in-place cannot rewrite stdin');
  });
});
