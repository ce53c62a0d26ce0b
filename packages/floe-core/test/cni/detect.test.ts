import { describe, expect, it } from 'vitest';
import { detectCni } from '../../src/cni/detect.js';
import type { CniPlugin, CniReport } from '../../src/cni/types.js';
import { IMG, c, cm, deploy, ds, installation, installationOwner, node, ownedBy, snapshot, withStatus } from './fixtures.js';

const plugin = (r: CniReport, name: string): CniPlugin => {
  const p = r.plugins.find((x) => x.name === name);
  if (!p) throw new Error(`no plugin ${name} in ${JSON.stringify(r.plugins.map((x) => x.name))}`);
  return p;
};

describe('Calico', () => {
  it('a calico-node DaemonSet in kube-system is enforced, with the version from its image tag and the image and ready pods as evidence', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-system', 'calico-node', c('calico-node', IMG.calicoNode))] }));
    expect(r.verdict).toBe('enforced');
    expect(r.enforcedBy).toEqual(['calico']);
    expect(plugin(r, 'calico')).toMatchObject({ version: 'v3.28.1', enforcesPolicy: true });
    expect(r.evidence).toEqual([
      expect.objectContaining({ kind: 'DaemonSet', namespace: 'kube-system', name: 'calico-node', field: 'spec.template.spec.containers[calico-node].image', value: IMG.calicoNode }),
      expect.objectContaining({ kind: 'DaemonSet', namespace: 'kube-system', name: 'calico-node', field: 'status.numberReady', value: '3' }),
    ]);
  });

  it('the operator install (calico-node in calico-system) is recognised too', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('calico-system', 'calico-node', c('calico-node', 'quay.io/calico/node:v3.29.0'))] }));
    expect(r.verdict).toBe('enforced');
    expect(plugin(r, 'calico').version).toBe('v3.29.0');
  });

  it('calico-node is recognised by its image in a renamed container', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-system', 'cni-agent', c('agent', IMG.calicoNode))] }));
    expect(r.enforcedBy).toEqual(['calico']);
    expect(r.evidence[0]).toMatchObject({ namespace: 'kube-system', name: 'cni-agent' });
  });

  it('a Tigera operator Installation alone says Calico, with the version from status.calicoVersion', () => {
    const r = detectCni(snapshot({ customObjects: [installation({ cni: { type: 'Calico' } }, { variant: 'Calico', calicoVersion: 'v3.28.2' })] }));
    expect(r.verdict).toBe('enforced');
    expect(plugin(r, 'calico')).toMatchObject({ version: 'v3.28.2', enforcesPolicy: true });
    expect(r.evidence).toContainEqual(expect.objectContaining({ kind: 'Installation', name: 'default', field: 'spec.cni.type', value: 'Calico' }));
  });

  it('an Installation with AmazonVPC networking still enforces: calico-node runs in policy-only mode', () => {
    const r = detectCni(snapshot({ customObjects: [installation({ cni: { type: 'AmazonVPC' } })] }));
    expect(r.verdict).toBe('enforced');
    expect(plugin(r, 'calico').evidence[0]).toMatchObject({ value: 'AmazonVPC' });
  });

  it('the Installation and its calico-node DaemonSet are one plugin with both as evidence', () => {
    const r = detectCni(
      snapshot({
        daemonSets: [ds('calico-system', 'calico-node', c('calico-node', 'quay.io/calico/node:v3.28.2'))],
        customObjects: [installation({}, { calicoVersion: 'v3.28.2' })],
      }),
    );
    expect(r.plugins).toHaveLength(1);
    expect(plugin(r, 'calico').version).toBe('v3.28.2');
    expect(plugin(r, 'calico').evidence.map((e) => `${e.kind} ${e.field}`)).toEqual([
      'DaemonSet spec.template.spec.containers[calico-node].image',
      'DaemonSet status.numberReady',
      'Installation spec.cni.type',
      'Installation status.calicoVersion',
    ]);
  });

  it('cnx-node is Calico Enterprise', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('calico-system', 'calico-node', c('calico-node', 'quay.io/tigera/cnx-node:v3.19.1'))] }));
    expect(plugin(r, 'calico').title).toBe('Calico Enterprise');
  });

  it('the tigera-operator Deployment becomes supporting evidence of a detected Calico', () => {
    const r = detectCni(
      snapshot({
        daemonSets: [ds('calico-system', 'calico-node', c('calico-node', IMG.calicoNode))],
        deployments: [deploy('tigera-operator', 'tigera-operator', c('tigera-operator', 'quay.io/tigera/operator:v1.34.3'))],
      }),
    );
    expect(plugin(r, 'calico').evidence).toContainEqual(expect.objectContaining({ kind: 'Deployment', namespace: 'tigera-operator', name: 'tigera-operator' }));
    expect(r.notes).toEqual([]);
  });
});

describe('Canal, and flannel next to Calico', () => {
  it('calico-node and kube-flannel in one DaemonSet are Canal: enforced by Calico, no separate flannel entry', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-system', 'canal', c('calico-node', IMG.calicoNode), c('kube-flannel', IMG.flannel))] }));
    expect(r.verdict).toBe('enforced');
    expect(r.plugins.map((p) => p.name)).toEqual(['canal']);
    expect(plugin(r, 'canal')).toMatchObject({ version: 'v3.28.1', enforcesPolicy: true });
    expect(plugin(r, 'canal').evidence.map((e) => e.field)).toEqual(['spec.template.spec.containers[calico-node].image', 'spec.template.spec.containers[kube-flannel].image', 'status.numberReady']);
  });

  it('RKE2 rke2-canal is Canal too', () => {
    const r = detectCni(
      snapshot({ daemonSets: [ds('kube-system', 'rke2-canal', c('calico-node', 'rancher/hardened-calico:v3.28.1-build20240806'), c('kube-flannel', 'rancher/hardened-flannel:v0.25.5-build20240801'))] }),
    );
    expect(r.enforcedBy).toEqual(['canal']);
  });

  it('flannel and Calico in separate DaemonSets: enforced by Calico, flannel listed as not enforcing, and a note says how they combine', () => {
    const r = detectCni(
      snapshot({
        daemonSets: [ds('kube-flannel', 'kube-flannel-ds', c('kube-flannel', IMG.flannel)), ds('kube-system', 'calico-node', c('calico-node', IMG.calicoNode))],
      }),
    );
    expect(r.verdict).toBe('enforced');
    expect(r.plugins.map((p) => [p.name, p.enforcesPolicy])).toEqual([
      ['calico', true],
      ['flannel', false],
    ]);
    expect(r.notes[0]).toMatch(/^flannel does not enforce NetworkPolicy here .*; Calico does, so policies are enforced\.$/);
  });
});

describe('Cilium and its managed builds', () => {
  it('a cilium DaemonSet is enforced; the version comes from the tag even with a digest', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-system', 'cilium', c('cilium-agent', IMG.cilium))] }));
    expect(r.verdict).toBe('enforced');
    expect(plugin(r, 'cilium')).toMatchObject({ version: 'v1.16.1', enforcesPolicy: true });
    expect(plugin(r, 'cilium').reason).toContain('enable-policy is not set');
  });

  it('enable-policy: never in cilium-config is not enforced, and the ConfigMap is the evidence', () => {
    const r = detectCni(
      snapshot({
        daemonSets: [ds('kube-system', 'cilium', c('cilium-agent', IMG.cilium))],
        configMaps: [cm('kube-system', 'cilium-config', { 'enable-policy': 'never', tunnel: 'vxlan' })],
      }),
    );
    expect(r.verdict).toBe('not-enforced');
    expect(plugin(r, 'cilium').enforcesPolicy).toBe(false);
    expect(r.evidence).toContainEqual(expect.objectContaining({ kind: 'ConfigMap', namespace: 'kube-system', name: 'cilium-config', field: 'data.enable-policy', value: 'never' }));
  });

  it('enable-policy: always and default are enforced', () => {
    for (const mode of ['always', 'default']) {
      const r = detectCni(
        snapshot({ daemonSets: [ds('cilium', 'cilium', c('cilium-agent', IMG.cilium))], configMaps: [cm('cilium', 'cilium-config', { 'enable-policy': mode })] }),
      );
      expect(r.verdict).toBe('enforced');
    }
  });

  it('the cilium-config of the agent namespace wins over one elsewhere', () => {
    const r = detectCni(
      snapshot({
        daemonSets: [ds('cilium', 'cilium', c('cilium-agent', IMG.cilium))],
        configMaps: [cm('a-stale', 'cilium-config', { 'enable-policy': 'never' }), cm('cilium', 'cilium-config', { 'enable-policy': 'default' })],
      }),
    );
    expect(r.verdict).toBe('enforced');
  });

  it('an agent flag --enable-policy=never turns enforcement off', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-system', 'cilium', c('cilium-agent', IMG.cilium, ['--config-dir=/tmp/cilium/config-map', '--enable-policy=never']))] }));
    expect(r.verdict).toBe('not-enforced');
    expect(r.evidence).toContainEqual(expect.objectContaining({ field: 'spec.template.spec.containers[cilium-agent].args', value: '--enable-policy=never' }));
  });

  it('Cilium from mcr.microsoft.com is Azure CNI powered by Cilium, with the AKS dataplane node label as evidence', () => {
    const r = detectCni(
      snapshot({
        daemonSets: [ds('kube-system', 'cilium', c('cilium-agent', IMG.aksCilium))],
        nodes: [node('aks-nodepool1-0', {}, { 'kubernetes.azure.com/ebpf-dataplane': 'cilium' }), node('aks-nodepool1-1', {}, { 'kubernetes.azure.com/ebpf-dataplane': 'cilium' })],
      }),
    );
    expect(r.enforcedBy).toEqual(['azure-cni-cilium']);
    expect(plugin(r, 'azure-cni-cilium')).toMatchObject({ title: 'Azure CNI powered by Cilium', version: 'v1.17.4-250610' });
    expect(r.evidence).toContainEqual(expect.objectContaining({ kind: 'Node', name: 'aks-nodepool1-0', field: 'metadata.labels[kubernetes.azure.com/ebpf-dataplane]', value: 'cilium' }));
  });

  it('the anetd DaemonSet is GKE Dataplane V2', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-system', 'anetd', c('cilium-agent', 'gke.gcr.io/cilium/cilium:v1.14.9-gke4.1'))] }));
    expect(r.enforcedBy).toEqual(['gke-dataplane-v2']);
    expect(plugin(r, 'gke-dataplane-v2')).toMatchObject({ title: 'GKE Dataplane V2', version: 'v1.14.9-gke4.1' });
  });

  it('a cilium-operator Deployment without an agent decides nothing and says so in a note', () => {
    const r = detectCni(snapshot({ deployments: [deploy('kube-system', 'cilium-operator', c('cilium-operator', 'quay.io/cilium/operator-generic:v1.16.1'))] }));
    expect(r.verdict).toBe('unknown');
    expect(r.plugins).toEqual([]);
    expect(r.notes).toEqual([expect.stringContaining('Deployment kube-system/cilium-operator runs the Cilium operator, but no node agent of it was found')]);
  });
});

describe('plugins that always enforce', () => {
  it.each([
    ['antrea', ds('kube-system', 'antrea-agent', c('antrea-agent', IMG.antrea), c('antrea-ovs', IMG.antrea)), 'v2.2.0'],
    ['azure-npm', ds('kube-system', 'azure-npm', c('azure-npm', IMG.azureNpm)), 'v1.5.5'],
    ['ovn-kubernetes', ds('ovn-kubernetes', 'ovnkube-node', c('ovn-controller', IMG.ovnkube), c('ovnkube-controller', IMG.ovnkube)), 'v1.0.0'],
    ['kube-network-policies', ds('kube-system', 'kube-network-policies', c('kube-network-policies', 'registry.k8s.io/networking/kube-network-policies:v0.7.0')), 'v0.7.0'],
  ])('%s is enforced, with its version', (name, daemonSet, version) => {
    const r = detectCni(snapshot({ daemonSets: [daemonSet] }));
    expect(r.verdict).toBe('enforced');
    expect(r.plugins).toEqual([expect.objectContaining({ name, version, enforcesPolicy: true })]);
  });

  it('OpenShift ovnkube-node with a digest-only image is OVN-Kubernetes with no version', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('openshift-ovn-kubernetes', 'ovnkube-node', c('ovnkube-controller', 'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:abc'))] }));
    expect(r.plugins).toEqual([expect.objectContaining({ name: 'ovn-kubernetes', version: null, enforcesPolicy: true })]);
  });
});

describe('kube-router', () => {
  const kr = (...args: string[]) => snapshot({ daemonSets: [ds('kube-system', 'kube-router', c('kube-router', IMG.kubeRouter, args))] });

  it('without --run-firewall it is enforced: the firewall defaults to on', () => {
    const r = detectCni(kr('--run-router=true'));
    expect(r.verdict).toBe('enforced');
    expect(plugin(r, 'kube-router')).toMatchObject({ version: 'v2.2.1' });
    expect(r.evidence).toContainEqual(expect.objectContaining({ value: '(no --run-firewall)' }));
  });

  it('--run-firewall=true is enforced', () => {
    const r = detectCni(kr('--run-router=true', '--run-firewall=true', '--run-service-proxy=true'));
    expect(r.verdict).toBe('enforced');
    expect(r.evidence).toContainEqual(expect.objectContaining({ field: 'spec.template.spec.containers[kube-router].args', value: '--run-firewall=true' }));
  });

  it('--run-firewall=false is not enforced', () => {
    const r = detectCni(kr('--run-router=true', '--run-firewall=false'));
    expect(r.verdict).toBe('not-enforced');
    expect(plugin(r, 'kube-router').reason).toContain('--run-firewall=false');
  });

  it('the last --run-firewall wins, as in Go flag parsing', () => {
    expect(detectCni(kr('--run-firewall=false', '--run-firewall=true')).verdict).toBe('enforced');
  });

  it('an unreadable --run-firewall value is unknown', () => {
    expect(detectCni(kr('--run-firewall=maybe')).verdict).toBe('unknown');
  });
});

describe('Weave Net', () => {
  it('with the weave-npc container it is enforced', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-system', 'weave-net', c('weave', IMG.weave), c('weave-npc', IMG.weaveNpc))] }));
    expect(r.verdict).toBe('enforced');
    expect(plugin(r, 'weave-net')).toMatchObject({ version: '2.8.1' });
    expect(r.evidence.map((e) => e.field)).toContain('spec.template.spec.containers[weave-npc].image');
  });

  it('without weave-npc it is not enforced', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-system', 'weave-net', c('weave', IMG.weave))] }));
    expect(r.verdict).toBe('not-enforced');
    expect(plugin(r, 'weave-net').reason).toContain('no weave-npc container');
  });
});

describe('kindnet', () => {
  const kindnet = (image: string, args: string[] = []) => snapshot({ daemonSets: [ds('kube-system', 'kindnet', c('kindnet-cni', image, args))] });

  it('the kind v0.24 kindnetd (v20240813) embeds kube-network-policies: enforced', () => {
    const r = detectCni(kindnet(IMG.kindnetV024));
    expect(r.verdict).toBe('enforced');
    expect(plugin(r, 'kindnet')).toMatchObject({ version: 'v20240813-c6f155d6' });
  });

  it('a later kindnetd is enforced too', () => {
    expect(detectCni(kindnet('docker.io/kindest/kindnetd:v20250512-df8de77b')).verdict).toBe('enforced');
  });

  it('the kind v0.23 kindnetd (v20240513) is older: not enforced, and the evidence says why', () => {
    const r = detectCni(kindnet(IMG.kindnetV023));
    expect(r.verdict).toBe('not-enforced');
    expect(r.evidence[0]?.meaning).toContain('predates');
  });

  it('an early semver-tagged kindnetd is not enforced', () => {
    expect(detectCni(kindnet('kindest/kindnetd:0.5.4')).verdict).toBe('not-enforced');
  });

  it('a tag that states no build date is unknown', () => {
    const r = detectCni(kindnet('kindest/kindnetd:latest'));
    expect(r.verdict).toBe('unknown');
    expect(r.summary).toMatch(/^Cannot tell whether NetworkPolicies are enforced: kindnet: /);
  });

  it('--network-policy=false switches a recent kindnetd off', () => {
    expect(detectCni(kindnet(IMG.kindnetV024, ['--network-policy=false'])).verdict).toBe('not-enforced');
  });

  it('the standalone aojea/kindnet enforces', () => {
    expect(detectCni(kindnet('ghcr.io/aojea/kindnetd:v1.8.5', ['--network-policy=true'])).verdict).toBe('enforced');
  });
});

describe('flannel alone', () => {
  it('kube-flannel-ds in kube-flannel is not enforced', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-flannel', 'kube-flannel-ds', c('kube-flannel', IMG.flannel))] }));
    expect(r.verdict).toBe('not-enforced');
    expect(r.enforcedBy).toEqual([]);
    expect(plugin(r, 'flannel')).toMatchObject({ version: 'v0.25.6', enforcesPolicy: false });
    expect(r.summary).toBe('NetworkPolicies are NOT enforced: flannel v0.25.6 is installed and does not enforce them, so policies are stored but have no effect.');
  });

  it('the flannel-cni-plugin init image is not mistaken for flannel', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('x', 'other', c('install-cni-plugin', 'docker.io/flannel/flannel-cni-plugin:v1.5.1-flannel2'))] }));
    expect(r.plugins).toEqual([]);
  });
});

describe('Amazon VPC CNI', () => {
  const aws = (agentArgs: string[] | null, configMaps = [cm('kube-system', 'amazon-vpc-cni', { 'enable-network-policy-controller': 'true' })]) =>
    snapshot({
      daemonSets: [ds('kube-system', 'aws-node', c('aws-node', IMG.awsNode), ...(agentArgs ? [c('aws-eks-nodeagent', IMG.awsAgent, agentArgs)] : []))],
      configMaps,
    });

  it('aws-eks-nodeagent with --enable-network-policy=true is enforced', () => {
    const r = detectCni(aws(['--enable-ipv6=false', '--enable-network-policy=true', '--enable-cloudwatch-logs=false']));
    expect(r.verdict).toBe('enforced');
    expect(plugin(r, 'aws-vpc-cni')).toMatchObject({ version: 'v1.18.3-eksbuild.1' });
    expect(r.evidence).toContainEqual(expect.objectContaining({ field: 'spec.template.spec.containers[aws-eks-nodeagent].args', value: '--enable-network-policy=true' }));
  });

  it('the agent with --enable-network-policy=false is not enforced, even with the controller ConfigMap on', () => {
    const r = detectCni(aws(['--enable-ipv6=false', '--enable-network-policy=false']));
    expect(r.verdict).toBe('not-enforced');
    expect(r.evidence).toContainEqual(
      expect.objectContaining({ kind: 'ConfigMap', name: 'amazon-vpc-cni', field: 'data.enable-network-policy-controller', value: 'true', meaning: expect.stringContaining('nothing enforces') }),
    );
  });

  it('the agent without the flag is not enforced: it defaults to false', () => {
    expect(detectCni(aws(['--enable-ipv6=false'])).verdict).toBe('not-enforced');
  });

  it('the ConfigMap alone, with no node agent container, is not enough', () => {
    const r = detectCni(aws(null));
    expect(r.verdict).toBe('not-enforced');
    expect(plugin(r, 'aws-vpc-cni').reason).toContain('no aws-eks-nodeagent container');
  });

  it('with Calico in policy-only mode next to it, policies are enforced by Calico', () => {
    const s = aws(null, []);
    s.daemonSets.push(ds('calico-system', 'calico-node', c('calico-node', IMG.calicoNode)));
    const r = detectCni(s);
    expect(r.verdict).toBe('enforced');
    expect(r.enforcedBy).toEqual(['calico']);
    expect(r.notes[0]).toContain('Amazon VPC CNI does not enforce NetworkPolicy here');
  });
});

describe('k3s', () => {
  const server = (args: string[], name = 'k3s-server-0') =>
    node(name, { 'k3s.io/node-args': JSON.stringify(args), 'k3s.io/hostname': name }, { 'node.kubernetes.io/instance-type': 'k3s' }, 'v1.31.4+k3s1');

  it('a k3s server without --disable-network-policy runs the embedded policy controller: enforced, version from the kubelet', () => {
    const r = detectCni(snapshot({ nodes: [server(['server', '--write-kubeconfig-mode', '0644'])] }));
    expect(r.verdict).toBe('enforced');
    expect(plugin(r, 'k3s')).toMatchObject({ version: 'v1.31.4+k3s1' });
    expect(r.evidence).toEqual([expect.objectContaining({ kind: 'Node', name: 'k3s-server-0', field: 'metadata.annotations[k3s.io/node-args]' })]);
  });

  it('--disable-network-policy in k3s.io/node-args is not enforced', () => {
    const r = detectCni(snapshot({ nodes: [server(['server', '--disable-network-policy', '--disable', 'traefik']), node('k3s-agent-0', { 'k3s.io/node-args': '["agent"]' })] }));
    expect(r.verdict).toBe('not-enforced');
    expect(plugin(r, 'k3s').reason).toContain('k3s-server-0 started with --disable-network-policy');
  });

  it('--disable-network-policy=true from a config file counts too', () => {
    expect(detectCni(snapshot({ nodes: [server(['server', '--disable-network-policy=true'])] })).verdict).toBe('not-enforced');
  });

  it('with only agent nodes visible it cannot tell', () => {
    const r = detectCni(snapshot({ nodes: [node('k3s-agent-0', { 'k3s.io/node-args': '["agent"]' }, {}, 'v1.31.4+k3s1')] }));
    expect(r.verdict).toBe('unknown');
    expect(plugin(r, 'k3s').evidence[0]).toMatchObject({ name: 'k3s-agent-0' });
  });

  it('k3s with the policy controller off and Calico installed is enforced by Calico', () => {
    const r = detectCni(
      snapshot({
        nodes: [server(['server', '--flannel-backend', 'none', '--disable-network-policy'])],
        daemonSets: [ds('calico-system', 'calico-node', c('calico-node', IMG.calicoNode))],
      }),
    );
    expect(r.verdict).toBe('enforced');
    expect(r.plugins.map((p) => [p.name, p.enforcesPolicy])).toEqual([
      ['calico', true],
      ['k3s', false],
    ]);
  });

  it('nodes that are not k3s are not k3s', () => {
    expect(detectCni(snapshot({ nodes: [node('worker-0', {}, { 'kubernetes.io/os': 'linux' }, 'v1.35.0')] })).plugins).toEqual([]);
  });
});

describe('verdicts from several signals', () => {
  it('an empty cluster is unknown and carries what was looked at', () => {
    const lookedAt = [{ resource: 'daemonsets.apps', scope: 'all namespaces', found: 0 }];
    const r = detectCni(snapshot({ lookedAt }));
    expect(r).toMatchObject({ verdict: 'unknown', plugins: [], evidence: [], lookedAt });
    expect(r.summary).toBe('No known network plugin was found, so NetworkPolicies may be stored without being enforced.');
  });

  it('unrelated DaemonSets decide nothing', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-system', 'kube-proxy', c('kube-proxy', 'registry.k8s.io/kube-proxy:v1.35.0'))] }));
    expect(r.verdict).toBe('unknown');
  });

  it('a CRD left behind without an agent is a note, not a plugin', () => {
    const r = detectCni(snapshot({ crds: ['ciliumnetworkpolicies.cilium.io'], daemonSets: [ds('kube-flannel', 'kube-flannel-ds', c('kube-flannel', IMG.flannel))] }));
    expect(r.verdict).toBe('not-enforced');
    expect(r.notes).toEqual([expect.stringContaining('CustomResourceDefinition ciliumnetworkpolicies.cilium.io (Cilium) exists, but no node agent of it was found')]);
  });

  it('two enforcing plugins are both named, with a note', () => {
    const r = detectCni(
      snapshot({ daemonSets: [ds('kube-system', 'calico-node', c('calico-node', IMG.calicoNode)), ds('kube-system', 'cilium', c('cilium-agent', IMG.cilium))] }),
    );
    expect(r.enforcedBy).toEqual(['calico', 'cilium']);
    expect(r.summary).toBe('NetworkPolicies are enforced by Calico v3.28.1 and Cilium v1.16.1.');
    expect(r.notes[0]).toContain('More than one plugin enforces NetworkPolicy');
  });

  it('not enforcing and undecided together are unknown', () => {
    const r = detectCni(
      snapshot({ daemonSets: [ds('kube-flannel', 'kube-flannel-ds', c('kube-flannel', IMG.flannel)), ds('kube-system', 'kindnet', c('kindnet-cni', 'kindest/kindnetd:latest'))] }),
    );
    expect(r.verdict).toBe('unknown');
  });

  it('the same objects in any order give the same report', () => {
    const daemonSets = [
      ds('kube-system', 'calico-node', c('calico-node', IMG.calicoNode)),
      ds('kube-flannel', 'kube-flannel-ds', c('kube-flannel', IMG.flannel)),
      ds('kube-system', 'kube-router', c('kube-router', IMG.kubeRouter, ['--run-firewall=false'])),
    ];
    const crds = ['felixconfigurations.crd.projectcalico.org', 'ciliumnetworkpolicies.cilium.io'];
    const a = detectCni(snapshot({ daemonSets, crds }));
    const b = detectCni(snapshot({ daemonSets: [...daemonSets].reverse(), crds: [...crds].reverse() }));
    expect(b).toEqual(a);
  });
});

describe('only a plausible install counts: namespace (or operator ownership), image repository and DaemonSet status', () => {
  const NOTHING_SCHEDULED = { desiredNumberScheduled: 0, numberReady: 0 };
  /** The reproduction of the security review: any tenant can create this. */
  const spoof = withStatus(ds('tenant-a', 'innocent-looking', c('calico-node', 'busybox:1.36')), NOTHING_SCHEDULED);
  const checks = (r: CniReport, name: string) => plugin(r, name).unverified?.map((u) => u.check);

  it('a calico-node container in a tenant namespace, with a busybox image and no pod scheduled, is unverified: unknown, and says which checks failed', () => {
    const r = detectCni(snapshot({ daemonSets: [spoof] }));
    expect(r.verdict).toBe('unknown');
    expect(r.enforcedBy).toEqual([]);
    expect(plugin(r, 'calico')).toMatchObject({ enforcesPolicy: null, version: null });
    expect(checks(r, 'calico')).toEqual(['namespace', 'image', 'status']);
    expect(r.summary).toBe(
      'Cannot tell whether NetworkPolicies are enforced: Calico: DaemonSet tenant-a/innocent-looking is unverified: it fails the namespace, image and status checks of a Calico install, so it decides nothing.',
    );
    const messages = plugin(r, 'calico').unverified?.map((u) => u.message) ?? [];
    expect(messages[0]).toMatch(/^tenant-a is not a namespace Calico runs calico-node in \(kube-system, calico-system\), and no Tigera Installation owns the DaemonSet$/);
    expect(messages[1]).toMatch(/^busybox:1\.36 \(container calico-node\) is not an image of calico-node \(repository calico\/node, /);
    expect(messages[2]).toBe('no pod of it is ready (status.numberReady 0) and it is scheduled on 0 nodes (status.desiredNumberScheduled 0; nodes: 0 found)');
  });

  it.each([
    ['namespace', ds('tenant-a', 'calico-node', c('calico-node', IMG.calicoNode))],
    ['image', ds('kube-system', 'calico-node', c('calico-node', 'busybox:1.36'))],
    ['status', withStatus(ds('kube-system', 'calico-node', c('calico-node', IMG.calicoNode)), NOTHING_SCHEDULED)],
  ])('failing only the %s check is enough to be unverified', (check, daemonSet) => {
    const r = detectCni(snapshot({ daemonSets: [daemonSet] }));
    expect(r.verdict).toBe('unknown');
    expect(checks(r, 'calico')).toEqual([check]);
  });

  it('a genuine install (kube-system, calico/node, pods ready) is enforced, with its ready pods as evidence', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-system', 'calico-node', c('calico-node', IMG.calicoNode))] }));
    expect(r.verdict).toBe('enforced');
    expect(plugin(r, 'calico').unverified).toEqual([]);
    expect(r.evidence).toContainEqual(expect.objectContaining({ kind: 'DaemonSet', name: 'calico-node', field: 'status.numberReady', value: '3', meaning: '3 of 3 scheduled pods are ready' }));
  });

  it('scheduled on every node counts before its pods are ready; scheduled on fewer nodes than exist does not', () => {
    const nodes = [node('n0'), node('n1')];
    const agent = (desired: number) => withStatus(ds('kube-system', 'calico-node', c('calico-node', IMG.calicoNode)), { desiredNumberScheduled: desired, numberReady: 0 });
    const onEvery = detectCni(snapshot({ daemonSets: [agent(2)], nodes }));
    expect(onEvery.verdict).toBe('enforced');
    expect(onEvery.evidence).toContainEqual(expect.objectContaining({ field: 'status.desiredNumberScheduled', value: '2', meaning: 'scheduled on all 2 nodes (no pod ready yet)' }));
    const onSome = detectCni(snapshot({ daemonSets: [agent(1)], nodes }));
    expect(onSome.verdict).toBe('unknown');
    expect(plugin(onSome, 'calico').unverified?.[0]?.message).toBe('no pod of it is ready (status.numberReady 0) and it is scheduled on 1 of 2 nodes (status.desiredNumberScheduled 1)');
  });

  it('a DaemonSet that runs on no node is not called installed: a lone flannel with nothing scheduled is unknown, naming the empty node list', () => {
    const r = detectCni(snapshot({ daemonSets: [withStatus(ds('kube-flannel', 'kube-flannel-ds', c('kube-flannel', IMG.flannel)), NOTHING_SCHEDULED)] }));
    expect(r.verdict).toBe('unknown');
    expect(r.summary).not.toContain('installed');
    expect(plugin(r, 'flannel').unverified?.map((u) => u.message)).toEqual([expect.stringContaining('nodes: 0 found')]);
  });

  it('calico-node owned by the Tigera Installation (an ownerReference with its uid) counts outside the usual namespaces', () => {
    const r = detectCni(
      snapshot({
        daemonSets: [ownedBy(ds('platform-networking', 'calico-node', c('calico-node', IMG.calicoNode)), installationOwner())],
        customObjects: [installation({}, { variant: 'Calico', calicoVersion: 'v3.28.1' })],
      }),
    );
    expect(r.verdict).toBe('enforced');
    expect(plugin(r, 'calico').evidence).toContainEqual(
      expect.objectContaining({ kind: 'DaemonSet', namespace: 'platform-networking', field: 'metadata.ownerReferences[Installation]', value: 'default' }),
    );
  });

  it('an ownerReference naming an Installation uid that does not exist is no ownership', () => {
    const r = detectCni(snapshot({ daemonSets: [ownedBy(ds('tenant-a', 'calico-node', c('calico-node', IMG.calicoNode)), installationOwner('forged-uid'))] }));
    expect(r.verdict).toBe('unknown');
    expect(checks(r, 'calico')).toEqual(['namespace']);
  });

  it('an operator-owned calico-node may come from the registry and image path its Installation sets', () => {
    const owned = (image: string) =>
      detectCni(
        snapshot({
          daemonSets: [ownedBy(ds('calico-system', 'calico-node', c('calico-node', image)), installationOwner())],
          customObjects: [installation({ registry: 'registry.corp.example/', imagePath: 'calico-mirror', imagePrefix: 'corp-' })],
        }),
      );
    expect(owned('registry.corp.example/calico-mirror/corp-node:v3.28.1').verdict).toBe('enforced');
    // The Installation counts on its own; the DaemonSet with another image does not.
    expect(owned('registry.corp.example/calico-mirror/busybox:1.36').notes).toEqual([expect.stringMatching(/^DaemonSet calico-system\/calico-node looks like Calico but is not counted: it fails the image check /)]);
  });

  it('a spoof next to a genuine Calico is not counted, and a note names it', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-system', 'calico-node', c('calico-node', IMG.calicoNode)), spoof] }));
    expect(r.verdict).toBe('enforced');
    expect(plugin(r, 'calico').evidence.map((e) => e.namespace)).not.toContain('tenant-a');
    expect(plugin(r, 'calico').unverified).toEqual([]);
    expect(r.notes).toEqual([expect.stringMatching(/^DaemonSet tenant-a\/innocent-looking looks like Calico but is not counted: it fails the namespace, image and status checks/)]);
  });

  it('a spoof next to flannel alone makes the verdict unknown, never enforced', () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-flannel', 'kube-flannel-ds', c('kube-flannel', IMG.flannel)), spoof] }));
    expect(r.verdict).toBe('unknown');
    expect(r.enforcedBy).toEqual([]);
  });

  it('an Installation the operator never reported on (no status) is unverified', () => {
    const r = detectCni(snapshot({ customObjects: [installation({ cni: { type: 'Calico' } }, {})] }));
    expect(r.verdict).toBe('unknown');
    expect(plugin(r, 'calico').unverified).toEqual([expect.objectContaining({ kind: 'Installation', name: 'default', check: 'status' })]);
  });

  it.each([
    ['cilium', ds('tenant-a', 'cilium', c('cilium-agent', IMG.cilium))],
    ['kube-router', ds('kube-system', 'kube-router', c('kube-router', 'busybox:1.36'))],
    ['antrea', withStatus(ds('kube-system', 'antrea-agent', c('antrea-agent', IMG.antrea)), NOTHING_SCHEDULED)],
    ['ovn-kubernetes', ds('tenant-a', 'ovnkube-node', c('ovnkube-controller', IMG.ovnkube))],
    ['kindnet', ds('tenant-a', 'kindnet', c('kindnet-cni', IMG.kindnetV024))],
    ['weave-net', ds('kube-system', 'weave-net', c('weave', IMG.weave), c('weave-npc', 'busybox:1.36'))],
    ['aws-vpc-cni', ds('kube-system', 'aws-node', c('aws-node', IMG.awsNode), c('aws-eks-nodeagent', 'busybox:1.36', ['--enable-network-policy=true']))],
  ])('%s needs a plausible install too', (name, daemonSet) => {
    const r = detectCni(snapshot({ daemonSets: [daemonSet] }));
    expect(r.verdict).toBe('unknown');
    expect(plugin(r, name).enforcesPolicy).toBeNull();
    expect(plugin(r, name).unverified?.length).toBeGreaterThan(0);
  });

  it("a cilium-config in another namespace does not switch off the agent: Cilium reads its own namespace's", () => {
    const r = detectCni(snapshot({ daemonSets: [ds('kube-system', 'cilium', c('cilium-agent', IMG.cilium))], configMaps: [cm('tenant-a', 'cilium-config', { 'enable-policy': 'never' })] }));
    expect(r.verdict).toBe('enforced');
  });
});
