import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { intentFromFiles, intentFromGeneration, loadIntentDir, parseObjectFile } from '../../src/diff/intent.js';
import type { GenerationResult } from '../../src/network/generator.js';
import { InputError } from '../../src/errors.js';

const NP = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: floe-default-deny
  namespace: floe-jobs
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`;
const NS = `apiVersion: v1
kind: Namespace
metadata:
  name: floe-jobs
`;

function rejection(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('parseObjectFile', () => {
  it('reads one object', () => {
    expect(parseObjectFile({ path: 'a.yaml', content: NP }).metadata).toEqual({ name: 'floe-default-deny', namespace: 'floe-jobs' });
  });

  it('refuses a file with two documents', () => {
    expect(rejection(() => parseObjectFile({ path: 'a.yaml', content: `${NP}---\n${NS}` }))).toBe('a.yaml: holds 2 objects; floe writes exactly one object per file');
  });

  it('names the file, line and column of invalid YAML', () => {
    expect(rejection(() => parseObjectFile({ path: 'a.yaml', content: 'kind: NetworkPolicy\nmetadata: [\n' }))).toMatch(/^a\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it('refuses a kind floe does not write', () => {
    expect(rejection(() => parseObjectFile({ path: 'a.yaml', content: 'apiVersion: v1\nkind: Secret\nmetadata: {name: x, namespace: y}\n' }))).toBe(
      'a.yaml: holds a Secret; floe writes only Namespace, NetworkPolicy, CiliumNetworkPolicy, PodTemplate, ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding',
    );
  });

  it('refuses a namespaced object without a namespace', () => {
    expect(rejection(() => parseObjectFile({ path: 'a.yaml', content: NP.replace('  namespace: floe-jobs\n', '') }))).toContain('has no metadata.namespace');
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
    expect(rejection(() => parseObjectFile({ path: 'a.yaml', content: `${bomb}\n` }))).toMatch(/^a\.yaml:1:1: YAML could not be expanded: /);
  });
});

describe('intentFromFiles', () => {
  it('collects the managed namespaces from Namespace objects and object namespaces', () => {
    const other = NP.replace('floe-jobs', 'floe-platform');
    expect(intentFromFiles('dir', [{ path: 'a.yaml', content: NS }, { path: 'b.yaml', content: NP }, { path: 'c.yaml', content: other }]).namespaces).toEqual(['floe-jobs', 'floe-platform']);
  });

  it('refuses the same object in two files, naming both', () => {
    expect(rejection(() => intentFromFiles('dir', [{ path: 'a.yaml', content: NP }, { path: 'b.yaml', content: NP }]))).toBe('b.yaml: NetworkPolicy floe-jobs/floe-default-deny is also in a.yaml');
  });

  it('refuses a directory without objects', () => {
    expect(rejection(() => intentFromFiles('dir', []))).toBe('dir: no YAML files; write them with `floe network generate` or pass --manifest');
  });
});

describe('intentFromGeneration', () => {
  const file = (object: unknown) => ({ path: 'x.yaml', kind: 'x', namespace: null, name: 'x', content: '', sha256: '', object }) as GenerationResult['files'][number];

  it('takes the objects the generator rendered and skips the summary', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'floe-jobs' } };
    const result = { files: [file(ns), file(null)], namespaces: [], warnings: [], intents: [] } as GenerationResult;
    expect(intentFromGeneration(result, 'm').objects).toEqual([ns]);
  });

  it('refuses a plugin that writes kinds diff cannot compare, instead of reporting them missing', () => {
    const gnp = { apiVersion: 'crd.projectcalico.org/v1', kind: 'GlobalNetworkPolicy', metadata: { name: 'x' } };
    const result = { files: [file(gnp)], namespaces: [], warnings: [], intents: [] } as unknown as GenerationResult;
    expect(rejection(() => intentFromGeneration(result, 'm'))).toBe('the plugin writes GlobalNetworkPolicy objects; floe network diff compares only Namespace, NetworkPolicy, CiliumNetworkPolicy, PodTemplate, ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy');
  });
});

describe('loadIntentDir', () => {
  it('reads the YAML and JSON files kubectl would read and skips the summary and .floe-generated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-diff-'));
    await writeFile(join(dir, '00-floe-jobs-namespace.yaml'), NS);
    await writeFile(join(dir, 'floe-jobs-default-deny.yaml'), NP);
    await writeFile(join(dir, 'NETWORK-POLICY-SUMMARY.md'), '# not an object\n');
    await writeFile(join(dir, '.floe-generated'), 'floe-jobs-default-deny.yaml\n');
    await writeFile(join(dir, 'team.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }));
    const intent = await loadIntentDir(dir);
    expect(intent.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/floe-jobs', 'NetworkPolicy/floe-default-deny', 'Namespace/team']);
    expect(intent.source).toBe(dir);
  });

  it('refuses a directory that does not exist, as bad input', async () => {
    await expect(loadIntentDir('/nonexistent/floe')).rejects.toThrow(expect.objectContaining({ category: 'input', message: 'cannot read /nonexistent/floe: no such directory' }));
  });

  it('refuses a file path given as --dir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-diff-'));
    await writeFile(join(dir, 'x.yaml'), NS);
    await expect(loadIntentDir(join(dir, 'x.yaml'))).rejects.toThrow(/not a directory$/);
  });

  it('refuses a file larger than 1 MiB without reading it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-diff-'));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'big.yaml'), `# ${'x'.repeat(1024 * 1024)}\n${NS}`);
    await expect(loadIntentDir(dir)).rejects.toThrow(/big\.yaml: larger than 1048576 bytes/);
  });
});
