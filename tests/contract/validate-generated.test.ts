// Whatever `floe network generate` writes, `floe network validate` accepts:
// every generated tree passes the offline checks (warnings allowed where the
// manifest itself opts out of default-deny or Pod Security).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { K8sNetworkSecurityPlugin } from '@floe/network-security-k8s';
import { CiliumNetworkSecurityPlugin } from '@floe/network-security-cilium';
import { InputError, parseManifest } from '@floe/core';
import { NetworkPolicyManifestGenerator } from '@floe/core/network';
import { objectKinds, validateOffline, type DirEntry } from '@floe/core/validate';
import { parseSource } from '../../packages/floe-core/src/validate/source.ts';
import { REPO } from '../cli/run.ts';

const EXAMPLE = readFileSync(join(REPO, 'examples/manifest.yaml'), 'utf8');
const generator = new NetworkPolicyManifestGenerator(new K8sNetworkSecurityPlugin());
const cilium = new CiliumNetworkSecurityPlugin();
const ciliumGenerator = new NetworkPolicyManifestGenerator(cilium);

/** The offline checks on the tree generated from `text`, as if read back from disk; null when the manifest is invalid. */
function offline(text: string, plugin: 'k8s' | 'cilium' = 'k8s', edit?: (path: string, content: string) => string | null) {
  let manifest;
  try {
    manifest = parseManifest(text, 'manifest.yaml');
  } catch (err) {
    if (err instanceof InputError) return null;
    throw err;
  }
  const files = (plugin === 'cilium' ? ciliumGenerator : generator).generate(manifest).files;
  // validate trusts a file identical to the generator's output to hold the generator's object, without parsing it:
  // every generated file must read back, as kubectl reads it (YAML 1.1), as exactly that object.
  for (const f of files) {
    if (f.object === null) continue;
    const parsed = parseSource(f.content);
    expect(parsed.ok && parsed.documents.map((d) => d.value), f.path).toEqual([JSON.parse(JSON.stringify(f.object))]);
  }
  // `edit` stands for a hand-changed directory (null: the file deleted); the generator's output stays the expectation.
  const entries: DirEntry[] = files.flatMap((f) => {
    const content = edit ? edit(f.path, f.content) : f.content;
    return content === null ? [] : [{ name: f.path, type: 'file' as const, size: Buffer.byteLength(content), content }];
  });
  return validateOffline({ dir: 'target/network', entries, manifest: { config: manifest, source: 'manifest.yaml' }, expected: files, ...(plugin === 'cilium' ? { kinds: objectKinds(cilium.metadata) } : {}) }).checks;
}

const failures = (checks: NonNullable<ReturnType<typeof offline>>) => checks.filter((c) => c.status === 'fail').flatMap((c) => c.problems.map((p) => `${c.id}: ${p.file}:${p.line} ${p.path}: ${p.message}`));

describe('generated trees pass validate', () => {
  it('passes every offline check for the built-in defaults and the example manifest', () => {
    for (const text of ['', EXAMPLE]) {
      const checks = offline(text);
      expect(checks?.map((c) => [c.id, c.status])).toEqual([
        ['files', 'pass'],
        ['schema', 'pass'],
        ['current', 'pass'],
        ['complete', 'pass'],
        ['intent-proof', 'pass'],
      ]);
    }
  });

  it('passes for manifests that use every option: IPv6 API CIDRs, port ranges, privileged levels, pinned versions, Localhost seccomp', () => {
    const text = stringify({
      domains: [{ name: 'a' }, { name: 'b', namespace: 'team-b' }],
      security: {
        network_policies: {
          kubernetes_api: { cidrs: ['10.96.0.1/32', 'fd00:10:96::1/128'], ports: [443] },
          jobs_egress_allow: [{ name: 'range', to_cidr: '192.168.0.0/16', port: 30000, end_port: 32767, protocol: 'UDP' }],
          domain_egress_allow: [{ name: 'sctp', to_namespace: 'telco', ports: [2905], protocol: 'SCTP' }],
        },
        pod_security: { platform_level: 'privileged', jobs_level: 'baseline', version: 'v1.30', seccomp_profile: 'Localhost', localhost_profile: 'profiles/floe.json', writable_paths: ['/var/cache/app'] },
      },
    });
    const checks = offline(text);
    expect(checks, 'the manifest is valid').not.toBeNull();
    expect(failures(checks ?? [])).toEqual([]);
    expect(checks?.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
  });

  // Found by the property test below: the proof demanded that forbidden flows be denied with no policies written.
  it('passes with NetworkPolicies disabled: nothing is forbidden, the complete check warns', () => {
    const checks = offline(stringify({ security: { network_policies: { enabled: false } } }));
    expect(failures(checks ?? [])).toEqual([]);
    expect(checks?.map((c) => [c.id, c.status])).toEqual([
      ['files', 'pass'],
      ['schema', 'pass'],
      ['current', 'pass'],
      ['complete', 'warn'],
      ['intent-proof', 'pass'],
    ]);
    expect(checks?.find((c) => c.id === 'intent-proof')?.summary).toMatch(/none is forbidden \(security\.network_policies\.enabled is false\)/);
  });

  it('passes for random valid mutations of the example manifest (property-based)', () => {
    const base = parse(EXAMPLE) as Record<string, unknown>;
    const scalar = fc.oneof(fc.constantFrom('10.0.0.0/8', '::/0', 'UDP', 'SCTP', 'restricted', 'baseline', 'privileged', 'floe-x', 'v1.29', 'latest', 443, 53, 65535, true, false), fc.integer({ min: 1, max: 65535 }));
    const set = (doc: unknown, path: number[], value: unknown): unknown => {
      if (path.length === 0 || doc === null || typeof doc !== 'object') return value;
      const keys = Object.keys(doc as object);
      if (keys.length === 0) return value;
      const key = keys[(path[0] as number) % keys.length] as string;
      const copy: Record<string, unknown> = Array.isArray(doc) ? ([...doc] as unknown as Record<string, unknown>) : { ...(doc as Record<string, unknown>) };
      copy[key] = set(copy[key], path.slice(1), value);
      return copy;
    };
    let valid = 0;
    fc.assert(
      fc.property(fc.array(fc.nat(40), { minLength: 2, maxLength: 6 }), fc.oneof(scalar, fc.array(scalar, { minLength: 1, maxLength: 3 })), (path, value) => {
        const checks = offline(stringify(set(base, path, value)));
        if (checks === null) return true;
        valid++;
        const failed = failures(checks);
        if (failed.length) throw new Error(failed.join('\n'));
        return true;
      }),
      { numRuns: 150 },
    );
    expect(valid).toBeGreaterThan(25);
  });
});

describe('generated CiliumNetworkPolicy trees pass validate, intent proof included (the engine evaluates them)', () => {
  // The example manifest with egress by host name: a to_fqdn rule, and external HTTPS by name in a second variant.
  const withFqdn = (external: unknown) => {
    const doc = parse(EXAMPLE) as { security: { network_policies: Record<string, unknown> & { jobs_egress_allow: unknown[] } } };
    doc.security.network_policies.jobs_egress_allow.push({ name: 'snowflake', to_fqdn: ['*.snowflakecomputing.com', 's3.eu-west-1.amazonaws.com'], ports: [443] });
    doc.security.network_policies.allow_external_https = external;
    return doc;
  };

  it('passes every offline check for the defaults, the example manifest and to_fqdn / fqdns variants', () => {
    for (const text of ['', EXAMPLE, stringify(withFqdn(true)), stringify(withFqdn(false)), stringify(withFqdn({ fqdns: ['*.github.com', 'pypi.org'] }))]) {
      const checks = offline(text, 'cilium');
      expect(checks?.map((c) => [c.id, c.status]), failures(checks ?? []).join('\n')).toEqual([
        ['files', 'pass'],
        ['schema', 'pass'],
        ['current', 'pass'],
        ['complete', 'pass'],
        ['intent-proof', 'pass'],
      ]);
    }
  });

  it('fails the proof naming the flow when the toFQDNs rule is removed, and complete when a default deny is removed', () => {
    const text = stringify(withFqdn(false));
    const noFqdn = offline(text, 'cilium', (path, content) => (path === 'floe-jobs-allow-egress.yaml' ? content.replace(/\n {4}- toFQDNs:\n(?: {8}.*\n| {6}.*\n)+?(?= {4}- |$)/, '\n') : content));
    const proof = noFqdn?.find((c) => c.id === 'intent-proof');
    expect(proof?.status).toBe('fail');
    expect(proof?.problems.map((p) => p.message).join('\n')).toMatch(/floe-jobs->snowflake.* \*\.snowflakecomputing\.com TCP\/443 \(floe-jobs\/stand-in-a\[Pod\] -> \*\.snowflakecomputing\.com\[Host\]\) must be allowed: egress at floe-jobs\/stand-in-a\[Pod\] is denied/);
    const noDeny = offline(text, 'cilium', (path, content) => (path === 'floe-jobs-default-deny.yaml' ? null : content));
    const complete = noDeny?.find((c) => c.id === 'complete');
    expect(complete?.status).toBe('fail');
    expect(complete?.problems.map((p) => p.message)).toContain('floe-jobs: no default-deny for ingress: no NetworkPolicy selects every pod (podSelector {}), lists Ingress in policyTypes and has no ingress rules');
  });

  it('passes for random valid mutations of the example manifest with host names (property-based)', () => {
    const base: unknown = withFqdn(false);
    const scalar = fc.oneof(
      fc.constantFrom('10.0.0.0/8', '::/0', 'UDP', 'SCTP', 'restricted', 'baseline', 'floe-x', 443, 53, 65535, true, false, '*.snowflakecomputing.com', 'api.example.com', '*.s3.amazonaws.com'),
      fc.integer({ min: 1, max: 65535 }),
    );
    const set = (doc: unknown, path: number[], value: unknown): unknown => {
      if (path.length === 0 || doc === null || typeof doc !== 'object') return value;
      const keys = Object.keys(doc as object);
      if (keys.length === 0) return value;
      const key = keys[(path[0] as number) % keys.length] as string;
      const copy: Record<string, unknown> = Array.isArray(doc) ? Object.fromEntries(doc.map((v, i) => [String(i), v])) : { ...(doc as Record<string, unknown>) };
      copy[key] = set(copy[key], path.slice(1), value);
      return Array.isArray(doc) ? Object.values(copy) : copy;
    };
    let valid = 0;
    let proved = 0;
    fc.assert(
      fc.property(fc.array(fc.nat(40), { minLength: 2, maxLength: 6 }), fc.oneof(scalar, fc.array(scalar, { minLength: 1, maxLength: 3 })), (path, value) => {
        const checks = offline(stringify(set(base, path, value)), 'cilium');
        if (checks === null) return true;
        valid++;
        const failed = failures(checks);
        if (failed.length) throw new Error(failed.join('\n'));
        if (checks.some((c) => c.id === 'intent-proof' && c.status === 'pass')) proved++;
        return true;
      }),
      { numRuns: 150 },
    );
    expect(valid).toBeGreaterThan(25);
    expect(proved).toBe(valid);
  });
});
