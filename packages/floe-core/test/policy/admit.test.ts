import { describe, expect, it } from 'vitest';
import { ruleAdmitsPod, ruleAdmitsPort } from '../../src/policy/admit.js';
import { compilePolicy } from '../../src/policy/compile.js';

const rule = (egress: object) => {
  const p = compilePolicy({ namespace: 'a', name: 'p', spec: { podSelector: {}, policyTypes: ['Egress'], egress: [egress] } });
  return p.egress![0]!;
};
const dns = { namespace: 'kube-system', namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' }, labels: { 'k8s-app': 'kube-dns' } };

describe('admission as a yes/no, from compiled rules', () => {
  it('a rule without peers admits every pod; a podSelector alone only pods of the policy namespace', () => {
    expect(ruleAdmitsPod(rule({}), dns)).toBe(true);
    expect(ruleAdmitsPod(rule({ to: [{ podSelector: {} }] }), dns)).toBe(false);
    expect(ruleAdmitsPod(rule({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] }), dns)).toBe(true);
    expect(ruleAdmitsPod(rule({ to: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'NotIn', values: ['kube-dns'] }] } }] }), dns)).toBe(false);
  });

  it('an ipBlock never admits a pod judged without IPs', () => {
    expect(ruleAdmitsPod(rule({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }), dns)).toBe(false);
  });

  it('ports: protocol defaults to TCP, ranges include endPort, named ports admit nothing without the destination', () => {
    expect(ruleAdmitsPort(rule({ ports: [{ port: 53 }] }), 'TCP', 53)).toBe(true);
    expect(ruleAdmitsPort(rule({ ports: [{ port: 53 }] }), 'UDP', 53)).toBe(false);
    expect(ruleAdmitsPort(rule({ ports: [{ protocol: 'UDP', port: 50, endPort: 60 }] }), 'UDP', 53)).toBe(true);
    expect(ruleAdmitsPort(rule({ ports: [{ protocol: 'UDP', port: 'dns' }] }), 'UDP', 53)).toBe(false);
    expect(ruleAdmitsPort(rule({ ports: [{ protocol: 'UDP', port: 'dns' }] }), 'UDP', 53, [{ name: 'dns', containerPort: 53, protocol: 'UDP' }])).toBe(true);
    expect(ruleAdmitsPort(rule({}), 'SCTP', 9)).toBe(true);
  });
});
