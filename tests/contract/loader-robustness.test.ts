// Every command that reads Kubernetes objects from files (audit and explain
// --from-dir, diff --dir, validate, pss check) must answer bad input with an
// input error (exit 2) or a report, never a crash (exit 4). Random mutations
// of real objects probe them, including values whose String() throws (a key
// named toString) and keys that name Object.prototype members.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, it } from 'vitest';
import { K8sNetworkSecurityPlugin } from '@floe/network-security-k8s';
import { parseManifest } from '@floe/core/config';
import { parseObjectFile } from '@floe/core/diff';
import { FloeError } from '@floe/core/errors';
import { NetworkPolicyManifestGenerator } from '@floe/core/network';
import { parseObjects } from '@floe/core/inventory';
import { auditFindings, buildInventory, PolicyEngine, summarisePolicies } from '@floe/core/policy';
import { checkObjects, parseLevelVersion, pssSubjects, pssViolationFindings } from '@floe/core/pss';
import { validateOffline, type DirEntry } from '@floe/core/validate';
import { REPO } from '../cli/run.ts';

const manifest = parseManifest(readFileSync(join(REPO, 'examples/manifest.yaml'), 'utf8'), 'manifest.yaml');
const generated = new NetworkPolicyManifestGenerator(new K8sNetworkSecurityPlugin()).generate(manifest).files;
const GENERATED = generated.filter((f) => f.object !== null).map((f) => ({ path: f.path, doc: parse(f.content) as unknown }));
const WORKLOADS = [
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'floe-jobs', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 8080, name: 'http' }], securityContext: { runAsNonRoot: true } }] }, status: { podIP: '10.1.0.5' } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'floe-platform' }, spec: { template: { metadata: { labels: { app: 'd' } }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'i' }] } } } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'floe-jobs', labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.30' } } },
];

/** Keys and values chosen to break code that stringifies or indexes what it read. */
const nasty = fc.constantFrom('toString', 'valueOf', '__proto__', 'constructor', 'hasOwnProperty', 'length', '', '*', '-1');
const scalar = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), nasty, fc.constantFrom('10.0.0.0/8', 'TCP', 'UDP', 'NotIn', 'Exists', 'In', 'restricted', 'v1.30', 'latest', 'Pod', 'Deployment', 'List'));
const value = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), nasty), scalar, { maxKeys: 3 }),
  fc.array(fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), nasty), scalar, { maxKeys: 3 }), { maxLength: 2 }),
);

/** Replaces the value at a random path of `doc` with `v`, or deletes it; paths may also add keys. */
function mutate(doc: unknown, path: number[], v: unknown, remove: boolean, extraKey?: string): unknown {
  if (path.length === 0 || doc === null || typeof doc !== 'object') return remove ? undefined : v;
  const keys = Object.keys(doc as object);
  if (keys.length === 0) return v;
  const key = extraKey !== undefined && path.length === 1 && !Array.isArray(doc) ? extraKey : (keys[(path[0] as number) % keys.length] as string);
  const copy: Record<string, unknown> = Array.isArray(doc) ? ([...doc] as unknown as Record<string, unknown>) : { ...(doc as Record<string, unknown>) };
  Object.defineProperty(copy, key, { value: mutate(copy[key], path.slice(1), v, remove, extraKey), enumerable: true, writable: true, configurable: true });
  if (copy[key] === undefined) delete copy[key];
  return copy;
}

const mutation = fc.record({
  target: fc.nat(),
  path: fc.array(fc.nat(40), { minLength: 1, maxLength: 7 }),
  value,
  remove: fc.boolean(),
  extraKey: fc.option(fc.oneof(fc.string({ maxLength: 6 }), nasty), { nil: undefined }),
});

/** Runs `fn`; an error is acceptable only when it is floe's input error (exit 2). */
function onlyInputErrors(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    if (err instanceof FloeError && err.category === 'input') return true;
    throw err;
  }
}

const RUNS = Number(process.env.FLOE_PROPERTY_RUNS ?? 300);

describe('object-file loaders on mutated objects (property-based)', () => {
  it('audit and explain --from-dir: parse, inventory, engine, findings, connectivity and Pod Security', () => {
    const docs = [...GENERATED.map((g) => g.doc), ...WORKLOADS];
    fc.assert(
      fc.property(mutation, ({ target, path, value: v, remove, extraKey }) => {
        const objects = docs.map((d, i) => (i === target % docs.length ? mutate(d, path, v, remove, extraKey) : d));
        const text = objects.map((o) => stringify(o ?? null)).join('---\n');
        return onlyInputErrors(() => {
          const sourced = parseObjects(text, 'fuzz.yaml');
          const inventory = buildInventory(sourced);
          const engine = new PolicyEngine(inventory.model);
          auditFindings(engine);
          summarisePolicies(engine);
          engine.connectivity();
          pssViolationFindings(inventory.model.namespaces, pssSubjects(sourced));
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('diff --dir: one object per file', () => {
    fc.assert(
      fc.property(mutation, ({ target, path, value: v, remove, extraKey }) => {
        const g = GENERATED[target % GENERATED.length] as (typeof GENERATED)[number];
        return onlyInputErrors(() => parseObjectFile({ path: g.path, content: stringify(mutate(g.doc, path, v, remove, extraKey) ?? null) }));
      }),
      { numRuns: RUNS },
    );
  });

  it('validate: the offline checks report a mutated file, never crash on it', () => {
    fc.assert(
      fc.property(mutation, ({ target, path, value: v, remove, extraKey }) => {
        const i = target % GENERATED.length;
        const entries: DirEntry[] = GENERATED.map((g, j) => {
          const content = j === i ? stringify(mutate(g.doc, path, v, remove, extraKey) ?? null) : stringify(g.doc);
          return { name: g.path, type: 'file', size: Buffer.byteLength(content), content };
        });
        return onlyInputErrors(() => validateOffline({ dir: 'target/network', entries, manifest: { config: manifest, source: 'manifest.yaml' }, expected: generated }));
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('pss check: parse, pod shape and evaluation', () => {
    const level = parseLevelVersion('restricted:latest');
    fc.assert(
      fc.property(mutation, ({ target, path, value: v, remove, extraKey }) => {
        const docs = [...WORKLOADS, ...GENERATED.filter((g) => g.path.endsWith('pod-template.yaml')).map((g) => g.doc)];
        const text = docs.map((d, i) => stringify((i === target % docs.length ? mutate(d, path, v, remove, extraKey) : d) ?? null)).join('---\n');
        return onlyInputErrors(() => checkObjects([{ file: 'fuzz.yaml', text }], level));
      }),
      { numRuns: RUNS },
    );
  });
});
