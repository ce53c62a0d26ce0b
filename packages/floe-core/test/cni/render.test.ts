import { describe, expect, it } from 'vitest';
import { detectCni } from '../../src/cni/detect.js';
import { cniJson, cniText } from '../../src/cni/render.js';
import { escapeControl } from '../../src/util/escape.js';
import { IMG, c, ds, snapshot, withStatus } from './fixtures.js';

const cluster = { server: 'https://127.0.0.1:6443', context: 'kind-floe' };
const lookedAt = [
  { resource: 'daemonsets.apps', scope: 'all namespaces', found: 2 },
  { resource: 'nodes', scope: 'cluster (labels, annotations, kubelet version)', found: 1 },
];

const canalLike = detectCni(
  snapshot({
    daemonSets: [ds('kube-flannel', 'kube-flannel-ds', c('kube-flannel', IMG.flannel)), ds('kube-system', 'calico-node', c('calico-node', IMG.calicoNode))],
    lookedAt,
  }),
);

describe('cniText', () => {
  it('puts the verdict and its sentence on the first line', () => {
    const text = cniText(canalLike, cluster);
    expect(text.split('\n')[0]).toBe('ENFORCED  NetworkPolicies are enforced by Calico v3.28.1.');
  });

  it('lists plugins with version and state, then the evidence object by object', () => {
    const lines = cniText(canalLike, cluster).split('\n');
    expect(lines).toContain('plugins:');
    expect(lines.find((l) => l.startsWith('  calico '))).toMatch(/^ {2}calico {3}v3\.28\.1 {2}enforces NetworkPolicy: /);
    expect(lines.find((l) => l.startsWith('  flannel '))).toMatch(/^ {2}flannel {2}v0\.25\.6 {2}does not enforce NetworkPolicy: /);
    const at = lines.indexOf('evidence:');
    expect(lines.slice(at + 1, at + 3)).toEqual(['  calico: DaemonSet kube-system/calico-node', `    spec.template.spec.containers[calico-node].image = ${IMG.calicoNode}`]);
    expect(lines.indexOf('plugins:')).toBeLessThan(at);
  });

  it('names the cluster it looked at', () => {
    expect(cniText(canalLike, cluster).split('\n')[1]).toBe('cluster: https://127.0.0.1:6443 (context kind-floe)');
  });

  it('for unknown, lists what was looked at', () => {
    const text = cniText(detectCni(snapshot({ lookedAt })), cluster);
    expect(text.split('\n')[0]).toMatch(/^UNKNOWN {2}No known network plugin/);
    expect(text).toContain('looked at:\n  daemonsets.apps  all namespaces: 2 found\n  nodes            cluster (labels, annotations, kubelet version): 1 found\n');
  });

  it('does not list what was looked at when the verdict is known', () => {
    expect(cniText(canalLike, cluster)).not.toContain('looked at:');
  });

  it('colours only when asked to', () => {
    expect(cniText(canalLike, cluster)).not.toContain('\u001b[');
    const notEnforced = detectCni(snapshot({ daemonSets: [ds('kube-flannel', 'kube-flannel-ds', c('kube-flannel', IMG.flannel))] }));
    expect(cniText(notEnforced, cluster, { color: true }).split('\n')[0]?.startsWith('\u001b[1;31mNOT ENFORCED\u001b[0m  NetworkPolicies are NOT enforced')).toBe(true);
  });
});

describe('cniText: matches that are no plausible install', () => {
  const spoof = detectCni(snapshot({ daemonSets: [withStatus(ds('tenant-a', 'innocent-looking', c('calico-node', 'busybox:1.36')), { desiredNumberScheduled: 0, numberReady: 0 })], lookedAt }));

  it('says UNKNOWN and why on the first line, then lists each failed check of each unverified object', () => {
    const lines = cniText(spoof, cluster).split('\n');
    expect(lines[0]).toBe(
      'UNKNOWN  Cannot tell whether NetworkPolicies are enforced: Calico: DaemonSet tenant-a/innocent-looking is unverified: it fails the namespace, image and status checks of a Calico install, so it decides nothing.',
    );
    expect(lines.find((l) => l.startsWith('  calico '))).toMatch(/^ {2}calico {2}- {2}cannot tell: DaemonSet tenant-a\/innocent-looking is unverified/);
    const at = lines.indexOf('unverified (not counted as an install):');
    expect(at).toBeGreaterThan(lines.indexOf('evidence:'));
    expect(lines.slice(at + 1, at + 5)).toEqual([
      '  calico: DaemonSet tenant-a/innocent-looking',
      '    namespace: tenant-a is not a namespace Calico runs calico-node in (kube-system, calico-system), and no Tigera Installation owns the DaemonSet',
      expect.stringMatching(/^ {4}image: busybox:1\.36 \(container calico-node\) is not an image of calico-node \(repository calico\/node, /),
      expect.stringMatching(/^ {4}status: no pod of it is ready .*nodes: 0 found\)$/),
    ]);
  });

  it('gives each failed check in the JSON, with the object it is about', () => {
    expect(cniJson(spoof, cluster).plugins[0]?.unverified.map((u) => [u.kind, u.namespace, u.name, u.check])).toEqual([
      ['DaemonSet', 'tenant-a', 'innocent-looking', 'namespace'],
      ['DaemonSet', 'tenant-a', 'innocent-looking', 'image'],
      ['DaemonSet', 'tenant-a', 'innocent-looking', 'status'],
    ]);
  });
});

describe('cniText: strings from the cluster', () => {
  // Names cannot hold control characters, but images, args and annotations can: the API server stores these as given.
  const hostile = 'calico/node:v3.28.1\u001b[31m\nENFORCED  forged line\u202e';
  const report = detectCni(
    snapshot({
      daemonSets: [
        ds('kube-system', 'calico-node', c('calico-node', hostile)),
        ds('kube-system', 'kube-router', c('kube-router', IMG.kubeRouter, ['--run-firewall=\u001b]0;title\u0007maybe\r'])),
      ],
      lookedAt,
    }),
  );

  it('are written with their control characters escaped: no escape sequence reaches the terminal, no line is forged', () => {
    const text = cniText(report, cluster);
    // Nothing left that escapeControl would change, apart from the report's own line breaks.
    for (const line of text.split('\n')) expect(escapeControl(line)).toBe(line);
    expect(text.split('\n').filter((l) => l.startsWith('ENFORCED'))).toHaveLength(1);
    expect(text).toContain('calico/node:v3.28.1\\u001b[31m\\nENFORCED  forged line\\u202e');
    expect(text).toContain('--run-firewall=\\u001b]0;title\\u0007maybe\\r');
  });

  it('keep their exact value in the JSON, where the encoding escapes them', () => {
    const json = cniJson(report, cluster);
    expect(json.evidence).toContainEqual(expect.objectContaining({ field: 'spec.template.spec.containers[calico-node].image', value: hostile }));
    expect([...JSON.stringify(json)].filter((ch) => ch.charCodeAt(0) < 0x20)).toEqual([]);
  });
});

describe('cniJson', () => {
  it('has the documented top-level fields, in order', () => {
    expect(Object.keys(cniJson(canalLike, cluster))).toEqual(['verdict', 'summary', 'enforcedBy', 'plugins', 'evidence', 'notes', 'lookedAt', 'advice', 'kubernetes', 'clusterPolicies', 'cluster']);
  });

  it('gives each plugin name, title, version, enforcesPolicy, reason and evidence, and null for a cluster-scoped namespace', () => {
    const json = cniJson(canalLike, cluster);
    expect(json.plugins[0]).toEqual({
      name: 'calico',
      title: 'Calico',
      version: 'v3.28.1',
      enforcesPolicy: true,
      reason: 'calico-node runs Felix, which enforces NetworkPolicy',
      evidence: [
        {
          kind: 'DaemonSet',
          namespace: 'kube-system',
          name: 'calico-node',
          field: 'spec.template.spec.containers[calico-node].image',
          value: IMG.calicoNode,
          meaning: expect.stringContaining('Felix'),
        },
        expect.objectContaining({ field: 'status.numberReady', value: '3' }),
      ],
      unverified: [],
    });
    const k3s = detectCni(snapshot({ nodes: [{ name: 'n0', labels: {}, annotations: { 'k3s.io/node-args': '["server"]' } }] }));
    expect(cniJson(k3s, cluster).evidence[0]).toMatchObject({ kind: 'Node', namespace: null, name: 'n0' });
  });

  it('repeats every plugin evidence in the top-level evidence list', () => {
    const json = cniJson(canalLike, cluster);
    expect(json.evidence).toEqual(json.plugins.flatMap((p) => p.evidence));
  });
});
