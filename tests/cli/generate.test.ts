import { writeFile, readFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floe, REPO, snapshotDir, tempDir } from './run.ts';

const EXAMPLE = join(REPO, 'examples/manifest.yaml');

interface GenerateJson {
  outputDir: string;
  dryRun: boolean;
  files: { path: string; kind: string; namespace: string | null; name: string; sha256: string }[];
  namespaces: { name: string; role: string; podSecurity: { enforce: string } | null; policies: string[] }[];
  warnings: string[];
}

describe('floe network generate', () => {
  it('lists the files it removed, in text and JSON, also in a dry run', async () => {
    const dir = await tempDir();
    const out = join(dir, 'net');
    const two = join(dir, 'two.yaml');
    await writeFile(two, 'domains: [{name: sales}, {name: marketing}]\n');
    const one = join(dir, 'one.yaml');
    await writeFile(one, 'domains: [{name: sales}]\n');
    expect((await floe(['network', 'generate', '-m', two, '-d', out])).code).toBe(0);
    const dry = await floe(['network', 'generate', '-m', one, '-d', out, '--dry-run', '-o', 'json']);
    expect((JSON.parse(dry.stdout) as { removed: string[] }).removed).toEqual(expect.arrayContaining(['00-floe-marketing-domain-namespace.yaml', 'floe-marketing-domain-default-deny.yaml']));
    const r = await floe(['network', 'generate', '-m', one, '-d', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nremoved \d+ files no longer generated:\n {2}00-floe-marketing-domain-namespace\.yaml\n/);
    expect(r.stdout).toContain('  floe-marketing-domain-default-deny.yaml\n');
  });

  it('refuses domain: (a typo of domains:) with exit 2 and did you mean, keeps compute:, and refuses compute: with --strict', async () => {
    const dir = await tempDir();
    const typo = join(dir, 'typo.yaml');
    await writeFile(typo, 'domain:\n  - name: sales\n');
    const r = await floe(['network', 'generate', '-m', typo, '-d', join(dir, 'a'), '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${typo}:1:1 domain: unknown top-level field: did you mean domains?`);
    const other = join(dir, 'other.yaml');
    await writeFile(other, 'compute: {kind: k8s}\ndomains:\n  - name: sales\n');
    expect((await floe(['network', 'generate', '-m', other, '-d', join(dir, 'b'), '--dry-run'])).code).toBe(0);
    const strict = await floe(['network', 'generate', '-m', other, '-d', join(dir, 'c'), '--dry-run', '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/compute: unknown top-level field \(strict mode/);
  });

  it('uses the built-in defaults when there is no manifest, says so on stderr, and writes target/network/', async () => {
    const cwd = await tempDir();
    const r = await floe(['network', 'generate'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('using the built-in defaults');
    const files = Object.keys(await snapshotDir(join(cwd, 'target/network')));
    expect(files).toEqual(
      expect.arrayContaining(['00-floe-platform-namespace.yaml', '00-floe-jobs-namespace.yaml', 'floe-jobs-default-deny.yaml', 'NETWORK-POLICY-SUMMARY.md', '.floe-generated']),
    );
  });

  it('lists every file for floe-platform, floe-jobs and both example domains with --output json', async () => {
    const out = join(await tempDir(), 'net');
    const r = await floe(['network', 'generate', '--manifest', EXAMPLE, '--output-dir', out, '--output', 'json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as GenerateJson;
    const paths = json.files.map((f) => f.path);
    for (const ns of ['floe-platform', 'floe-jobs', 'floe-sales-domain', 'floe-marketing-domain']) {
      for (const suffix of ['default-deny', 'allow-egress', 'pod-template']) expect(paths).toContain(`${ns}-${suffix}.yaml`);
      expect(paths).toContain(`00-${ns}-namespace.yaml`);
    }
    for (const ns of ['floe-platform', 'floe-sales-domain', 'floe-marketing-domain']) expect(paths).toContain(`${ns}-allow-ingress.yaml`);
    expect(paths).not.toContain('floe-jobs-allow-ingress.yaml');
    expect(paths).toContain('NETWORK-POLICY-SUMMARY.md');
    expect(json.namespaces.map((n) => n.name)).toEqual(['floe-platform', 'floe-jobs', 'floe-sales-domain', 'floe-marketing-domain']);
    expect(json.namespaces.find((n) => n.role === 'platform')?.podSecurity?.enforce).toBe('baseline');
    const written = await snapshotDir(out);
    for (const f of json.files) expect(Object.keys(written)).toContain(f.path);
    expect(Object.keys(json.files[0] ?? {}).sort()).toEqual(['kind', 'name', 'namespace', 'path', 'sha256']);
  });

  it('reports all three errors of a manifest with line numbers, exits 2 and leaves the output directory byte-identical', async () => {
    const dir = await tempDir();
    const out = join(dir, 'network');
    expect((await floe(['network', 'generate', '-m', EXAMPLE, '-d', out])).code).toBe(0);
    const before = await snapshotDir(out);
    const bad = join(dir, 'manifest.yaml');
    await writeFile(
      bad,
      [
        'name: broken',
        'domains:',
        '  - name: Sales_Team',
        'security:',
        '  network_policies:',
        '    jobs_egress_allow:',
        '      - name: db',
        '        to_cidr: 10.1.2.3/8',
        '        port: 70000',
        '',
      ].join('\n'),
    );
    const r = await floe(['network', 'generate', '-m', bad, '-d', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('3 problems in the manifest');
    expect(r.stderr).toContain(`${bad}:3:11 domains[0].name: must be lowercase letters`);
    expect(r.stderr).toContain(`${bad}:8:18 security.network_policies.jobs_egress_allow[0].to_cidr: host bits are set; the network is 10.0.0.0/8`);
    expect(r.stderr).toContain(`${bad}:9:15 security.network_policies.jobs_egress_allow[0].port: must be 1–65535 (got 70000)`);
    expect(await snapshotDir(out)).toEqual(before);
  });

  it('refuses a rule name that is no DNS label (exit 2, located) and never echoes its escape codes to the terminal', async () => {
    const dir = await tempDir();
    const bad = join(dir, 'manifest.yaml');
    await writeFile(
      bad,
      [
        'security:',
        '  network_policies:',
        '    jobs_egress_allow:',
        '      - {name: "\\e[2J\\e[31mowned\\x9b31m", to_cidr: 10.0.0.0/8, port: 443}',
        '      - {name: "<script>alert(1)</script>", to_cidr: 10.0.0.0/8, port: 443}',
        '      - {name: "## Allowed flows\\n<!--", to_cidr: 10.0.0.0/8, port: 443}',
        '',
      ].join('\n'),
    );
    const r = await floe(['network', 'generate', '-m', bad, '-d', join(dir, 'network')]);
    expect(r.code).toBe(2);
    for (const i of [0, 1, 2]) {
      expect(r.stderr).toContain(`security.network_policies.jobs_egress_allow[${i}].name: must be a DNS label: lowercase letters, digits and "-"`);
    }
    expect(r.stderr).toContain(`${bad}:4:16 security.network_policies.jobs_egress_allow[0].name`);
    // eslint-disable-next-line no-control-regex
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(existsSync(join(dir, 'network'))).toBe(false);
  });

  it('writes a free-text platform name into the summary as inert text: no heading, HTML or comment of its own', async () => {
    const dir = await tempDir();
    const manifest = join(dir, 'manifest.yaml');
    await writeFile(manifest, 'name: "x`\\n# Owned\\n<script>alert(1)</script> <!-- ``` \\u001b[31m"\n');
    const out = join(dir, 'network');
    const r = await floe(['network', 'generate', '-m', manifest, '-d', out]);
    expect(r.code, r.stderr).toBe(0);
    const summary = await readFile(join(out, 'NETWORK-POLICY-SUMMARY.md'), 'utf8');
    const line = summary.split('\n').find((l) => l.startsWith('Platform '));
    // One line: the newlines are shown as \n; Markdown punctuation is backslash-escaped and <, >, & are entities.
    expect(line).toBe('Platform x\\`\\\\n\\# Owned\\\\n&lt;script&gt;alert\\(1\\)&lt;/script&gt; &lt;\\!\\-\\- \\`\\`\\` \\\\u001b\\[31m, rendered by plugin `k8s` 0.1.0 (floe plugin API 2.1).');
    expect(summary).not.toContain('<script>');
    expect(summary).not.toContain('<!--');
    expect(summary).not.toMatch(/^# Owned/m);
  });

  it('refuses (exit 3) to replace a directory holding files floe did not write, and leaves it untouched', async () => {
    const out = join(await tempDir(), 'network');
    await mkdir(out);
    await writeFile(join(out, 'my-notes.txt'), 'keep me');
    const r = await floe(['network', 'generate', '-d', out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('holds files floe did not write (my-notes.txt)');
    expect(await snapshotDir(out)).toEqual({ 'my-notes.txt': 'keep me' });
  });

  it('removes files of an earlier run that are no longer generated', async () => {
    const dir = await tempDir();
    const out = join(dir, 'network');
    expect((await floe(['network', 'generate', '-m', EXAMPLE, '-d', out])).code).toBe(0);
    expect(existsSync(join(out, 'floe-sales-domain-allow-egress.yaml'))).toBe(true);
    await writeFile(join(dir, 'm.yaml'), 'domains: [{ name: marketing }]\n');
    expect((await floe(['network', 'generate', '-m', join(dir, 'm.yaml'), '-d', out])).code).toBe(0);
    const files = Object.keys(await snapshotDir(out));
    expect(files.filter((f) => f.includes('sales'))).toEqual([]);
    expect(files).toContain('floe-marketing-domain-allow-egress.yaml');
  });

  it('writes nothing with --dry-run and prints the same files as a real run', async () => {
    const out = join(await tempDir(), 'network');
    const dry = await floe(['network', 'generate', '-m', EXAMPLE, '-d', out, '--dry-run', '-o', 'json']);
    expect(dry.code).toBe(0);
    expect(existsSync(out)).toBe(false);
    const real = await floe(['network', 'generate', '-m', EXAMPLE, '-d', out, '-o', 'json']);
    const a = JSON.parse(dry.stdout) as GenerateJson;
    const b = JSON.parse(real.stdout) as GenerateJson;
    expect(a.dryRun).toBe(true);
    expect(a.files).toEqual(b.files);
  });

  it('produces byte-identical output for the same input', async () => {
    const [a, b] = [join(await tempDir(), 'a'), join(await tempDir(), 'b')];
    await floe(['network', 'generate', '-m', EXAMPLE, '-d', a]);
    await floe(['network', 'generate', '-m', EXAMPLE, '-d', b]);
    expect(await snapshotDir(a)).toEqual(await snapshotDir(b));
  });

  it('logs one structured audit event on stderr with the manifest hash and counts', async () => {
    const out = join(await tempDir(), 'network');
    const r = await floe(['network', 'generate', '-m', EXAMPLE, '-d', out]);
    const events = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { audit?: Record<string, unknown> });
    const audit = events.find((e) => e.audit)?.audit;
    expect(audit).toMatchObject({ operation: 'network.generate', result: 'success', counts: { namespaces: 4 } });
    expect(audit?.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('exits 2 on an unknown flag, a bad --output value, a missing manifest file and an unknown plugin', async () => {
    expect((await floe(['network', 'generate', '--no-such-flag'])).code).toBe(2);
    const badOutput = await floe(['network', 'generate', '--output', 'xml', '--dry-run']);
    expect(badOutput.code).toBe(2);
    expect(badOutput.stderr).toContain("Allowed choices are text, json");
    const missing = await floe(['network', 'generate', '-m', '/nonexistent/manifest.yaml', '--dry-run']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('manifest not found: /nonexistent/manifest.yaml');
    const plugin = await floe(['network', 'generate', '--plugin', 'calico', '--dry-run']);
    expect(plugin.code).toBe(2);
    expect(plugin.stderr).toContain('unknown network security plugin "calico"; installed: cilium (@floe/network-security-cilium@0.1.0), k8s (@floe/network-security-k8s@');
  });

  it('prints its help with examples and the exit codes', async () => {
    const r = await floe(['network', 'generate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--output-dir <dir>');
    expect(r.stdout).toContain('kubectl apply --server-side');
    const network = await floe(['network', '--help']);
    expect(network.stdout).toContain('Exit codes: 0 success');
  });
});

describe('floe network schema', () => {
  it('prints a JSON Schema describing the security, namespaces and domains sections', async () => {
    const r = await floe(['network', 'schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as { properties: Record<string, { properties?: Record<string, unknown> }> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['security', 'namespaces', 'domains']));
    expect(Object.keys(schema.properties.security?.properties ?? {})).toEqual(['network_policies', 'pod_security', 'admission_guard']);
  });

  it('reads the manifest from ./manifest.yaml when --manifest is not given', async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'manifest.yaml'), 'domains: [{ name: ops }]\n');
    const r = await floe(['network', 'generate', '--dry-run', '-o', 'json'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('built-in defaults');
    expect((JSON.parse(r.stdout) as GenerateJson).namespaces.map((n) => n.name)).toContain('floe-ops-domain');
    expect(await readFile(join(cwd, 'manifest.yaml'), 'utf8')).toContain('ops');
  });
});
