import { describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../src/policy/engine.js';
import { auditFindings, summarisePolicies } from '../../src/policy/findings.js';
import type { ClusterModel } from '../../src/policy/types.js';
import { model, np, pod } from './helpers.js';

const ids = (m: ClusterModel) => auditFindings(new PolicyEngine(m)).map((f) => `${f.id} ${f.object}${f.rule ? ` ${f.rule}` : ''}`);
const web = pod('shop/web', { app: 'web' });
const api = pod('shop/api', { app: 'api' });
const dnsRule = { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] };
const denyAll = np('shop/x', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [dnsRule] });

describe('audit findings', () => {
  it('decides default deny by selection, not by the policy name', () => {
    const misnamed = np('shop/default-deny', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'], egress: [dnsRule] });
    const f = auditFindings(new PolicyEngine(model({ pods: [web, api], policies: [misnamed] })));
    expect(f.filter((x) => x.id.startsWith('namespace-without')).map((x) => [x.id, x.endpoints])).toEqual([
      ['namespace-without-default-deny-egress', ['shop/api[Pod]']],
      ['namespace-without-default-deny-ingress', ['shop/api[Pod]']],
    ]);
    expect(ids(model({ pods: [web, api], policies: [denyAll] }))).toEqual([]);
  });

  it('flags a namespace without default deny whether or not it has pods, and even when narrower policies select every pod today', () => {
    const empty = model({ namespaces: [{ name: 'empty', labels: {} }, { name: 'guarded', labels: {} }], policies: [np('guarded/x', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [dnsRule] })] });
    const f = auditFindings(new PolicyEngine(empty));
    expect(f.map((x) => [x.id, x.object, x.endpoints])).toEqual([
      ['namespace-without-default-deny-egress', 'Namespace empty', []],
      ['namespace-without-default-deny-ingress', 'Namespace empty', []],
    ]);
    expect(f[0]?.message).toBe('no NetworkPolicy of empty selects every pod (podSelector: {}) with Egress in policyTypes: the namespace has no pods yet; the first ones will not be isolated for egress');
    const narrow = np('shop/by-app', { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, policyTypes: ['Ingress'] });
    const covered = auditFindings(new PolicyEngine(model({ pods: [web, api], policies: [narrow, np('shop/egress', { podSelector: {}, policyTypes: ['Egress'], egress: [dnsRule] })] })));
    expect(covered.map((x) => [x.id, x.endpoints])).toEqual([['namespace-without-default-deny-ingress', []]]);
    expect(covered[0]?.message).toContain('its endpoints are isolated for ingress today by narrower policies, but a pod they do not select will not be');
  });

  it('reports egress-isolated pods that cannot reach cluster DNS on both UDP and TCP 53', () => {
    const udpOnly = np('shop/x', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{ ...dnsRule, ports: [{ port: 53, protocol: 'UDP' }] }] });
    const [f] = auditFindings(new PolicyEngine(model({ pods: [web], policies: [udpOnly] })));
    expect(f).toMatchObject({ id: 'dns-egress-blocked', severity: 'error', namespace: 'shop', endpoints: ['shop/web[Pod]'] });
    expect(f?.message).toContain('on TCP/53');
    const none = np('shop/x', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(auditFindings(new PolicyEngine(model({ pods: [web], policies: [none] })))[0]?.message).toContain('on TCP/53 and UDP/53');
  });

  it('flags a rule {} and 0.0.0.0/0 on every port as allow-all, but not the same peers with ports', () => {
    const m = model({
      pods: [web],
      policies: [
        denyAll,
        np('shop/open', { podSelector: {}, ingress: [{}] }),
        np('shop/internet', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }, { to: [{ ipBlock: { cidr: '::/0' } }], ports: [{ port: 443 }] }] }),
        np('shop/cluster', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
      ],
    });
    expect(ids(m)).toEqual([
      'allow-all-egress NetworkPolicy shop/internet shop/internet egress[0]',
      'allow-all-ingress NetworkPolicy shop/cluster shop/cluster ingress[0]',
      'allow-all-ingress NetworkPolicy shop/open shop/open ingress[0]',
    ]);
  });

  it('reports pods no policy selects in a namespace that has policies, and policies that select nothing', () => {
    const m = model({ pods: [web, api], policies: [np('shop/web-only', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'], egress: [dnsRule] }), np('shop/typo', { podSelector: { matchLabels: { app: 'wbe' } } })] });
    expect(ids(m)).toEqual([
      'namespace-without-default-deny-egress Namespace shop',
      'namespace-without-default-deny-ingress Namespace shop',
      'pod-not-selected shop/api[Pod]',
      'policy-selects-nothing NetworkPolicy shop/typo',
    ]);
  });

  it('reports peers that match no pod: a namespaceSelector no namespace matches, a podSelector no pod matches', () => {
    const m = model({
      pods: [web, pod('other/db', { app: 'db' })],
      policies: [
        denyAll,
        np('shop/in', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ghost' } } }, { podSelector: { matchLabels: { app: 'gone' } } }, { namespaceSelector: {}, podSelector: { matchLabels: { app: 'db' } } }] }] }),
      ],
    });
    const dead = auditFindings(new PolicyEngine(m)).filter((f) => f.id === 'peer-matches-nothing');
    expect(dead.map((f) => f.message)).toEqual([
      'shop/in ingress[0] peer 0 (all pods in namespaces with team=ghost) matches no pod: no namespace matches its namespaceSelector: the peer is dead',
      'shop/in ingress[0] peer 1 (pods with app=gone in namespace shop) matches no pod in shop: the peer is dead',
    ]);
  });

  it('summarises each policy with its effective policyTypes and rules in plain words', () => {
    const [s] = summarisePolicies(new PolicyEngine(model({ pods: [web, api], policies: [np('shop/p', { podSelector: { matchLabels: { app: 'web' } }, egress: [{ to: [{ podSelector: {} }], ports: [{ port: 80 }] }] })] })));
    expect(s).toEqual({
      id: 'shop/p',
      namespace: 'shop',
      name: 'p',
      policyTypes: ['ingress', 'egress'],
      policyTypesDefaulted: true,
      selects: 'pods with app=web in namespace shop',
      selected: ['shop/web[Pod]'],
      ingress: ['nothing: all ingress is denied'],
      egress: ['to all pods in namespace shop on TCP/80'],
    });
  });
});

describe('hostNetwork pods and system namespaces', () => {
  const flannel = { ...pod('kube-system/kube-flannel-ds-x', { app: 'flannel' }), endpoint: 'kube-system/kube-flannel-ds[DaemonSet]', hostNetwork: true };
  const coredns = { ...pod('kube-system/coredns-x', { 'k8s-app': 'kube-dns' }), endpoint: 'kube-system/coredns[Deployment]' };

  it('never advises a default-deny NetworkPolicy for a hostNetwork DaemonSet: NetworkPolicy does not isolate it', () => {
    const f = auditFindings(new PolicyEngine(model({ pods: [flannel] })));
    expect(f.filter((x) => x.endpoints?.includes(flannel.endpoint))).toEqual([]);
    expect(f.map((x) => x.remedy).join('\n')).not.toContain('add a default-deny NetworkPolicy to kube-system');
  });

  it('gives findings on a system namespace advice that is safe there, not a default deny for kube-system', () => {
    const f = auditFindings(new PolicyEngine(model({ pods: [coredns, flannel] }))).filter((x) => x.id.startsWith('namespace-without-default-deny'));
    expect(f.length).toBe(2);
    for (const x of f) {
      expect(x.endpoints).toEqual([coredns.endpoint]);
      expect(x.remedy).not.toContain('add a default-deny NetworkPolicy to kube-system');
      expect(x.remedy).toMatch(/kube-system is a system namespace/);
    }
  });

  it('does not count a hostNetwork pod as isolated by a policy of its namespace, nor as a pod a podSelector admits', () => {
    const fromFlannel = np('kube-system/from-flannel', { podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'flannel' } } }] }] });
    const m = model({ pods: [flannel, coredns], policies: [np('kube-system/deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }), fromFlannel] });
    const engine = new PolicyEngine(m);
    expect(engine.isolating(flannel, 'egress')).toEqual([]);
    const v = engine.evaluate({ kind: 'pod', pod: flannel }, { kind: 'pod', pod: coredns });
    expect(v.egress.isolated).toBe(false);
    expect(v.ingress.allowed).toBe(false);
    expect(v.ingress.closest?.reasons.join(' ')).toContain('kube-system/kube-flannel-ds[DaemonSet] uses hostNetwork: its traffic has the node\'s address, which no podSelector matches');
  });
});
