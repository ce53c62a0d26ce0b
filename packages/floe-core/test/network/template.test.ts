import { describe, expect, it } from 'vitest';
import { buildIntents, renameIntents } from '../../src/intent/build.js';
import type { NetworkIntent } from '../../src/intent/types.js';
import { NetworkPolicyManifestGenerator } from '../../src/network/generator.js';
import { planNetwork } from '../../src/network/plan.js';
import { NetworkSecurityPlugin, type NetworkPlan, type RenderedObject } from '../../src/plugin/plugin.js';
import { parse, yaml } from '../helpers.js';

const MANIFEST = yaml(
  'domains: [{ name: sales }, { name: hr }, { name: ops }, { name: ml }]',
  'security:',
  '  network_policies:',
  '    kubernetes_api: { cidrs: [10.96.0.1/32] }',
  '    ingress_controller:',
  '      domain_endpoints: [{ name: api, pod_labels: { app: api }, ports: [8080] }]',
  '    domain_egress_allow:',
  // A rule named like a domain namespace: its name is not the namespace's, and must not be renamed.
  '      - { name: floe-sales-domain, to_cidr: 10.1.0.0/16, port: 5432 }',
);

const touching = (intents: readonly NetworkIntent[], ns: string) => intents.filter((i) => i.from.namespace === ns || (i.to.kind === 'pods' && i.to.namespace === ns));

/** Records the plans it is given; renders one object per namespace. */
class Recording extends NetworkSecurityPlugin {
  readonly metadata = { name: 'recording', version: '1.0.0', floeApiVersion: '2.0' };
  readonly plans: NetworkPlan[] = [];
  render(plan: NetworkPlan): RenderedObject[] {
    this.plans.push(plan);
    return plan.namespaces.map((ns) => ({ path: `${ns.name}-policy.yaml`, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'policy', namespace: ns.name } } }));
  }
}

describe('domain templating', () => {
  it('renames a domain\'s intents exactly as buildIntents writes them for another domain', () => {
    const m = parse(MANIFEST);
    const intents = buildIntents(m).intents;
    const renamed = renameIntents(touching(intents, 'floe-sales-domain'), 'floe-sales-domain', 'floe-hr-domain');
    expect(renamed).toEqual(touching(intents, 'floe-hr-domain'));
    expect(renamed.map((i) => i.id)).toContain('floe-hr-domain->floe-sales-domain');
  });

  it('names the DNS and ingress controller namespaces and every to_namespace', () => {
    const m = parse(yaml('security:', '  network_policies:', '    jobs_egress_allow: [{ name: db, to_namespace: data, port: 5432 }]'));
    expect(buildIntents(m).namedNamespaces).toEqual(['data', 'ingress-nginx', 'kube-system']);
  });

  it('asks the plugin for the directly rendered namespaces and one stand-in domain, and gives the same files as rendering each domain directly', () => {
    const m = parse(MANIFEST);
    const templating = new Recording();
    const files = new NetworkPolicyManifestGenerator(templating).generate(m).files.map((f) => `${f.path}\n${f.content}`);
    expect(templating.plans.map((p) => p.namespaces.map((n) => n.name))).toEqual([['floe-platform', 'floe-jobs', 'floe-sales-domain', 'floe-floe0template0-domain']]);
    const direct = new NetworkPolicyManifestGenerator(new Recording(), { templateDomains: false }).generate(m).files.map((f) => `${f.path}\n${f.content}`);
    expect(files).toEqual(direct);
  });

  it('plans every namespace only when the plan is read', () => {
    const planned = planNetwork(parse(MANIFEST));
    expect(planned.plan.namespaces.map((n) => n.name)).toEqual(planned.namespaces.map((n) => n.name));
    expect(planned.plan).toBe(planned.plan);
  });
});
