import { describe, expect, it } from 'vitest';
import { parseManifestObjects } from '../../src/pss/index.js';

describe('parseManifestObjects', () => {
  it('reads several documents with the line each object starts on, skipping empty ones', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n---\n# comment only\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n';
    const { objects, problems } = parseManifestObjects(text, 'f.yaml');
    expect(problems).toEqual([]);
    expect(objects.map((o) => [o.line, o.object.kind])).toEqual([
      [1, 'Pod'],
      [8, 'Service'],
    ]);
  });

  it('expands kind: List items, each with its own line, and finds lines of nested paths', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n  - kind: Pod\n    metadata: {name: a}\n    spec:\n      containers:\n        - name: c\n  - kind: Pod\n    metadata: {name: b}\n';
    const { objects } = parseManifestObjects(text, 'list.yaml');
    expect(objects.map((o) => [o.line, (o.object.metadata as { name: string }).name])).toEqual([
      [4, 'a'],
      [9, 'b'],
    ]);
    expect(objects[0]?.lineOf(['spec', 'containers', 0, 'name'])).toBe(8);
    expect(objects[0]?.lineOf(['spec', 'nothing', 'here'])).toBe(6);
  });

  it('reads JSON', () => {
    expect(parseManifestObjects('{"kind": "Pod", "metadata": {"name": "j"}}', 'p.json').objects[0]?.object).toEqual({ kind: 'Pod', metadata: { name: 'j' } });
  });

  it('reports syntax errors, duplicate keys and non-objects with file and line, and still reads the rest', () => {
    const text = 'kind: Pod\nkind: Pod\n---\n- a\n---\nkind: Service\nmetadata: {name: ok}\n';
    const { objects, problems } = parseManifestObjects(text, 'bad.yaml');
    expect(problems.map((p) => `${p.file}:${p.line} ${p.message.split(':')[0]}`)).toEqual(['bad.yaml:2 duplicate key', 'bad.yaml:4 a document must be a Kubernetes object (a mapping with apiVersion and kind)']);
    expect(objects.map((o) => o.object.kind)).toEqual(['Service']);
  });

  it('refuses alias bombs instead of expanding them', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}]`);
    const { problems } = parseManifestObjects(lines.join('\n'), 'bomb.yaml');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain('YAML could not be expanded');
  });
});

describe('parseManifestObjects on one JSON document', () => {
  it('places List items and nested fields on their lines, as the YAML path does', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [{ kind: 'Pod', metadata: { name: 'a', annotations: { 'x/y': '[{,]}"' } }, spec: { containers: [{ name: 'c' }] } }, 7, { kind: 'Pod', metadata: { name: 'b' } }] };
    const text = JSON.stringify(list, null, 2);
    const { objects, problems } = parseManifestObjects(text, 'l.json');
    const lines = text.split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    expect(objects.map((o) => o.line)).toEqual([lineOf('"items"') + 1, lineOf('"name": "b"') - 3]);
    expect(problems).toEqual([{ file: 'l.json', line: lineOf('    7'), col: 1, message: 'items[1] must be a Kubernetes object' }]);
    expect(objects[0]?.lineOf(['spec', 'containers', 0, 'name'])).toBe(lineOf('"name": "c"'));
  });

  it('falls back to the YAML parser for malformed JSON, which places the error', () => {
    const { problems } = parseManifestObjects('{"kind": "Pod",\n "metadata": {"name": "x"}\n', 'broken.json');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain('YAML syntax error');
  });
});
