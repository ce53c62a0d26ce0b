// The v1alpha1 AdminNetworkPolicy/BaselineAdminNetworkPolicy example read from files by the built CLI:
// connectivity and explain through the tiers (examples/cluster-network-policy).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floe, REPO } from './run.ts';

const EXAMPLE = join(REPO, 'examples/cluster-network-policy');

describe('examples/cluster-network-policy read from files', () => {
  it('audit --connectivity reports what the tiers allow between the tenants', async () => {
    const r = await floe(['network', 'audit', '--connectivity', '--from-dir', EXAMPLE, '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = (JSON.parse(r.stdout) as { connectivity: { from: string; to: string; connections: unknown }[] }).connectivity;
    const between = (a: string, b: string) => rows.find((x) => x.from === a && x.to === b)?.connections ?? null;
    // monitoring scrapes metrics (Admin Allow, named port) and nothing else of the tenants.
    expect(between('monitoring/prometheus[Pod]', 'shop/web[Pod]')).toEqual([{ protocol: 'TCP', port: 9090 }]);
    expect(between('monitoring/prometheus[Pod]', 'shop/db[Pod]')).toBeNull();
    // other tenants are denied at the Admin tier; the same tenant is passed on: blog's NetworkPolicy admits it, shop has none, so the baseline deny decides.
    expect(between('blog/blog[Pod]', 'shop/web[Pod]')).toBeNull();
    expect(between('blog/blog[Pod]', 'blog/blog[Pod]')).toBe('all');
    expect(between('shop/web[Pod]', 'shop/db[Pod]')).toBeNull();
  });

  it('explain names the Pass rule and the baseline object that decided', async () => {
    const r = await floe(['network', 'explain', '--from-dir', EXAMPLE, '--from', 'shop/web', '--to', 'shop/db', '--port', '5432']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ingress at shop/db[Pod]: DENIED: denied by BaselineAdminNetworkPolicy `default` (Baseline, ingress rule 1 "deny-unless-a-networkpolicy-decides")');
    expect(r.stdout).toContain('after AdminNetworkPolicy `tenant-isolation` (Admin, priority 10, ingress rule 2 "same-tenant-to-networkpolicies") passed it on');
  });
});
