import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkFiles, checkSchema, type DirEntry } from '../../src/validate/files.js';
import { MAX_FILE_BYTES, parseSource } from '../../src/validate/source.js';
import { networkPolicy, podTemplate } from './fixtures.js';

const file = (name: string, content: string): DirEntry => ({ name, type: 'file', size: Buffer.byteLength(content), content });
const check = (...entries: DirEntry[]) => checkFiles('target/network', entries, MAX_FILE_BYTES);

describe('parsing files as kubectl reads them', () => {
  it('reads YAML 1.1 like kubectl: on is a boolean, 0777 is octal', () => {
    const parsed = parseSource('a: on\nb: 0777\n');
    expect(parsed.ok && parsed.documents[0]?.value).toEqual({ a: true, b: 511 });
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`);
    const parsed = parseSource(`${lines.join('\n')}\n`);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems[0]?.message).toMatch(/^YAML could not be expanded: .*alias/i);
  });

  it('refuses files over the size limit before parsing', () => {
    const parsed = parseSource(`a: "${'x'.repeat(MAX_FILE_BYTES)}"\n`);
    expect(!parsed.ok && parsed.problems[0]?.message).toMatch(/the limit is 1048576/);
  });
});

describe('files identical to what floe generates', () => {
  it('take the generated object without parsing, and still locate a problem in them', () => {
    const content = 'apiVersion: v1\nkind: Widget\nmetadata: {name: w}\n';
    // The object says Widget: the check must have used it (a parse would agree), and point at line 2 for the kind.
    const generated = new Map([['w.yaml', { content, object: { apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w' } } }]]);
    const { result } = checkFiles('target/network', [file('w.yaml', content)], MAX_FILE_BYTES, generated);
    expect(result.problems.map((p) => [p.file, p.line, p.col, p.path])).toEqual([['target/network/w.yaml', 2, 7, 'kind']]);
  });

  it('parse a file that differs from the generated one by a byte', () => {
    const content = stringify(networkPolicy());
    const generated = new Map([['a.yaml', { content, object: { kind: 'Widget' } }]]);
    const { result, objects } = checkFiles('target/network', [file('a.yaml', `${content}# edited\n`)], MAX_FILE_BYTES, generated);
    expect(result.status).toBe('pass');
    expect(objects.map((o) => o.kind)).toEqual(['NetworkPolicy']);
  });
});

describe('the files check', () => {
  it('passes one floe object per file and ignores the summary and the ownership list', () => {
    const { result, objects } = check(file('a.yaml', stringify(networkPolicy())), file('NETWORK-POLICY-SUMMARY.md', '# x'), file('.floe-generated', 'a.yaml\n'));
    expect(result.status).toBe('pass');
    expect(objects.map((o) => [o.file, o.kind])).toEqual([['target/network/a.yaml', 'NetworkPolicy']]);
  });

  it('locates a YAML syntax error and a duplicate key at line and column', () => {
    const { result } = check(file('bad.yaml', 'kind: NetworkPolicy\nspec: a: b\n'), file('dup.yaml', 'kind: Namespace\nmetadata: {}\nkind: Namespace\n'));
    expect(result.status).toBe('fail');
    expect(result.problems).toEqual([
      expect.objectContaining({ file: 'target/network/bad.yaml', line: 2, col: 7, message: 'YAML syntax error: Nested mappings are not allowed in compact mappings' }),
      expect.objectContaining({ file: 'target/network/dup.yaml', line: 3, col: 1, message: 'duplicate key: Map keys must be unique' }),
    ]);
  });

  it('refuses files holding several objects, none, a list, or a kind floe does not write', () => {
    const { result, objects } = check(
      file('two.yaml', `${stringify(networkPolicy())}---\n${stringify(networkPolicy())}`),
      file('empty.yaml', '# nothing\n'),
      file('list.json', '[1, 2]'),
      file('svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\n'),
      file('old.yml', 'apiVersion: extensions/v1beta1\nkind: NetworkPolicy\n'),
    );
    expect(objects).toEqual([]);
    expect(result.problems.map((p) => `${p.file?.replace('target/network/', '')}:${p.line}:${p.col} ${p.message}`)).toEqual([
      'empty.yaml:1:1 holds no object; floe writes one object per file',
      'list.json:1:1 must be a Kubernetes object (a mapping with apiVersion, kind and metadata)',
      'old.yml:1:13 a NetworkPolicy must have apiVersion networking.k8s.io/v1 (got "extensions/v1beta1")',
      'svc.yaml:2:7 kind "Service" is not one floe writes with this plugin (floe writes Namespace, PodTemplate, NetworkPolicy, ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding)',
      'two.yaml:1:1 holds 2 objects; floe writes one object per file',
    ]);
  });

  it('reports a file too large to read without parsing it', () => {
    const { result } = check({ name: 'huge.yaml', type: 'file', size: 5_000_000 });
    expect(result.problems[0]).toMatchObject({ file: 'target/network/huge.yaml', message: expect.stringMatching(/^file is 5000000 bytes; the limit is 1048576/) });
  });
});

describe('the schema check', () => {
  it('names file, line, column and field of each schema error', () => {
    const np = networkPolicy();
    const text = stringify(np).replace(/protocol: TCP\n(\s+)port: 53/, 'protocol: tcp\n$1port: 70000');
    const { objects } = check(file('floe-jobs-allow-egress.yaml', text));
    const result = checkSchema(objects);
    expect(result.status).toBe('fail');
    const lines = text.split('\n');
    const protoLine = lines.findIndex((l) => l.includes('protocol: tcp')) + 1;
    expect(result.problems.map((p) => [p.line, p.col, p.path, p.message])).toEqual([
      [protoLine, lines[protoLine - 1]!.indexOf('tcp') + 1, 'spec.egress[0].ports[0].protocol', 'Unsupported value: "tcp": supported values: "TCP", "UDP", "SCTP"'],
      [protoLine + 1, lines[protoLine]!.indexOf('70000') + 1, 'spec.egress[0].ports[0].port', 'must be between 1 and 65535, inclusive'],
    ]);
    expect(objects[0]?.valid).toBe(false);
  });

  it('points an unknown field at its key and a missing field at the mapping that lacks it', () => {
    const pt = podTemplate() as ReturnType<typeof podTemplate> & { template: { spec: Record<string, unknown> } };
    pt.template.spec.hostPID = true;
    delete (pt.metadata as { name?: string }).name;
    const text = stringify(pt);
    const { objects } = check(file('pt.yaml', text));
    const result = checkSchema(objects);
    const lines = text.split('\n');
    expect(result.problems.map((p) => [p.path, p.line, p.col])).toEqual([
      ['metadata.name', lines.indexOf('metadata:') + 1, 1],
      ['template.spec.hostPID', lines.findIndex((l) => l.includes('hostPID')) + 1, lines.find((l) => l.includes('hostPID'))!.indexOf('hostPID') + 1],
    ]);
  });
});
