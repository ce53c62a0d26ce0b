import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { emitYaml, yamlString } from '../../packages/floe-core/src/util/yaml-emit.ts';

const tricky = fc.constantFrom(
  '', ' ', 'yes', 'No', 'on', 'OFF', 'y', 'null', '~', 'true', '0', '-1', '1e3', '0x1F', '0o17', '.inf', '-.Inf', '.nan',
  '1:20', '2026-11-26', '::/0', '::1/128', 'a: b', 'a #b', 'key:', '- item', '? x', '!tag', '&anchor', '*alias', '@at', '`tick',
  '"quoted"', "'single'", 'multi\nline', 'tab\there', 'trailing ', ' leading', '{}', '[]', 'a,b', '%percent', '|', '>',
  'registry.k8s.io/pause:3.10', '10.0.0.0/8', 'kubernetes.io/metadata.name', 'ünïcödé', 'emoji 🚀', '\u0000', '\u007f',
);
const str = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 8 }), tricky);
const scalar = fc.oneof(str, fc.integer(), fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(str, tie('v'), { maxKeys: 4 })),
})).v;

describe('YAML emitter', () => {
  it('round-trips any plain data through a YAML 1.2 parser', () => {
    fc.assert(
      fc.property(fc.dictionary(str, value, { maxKeys: 6 }), (doc) => {
        expect(parse(emitYaml(doc))).toEqual(Object.keys(doc).length ? doc : null);
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips every string through a YAML 1.1 parser too (yes/no/on/off and sexagesimals stay strings)', () => {
    fc.assert(
      fc.property(str, (s) => {
        expect(parse(`k: ${yamlString(s)}\n`, { version: '1.1' })).toEqual({ k: s });
      }),
      { numRuns: 2000 },
    );
  });

  it('writes Kubernetes-style block YAML: indented lists, nested maps after "- ", empty collections inline', () => {
    const text = emitYaml({ spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '::/0', except: [] } }], ports: [{ protocol: 'TCP', port: 443 }] }] } });
    expect(text).toBe(
      [
        'spec:',
        '  podSelector: {}',
        '  policyTypes:',
        '    - Egress',
        '  egress:',
        '    - to:',
        '        - ipBlock:',
        '            cidr: "::/0"',
        '            except: []',
        '      ports:',
        '        - protocol: TCP',
        '          port: 443',
        '',
      ].join('\n'),
    );
  });
});
