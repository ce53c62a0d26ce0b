import { describe, expect, it } from 'vitest';
import { detectCni } from '../../src/cni/detect.js';
import { c, ds, IMG, node, snapshot } from './fixtures.js';

describe('check-cni advice', () => {
  it('flannel alone: the next step is Canal or kube-network-policies, with the docs', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-flannel', 'kube-flannel-ds', c('kube-flannel', IMG.flannel))] }));
    expect(r.verdict).toBe('not-enforced');
    expect(r.advice).toEqual([{ plugin: 'flannel', step: expect.stringMatching(/Calico as Canal .* or kube-network-policies/), docs: expect.stringMatching(/^https:\/\/docs\.tigera\.io\//) }]);
  });

  it('adds GKE\'s Dataplane V2 or Network Policy add-on when the nodes are GKE\'s', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-system', 'kube-flannel-ds', c('kube-flannel', IMG.flannel))], nodes: [node('gke-1', {}, { 'cloud.google.com/gke-nodepool': 'default-pool' })] }));
    expect(r.advice.map((a) => a.plugin)).toEqual(['flannel', 'gke']);
    expect(r.advice[1]?.step).toMatch(/Dataplane V2 .* Network Policy add-on/);
  });

  it('unknown with nothing recognised: what to look at, with the Kubernetes docs', () => {
    const r = detectCni(snapshot());
    expect(r.verdict).toBe('unknown');
    expect(r.advice).toEqual([{ plugin: 'unknown', step: expect.stringContaining('kubectl get daemonsets -A'), docs: expect.stringContaining('kubernetes.io/docs') }]);
  });

  it('gives no advice when policies are enforced', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-system', 'calico-node', c('calico-node', IMG.calicoNode))] }));
    expect(r.verdict).toBe('enforced');
    expect(r.advice).toEqual([]);
  });
});
