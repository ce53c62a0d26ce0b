import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/cluster/types.js';
import { normalizeIntended, normalizeLive, normalizeNetworkPolicySpec } from '../../src/diff/normalize.js';

describe('normalizeNetworkPolicySpec: what the API server fills in', () => {
  it('reads an empty ingress or egress list as absent, as the server stores it', () => {
    expect(normalizeNetworkPolicySpec({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] })).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
  });

  it('defaults absent policyTypes to Ingress when there are no egress rules', () => {
    expect(normalizeNetworkPolicySpec({ podSelector: {} }).policyTypes).toEqual(['Ingress']);
  });

  it('defaults absent policyTypes to Ingress and Egress when there is an egress rule', () => {
    expect(normalizeNetworkPolicySpec({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] }).policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('does not add Egress for an empty egress list', () => {
    expect(normalizeNetworkPolicySpec({ podSelector: {}, egress: [] }).policyTypes).toEqual(['Ingress']);
  });

  it('defaults an empty policyTypes list like an absent one', () => {
    expect(normalizeNetworkPolicySpec({ podSelector: {}, policyTypes: [], egress: [{}] }).policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('never infers policyTypes from empty rule lists: a listed Ingress with no rules stays (it denies all ingress)', () => {
    expect(normalizeNetworkPolicySpec({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }).policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('defaults a port without protocol to TCP, in ingress and egress', () => {
    const spec = normalizeNetworkPolicySpec({ podSelector: {}, ingress: [{ ports: [{ port: 80 }] }], egress: [{ ports: [{ port: 53, protocol: 'UDP' }, {}] }] });
    expect(spec.ingress).toEqual([{ ports: [{ port: 80, protocol: 'TCP' }] }]);
    expect(spec.egress).toEqual([{ ports: [{ port: 53, protocol: 'UDP' }, { protocol: 'TCP' }] }]);
  });

  it('keeps an empty rule, which allows everything, apart from no rules', () => {
    expect(normalizeNetworkPolicySpec({ podSelector: {}, ingress: [{}] }).ingress).toEqual([{}]);
    expect(normalizeNetworkPolicySpec({ podSelector: {}, ingress: [] }).ingress).toBeUndefined();
  });

  it('reads a rule with empty peer and port lists as the empty rule (all peers, all ports)', () => {
    expect(normalizeNetworkPolicySpec({ podSelector: {}, egress: [{ to: [], ports: [] }] }).egress).toEqual([{}]);
  });

  it('drops empty matchLabels, matchExpressions, values and except, and nulls', () => {
    const spec = normalizeNetworkPolicySpec({
      podSelector: { matchLabels: {}, matchExpressions: [] },
      ingress: [
        {
          from: [
            { podSelector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: [] }] } },
            { ipBlock: { cidr: '10.0.0.0/8', except: [] } },
            { namespaceSelector: { matchLabels: null } },
          ],
          ports: null,
        },
      ],
    });
    expect(spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } }, { ipBlock: { cidr: '10.0.0.0/8' } }, { namespaceSelector: {} }] }],
    });
  });

  it('reads an absent podSelector as {} (a required struct, stored as its zero value)', () => {
    expect(normalizeNetworkPolicySpec({}).podSelector).toEqual({});
  });

  it("keeps a peer's empty podSelector apart from an absent one (the server stores them apart)", () => {
    const withPods = normalizeNetworkPolicySpec({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }] }] });
    const without = normalizeNetworkPolicySpec({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] });
    expect(withPods).not.toEqual(without);
  });

  it('does not change its input', () => {
    const input = { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] };
    normalizeNetworkPolicySpec(input);
    expect(input).toEqual({ podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] });
  });
});

const FLOE_LABELS = { 'app.kubernetes.io/managed-by': 'floe', 'floe.dev/component': 'network-security' };

describe('normalizeLive: metadata', () => {
  const intended: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'floe-default-deny', namespace: 'floe-jobs', labels: FLOE_LABELS },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
  const live: KubeObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: 'floe-default-deny',
      namespace: 'floe-jobs',
      uid: '0b1c',
      resourceVersion: '4711',
      generation: 3,
      creationTimestamp: '2026-01-01T00:00:00Z',
      managedFields: [{ manager: 'floe', operation: 'Apply' }],
      labels: { ...FLOE_LABELS, 'team.example.com/owner': 'data' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'example.com/note': 'x' },
    },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };

  it("drops what the server adds (uid, resourceVersion, generation, creationTimestamp, managedFields) and others' labels and annotations", () => {
    const expected = normalizeIntended(intended);
    expect(normalizeLive(live, expected, { labels: Object.keys(FLOE_LABELS), annotations: [] })).toEqual(expected);
  });

  it('keeps every label of an object the intent does not have, to show who owns it', () => {
    const shown = normalizeLive(live, null);
    expect((shown.metadata as { labels: Record<string, string> }).labels).toEqual({ ...FLOE_LABELS, 'team.example.com/owner': 'data' });
  });

  it('keeps a deletionTimestamp: the object is going away', () => {
    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'floe-jobs', deletionTimestamp: '2026-01-01T00:00:00Z' } };
    expect(normalizeLive(ns, null).metadata).toEqual({ name: 'floe-jobs', deletionTimestamp: '2026-01-01T00:00:00Z' });
  });
});

describe('normalizeLive: PodTemplate defaults', () => {
  const intended: KubeObject = {
    apiVersion: 'v1',
    kind: 'PodTemplate',
    metadata: { name: 'floe-hardened', namespace: 'floe-jobs', labels: FLOE_LABELS },
    template: {
      metadata: { labels: FLOE_LABELS },
      spec: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true },
        containers: [{ name: 'workload', image: 'registry.k8s.io/pause:3.10', securityContext: { allowPrivilegeEscalation: false } }],
        volumes: [{ name: 'tmp', emptyDir: {} }],
      },
    },
  };
  /** What kube-apiserver v1.35 stores for `intended` (read back from it). */
  const stored = (container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'PodTemplate',
    metadata: { name: 'floe-hardened', namespace: 'floe-jobs', labels: FLOE_LABELS, uid: 'u', resourceVersion: '1' },
    template: {
      metadata: { labels: FLOE_LABELS, creationTimestamp: null },
      spec: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true },
        containers: [
          {
            name: 'workload',
            image: 'registry.k8s.io/pause:3.10',
            imagePullPolicy: 'IfNotPresent',
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            securityContext: { allowPrivilegeEscalation: false },
            ...container,
          },
        ],
        volumes: [{ name: 'tmp', emptyDir: {} }],
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        terminationGracePeriodSeconds: 30,
        ...spec,
      },
    },
  });
  const keys = { labels: Object.keys(FLOE_LABELS), annotations: [] };

  it('drops the fields the server defaults, when they hold the default', () => {
    const expected = normalizeIntended(intended);
    expect(normalizeLive(stored(), expected, keys)).toEqual(expected);
  });

  it('keeps a defaulted field that holds another value', () => {
    const expected = normalizeIntended(intended);
    const live = normalizeLive(stored({ imagePullPolicy: 'Always' }, { dnsPolicy: 'None' }), expected, keys) as { template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } } };
    expect(live.template.spec.dnsPolicy).toBe('None');
    expect(live.template.spec.containers[0]?.imagePullPolicy).toBe('Always');
  });

  it('keeps fields floe does not write and the server does not default (privileged, hostNetwork)', () => {
    const expected = normalizeIntended(intended);
    const live = normalizeLive(stored({ securityContext: { allowPrivilegeEscalation: false, privileged: true } }, { hostNetwork: true }), expected, keys) as {
      template: { spec: Record<string, unknown> & { containers: { securityContext: Record<string, unknown> }[] } };
    };
    expect(live.template.spec.hostNetwork).toBe(true);
    expect(live.template.spec.containers[0]?.securityContext.privileged).toBe(true);
  });

  it('expects pull policy Always for an untagged or :latest image, as the server defaults it', () => {
    const untagged = { ...intended, template: { spec: { containers: [{ name: 'w', image: 'busybox' }] } } };
    const expected = normalizeIntended(untagged);
    const live: KubeObject = { ...untagged, template: { spec: { containers: [{ name: 'w', image: 'busybox', imagePullPolicy: 'Always' }] } } };
    expect(normalizeLive(live, expected, keys)).toEqual(expected);
  });
});
