import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify, parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { K8sNetworkSecurityPlugin } from '@floe/network-security-k8s';
import { InputError, parseManifest } from '@floe/core';
import { NetworkPolicyManifestGenerator } from '@floe/core/network';
import { reportError } from '../../packages/floe-cli/src/exit.ts';
import { REPO } from '../cli/run.ts';

const EXAMPLE = readFileSync(join(REPO, 'examples/manifest.yaml'), 'utf8');
const generator = new NetworkPolicyManifestGenerator(new K8sNetworkSecurityPlugin());

/** What the CLI would exit with for this manifest text: only 0 (valid) or 2 (invalid input) are acceptable. */
function exitCodeFor(text: string): number {
  try {
    generator.generate(parseManifest(text, 'fuzz.yaml'));
    return 0;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return reportError(err, false).code;
  }
}

const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('10.0.0.0/8', '::/0', 'TCP', 'restricted', 'floe-x', '/tmp', 70000, -1, 0));

/** Replaces the value at a random path of the example with a random value, or deletes it. */
function mutate(doc: unknown, path: number[], value: unknown, remove: boolean): unknown {
  if (path.length === 0 || doc === null || typeof doc !== 'object') return remove ? undefined : value;
  const keys = Object.keys(doc as object);
  if (keys.length === 0) return value;
  const key = keys[(path[0] as number) % keys.length] as string;
  const copy: Record<string, unknown> = Array.isArray(doc) ? ([...doc] as unknown as Record<string, unknown>) : { ...(doc as Record<string, unknown>) };
  copy[key] = mutate(copy[key], path.slice(1), value, remove);
  if (copy[key] === undefined) delete copy[key];
  return copy;
}

describe('manifest parser robustness (property-based)', () => {
  it('never crashes on random text: every input is valid (exit 0) or invalid input (exit 2)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => [0, 2].includes(exitCodeFor(text))), { numRuns: 400 });
  });

  it('never crashes on random YAML documents', () => {
    const doc = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 4 })),
    })).value;
    fc.assert(fc.property(doc, (d) => [0, 2].includes(exitCodeFor(stringify({ security: d, domains: d, namespaces: d })))), { numRuns: 300 });
  });

  it('never crashes on mutations of the example manifest', () => {
    const base = parse(EXAMPLE) as unknown;
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 6 }), fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 3 })), fc.boolean(), (path, value, remove) => {
        const mutated = mutate(base, path, value, remove);
        return [0, 2].includes(exitCodeFor(stringify(mutated ?? {})));
      }),
      { numRuns: 500 },
    );
  });

  it('never crashes when the example text is truncated or has bytes flipped', () => {
    fc.assert(
      fc.property(fc.nat(EXAMPLE.length), fc.nat(EXAMPLE.length), fc.string({ minLength: 1, maxLength: 3 }), (cut, at, insert) => {
        expect([0, 2]).toContain(exitCodeFor(EXAMPLE.slice(0, cut)));
        return [0, 2].includes(exitCodeFor(EXAMPLE.slice(0, at) + insert + EXAMPLE.slice(at + 1)));
      }),
      { numRuns: 300 },
    );
  });
});
