import { describe, expect, it } from 'vitest';
import { parseManifest } from '../config/load.js';
import { NetworkPolicyManifestGenerator } from '../network/generator.js';
import { planNetwork } from '../network/plan.js';
import { InputError } from '../errors.js';
import { SHIPPED_PLUGINS } from '../plugin/shipped.js';
import { capabilitiesOf, isApiCompatible, PLUGIN_CAPABILITIES, type NetworkPlan, type NetworkSecurityPlugin, type RenderedObject } from '../plugin/plugin.js';

/**
 * The contract every NetworkSecurityPlugin must meet, whatever objects it
 * renders. A plugin package runs it against itself:
 *
 *   import { runPluginContract } from '@floe/core/testing';
 *   runPluginContract('k8s', () => new MyPlugin());
 *
 * It checks the shape of what a plugin returns and that every allowance of
 * the plan reaches the output; whether the objects admit exactly the plan is
 * for the plugin's own tests against its enforcement technology.
 */
export function runPluginContract(label: string, create: () => NetworkSecurityPlugin): void {
  const sample = parseManifest(
    [
      'name: contract',
      'domains: [{ name: sales }]',
      'security:',
      '  network_policies:',
      '    kubernetes_api: { cidrs: [10.96.0.1/32] }',
      '    ingress_controller:',
      '      domain_endpoints: [{ name: api, pod_labels: { app: api }, ports: [8080] }]',
      '    jobs_egress_allow:',
      '      - { name: udp-range, to_cidr: 10.1.0.0/16, port: 5000, end_port: 5010, protocol: UDP }',
    ].join('\n'),
    '<contract>',
  );
  const plan = (): NetworkPlan => planNetwork(sample).plan;
  const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
  const deepFreeze = <T>(o: T): T => {
    if (o && typeof o === 'object') {
      for (const v of Object.values(o)) deepFreeze(v);
      Object.freeze(o);
    }
    return o;
  };
  const inNamespace = (objects: RenderedObject[], ns: string) => objects.filter((r) => r.object.metadata.namespace === ns);

  describe(`NetworkSecurityPlugin contract: ${label}`, () => {
    it('declares a name, a semver version and a compatible floe plugin API version', () => {
      const { metadata } = create();
      expect(metadata.name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(metadata.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(isApiCompatible(metadata.floeApiVersion)).toBe(true);
    });

    it('returns objects with apiVersion, kind and a DNS-subdomain name, in namespaces of the plan, each in its own plain .yaml file', () => {
      const p = plan();
      const objects = create().render(p);
      const managed = new Set(p.namespaces.map((n) => n.name));
      expect(objects.length).toBeGreaterThan(0);
      expect(new Set(objects.map((r) => r.path)).size).toBe(objects.length);
      for (const r of objects) {
        expect(r.path).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*\.yaml$/);
        expect(typeof r.object.apiVersion).toBe('string');
        expect(typeof r.object.kind).toBe('string');
        expect(r.object.metadata.name).toMatch(DNS_SUBDOMAIN);
        if (r.object.metadata.namespace !== undefined) expect(managed.has(r.object.metadata.namespace)).toBe(true);
      }
      const ids = objects.map((r) => `${r.object.apiVersion}/${r.object.kind}/${r.object.metadata.namespace ?? ''}/${r.object.metadata.name}`);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('renders something in every namespace that the plan isolates with default-deny', () => {
      const p = plan();
      const objects = create().render(p);
      for (const ns of p.namespaces.filter((n) => n.defaultDeny)) expect(inNamespace(objects, ns.name).length, ns.name).toBeGreaterThan(0);
    });

    it('carries every port, CIDR, exception and pod label of the plan into its objects', () => {
      const p = plan();
      const apiByEntity = capabilitiesOf(create().metadata).has('api-server-entity');
      const text = JSON.stringify(create().render(p));
      for (const ns of p.namespaces) {
        for (const a of [...ns.egress, ...ns.ingress]) {
          for (const [k, v] of Object.entries(a.group.podLabels)) expect(text, `${ns.name} group ${a.group.name}`).toContain(JSON.stringify(k) + ':' + JSON.stringify(v));
          for (const rule of a.rules) {
            for (const port of rule.ports) {
              expect(text).toContain(String(port.port));
              if (port.endPort) expect(text).toContain(String(port.endPort));
            }
            for (const peer of rule.peers) {
              if (peer.kind === 'cidr') {
                // A plugin with api-server-entity names the API server by identity, not by these blocks.
                if (rule.purposes.every((x) => x === 'api-server') && apiByEntity) continue;
                for (const c of [peer.cidr, ...peer.except]) expect(text).toContain(c);
              } else if (peer.kind === 'fqdn') for (const n of peer.names) expect(text).toContain(n);
              else for (const n of peer.namespaces) expect(text).toContain(n);
            }
          }
        }
      }
    });

    it('renders nothing when the plan has no default-deny and no allowances', () => {
      const off = planNetwork(parseManifest('security: { network_policies: { enabled: false } }', '<contract>')).plan;
      expect(off.networkPoliciesEnabled).toBe(false);
      expect(create().render(off)).toEqual([]);
    });

    it('does not modify the plan it is given', () => {
      const p = plan();
      const before = JSON.stringify(p);
      expect(() => create().render(deepFreeze(p))).not.toThrow();
      expect(JSON.stringify(p)).toBe(before);
    });

    it('names a namespace only by its name: two domains with the same flows render the same objects up to their names', () => {
      const two = planNetwork(parseManifest('domains: [{ name: alpha }, { name: beta }]', '<contract>')).plan;
      const objects = create().render(two);
      const of = (domain: string) =>
        objects
          .filter((r) => r.object.metadata.namespace === `floe-${domain}-domain` || r.path.includes(`floe-${domain}-domain`))
          .map((r) => JSON.stringify(r).split(domain).join('DOMAIN'))
          .sort();
      expect(of('beta')).toEqual(of('alpha'));
    });

    it('renders the same plan to identical output, across instances', () => {
      expect(JSON.stringify(create().render(plan()))).toBe(JSON.stringify(create().render(plan())));
    });

    it('generates, with the core generator, a tree in which the core reports the objects the plugin chose', () => {
      const result = new NetworkPolicyManifestGenerator(create()).generate(sample);
      const paths = result.files.map((f) => f.path);
      for (const ns of result.plan.namespaces) {
        expect(paths).toContain(`00-${ns.name}-namespace.yaml`);
        expect(paths).toContain(`${ns.name}-pod-template.yaml`);
        const reported = result.namespaces.find((n) => n.name === ns.name)?.policies ?? [];
        const rendered = result.files.filter((f) => f.namespace === ns.name && f.kind !== 'PodTemplate' && f.kind !== 'Namespace').map((f) => f.name);
        expect([...reported].sort()).toEqual([...rendered].sort());
      }
    });

    it('declares only capabilities this core knows, each once, as the table of shipped plugins states them', () => {
      const { metadata } = create();
      const declared = metadata.capabilities ?? [];
      for (const c of declared) expect(PLUGIN_CAPABILITIES).toContain(c);
      expect(new Set(declared).size).toBe(declared.length);
      const shipped = SHIPPED_PLUGINS[metadata.name];
      if (shipped) expect([...declared].sort()).toEqual([...shipped.capabilities].sort());
    });

    it('renders host-name egress exactly when it declares fqdn-egress; otherwise the core refuses the manifest before render(), naming the rule', () => {
      const withFqdn = parseManifest(
        [
          'security:',
          '  network_policies:',
          '    jobs_egress_allow:',
          '      - { name: warehouse, to_cidr: 10.20.0.0/16, port: 5432 }',
          '      - { name: saas, to_fqdn: ["*.Snowflakecomputing.com", s3.eu-west-1.amazonaws.com], port: 443 }',
        ].join('\n'),
        '<contract>',
      );
      const plugin = create();
      const generate = () => new NetworkPolicyManifestGenerator(plugin).generate(withFqdn);
      if (capabilitiesOf(plugin.metadata).has('fqdn-egress')) {
        const text = JSON.stringify(plugin.render(planNetwork(withFqdn).plan));
        for (const n of ['*.snowflakecomputing.com', 's3.eu-west-1.amazonaws.com']) expect(text).toContain(n);
        expect(text).not.toContain('Snowflake');
        expect(generate().files.length).toBeGreaterThan(0);
      } else {
        let error: unknown;
        try {
          generate();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(InputError);
        expect((error as InputError).code).toBe('input.capability');
        expect((error as InputError).message).toContain(`egress rule jobs_egress_allow[1] "saas" (to_fqdn) needs a plugin with fqdn-egress, which plugin ${plugin.metadata.name} does not have`);
      }
    });
  });
}
