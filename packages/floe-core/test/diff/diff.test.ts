import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/cluster/types.js';
import { diffIntent } from '../../src/diff/diff.js';
import { allowAll, allowEgress, defaultDeny, FLOE, intentOf, liveOf, namespace, NS } from './fixtures.js';

const all = () => [namespace(), defaultDeny(), allowEgress()];

function edit(o: KubeObject, fn: (o: KubeObject & { spec: Record<string, unknown> }) => void): KubeObject {
  const copy = structuredClone(o) as KubeObject & { spec: Record<string, unknown> };
  fn(copy);
  return copy;
}

describe('diffIntent: no drift', () => {
  it('reports nothing when the cluster holds the intent as the API server stores it', () => {
    const { report, pairs } = diffIntent(intentOf(...all()), liveOf(...all()));
    expect(report.drift).toBe(false);
    expect(report.counts).toEqual({ missing: 0, changed: 0, extra: 0, extraWidening: 0, unchanged: 3, orphaned: 0 });
    expect(pairs).toEqual([]);
    expect(report.namespaces).toEqual([expect.objectContaining({ name: NS, exists: true, terminating: false, drift: false })]);
  });

  it("ignores others' labels and annotations, the last-applied annotation and reordered lists", () => {
    const np = edit(allowEgress(), (o) => {
      o.metadata.labels = { ...o.metadata.labels, 'team.example.com/owner': 'data' };
      o.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{"spec":{}}' };
      (o.spec.egress as unknown[]).reverse();
    });
    const ns = edit(namespace(), (o) => {
      o.metadata.labels = { ...o.metadata.labels, 'istio-injection': 'enabled' };
    });
    expect(diffIntent(intentOf(...all()), liveOf(ns, defaultDeny(), np)).report.drift).toBe(false);
  });

  it('ignores NetworkPolicies in namespaces floe does not manage', () => {
    expect(diffIntent(intentOf(...all()), liveOf(...all(), allowAll('someone-else'))).report.drift).toBe(false);
  });
});

describe('diffIntent: missing', () => {
  it('reports an intended policy that is not in the cluster', () => {
    const { report } = diffIntent(intentOf(...all()), liveOf(namespace(), allowEgress()));
    expect(report.missing).toEqual([{ kind: 'NetworkPolicy', namespace: NS, name: 'floe-default-deny', namespaceMissing: false }]);
    expect(report.drift).toBe(true);
    expect(report.namespaces[0]?.drift).toBe(true);
  });

  it('reports a namespace that does not exist as missing, with everything in it', () => {
    const { report } = diffIntent(intentOf(...all()), liveOf());
    expect(report.missing).toEqual([
      { kind: 'Namespace', namespace: null, name: NS, namespaceMissing: false },
      { kind: 'NetworkPolicy', namespace: NS, name: 'floe-allow-egress', namespaceMissing: true },
      { kind: 'NetworkPolicy', namespace: NS, name: 'floe-default-deny', namespaceMissing: true },
    ]);
    expect(report.namespaces).toEqual([
      expect.objectContaining({ name: NS, exists: false, drift: true, podSecurity: expect.arrayContaining([expect.objectContaining({ mode: 'enforce', level: { expected: 'restricted', status: 'missing' } })]) }),
    ]);
  });
});

describe('diffIntent: changed', () => {
  it('names the path and both values of a changed port', () => {
    const live = edit(allowEgress(), (o) => {
      ((o.spec.egress as { ports: { port: number }[] }[])[0]?.ports[0] as { port: number }).port = 8182;
    });
    const { report } = diffIntent(intentOf(...all()), liveOf(namespace(), defaultDeny(), live));
    expect(report.changed).toEqual([{ kind: 'NetworkPolicy', namespace: NS, name: 'floe-allow-egress', differences: [{ path: 'spec.egress[0].ports[0].port', expected: 8181, live: 8182 }], widensAccess: true }]);
  });

  it('reports an added rule with its value', () => {
    const rule = { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] };
    const live = edit(allowEgress(), (o) => {
      (o.spec.egress as unknown[]).push(rule);
    });
    const { report } = diffIntent(intentOf(...all()), liveOf(namespace(), defaultDeny(), live));
    expect(report.changed[0]?.differences).toEqual([{ path: 'spec.egress[2]', live: rule }]);
  });

  it('reports a removed policy type', () => {
    const live = edit(defaultDeny(), (o) => {
      o.spec.policyTypes = ['Ingress'];
    });
    const { report } = diffIntent(intentOf(...all()), liveOf(namespace(), live, allowEgress()));
    expect(report.changed[0]?.differences).toEqual([{ path: 'spec.policyTypes[1]', expected: 'Egress' }]);
  });

  it('marks a tampered floe policy that admits more than the intent as widening access, like an extra policy', () => {
    const opened = edit(defaultDeny(), (o) => {
      o.spec.ingress = [{}];
    });
    const one = diffIntent(intentOf(...all()), liveOf(namespace(), opened, allowEgress())).report;
    expect(one.changed).toEqual([expect.objectContaining({ name: 'floe-default-deny', widensAccess: true })]);
    const noEgress = edit(defaultDeny(), (o) => {
      o.spec.policyTypes = ['Ingress'];
    });
    expect(diffIntent(intentOf(...all()), liveOf(namespace(), noEgress, allowEgress())).report.changed[0]?.widensAccess).toBe(true);
  });

  it('does not mark a changed policy that admits less than the intent as widening access', () => {
    const fewer = edit(allowEgress(), (o) => {
      (o.spec.egress as unknown[]).pop();
    });
    expect(diffIntent(intentOf(...all()), liveOf(namespace(), defaultDeny(), fewer)).report.changed).toEqual([expect.objectContaining({ name: 'floe-allow-egress', widensAccess: false })]);
  });

  it("reports a floe label removed from a policy, and not someone else's", () => {
    const live = edit(defaultDeny(), (o) => {
      o.metadata.labels = { 'team.example.com/owner': 'data', 'floe.dev/component': 'network-security' };
    });
    const { report } = diffIntent(intentOf(...all()), liveOf(namespace(), live, allowEgress()));
    expect(report.changed[0]?.differences).toEqual([{ path: 'metadata.labels[app.kubernetes.io/managed-by]', expected: 'floe' }]);
  });
});

describe('diffIntent: Namespace Pod Security labels', () => {
  it('reports a weaker enforce level as drift, naming the label and both levels', () => {
    const { report } = diffIntent(intentOf(...all()), liveOf(namespace(NS, 'baseline'), defaultDeny(), allowEgress()));
    expect(report.changed).toEqual([
      { kind: 'Namespace', namespace: null, name: NS, differences: [{ path: 'metadata.labels[pod-security.kubernetes.io/enforce]', expected: 'restricted', live: 'baseline' }] },
    ]);
    expect(report.namespaces[0]?.podSecurity?.[0]).toEqual({ mode: 'enforce', level: { expected: 'restricted', live: 'baseline', status: 'weaker' }, version: { expected: 'latest', live: 'latest', status: 'same' } });
  });

  it('does not report a stricter level as drift, but says it is stricter', () => {
    const { report } = diffIntent(intentOf(namespace(NS, 'baseline')), liveOf(namespace(NS, 'restricted')));
    expect(report.drift).toBe(false);
    expect(report.namespaces[0]?.podSecurity?.[0]?.level.status).toBe('stricter');
  });

  it('reports a missing level label and a different -version as drift', () => {
    const live = edit(namespace(), (o) => {
      const labels = { ...o.metadata.labels };
      delete labels['pod-security.kubernetes.io/warn'];
      labels['pod-security.kubernetes.io/audit-version'] = 'v1.30';
      o.metadata.labels = labels;
    });
    const { report } = diffIntent(intentOf(namespace()), liveOf(live));
    expect(report.changed[0]?.differences).toEqual([
      { path: 'metadata.labels[pod-security.kubernetes.io/audit-version]', expected: 'latest', live: 'v1.30' },
      { path: 'metadata.labels[pod-security.kubernetes.io/warn]', expected: 'restricted' },
    ]);
  });

  it('reports a namespace being deleted', () => {
    const live = edit(namespace(), (o) => {
      o.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    });
    const { report } = diffIntent(intentOf(namespace()), liveOf(live));
    expect(report.namespaces[0]).toEqual(expect.objectContaining({ terminating: true, drift: true }));
    expect(report.changed[0]?.differences).toEqual([{ path: 'metadata.deletionTimestamp', live: '2026-01-01T00:00:00Z' }]);
  });
});

describe('diffIntent: extra', () => {
  it("reports a foreign allow-all policy in a managed namespace as extra that widens access", () => {
    const { report } = diffIntent(intentOf(...all()), liveOf(...all(), allowAll()));
    expect(report.extra).toEqual([
      { kind: 'NetworkPolicy', namespace: NS, name: 'allow-all', managedByFloe: false, widensAccess: true, labels: { team: 'other' }, spec: { podSelector: {}, ingress: [{}], egress: [{}], policyTypes: ['Ingress', 'Egress'] } },
    ]);
    expect(report.counts.extraWidening).toBe(1);
    expect(report.drift).toBe(true);
  });

  it('reports an extra policy without rules as extra that does not widen access', () => {
    const deny = { ...defaultDeny(), metadata: { name: 'team-deny', namespace: NS } };
    const { report } = diffIntent(intentOf(...all()), liveOf(...all(), deny));
    expect(report.extra.map((e) => [e.name, e.widensAccess])).toEqual([['team-deny', false]]);
    expect(report.drift).toBe(true);
  });

  it("marks an extra policy carrying floe's labels as floe's (left over from an earlier intent)", () => {
    const stale = { ...allowEgress(), metadata: { name: 'floe-allow-ingress', namespace: NS, labels: { ...FLOE } } };
    expect(diffIntent(intentOf(...all()), liveOf(...all(), stale)).report.extra[0]?.managedByFloe).toBe(true);
  });
});
