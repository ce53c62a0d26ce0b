import { describe, expect, it } from 'vitest';
import { checkCurrent } from '../../src/validate/current.js';
import type { DirEntry } from '../../src/validate/files.js';

const file = (name: string, content: string): DirEntry => ({ name, type: 'file', size: content.length, content });
const POLICY = ['# Generated', 'kind: NetworkPolicy', 'spec:', '  ports:', '    - protocol: TCP', '      port: 53', '    - protocol: UDP', '      port: 53', ''].join('\n');
const EXPECTED = [
  { path: 'a.yaml', content: POLICY },
  { path: 'b.yaml', content: 'kind: Namespace\n' },
];

describe('the current check', () => {
  it('passes when every file is byte-identical, with or without the ownership list', () => {
    const entries = [file('a.yaml', POLICY), file('b.yaml', 'kind: Namespace\n'), file('.floe-generated', '# list\na.yaml\nb.yaml\n')];
    const result = checkCurrent('target/network', entries, EXPECTED, 'manifest.yaml');
    expect(result).toMatchObject({ status: 'pass', problems: [], summary: 'all 2 files are what floe generates from manifest.yaml' });
    expect(checkCurrent('target/network', entries.slice(0, 2), EXPECTED, 'manifest.yaml').status).toBe('pass');
  });

  it('shows a hand-edited file as a unified diff from disk to the regenerated file, at the first changed line', () => {
    const edited = POLICY.replace('port: 53\n    - protocol: UDP', 'port: 5353\n    - protocol: UDP');
    const result = checkCurrent('target/network', [file('a.yaml', edited), file('b.yaml', 'kind: Namespace\n')], EXPECTED, 'manifest.yaml');
    expect(result.status).toBe('fail');
    expect(result.summary).toBe('not what floe generates from manifest.yaml: 1 changed');
    const [p] = result.problems;
    expect(p).toMatchObject({ file: 'target/network/a.yaml', line: 6, col: 1, message: expect.stringContaining('run `floe network generate -m manifest.yaml` and commit the result') });
    expect(p?.diff).toBe(
      ['--- a/a.yaml', '+++ b/a.yaml', '@@ -3,6 +3,6 @@', ' spec:', '   ports:', '     - protocol: TCP', '-      port: 5353', '+      port: 53', '     - protocol: UDP', '       port: 53', ''].join('\n'),
    );
  });

  it('lists missing and unexpected files and entries that are not files', () => {
    const entries: DirEntry[] = [file('a.yaml', POLICY), file('old-domain.yaml', 'x'), { name: 'b.yaml', type: 'directory', size: 0 }, { name: 'sub', type: 'directory', size: 0 }];
    const result = checkCurrent('net', entries, [...EXPECTED, { path: 'c.yaml', content: 'c' }], '<built-in defaults>');
    expect(result.summary).toBe('not what floe generates from <built-in defaults>: 1 changed, 1 missing, 2 unexpected');
    expect(result.problems.map((p) => `${p.file}: ${p.message}`)).toEqual([
      'net/b.yaml: is not the file floe generates (a directory)',
      'net/c.yaml: missing: generating from <built-in defaults> writes this file; run `floe network generate -d net` and commit the result',
      'net/old-domain.yaml: unexpected file: generating from <built-in defaults> does not write it; remove it or run `floe network generate -d net` and commit the result',
      'net/sub: unexpected directory: generating from <built-in defaults> does not write it; remove it or run `floe network generate -d net` and commit the result',
    ]);
  });
});
