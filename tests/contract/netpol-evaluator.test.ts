import { describe, expect, it } from 'vitest';
import type { NetworkPolicy } from '@floe/core';
import { Cluster, selectorMatches, type Pod } from '../netpol/evaluator.ts';

/** The evaluator behind the exactness property, checked against the API reference's rules. */
const ns = (name: string, labels: Record<string, string> = {}) => [name, { 'kubernetes.io/metadata.name': name, ...labels }] as const;
const NAMESPACES = new Map([ns('a'), ns('b', { team: 'x' })]);
const pod = (namespace: string, labels: Record<string, string> = {}): Pod => ({ kind: 'pod', namespace, labels, name: `${namespace}/${JSON.stringify(labels)}` });
const policy = (namespace: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace }, spec });
const tcp = (port: number) => ({ protocol: 'TCP' as const, port });

describe('NetworkPolicy evaluator', () => {
  it('admits everything when no policy selects either pod', () => {
    expect(new Cluster([], NAMESPACES).admits(pod('a'), pod('b'), tcp(1))).toBe(true);
  });

  it('isolates a selected pod in the listed direction only: a policy with no rules denies that direction', () => {
    const c = new Cluster([policy('b', { podSelector: {}, policyTypes: ['Ingress'] })], NAMESPACES);
    expect(c.admits(pod('a'), pod('b'), tcp(80))).toBe(false);
    expect(c.admits(pod('b'), pod('a'), tcp(80))).toBe(true);
  });

  it('reads a podSelector-only peer as pods of the policy\'s own namespace', () => {
    const c = new Cluster([policy('b', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'x' } } }] }] })], NAMESPACES);
    expect(c.admits(pod('b', { app: 'x' }), pod('b'), tcp(80))).toBe(true);
    expect(c.admits(pod('a', { app: 'x' }), pod('b'), tcp(80))).toBe(false);
  });

  it('ANDs namespaceSelector and podSelector in one peer, and ORs separate peers', () => {
    const and = new Cluster([policy('b', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } }, podSelector: { matchLabels: { app: 'x' } } }] }] })], NAMESPACES);
    expect(and.admits(pod('a', { app: 'x' }), pod('b'), tcp(80))).toBe(true);
    expect(and.admits(pod('a'), pod('b'), tcp(80))).toBe(false);
    const or = new Cluster([policy('b', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } } }, { podSelector: { matchLabels: { app: 'x' } } }] }] })], NAMESPACES);
    expect(or.admits(pod('a'), pod('b'), tcp(80))).toBe(true);
    expect(or.admits(pod('b', { app: 'x' }), pod('b'), tcp(80))).toBe(true);
  });

  it('treats a rule without from as every source and without ports as every port; port ranges are inclusive and protocol-specific', () => {
    const c = new Cluster([policy('b', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: 9092, endPort: 9094 }] }] })], NAMESPACES);
    expect(c.admits(pod('a'), pod('b'), tcp(9094))).toBe(true);
    expect(c.admits(pod('a'), pod('b'), tcp(9095))).toBe(false);
    expect(c.admits(pod('a'), pod('b'), { protocol: 'UDP', port: 9092 })).toBe(false);
  });

  it('needs both the source\'s egress and the destination\'s ingress', () => {
    const c = new Cluster(
      [policy('a', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [tcp(80)] }] }), policy('b', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [tcp(81)] }] })],
      NAMESPACES,
    );
    expect(c.admits(pod('a'), pod('b'), tcp(80))).toBe(false);
    expect(c.admits(pod('a'), pod('b'), tcp(81))).toBe(false);
  });

  it('matches ipBlock addresses in cidr and not in except, and never pods', () => {
    const c = new Cluster([policy('a', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] })], NAMESPACES);
    expect(c.admits(pod('a'), { kind: 'ip', ip: '8.8.8.8' }, tcp(443))).toBe(true);
    expect(c.admits(pod('a'), { kind: 'ip', ip: '10.1.1.1' }, tcp(443))).toBe(false);
    expect(c.admits(pod('a'), { kind: 'ip', ip: '::1' }, tcp(443))).toBe(false);
    expect(c.admits(pod('a'), pod('b'), tcp(443))).toBe(false);
  });

  it('evaluates matchExpressions In, NotIn, Exists and DoesNotExist; the empty selector matches everything', () => {
    expect(selectorMatches({}, { any: 'thing' })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'k', operator: 'In', values: ['a', 'b'] }] }, { k: 'b' })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'k', operator: 'In', values: ['a'] }] }, {})).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'k', operator: 'NotIn', values: ['a'] }] }, {})).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'k', operator: 'Exists' }] }, { k: '' })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'k', operator: 'DoesNotExist' }] }, { k: 'v' })).toBe(false);
  });
});
