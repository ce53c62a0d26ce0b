import { readFile, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SarifLogStructure } from '../../packages/floe-core/test/validate/sarif-structure.ts';
import { floe, REPO, tempDir } from './run.ts';

const EXAMPLE = join(REPO, 'examples/manifest.yaml');

interface Report {
  ok: boolean;
  dir: string;
  manifest: string;
  server: string | null;
  checks: { id: string; status: string; summary: string; problems: { file: string | null; line: number | null; col: number | null; path: string | null; message: string; severity: string; diff?: string }[] }[];
}

/** A fresh `generate` of the example manifest into DIR/network; returns the directory. */
async function generated(): Promise<{ dir: string; out: string }> {
  const dir = await tempDir('floe-validate-');
  const out = join(dir, 'network');
  const r = await floe(['network', 'generate', '-m', EXAMPLE, '-d', out]);
  expect(r.code, r.stderr).toBe(0);
  return { dir, out };
}

const validate = (out: string, ...args: string[]) => floe(['network', 'validate', '-m', EXAMPLE, '-d', out, ...args]);
const check = (report: Report, id: string) => report.checks.find((c) => c.id === id)!;

describe('floe network validate (offline)', () => {
  it('passes fresh generate output with exit 0 and a checklist that skips the server checks', async () => {
    const { out } = await generated();
    const r = await validate(out);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`floe network validate: ${out} against ${EXAMPLE}`);
    expect(r.stdout).toMatch(/^ {2}PASS {2}files +24 object files, one object each$/m);
    expect(r.stdout).toMatch(/^ {2}PASS {2}current +all 26 files are what floe generates from /m);
    expect(r.stdout).toMatch(/^ {2}SKIP {2}server-dry-run +not run: pass --server to check against a cluster$/m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('OK: 5 passed, 3 skipped');
    expect(r.stderr).toContain('"operation":"network.validate","result":"success"');
  });

  it('uses ./manifest.yaml or the built-in defaults and target/network by default, as generate does', async () => {
    const cwd = await tempDir('floe-validate-cwd-');
    expect((await floe(['network', 'generate'], { cwd })).code).toBe(0);
    const r = await floe(['network', 'validate'], { cwd });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stderr).toContain('using the built-in defaults');
    expect(r.stdout).toContain('floe network validate: target/network against <built-in defaults>');
  });

  it('fails a hand-edited file with exit 1 and a unified diff from the file to what generate writes', async () => {
    const { out } = await generated();
    const file = join(out, 'floe-jobs-allow-egress.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('port: 5432', 'port: 5433'));
    const r = await validate(out);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}FAIL {2}current +not what floe generates from .*: 1 changed$/m);
    expect(r.stdout).toContain(`${file}:`);
    expect(r.stdout).toContain('differs from what floe generates');
    for (const line of ['--- a/floe-jobs-allow-egress.yaml', '+++ b/floe-jobs-allow-egress.yaml', '-          port: 5433', '+          port: 5432']) {
      expect(r.stdout).toContain(`          ${line}\n`);
    }
    expect(r.stdout).toMatch(/^ {10}@@ -\d+,\d+ \+\d+,\d+ @@$/m);
    expect(r.stderr).toContain('floe: validation failed: current');
  });

  it('fails schema errors naming file, line, column and field: lower-case protocol, port 70000, CIDR with host bits', async () => {
    const { out } = await generated();
    const file = join(out, 'floe-jobs-allow-egress.yaml');
    const text = (await readFile(file, 'utf8')).replace('protocol: UDP', 'protocol: udp').replace('port: 5432', 'port: 70000').replace('cidr: 10.20.0.0/16', 'cidr: 10.20.1.0/16');
    await writeFile(file, text);
    const lines = text.split('\n');
    const at = (needle: string) => {
      const i = lines.findIndex((l) => l.includes(needle));
      return `${i + 1}:${(lines[i] as string).indexOf(needle.split(': ')[1] as string) + 1}`;
    };
    const r = await validate(out);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}FAIL {2}schema +1 of 24 objects break the API schema \(3 problems\)$/m);
    expect(r.stdout).toContain(`${file}:${at('protocol: udp')} spec.egress[4].ports[1].protocol: Unsupported value: "udp": supported values: "TCP", "UDP", "SCTP"`);
    expect(r.stdout).toContain(`${file}:${at('cidr: 10.20.1.0/16')} spec.egress[6].to[0].ipBlock.cidr: host bits are set; the network is 10.20.0.0/16`);
    expect(r.stdout).toContain(`${file}:${at('port: 70000')} spec.egress[6].ports[0].port: must be between 1 and 65535, inclusive`);
  });

  it('fails a namespace without default-deny (judged by content) and lists the missing file', async () => {
    const { out } = await generated();
    await rm(join(out, 'floe-sales-domain-default-deny.yaml'));
    const r = await validate(out, '-o', 'json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.ok).toBe(false);
    expect(check(report, 'complete').problems.map((p) => p.message)).toEqual([
      'floe-sales-domain: no default-deny for ingress: no NetworkPolicy selects every pod (podSelector {}), lists Ingress in policyTypes and has no ingress rules',
      'floe-sales-domain: no default-deny for egress: no NetworkPolicy selects every pod (podSelector {}), lists Egress in policyTypes and has no egress rules',
    ]);
    expect(check(report, 'current').problems[0]?.message).toMatch(/^missing: generating from .* writes this file/);
  });

  it('accepts a renamed default-deny as complete (content, not name) while current reports the change', async () => {
    const { out } = await generated();
    const from = join(out, 'floe-jobs-default-deny.yaml');
    await writeFile(join(out, 'deny-all.yaml'), (await readFile(from, 'utf8')).replace('name: floe-default-deny', 'name: deny-all'));
    await rm(from);
    const report = JSON.parse((await validate(out, '-o', 'json')).stdout) as Report;
    expect(check(report, 'complete').status).toBe('pass');
    expect(check(report, 'current').status).toBe('fail');
  });

  it('writes stable JSON: ok, dir, manifest, server and every check with its problems', async () => {
    const { out } = await generated();
    const r = await validate(out, '-o', 'json');
    const report = JSON.parse(r.stdout) as Report;
    expect(Object.keys(report)).toEqual(['ok', 'dir', 'manifest', 'server', 'checks']);
    expect(report).toMatchObject({ ok: true, dir: out, manifest: EXAMPLE, server: null });
    expect(report.checks.map((c) => `${c.id}:${c.status}`)).toEqual(['files:pass', 'schema:pass', 'current:pass', 'complete:pass', 'server-dry-run:skip', 'cni:skip', 'kubernetes-api-egress:skip', 'intent-proof:pass']);
  });

  it('writes SARIF 2.1.0 with one located result per problem', async () => {
    const { out } = await generated();
    const file = join(out, 'floe-platform-pod-template.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('runAsUser: 1000', 'runAsUser: -1'));
    const r = await validate(out, '--output', 'sarif');
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    const parsed = SarifLogStructure.safeParse(log);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    const results = log.runs[0].results as { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[];
    expect(results.map((x) => x.ruleId).sort()).toEqual(['current', 'schema']);
    const schema = results.find((x) => x.ruleId === 'schema')!;
    expect(schema.level).toBe('error');
    expect(schema.locations[0]?.physicalLocation.artifactLocation.uri).toBe(`file://${file}`);
    expect(schema.locations[0]?.physicalLocation.region?.startLine).toBeGreaterThan(1);
  });

  it('exits 2 for a bad manifest, a missing directory and bad flags', async () => {
    const { dir, out } = await generated();
    const bad = join(dir, 'manifest.yaml');
    await writeFile(bad, 'domains: [{ name: Bad_Name }]\n');
    const r1 = await floe(['network', 'validate', '-m', bad, '-d', out]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain('1 problem in the manifest');
    const r2 = await validate(join(dir, 'nope'));
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`floe: error: cannot read ${join(dir, 'nope')}: no such directory`);
    expect((await validate(out, '-o', 'xml')).code).toBe(2);
    const r4 = await validate(out, '--server', '--request-timeout', 'soon');
    expect(r4.code).toBe(2);
    expect(r4.stderr).toContain('--request-timeout: invalid duration "soon"');
  });

  it('reports an unreadable object file and an unexpected subdirectory as findings, not crashes', async () => {
    const { out } = await generated();
    await writeFile(join(out, 'extra.yaml'), 'kind: Service\napiVersion: v1\n');
    await mkdir(join(out, 'sub'));
    await rename(join(out, 'floe-jobs-pod-template.yaml'), join(out, 'floe-jobs-pod-template.yml'));
    const report = JSON.parse((await validate(out, '-o', 'json')).stdout) as Report;
    expect(check(report, 'files').problems.map((p) => p.message)).toEqual(['kind "Service" is not one floe writes with this plugin (floe writes Namespace, PodTemplate, NetworkPolicy, ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding)']);
    expect(check(report, 'current').problems.map((p) => p.file?.slice(out.length + 1))).toEqual(['extra.yaml', 'floe-jobs-pod-template.yaml', 'floe-jobs-pod-template.yml', 'sub']);
  });

  it('teaches in --help: the checks, what --server does, exit codes and examples', async () => {
    const r = await floe(['network', 'validate', '--help']);
    expect(r.code).toBe(0);
    for (const text of ['kubernetes-api-egress', 'dryRun=All', 'Exit codes: 0', 'floe network validate -o sarif', '--kubeconfig <path>', '--request-timeout <duration>']) expect(r.stdout).toContain(text);
  });
});
