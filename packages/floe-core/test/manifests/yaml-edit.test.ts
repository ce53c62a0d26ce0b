// Editing the user's YAML in place (manifests/yaml.ts): what `floe network harden` writes back.
import { describe, expect, it } from 'vitest';
import { applyEdits, documentsText, editDocument, parseYaml, sourceLayout, type YamlEdit } from '../../src/manifests/index.js';

function edit(text: string, edits: YamlEdit[]): string {
  const { documents } = parseYaml(text);
  const layout = sourceLayout(documents, text);
  for (const d of documents) editDocument(d, edits);
  return documentsText(documents, layout, text);
}

describe('editing YAML documents in place', () => {
  it('creates missing mappings as plain maps (no !!omap under YAML 1.1) after the existing keys', () => {
    expect(edit('a:\n  b: 1 # one\n', [{ op: 'set', path: ['a', 'c', 'd'], value: true }])).toBe('a:\n  b: 1 # one\n  c:\n    d: true\n');
  });

  it('adds to an existing sequence and creates a missing one', () => {
    const text = 'list:\n- x\n';
    expect(edit(text, [{ op: 'add', path: ['list'], value: 'w' }, { op: 'add', path: ['other'], value: 'z' }])).toBe('list:\n- x\n- w\nother:\n- z\n');
  });

  it('keeps every document of a stream, with its separators and comments, and comment-only lines where they were', () => {
    const text = '# first\na: 1\n---\n# second\nb:\n  # deep comment\n  c: 2\n# shallow comment\nd: 3\n';
    expect(edit(text, [])).toBe(text);
  });

  it('quotes a new string that YAML 1.1 would read as another type, as kubectl reads it', () => {
    expect(edit('a: 1\n', [{ op: 'set', path: ['b'], value: 'y' }])).toBe('a: 1\nb: "y"\n');
  });

  it('keeps comments aligned in columns', () => {
    const text = 'a: 1      # one\nbb: 2     # two\n';
    expect(edit(text, [{ op: 'set', path: ['c'], value: 3 }])).toBe('a: 1      # one\nbb: 2     # two\nc: 3\n');
  });

  it('rewrites a document with aliases from its value, with the edits applied to every use of the anchor as kubectl would read it', () => {
    const { documents } = parseYaml('base: &b {x: 1}\nuse: *b\n');
    const d = documents[0];
    if (!d) throw new Error('no document');
    expect(editDocument(d, [{ op: 'set', path: ['use', 'y'], value: 2 }])).toBe('rewritten');
    expect(d.doc.toJS()).toEqual({ base: { x: 1 }, use: { x: 1, y: 2 } });
  });

  it('applies the same edits to plain data', () => {
    expect(applyEdits({ a: { l: [1] } }, [{ op: 'add', path: ['a', 'l'], value: 2 }, { op: 'set', path: ['a', 'b', 'c'], value: 'v' }, { op: 'add', path: ['n'], value: 0 }])).toEqual({
      a: { l: [1, 2], b: { c: 'v' } },
      n: [0],
    });
  });
});
