import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInventory } from '../../src/policy/inventory.js';
import { parseObjects } from '../../src/inventory/load-dir.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import { resolveEndpoint } from '../../src/policy/resolve.js';
import type { PolicyProtocol } from '../../src/policy/types.js';

const DIR = join(import.meta.dirname, '../../../../tests/fixtures/policy/k8s-docs');
const load = (file: string) => parseObjects(readFileSync(join(DIR, file), 'utf8'), file);

/** The documentation's policy in `file` applied to scene.yaml; `verdict('default/frontend', 'default/db', '6379')`. */
function scene(...files: string[]) {
  const inv = buildInventory([...load('scene.yaml'), ...files.flatMap(load)]);
  const engine = new PolicyEngine(inv.model);
  return (from: string, to: string, port = '80'): boolean => {
    const [n, proto = 'TCP'] = port.split('/');
    return engine.evaluate(resolveEndpoint(inv.model, from).endpoint, resolveEndpoint(inv.model, to).endpoint, { protocol: proto as PolicyProtocol, port: Number(n) }).allowed;
  };
}

describe('the Kubernetes documentation examples', () => {
  it('test-network-policy: ingress to role=db from the ipBlock (minus except), project=myproject namespaces and role=frontend pods on TCP 6379', () => {
    const allowed = scene('networkpolicy.yaml');
    expect(allowed('default/frontend', 'default/db', '6379')).toBe(true);
    expect(allowed('default/frontend', 'default/db', '6380')).toBe(false);
    expect(allowed('default/frontend', 'default/db', '6379/UDP')).toBe(false);
    expect(allowed('myproject/worker', 'default/db', '6379')).toBe(true);
    expect(allowed('elsewhere/client', 'default/db', '6379')).toBe(false);
    expect(allowed('default/client', 'default/db', '6379')).toBe(false);
    expect(allowed('172.17.0.5', 'default/db', '6379')).toBe(true);
    expect(allowed('172.17.1.5', 'default/db', '6379')).toBe(false);
    expect(allowed('default/db', '10.0.0.7', '5978')).toBe(true);
    expect(allowed('default/db', '10.0.1.7', '5978')).toBe(false);
    expect(allowed('default/db', 'default/frontend', '80')).toBe(false);
    expect(allowed('default/client', 'default/frontend', '80')).toBe(true);
  });

  it('default-deny-ingress isolates every pod of the namespace for ingress only', () => {
    const allowed = scene('network-policy-default-deny-ingress.yaml');
    expect(allowed('default/frontend', 'default/db')).toBe(false);
    expect(allowed('alice/client', 'default/db')).toBe(false);
    expect(allowed('default/db', 'alice/client')).toBe(true);
  });

  it('allow-all-ingress admits everything despite default-deny-ingress (policies are a union)', () => {
    const allowed = scene('network-policy-default-deny-ingress.yaml', 'network-policy-allow-all-ingress.yaml');
    expect(allowed('alice/client', 'default/db', '1/UDP')).toBe(true);
    expect(allowed('203.0.113.1', 'default/db', '443')).toBe(true);
  });

  it('default-deny-egress isolates every pod of the namespace for egress only', () => {
    const allowed = scene('network-policy-default-deny-egress.yaml');
    expect(allowed('default/db', 'alice/client')).toBe(false);
    expect(allowed('default/db', '8.8.8.8', '53/UDP')).toBe(false);
    expect(allowed('alice/client', 'default/db')).toBe(true);
  });

  it('allow-all-egress admits everything despite default-deny-egress', () => {
    const allowed = scene('network-policy-default-deny-egress.yaml', 'network-policy-allow-all-egress.yaml');
    expect(allowed('default/db', '8.8.8.8', '53/UDP')).toBe(true);
  });

  it('default-deny-all isolates both directions', () => {
    const allowed = scene('network-policy-default-deny-all.yaml');
    expect(allowed('default/db', 'alice/client')).toBe(false);
    expect(allowed('alice/client', 'default/db')).toBe(false);
    expect(allowed('alice/client', 'elsewhere/client')).toBe(true);
  });

  it('multi-port-egress admits TCP 32000 through 32768 to 10.0.0.0/24', () => {
    const allowed = scene('multi-port-egress.yaml');
    expect(allowed('default/db', '10.0.0.1', '32000')).toBe(true);
    expect(allowed('default/db', '10.0.0.1', '32768')).toBe(true);
    expect(allowed('default/db', '10.0.0.1', '32769')).toBe(false);
    expect(allowed('default/db', '10.0.0.1', '31999')).toBe(false);
    expect(allowed('default/db', '10.0.1.1', '32000')).toBe(false);
  });

  it('one peer with namespaceSelector and podSelector admits role=client pods in user=alice namespaces only', () => {
    const allowed = scene('and-selector.yaml');
    expect(allowed('alice/client', 'default/db')).toBe(true);
    expect(allowed('alice/other', 'default/db')).toBe(false);
    expect(allowed('elsewhere/client', 'default/db')).toBe(false);
    expect(allowed('default/client', 'default/db')).toBe(false);
  });

  it('two peers admit any pod of user=alice namespaces or role=client pods of the policy namespace', () => {
    const allowed = scene('or-selector.yaml');
    expect(allowed('alice/client', 'default/db')).toBe(true);
    expect(allowed('alice/other', 'default/db')).toBe(true);
    expect(allowed('default/client', 'default/db')).toBe(true);
    expect(allowed('elsewhere/client', 'default/db')).toBe(false);
  });

  it('targets a namespace by its automatic kubernetes.io/metadata.name label', () => {
    const allowed = scene('namespace-by-name.yaml');
    expect(allowed('default/db', 'myproject/worker')).toBe(true);
    expect(allowed('default/db', 'alice/client')).toBe(false);
  });
});
