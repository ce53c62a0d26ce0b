import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/cluster/types.js';
import { semanticDiff } from '../../src/policy/semantic-diff.js';
import { subtractRanges } from '../../src/policy/ports.js';

const pod = (name: string, labels: Record<string, string>) => ({ object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'a', labels } }, source: 'cluster' });
const policy = (name: string, spec: object): KubeObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'a' }, spec });
const live = (o: KubeObject) => ({ object: o, source: 'cluster' });

const denyIngress = policy('floe-default-deny', { podSelector: {}, policyTypes: ['Ingress'] });
const allowApi = policy('floe-allow', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 80 }] }] });
const pods = [pod('web', { app: 'web' }), pod('api', { app: 'api' })];

describe('semantic diff: what the live policies allow against what the intent allows', () => {
  it('reports the access another policy in a managed namespace widens, minus what the intent allows anyway', () => {
    const open = policy('team-open', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] });
    const d = semanticDiff([...pods, live(denyIngress), live(allowApi), live(open)], [denyIngress, allowApi], ['a']);
    expect(d.narrowed).toEqual([]);
    const apiToWeb = d.widened.find((c) => c.from === 'a/api[Pod]' && c.to === 'a/web[Pod]');
    expect(apiToWeb?.connections).toEqual([
      { protocol: 'TCP', port: 1, endPort: 79 },
      { protocol: 'TCP', port: 81, endPort: 65535 },
      { protocol: 'UDP', port: 1, endPort: 65535 },
      { protocol: 'SCTP', port: 1, endPort: 65535 },
    ]);
    expect(d.widened.some((c) => c.from.endsWith('[External]') && c.to === 'a/web[Pod]')).toBe(true);
  });

  it('reports the access the intent allows and the cluster blocks (a missing allow policy)', () => {
    const d = semanticDiff([...pods, live(denyIngress)], [denyIngress, allowApi], ['a']);
    expect(d.widened).toEqual([]);
    expect(d.narrowed).toEqual([{ from: 'a/api[Pod]', to: 'a/web[Pod]', connections: [{ protocol: 'TCP', port: 80 }] }]);
  });

  it('finds no difference when the live policies are the intent, and ignores policies of unmanaged namespaces', () => {
    expect(semanticDiff([...pods, live(denyIngress), live(allowApi)], [denyIngress, allowApi], ['a'])).toEqual({ widened: [], narrowed: [], basis: 'pods' });
  });

  it('compares with the real pods when there are pods (basis pods)', () => {
    expect(semanticDiff([...pods, live(denyIngress), live(allowApi)], [denyIngress, allowApi], ['a']).basis).toBe('pods');
  });

  it('with no pods in the managed namespaces, compares the policies\' own rules by namespace and selector', () => {
    const nsObj = (name: string) => ({ object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } }, source: 'cluster' });
    const fromIngress = (ports: number[]) =>
      policy('floe-allow-ingress-web', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }], ports: ports.map((port) => ({ port })) }],
      });
    const d = semanticDiff([nsObj('a'), nsObj('ingress-nginx'), live(denyIngress), live(fromIngress([80, 8443]))], [denyIngress, fromIngress([80])], ['a']);
    expect(d.basis).toBe('selectors');
    expect(d.narrowed).toEqual([]);
    expect(d.widened).toEqual([{ from: 'ingress-nginx/{app.kubernetes.io/name=ingress-nginx}[Selector]', to: 'a/{app=web}[Selector]', connections: [{ protocol: 'TCP', port: 8443 }] }]);
  });

  it('subtracts port ranges', () => {
    expect(subtractRanges([[1, 100]], [[10, 20], [50, 50]])).toEqual([[1, 9], [21, 49], [51, 100]]);
    expect(subtractRanges([[1, 10]], [[1, 10]])).toEqual([]);
  });
});
