import { describe, expect, it } from 'vitest';
import { parseManifest } from '@floe/core';
import { KUSTOMIZATION_FILE, NetworkPolicyManifestGenerator } from '@floe/core/network';
import { K8sNetworkSecurityPlugin } from '@floe/network-security-k8s';

describe('the Kustomization (the prune set)', () => {
  it('lists every generated object file except the Namespaces, so no pruning flow can delete a namespace', () => {
    const config = parseManifest('domains: [{ name: sales }, { name: marketing }]\n', 'manifest.yaml');
    const { files } = new NetworkPolicyManifestGenerator(new K8sNetworkSecurityPlugin()).generate(config);
    const kustomization = files.find((f) => f.path === KUSTOMIZATION_FILE);
    const listed = [...(kustomization?.content ?? '').matchAll(/^ {2}- (.+)$/gm)].map((m) => m[1]);
    const objects = files.filter((f) => f.path.endsWith('.yaml'));
    expect(listed).toEqual(objects.filter((f) => f.kind !== 'Namespace').map((f) => f.path));
    expect(objects.filter((f) => f.kind === 'Namespace').length).toBe(4);
    expect(listed.some((p) => p?.endsWith('-namespace.yaml'))).toBe(false);
  });
});
