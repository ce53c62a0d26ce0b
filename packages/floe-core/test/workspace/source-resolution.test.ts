import { describe, expect, it } from 'vitest';

describe('workspace packages in tests', () => {
  it('resolve @floe/core and the K8s plugin to their TypeScript sources, never to a possibly stale dist/', async () => {
    const viaPackage = await import('@floe/core');
    const viaSource = await import('../../src/index.js');
    expect(viaPackage.parseManifest).toBe(viaSource.parseManifest);
    expect((await import('@floe/core/network')).NetworkPolicyManifestGenerator).toBe((await import('../../src/network/index.js')).NetworkPolicyManifestGenerator);
    const plugin = await import('@floe/network-security-k8s');
    const pluginSource = await import('../../../../plugins/network-security-k8s/src/index.js');
    expect(plugin.K8sNetworkSecurityPlugin).toBe(pluginSource.K8sNetworkSecurityPlugin);
  });
});
