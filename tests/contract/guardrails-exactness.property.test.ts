import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ManifestError, parseManifest, type FloeManifest } from '@floe/core';
import { buildIntents } from '@floe/core/intent';
import { NetworkPolicyManifestGenerator } from '@floe/core/network';
import { buildInventory, externalEndpoint, PolicyEngine, proveIntents, type Endpoint, type PodInfo, type SourcedObject } from '@floe/core/policy';
import { K8sNetworkSecurityPlugin } from '@floe/network-security-k8s';

/**
 * Exactness of the cluster guardrails, over random manifests: with
 * cluster_guardrails on (either API), a manifest is either refused, only
 * with manifest.guardrail_conflict problems and accepted with guardrails off,
 * or its guardrails forbid nothing the intent allows: the intent proof, which
 * evaluates the Admin tier, the NetworkPolicies and the Baseline tier
 * together (policy/tiers.ts), passes for every intended and forbidden flow,
 * exactly as it does without the guardrails. And they do what they are for:
 * with a foreign allow-all NetworkPolicy (both directions) in every managed
 * namespace, a domain still cannot reach another domain, a namespace outside
 * the platform cannot reach the jobs namespace, and no managed namespace
 * reaches the metadata endpoints.
 *
 * FLOE_PROPERTY_RUNS raises the number of manifests (default 150).
 */
const RUNS = Number(process.env.FLOE_PROPERTY_RUNS ?? 150);
const generator = new NetworkPolicyManifestGenerator(new K8sNetworkSecurityPlugin());
const stats = { cases: 0, refused: 0, flows: 0, guarded: 0 };

const DOMAINS = ['sales', 'marketing', 'ops'];
const CIDRS = ['10.20.0.0/16', '192.0.2.0/24', '2001:db8::/32', '10.30.4.10/32', '10.20.0.0/16', '169.254.0.0/16', 'fd00:ec2::/64'];
const EXCEPT = ['10.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fe80::/10'];
const port = fc.constantFrom(80, 443, 5432, 8080, 9092);
const labels = fc.dictionary(fc.constantFrom('app', 'tier'), fc.constantFrom('a', 'b', 'web'), { minKeys: 1, maxKeys: 2 });

function rules(targets: readonly string[]) {
  return fc.array(
    fc.record({
      target: fc.oneof(fc.constantFrom(...targets).map((ns) => ({ to_namespace: ns })), fc.constantFrom(...CIDRS).map((c) => ({ to_cidr: c }))),
      labels,
      port,
    }),
    { maxLength: 2 },
  ).map((list) => list.map((r, i) => ({ name: `rule-${i}`, ...r.target, ...('to_namespace' in r.target ? { to_pod_labels: r.labels } : {}), port: r.port })));
}

const manifestArb = fc
  .record({
    mode: fc.constantFrom('cluster-network-policy', 'admin-network-policy'),
    domains: fc.subarray(DOMAINS),
    default_deny: fc.boolean(),
    allow_external_https: fc.boolean(),
    except: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.subarray(EXCEPT) }),
    dnsCidrs: fc.oneof({ weight: 4, arbitrary: fc.subarray(['169.254.20.10/32']) }, { weight: 1, arbitrary: fc.constant(['169.254.0.0/16']) }),
    endpoints: fc.array(fc.record({ pod_labels: labels, ports: fc.uniqueArray(port, { minLength: 1, maxLength: 2 }) }), { maxLength: 2 }),
  })
  .chain((base) => {
    const domainNs = base.domains.map((d) => `floe-${d}-domain`);
    return fc
      .record({
        jobs: rules(['floe-platform', ...domainNs, 'kafka']),
        platform: rules(['floe-jobs', ...domainNs, 'kafka']),
        domain: rules(['floe-platform', 'floe-jobs', 'kafka']),
      })
      .map((allow) => ({ base, allow }));
  })
  .map(({ base, allow }) => ({
    name: 'prop',
    domains: base.domains.map((name) => ({ name })),
    security: {
      network_policies: {
        cluster_guardrails: base.mode,
        default_deny: base.default_deny,
        allow_external_https: base.allow_external_https,
        ...(base.except ? { external_https_except: base.except } : {}),
        kubernetes_api: { cidrs: ['10.96.0.1/32'] },
        dns: { cidrs: base.dnsCidrs },
        ingress_controller: { domain_endpoints: base.endpoints.map((e, i) => ({ name: `ep-${i}`, ...e })) },
        jobs_egress_allow: allow.jobs,
        platform_egress_allow: allow.platform,
        domain_egress_allow: allow.domain,
      },
    },
  }));

function parse(input: unknown): FloeManifest | ManifestError {
  try {
    return parseManifest(JSON.stringify(input), 'manifest.yaml');
  } catch (err) {
    if (err instanceof ManifestError) return err;
    throw err;
  }
}

const withoutGuardrails = (input: { security: { network_policies: Record<string, unknown> } }) => ({
  ...input,
  security: { network_policies: { ...input.security.network_policies, cluster_guardrails: 'off' } },
});

const pod = (namespace: string, name: string): PodInfo => ({ namespace, name, labels: { app: name }, ips: [], ports: [], endpoint: `${namespace}/${name}[Pod]` });

/** A team's allow-all NetworkPolicy, both directions, in `namespace`: what a namespace owner could write. */
const allowAll = (namespace: string): SourcedObject => ({
  source: `foreign ${namespace}`,
  object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'team-allow-all', namespace }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] } },
});

describe('cluster guardrails forbid nothing the intent allows (property)', () => {
  afterAll(() => {
    console.log(`guardrails exactness: ${stats.cases} manifests, ${stats.refused} refused for a guardrail conflict, ${stats.flows} proof flows, ${stats.guarded} guarded flows denied despite allow-all`);
  });

  it('either refuses the manifest for a guardrail conflict, or proves every flow as without guardrails, and the guarded flows stay denied', () => {
    fc.assert(
      fc.property(manifestArb, (input) => {
        stats.cases++;
        const parsed = parse(input);
        if (parsed instanceof ManifestError) {
          stats.refused++;
          expect(parsed.issues.map((i) => i.code)).toEqual(parsed.issues.map(() => 'manifest.guardrail_conflict'));
          expect(parse(withoutGuardrails(input))).not.toBeInstanceOf(ManifestError);
          return;
        }
        const result = generator.generate(parsed);
        expect(result.guardrails.length).toBeGreaterThan(0);
        const objects: SourcedObject[] = result.files.flatMap((f) => (f.object ? [{ object: f.object, source: f.path }] : []));
        const proof = proveIntents(buildIntents(parsed), objects);
        stats.flows += proof.length;
        expect(proof.filter((r) => !r.ok)).toEqual([]);

        // What the guardrails are for: a foreign allow-all in every managed namespace reopens none of it.
        const plan = buildIntents(parsed);
        const inventory = buildInventory([...objects, ...plan.namespaces.map((n) => allowAll(n.name)), allowAll('kafka')]);
        const outsider = pod('kafka', 'outsider');
        const nsPods = plan.namespaces.map((n) => pod(n.name, 'w'));
        const engine = new PolicyEngine({ ...inventory.model, pods: [...inventory.model.pods, outsider, ...nsPods] });
        const asPod = (p: PodInfo): Endpoint => ({ kind: 'pod', pod: p });
        const denied = (from: Endpoint, to: Endpoint) => {
          stats.guarded++;
          return !engine.evaluate(from, to, { protocol: 'TCP', port: 8080 }).allowed;
        };
        const domains = nsPods.filter((p) => plan.namespaces.find((n) => n.name === p.namespace)?.role === 'domain');
        for (const a of domains) for (const b of domains) if (a !== b) expect(denied(asPod(a), asPod(b)), `${a.namespace} -> ${b.namespace}`).toBe(true);
        const jobs = nsPods.find((p) => p.namespace === parsed.namespaces.jobs) as PodInfo;
        expect(denied(asPod(outsider), asPod(jobs)), 'kafka -> jobs').toBe(true);
        for (const p of nsPods) {
          expect(denied(asPod(p), externalEndpoint('169.254.169.254') as Endpoint), `${p.namespace} -> metadata`).toBe(true);
          expect(denied(asPod(p), externalEndpoint('fd00:ec2::254') as Endpoint), `${p.namespace} -> metadata v6`).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
