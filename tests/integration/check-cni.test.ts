// `floe network check-cni` against the real kube-apiserver: for each network
// plugin, the objects that signal it are created (DaemonSets with the upstream
// names, namespaces, images and args; ConfigMaps; CRDs; Nodes with annotations;
// the Tigera Installation), the built CLI is run, and verdict, evidence and
// version are asserted. The local control plane runs no controllers, so the
// DaemonSets just sit in etcd, with the status the test writes through the
// status subresource (as the DaemonSet controller would: pods ready), or none;
// they also carry a nodeSelector no node matches, so that on a cluster with
// controllers nothing would ever be scheduled.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CniJson } from '@floe/core/cni';
import { floe, type RunResult } from '../cli/run.ts';
import { connect, type Connection } from '../harness/context.ts';
import type { KubeObject } from '../harness/kube.ts';
import { Namespaces, uniqueName } from '../harness/namespaces.ts';
import { createUser, READ_ONLY_RULES, readOnlyRulesWithout } from '../harness/users.ts';

type Evidence = CniJson['evidence'][number];
type Unverified = CniJson['plugins'][number]['unverified'][number];

let conn: Connection;
let names: Namespaces;
/** Fixed at import, so the case table below can name it; created in beforeAll. */
const ns = uniqueName('floe-it-cni');
/** What the current test applied; afterEach deletes it, so every case starts from the bare cluster. */
let applied: KubeObject[] = [];
/** Where the installs put their agents (check-cni counts only plausible installs). */
const SYSTEM = 'kube-system';
const OVN = 'ovn-kubernetes';

const EMPTY_NODE_INFO = Object.fromEntries(
  ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture'].map((k) => [k, '']),
);
const NEVER_SCHEDULE = { 'floe.dev/check-cni-test': 'never-schedule' };

interface DaemonSetStatus {
  currentNumberScheduled: number;
  desiredNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
}
/** What the DaemonSet controller writes for an agent running on one node. */
const RUNNING: DaemonSetStatus = { currentNumberScheduled: 1, desiredNumberScheduled: 1, numberMisscheduled: 0, numberReady: 1 };
/** What a DaemonSet that no node runs has: the API server's zeros. */
const NOWHERE: DaemonSetStatus = { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
/** The status `apply` writes through the status subresource after creating the DaemonSet. */
const STATUS = Symbol('status');
type Applied = KubeObject & { [STATUS]?: DaemonSetStatus };

interface ContainerSpec {
  name: string;
  image: string;
  args?: string[];
}

function workload(kind: 'DaemonSet' | 'Deployment', namespace: string, name: string, containers: ContainerSpec[]): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { nodeSelector: NEVER_SCHEDULE, containers } },
    },
  };
}
/** A DaemonSet whose pods run (status written as the controller would). */
const daemonSet = (namespace: string, name: string, ...containers: ContainerSpec[]): Applied => ({ ...workload('DaemonSet', namespace, name, containers), [STATUS]: RUNNING });
/** A DaemonSet with another status, e.g. NOWHERE. */
const withStatus = (o: Applied, status: DaemonSetStatus): Applied => ({ ...o, [STATUS]: status });
const deployment = (namespace: string, name: string, ...containers: ContainerSpec[]) => workload('Deployment', namespace, name, containers);
const configMap = (namespace: string, name: string, data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });
const node = (name: string, annotations: Record<string, string>, labels: Record<string, string>, kubeletVersion?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, annotations, labels },
  // Every NodeSystemInfo field is required; only the kubelet version matters here.
  ...(kubeletVersion ? { status: { nodeInfo: { ...EMPTY_NODE_INFO, kubeletVersion } } } : {}),
});
function crd(group: string, plural: string, kind: string, scope: 'Cluster' | 'Namespaced'): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      // No status subresource: the test writes status.calicoVersion the way the operator would.
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
}

/** The report's notes less those naming `crd`: the harness installs Cilium's CRDs without an agent, which check-cni rightly notes on every run. */
const notesBut = (json: CniJson | undefined, crd: string) => json?.notes.filter((n) => !n.includes(crd));

const list = (items: KubeObject[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });

/**
 * One `kubectl apply` for the case's objects; CRDs first (and established),
 * since their objects need them. Then each DaemonSet's status, through the
 * status subresource: the API server ignores status in a create.
 */
async function apply(objects: Applied[]): Promise<void> {
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  const rest = objects.filter((o) => o.kind !== 'CustomResourceDefinition');
  applied.push(...objects);
  if (crds.length) {
    await conn.kubectl.ok(['apply', '-f', '-'], list(crds));
    await conn.kubectl.ok(['wait', '--for=condition=Established', '--timeout=30s', ...crds.map((c) => `crd/${c.metadata.name}`)]);
  }
  if (rest.length) await conn.kubectl.ok(['apply', '-f', '-'], list(rest));
  for (const o of rest) {
    const status = o[STATUS];
    if (!status || status === NOWHERE) continue;
    await conn.kubectl.ok(['patch', 'daemonset', o.metadata.name, '-n', String(o.metadata.namespace), '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
  }
}

async function checkCni(args: string[] = ['--output', 'json'], kubeconfig = conn.info.kubeconfig): Promise<RunResult & { json?: CniJson }> {
  const r = await floe(['network', 'check-cni', '--kubeconfig', kubeconfig, ...args]);
  return args.includes('json') && r.stdout ? { ...r, json: JSON.parse(r.stdout) as CniJson } : r;
}

beforeAll(async () => {
  conn = await connect();
  names = new Namespaces(conn);
  names.track(ns);
  await conn.kubectl.ok(['create', 'namespace', ns]);
  // OVN-Kubernetes installs into its own namespace; a cluster with OVN would have failed the check below anyway.
  if ((await conn.kubectl.run(['get', 'namespace', OVN])).code !== 0) {
    names.track(OVN);
    await conn.kubectl.ok(['create', 'namespace', OVN]);
  }
  // Every case asserts a cluster-wide verdict: a cluster with a plugin of its own would decide it instead.
  const bare = await checkCni();
  if (bare.json?.plugins.length) {
    throw new Error(
      `check-cni cases need a cluster without a network plugin of its own, but ${conn.info.description} has ${bare.json.plugins.map((p) => p.name).join(', ')}. ` +
        'Run them against the local control plane: unset FLOE_TEST_CLUSTER and FLOE_TEST_KUBECONFIG.',
    );
  }
});

afterEach(async () => {
  const objects = applied;
  applied = [];
  // CRDs last: deleting one deletes its objects, which kubectl would then miss.
  const order = (o: KubeObject) => (o.kind === 'CustomResourceDefinition' ? 1 : 0);
  if (objects.length) await conn.kubectl.ok(['delete', '--ignore-not-found', '--wait=true', '-f', '-'], list([...objects].sort((a, b) => order(a) - order(b))));
});

afterAll(async () => {
  await names?.cleanup();
});

const evidenceOf = (json: CniJson | undefined, plugin: string): Evidence[] => json?.plugins.find((p) => p.name === plugin)?.evidence ?? [];

describe('floe network check-cni on the real API server', () => {
  it('an empty cluster is unknown, exits 1, and lists what was looked at', async () => {
    const r = await checkCni();
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ verdict: 'unknown', plugins: [], enforcedBy: [], evidence: [] });
    expect(r.json?.lookedAt.map((l) => l.resource)).toEqual([
      'daemonsets.apps',
      'deployments.apps',
      'configmaps',
      'configmaps',
      'customresourcedefinitions.apiextensions.k8s.io',
      'nodes',
      'installations.operator.tigera.io',
    ]);
    expect(r.json?.lookedAt[0]).toEqual({ resource: 'daemonsets.apps', scope: 'all namespaces', found: 0 });

    const text = await checkCni([]);
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')[0]).toBe('UNKNOWN  No known network plugin was found, so NetworkPolicies may be stored without being enforced.');
    expect(text.stdout).toContain('looked at:\n  daemonsets.apps');
  });

  it('reports calico and enforced, exit 0, with a calico-node DaemonSet in kube-system', async () => {
    await apply([daemonSet('kube-system', 'calico-node', { name: 'calico-node', image: 'docker.io/calico/node:v3.28.1' })]);
    const r = await checkCni();
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ verdict: 'enforced', enforcedBy: ['calico'] });
    expect(r.json?.plugins).toEqual([expect.objectContaining({ name: 'calico', version: 'v3.28.1', enforcesPolicy: true })]);
    expect(r.json?.evidence).toEqual([
      expect.objectContaining({ kind: 'DaemonSet', namespace: 'kube-system', name: 'calico-node', field: 'spec.template.spec.containers[calico-node].image', value: 'docker.io/calico/node:v3.28.1' }),
      expect.objectContaining({ kind: 'DaemonSet', namespace: 'kube-system', name: 'calico-node', field: 'status.numberReady', value: '1', meaning: '1 of 1 scheduled pods are ready' }),
    ]);
    expect(r.json?.plugins[0]?.unverified).toEqual([]);
    // The network-policy-api CRDs the harness installs, and what Calico v3.28.1 enforces of them: neither (ANP came in v3.29, ClusterNetworkPolicy in v3.32).
    expect(r.json?.clusterPolicies?.crds).toEqual({ ClusterNetworkPolicy: true, AdminNetworkPolicy: true, BaselineAdminNetworkPolicy: true });
    expect(r.json?.clusterPolicies?.support.map((x) => [x.plugin, x.api, x.enforced])).toEqual([['calico', 'ClusterNetworkPolicy', false], ['calico', 'AdminNetworkPolicy', false]]);
    // One audit event on stderr, with the verdict.
    const audit = r.stderr.split('\n').filter((l) => l.includes('"audit"')).map((l) => JSON.parse(l) as { audit: Record<string, unknown> });
    expect(audit).toEqual([{ ...audit[0], audit: expect.objectContaining({ operation: 'network.check-cni', result: 'success', verdict: 'enforced' }) }]);

    const text = await checkCni([]);
    expect(text.stdout.split('\n')[0]).toBe('ENFORCED  NetworkPolicies are enforced by Calico v3.28.1.');
  });

  it('reports not-enforced, exit 1, with only kube-flannel', async () => {
    await apply([daemonSet(SYSTEM, 'kube-flannel-ds', { name: 'kube-flannel', image: 'docker.io/flannel/flannel:v0.25.6', args: ['--ip-masq', '--kube-subnet-mgr'] })]);
    const r = await checkCni();
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ verdict: 'not-enforced', enforcedBy: [] });
    expect(r.json?.plugins).toEqual([expect.objectContaining({ name: 'flannel', version: 'v0.25.6', enforcesPolicy: false })]);
    expect(r.json?.evidence).toEqual([
      expect.objectContaining({ kind: 'DaemonSet', namespace: SYSTEM, name: 'kube-flannel-ds', value: 'docker.io/flannel/flannel:v0.25.6' }),
      expect.objectContaining({ kind: 'DaemonSet', namespace: SYSTEM, name: 'kube-flannel-ds', field: 'status.numberReady', value: '1' }),
    ]);
  });

  interface Case {
    title: string;
    objects: () => Applied[];
    verdict: 'enforced' | 'not-enforced' | 'unknown';
    plugin: string;
    version: string | null;
    enforcesPolicy: boolean | null;
    evidence: Partial<Evidence>[];
    /** A text that one of the notes must contain. */
    note?: string;
  }

  const CASES: Case[] = [
    {
      title: 'Tigera operator: an Installation (with its CRD) and the tigera-operator Deployment are Calico, version from status.calicoVersion',
      objects: () => [
        crd('operator.tigera.io', 'installations', 'Installation', 'Cluster'),
        { apiVersion: 'operator.tigera.io/v1', kind: 'Installation', metadata: { name: 'default' }, spec: { cni: { type: 'Calico' } }, status: { variant: 'Calico', calicoVersion: 'v3.28.2' } },
        deployment(ns, 'tigera-operator', { name: 'tigera-operator', image: 'quay.io/tigera/operator:v1.34.5' }),
      ],
      verdict: 'enforced',
      plugin: 'calico',
      version: 'v3.28.2',
      enforcesPolicy: true,
      evidence: [
        { kind: 'Installation', namespace: null, name: 'default', field: 'spec.cni.type', value: 'Calico' },
        { kind: 'Installation', name: 'default', field: 'status.calicoVersion', value: 'v3.28.2' },
        { kind: 'Deployment', namespace: ns, name: 'tigera-operator' },
        { kind: 'CustomResourceDefinition', name: 'installations.operator.tigera.io' },
      ],
    },
    {
      title: 'Canal: calico-node and kube-flannel in one DaemonSet are enforced by Calico',
      objects: () => [daemonSet(SYSTEM, 'canal', { name: 'calico-node', image: 'docker.io/calico/node:v3.28.1' }, { name: 'kube-flannel', image: 'docker.io/flannel/flannel:v0.25.6' })],
      verdict: 'enforced',
      plugin: 'canal',
      version: 'v3.28.1',
      enforcesPolicy: true,
      evidence: [
        { kind: 'DaemonSet', namespace: SYSTEM, name: 'canal', field: 'spec.template.spec.containers[calico-node].image' },
        { kind: 'DaemonSet', namespace: SYSTEM, name: 'canal', field: 'spec.template.spec.containers[kube-flannel].image' },
      ],
    },
    {
      title: 'flannel and Calico in separate DaemonSets are enforced by Calico',
      objects: () => [
        daemonSet(SYSTEM, 'kube-flannel-ds', { name: 'kube-flannel', image: 'docker.io/flannel/flannel:v0.25.6' }),
        daemonSet(SYSTEM, 'calico-node', { name: 'calico-node', image: 'docker.io/calico/node:v3.28.1' }),
      ],
      verdict: 'enforced',
      plugin: 'calico',
      version: 'v3.28.1',
      enforcesPolicy: true,
      evidence: [{ kind: 'DaemonSet', name: 'calico-node' }],
      note: 'flannel does not enforce NetworkPolicy here',
    },
    {
      title: 'Cilium with cilium-config enable-policy default is enforced',
      objects: () => [
        daemonSet(SYSTEM, 'cilium', { name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.16.5@sha256:758ca0793f5995bb938a2fa219dcce63dc0b3fa7fc4ce5cc851125281fb7361d' }),
        configMap(SYSTEM, 'cilium-config', { 'enable-policy': 'default', 'routing-mode': 'tunnel' }),
      ],
      verdict: 'enforced',
      plugin: 'cilium',
      version: 'v1.16.5',
      enforcesPolicy: true,
      evidence: [
        { kind: 'DaemonSet', namespace: SYSTEM, name: 'cilium' },
        { kind: 'ConfigMap', namespace: SYSTEM, name: 'cilium-config', field: 'data.enable-policy', value: 'default' },
      ],
    },
    {
      title: 'Cilium with cilium-config enable-policy never is not enforced',
      objects: () => [
        daemonSet(SYSTEM, 'cilium', { name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.16.5' }),
        configMap(SYSTEM, 'cilium-config', { 'enable-policy': 'never' }),
      ],
      verdict: 'not-enforced',
      plugin: 'cilium',
      version: 'v1.16.5',
      enforcesPolicy: false,
      evidence: [{ kind: 'ConfigMap', namespace: SYSTEM, name: 'cilium-config', field: 'data.enable-policy', value: 'never' }],
    },
    {
      title: 'Azure CNI powered by Cilium: the mcr.microsoft.com agent and the AKS dataplane node label',
      objects: () => [
        daemonSet(SYSTEM, 'cilium', { name: 'cilium-agent', image: 'mcr.microsoft.com/containernetworking/cilium/cilium:v1.17.4-250610' }),
        node('floe-it-aks-node-0', {}, { 'kubernetes.azure.com/ebpf-dataplane': 'cilium' }),
      ],
      verdict: 'enforced',
      plugin: 'azure-cni-cilium',
      version: 'v1.17.4-250610',
      enforcesPolicy: true,
      evidence: [
        { kind: 'DaemonSet', namespace: SYSTEM, name: 'cilium' },
        { kind: 'Node', name: 'floe-it-aks-node-0', field: 'metadata.labels[kubernetes.azure.com/ebpf-dataplane]', value: 'cilium' },
      ],
    },
    {
      title: 'GKE Dataplane V2: the anetd DaemonSet is enforced',
      objects: () => [daemonSet(SYSTEM, 'anetd', { name: 'cilium-agent', image: 'gke.gcr.io/cilium/cilium:v1.14.9-gke4.1' })],
      verdict: 'enforced',
      plugin: 'gke-dataplane-v2',
      version: 'v1.14.9-gke4.1',
      enforcesPolicy: true,
      evidence: [{ kind: 'DaemonSet', namespace: SYSTEM, name: 'anetd' }],
    },
    {
      title: 'Antrea: antrea-agent is enforced, and antrea-controller supports it',
      objects: () => [
        daemonSet(SYSTEM, 'antrea-agent', { name: 'antrea-agent', image: 'antrea/antrea-agent-ubuntu:v2.2.0' }, { name: 'antrea-ovs', image: 'antrea/antrea-agent-ubuntu:v2.2.0' }),
        deployment(ns, 'antrea-controller', { name: 'antrea-controller', image: 'antrea/antrea-controller-ubuntu:v2.2.0' }),
      ],
      verdict: 'enforced',
      plugin: 'antrea',
      version: 'v2.2.0',
      enforcesPolicy: true,
      evidence: [
        { kind: 'DaemonSet', namespace: SYSTEM, name: 'antrea-agent' },
        { kind: 'Deployment', namespace: ns, name: 'antrea-controller' },
      ],
    },
    {
      title: 'kube-router with --run-firewall=true is enforced',
      objects: () => [daemonSet(SYSTEM, 'kube-router', { name: 'kube-router', image: 'docker.io/cloudnativelabs/kube-router:v2.2.1', args: ['--run-router=true', '--run-firewall=true', '--run-service-proxy=false'] })],
      verdict: 'enforced',
      plugin: 'kube-router',
      version: 'v2.2.1',
      enforcesPolicy: true,
      evidence: [{ kind: 'DaemonSet', namespace: SYSTEM, name: 'kube-router', field: 'spec.template.spec.containers[kube-router].args', value: '--run-firewall=true' }],
    },
    {
      title: 'kube-router without --run-firewall is enforced: the flag defaults to true',
      objects: () => [daemonSet(SYSTEM, 'kube-router', { name: 'kube-router', image: 'docker.io/cloudnativelabs/kube-router:v2.2.1', args: ['--run-router=true'] })],
      verdict: 'enforced',
      plugin: 'kube-router',
      version: 'v2.2.1',
      enforcesPolicy: true,
      evidence: [{ kind: 'DaemonSet', name: 'kube-router', value: '(no --run-firewall)' }],
    },
    {
      title: 'kube-router with --run-firewall=false is not enforced',
      objects: () => [daemonSet(SYSTEM, 'kube-router', { name: 'kube-router', image: 'docker.io/cloudnativelabs/kube-router:v2.2.1', args: ['--run-router=true', '--run-firewall=false'] })],
      verdict: 'not-enforced',
      plugin: 'kube-router',
      version: 'v2.2.1',
      enforcesPolicy: false,
      evidence: [{ kind: 'DaemonSet', name: 'kube-router', field: 'spec.template.spec.containers[kube-router].args', value: '--run-firewall=false' }],
    },
    {
      title: 'Weave Net with the weave-npc container is enforced',
      objects: () => [daemonSet(SYSTEM, 'weave-net', { name: 'weave', image: 'weaveworks/weave-kube:2.8.1' }, { name: 'weave-npc', image: 'weaveworks/weave-npc:2.8.1' })],
      verdict: 'enforced',
      plugin: 'weave-net',
      version: '2.8.1',
      enforcesPolicy: true,
      evidence: [{ kind: 'DaemonSet', namespace: SYSTEM, name: 'weave-net', field: 'spec.template.spec.containers[weave-npc].image' }],
    },
    {
      title: 'Weave Net without weave-npc is not enforced',
      objects: () => [daemonSet(SYSTEM, 'weave-net', { name: 'weave', image: 'weaveworks/weave-kube:2.8.1' })],
      verdict: 'not-enforced',
      plugin: 'weave-net',
      version: '2.8.1',
      enforcesPolicy: false,
      evidence: [{ kind: 'DaemonSet', name: 'weave-net', field: 'spec.template.spec.containers[weave].image' }],
    },
    {
      title: 'kindnet from kind v0.24 (kindnetd v20240813) embeds kube-network-policies: enforced',
      objects: () => [daemonSet(SYSTEM, 'kindnet', { name: 'kindnet-cni', image: 'docker.io/kindest/kindnetd:v20240813-c6f155d6' })],
      verdict: 'enforced',
      plugin: 'kindnet',
      version: 'v20240813-c6f155d6',
      enforcesPolicy: true,
      evidence: [{ kind: 'DaemonSet', namespace: SYSTEM, name: 'kindnet', value: 'docker.io/kindest/kindnetd:v20240813-c6f155d6' }],
    },
    {
      title: 'kindnet from kind v0.23 (kindnetd v20240513) is older: not enforced',
      objects: () => [daemonSet(SYSTEM, 'kindnet', { name: 'kindnet-cni', image: 'docker.io/kindest/kindnetd:v20240513-cd2ac642' })],
      verdict: 'not-enforced',
      plugin: 'kindnet',
      version: 'v20240513-cd2ac642',
      enforcesPolicy: false,
      evidence: [{ kind: 'DaemonSet', name: 'kindnet', value: 'docker.io/kindest/kindnetd:v20240513-cd2ac642' }],
    },
    {
      title: 'Amazon VPC CNI with aws-eks-nodeagent --enable-network-policy=true is enforced',
      objects: () => [
        daemonSet(
          SYSTEM,
          'aws-node',
          { name: 'aws-node', image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1' },
          { name: 'aws-eks-nodeagent', image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-network-policy-agent:v1.1.6-eksbuild.1', args: ['--enable-ipv6=false', '--enable-network-policy=true'] },
        ),
        configMap(SYSTEM, 'amazon-vpc-cni', { 'enable-network-policy-controller': 'true' }),
      ],
      verdict: 'enforced',
      plugin: 'aws-vpc-cni',
      version: 'v1.19.2-eksbuild.1',
      enforcesPolicy: true,
      evidence: [{ kind: 'DaemonSet', name: 'aws-node', field: 'spec.template.spec.containers[aws-eks-nodeagent].args', value: '--enable-network-policy=true' }],
    },
    {
      title: 'Amazon VPC CNI with the controller ConfigMap on but the node agent off is not enforced',
      objects: () => [
        daemonSet(
          SYSTEM,
          'aws-node',
          { name: 'aws-node', image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1' },
          { name: 'aws-eks-nodeagent', image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/aws-network-policy-agent:v1.1.6-eksbuild.1', args: ['--enable-ipv6=false', '--enable-network-policy=false'] },
        ),
        configMap(SYSTEM, 'amazon-vpc-cni', { 'enable-network-policy-controller': 'true' }),
      ],
      verdict: 'not-enforced',
      plugin: 'aws-vpc-cni',
      version: 'v1.19.2-eksbuild.1',
      enforcesPolicy: false,
      evidence: [
        { kind: 'DaemonSet', name: 'aws-node', value: '--enable-network-policy=false' },
        { kind: 'ConfigMap', namespace: SYSTEM, name: 'amazon-vpc-cni', field: 'data.enable-network-policy-controller', value: 'true' },
      ],
    },
    {
      title: 'Amazon VPC CNI with the ConfigMap but no node agent container is not enforced',
      objects: () => [
        daemonSet(SYSTEM, 'aws-node', { name: 'aws-node', image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3-eksbuild.1' }),
        configMap(SYSTEM, 'amazon-vpc-cni', { 'enable-network-policy-controller': 'true' }),
      ],
      verdict: 'not-enforced',
      plugin: 'aws-vpc-cni',
      version: 'v1.18.3-eksbuild.1',
      enforcesPolicy: false,
      evidence: [{ kind: 'ConfigMap', name: 'amazon-vpc-cni', value: 'true' }],
    },
    {
      title: 'Azure NPM is enforced',
      objects: () => [daemonSet(SYSTEM, 'azure-npm', { name: 'azure-npm', image: 'mcr.microsoft.com/containernetworking/azure-npm:v1.5.5' })],
      verdict: 'enforced',
      plugin: 'azure-npm',
      version: 'v1.5.5',
      enforcesPolicy: true,
      evidence: [{ kind: 'DaemonSet', namespace: SYSTEM, name: 'azure-npm' }],
    },
    {
      title: 'OVN-Kubernetes: ovnkube-node is enforced',
      objects: () => [
        daemonSet(
          OVN,
          'ovnkube-node',
          { name: 'ovn-controller', image: 'ghcr.io/ovn-kubernetes/ovn-kubernetes/ovn-kube-ubuntu:v1.1.0' },
          { name: 'ovnkube-controller', image: 'ghcr.io/ovn-kubernetes/ovn-kubernetes/ovn-kube-ubuntu:v1.1.0' },
        ),
      ],
      verdict: 'enforced',
      plugin: 'ovn-kubernetes',
      version: 'v1.1.0',
      enforcesPolicy: true,
      evidence: [{ kind: 'DaemonSet', namespace: OVN, name: 'ovnkube-node' }],
    },
    {
      title: 'kube-network-policies is enforced',
      objects: () => [daemonSet(SYSTEM, 'kube-network-policies', { name: 'kube-network-policies', image: 'registry.k8s.io/networking/kube-network-policies:v0.7.0' })],
      verdict: 'enforced',
      plugin: 'kube-network-policies',
      version: 'v0.7.0',
      enforcesPolicy: true,
      evidence: [{ kind: 'DaemonSet', namespace: SYSTEM, name: 'kube-network-policies' }],
    },
    {
      title: 'k3s: a server node without --disable-network-policy runs the embedded controller, version from the kubelet',
      objects: () => [
        node('floe-it-k3s-server', { 'k3s.io/node-args': '["server","--write-kubeconfig-mode","0644"]', 'k3s.io/hostname': 'floe-it-k3s-server' }, { 'node.kubernetes.io/instance-type': 'k3s' }, 'v1.31.4+k3s1'),
      ],
      verdict: 'enforced',
      plugin: 'k3s',
      version: 'v1.31.4+k3s1',
      enforcesPolicy: true,
      evidence: [{ kind: 'Node', namespace: null, name: 'floe-it-k3s-server', field: 'metadata.annotations[k3s.io/node-args]' }],
    },
    {
      title: 'k3s: --disable-network-policy in k3s.io/node-args is not enforced',
      objects: () => [
        node('floe-it-k3s-server', { 'k3s.io/node-args': '["server","--disable-network-policy","--disable","traefik"]' }, { 'node.kubernetes.io/instance-type': 'k3s' }, 'v1.31.4+k3s1'),
        node('floe-it-k3s-agent', { 'k3s.io/node-args': '["agent"]' }, { 'node.kubernetes.io/instance-type': 'k3s' }, 'v1.31.4+k3s1'),
      ],
      verdict: 'not-enforced',
      plugin: 'k3s',
      version: 'v1.31.4+k3s1',
      enforcesPolicy: false,
      evidence: [{ kind: 'Node', name: 'floe-it-k3s-server', value: '["server","--disable-network-policy","--disable","traefik"]' }],
    },
  ];

  for (const c of CASES) {
    it(c.title, async () => {
      await apply(c.objects());
      const r = await checkCni();
      expect(r.stderr).not.toContain('floe: internal error');
      expect(r.code).toBe(c.verdict === 'enforced' ? 0 : 1);
      expect(r.json?.verdict).toBe(c.verdict);
      expect(r.json?.plugins.find((p) => p.name === c.plugin)).toMatchObject({ version: c.version, enforcesPolicy: c.enforcesPolicy });
      for (const e of c.evidence) expect(evidenceOf(r.json, c.plugin)).toContainEqual(expect.objectContaining(e));
      if (c.note) expect(r.json?.notes).toContainEqual(expect.stringContaining(c.note));
    });
  }

  it('a Cilium CRD left behind without an agent decides nothing: unknown, with a note', async () => {
    // The harness installs Cilium's own CRDs (tests/harness/crds.ts) and no agent: exactly this case. The
    // test must not replace or delete them: the Cilium plugin's tests in other files need them.
    await conn.kubectl.ok(['get', 'crd', 'ciliumnetworkpolicies.cilium.io']);
    const r = await checkCni();
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ verdict: 'unknown', plugins: [] });
    expect(r.json?.notes).toEqual([expect.stringContaining('CustomResourceDefinition ciliumnetworkpolicies.cilium.io (Cilium) exists, but no node agent of it was found')]);
  });

  describe('only a plausible install counts (security review, finding 4)', () => {
    /** The review's reproduction: any tenant can create this in its own namespace. */
    const spoof = () => withStatus(daemonSet(ns, 'innocent-looking', { name: 'calico-node', image: 'busybox:1.36' }), NOWHERE);
    const checks = (json: CniJson | undefined, plugin: string) => json?.plugins.find((p) => p.name === plugin)?.unverified.map((u: Unverified) => u.check);

    it('a calico-node DaemonSet in a tenant namespace, with a busybox image and scheduled nowhere, is unknown, exit 1, and says which checks failed', async () => {
      await apply([spoof()]);
      const r = await checkCni();
      expect(r.code).toBe(1);
      expect(r.json).toMatchObject({ verdict: 'unknown', enforcedBy: [] });
      expect(r.json?.plugins).toEqual([expect.objectContaining({ name: 'calico', version: null, enforcesPolicy: null })]);
      expect(checks(r.json, 'calico')).toEqual(['namespace', 'image', 'status']);
      expect(r.json?.plugins[0]?.unverified[2]?.message).toBe('no pod of it is ready (status.numberReady 0) and it is scheduled on 0 nodes (status.desiredNumberScheduled 0; nodes: 0 found)');

      const text = await checkCni([]);
      expect(text.code).toBe(1);
      expect(text.stdout.split('\n')[0]).toBe(
        `UNKNOWN  Cannot tell whether NetworkPolicies are enforced: Calico: DaemonSet ${ns}/innocent-looking is unverified: it fails the namespace, image and status checks of a Calico install, so it decides nothing.`,
      );
      expect(text.stdout).toContain(
        `unverified (not counted as an install):\n  calico: DaemonSet ${ns}/innocent-looking\n    namespace: ${ns} is not a namespace Calico runs calico-node in (kube-system, calico-system), and no Tigera Installation owns the DaemonSet\n    image: busybox:1.36 (container calico-node) is not an image of calico-node`,
      );
      expect(text.stdout).toMatch(/\n {2}nodes +cluster \(labels, annotations, kubelet version\): 0 found\n/);
    });

    it('the spoof with a ready status written through the status subresource is still unknown: namespace and image', async () => {
      await apply([withStatus(spoof(), RUNNING)]);
      const r = await checkCni();
      expect(r.code).toBe(1);
      expect(r.json?.verdict).toBe('unknown');
      expect(checks(r.json, 'calico')).toEqual(['namespace', 'image']);
    });

    it('a genuine-looking install (kube-system, calico/node, pods ready) next to the spoof is enforced, and a note names the spoof', async () => {
      await apply([daemonSet(SYSTEM, 'calico-node', { name: 'calico-node', image: 'quay.io/calico/node:v3.29.1' }), spoof()]);
      const r = await checkCni();
      expect(r.code).toBe(0);
      expect(r.json).toMatchObject({ verdict: 'enforced', enforcedBy: ['calico'] });
      expect(r.json?.evidence.map((e) => e.namespace)).not.toContain(ns);
      expect(notesBut(r.json, 'cilium.io')).toEqual([expect.stringMatching(new RegExp(`^DaemonSet ${ns}/innocent-looking looks like Calico but is not counted: it fails the namespace, image and status checks`))]);
    });

    it('a DaemonSet of a real install that runs on no node is not called installed: kube-flannel scheduled nowhere is unknown', async () => {
      await apply([withStatus(daemonSet(SYSTEM, 'kube-flannel-ds', { name: 'kube-flannel', image: 'docker.io/flannel/flannel:v0.25.6' }), NOWHERE)]);
      const r = await checkCni();
      expect(r.code).toBe(1);
      expect(r.json?.verdict).toBe('unknown');
      expect(r.json?.summary).not.toContain('installed');
      expect(checks(r.json, 'flannel')).toEqual(['status']);
    });

    it('calico-node owned by the Tigera Installation (ownerReference with its uid) counts outside the usual namespaces; a forged uid does not', async () => {
      await apply([
        crd('operator.tigera.io', 'installations', 'Installation', 'Cluster'),
        { apiVersion: 'operator.tigera.io/v1', kind: 'Installation', metadata: { name: 'default' }, spec: { cni: { type: 'Calico' } }, status: { variant: 'Calico', calicoVersion: 'v3.29.1' } },
      ]);
      const uid = await conn.kubectl.ok(['get', 'installations.operator.tigera.io', 'default', '-o', 'jsonpath={.metadata.uid}']);
      const owned = (name: string, ownerUid: string): Applied => {
        const o = daemonSet(ns, name, { name: 'calico-node', image: 'quay.io/calico/node:v3.29.1' });
        return { ...o, metadata: { ...o.metadata, ownerReferences: [{ apiVersion: 'operator.tigera.io/v1', kind: 'Installation', name: 'default', uid: ownerUid, controller: true }] } };
      };
      await apply([owned('calico-node', uid), owned('calico-node-forged', '00000000-0000-4000-8000-000000000000')]);
      const r = await checkCni();
      expect(r.code).toBe(0);
      expect(evidenceOf(r.json, 'calico')).toContainEqual(expect.objectContaining({ kind: 'DaemonSet', namespace: ns, name: 'calico-node', field: 'metadata.ownerReferences[Installation]', value: 'default' }));
      expect(evidenceOf(r.json, 'calico').map((e) => e.name)).not.toContain('calico-node-forged');
      expect(notesBut(r.json, 'cilium.io')).toEqual([expect.stringMatching(new RegExp(`^DaemonSet ${ns}/calico-node-forged looks like Calico but is not counted: it fails the namespace check`))]);
    });
  });

  it('prints strings from the cluster with their control characters escaped: no escape sequence, no forged line (security review, finding 7)', async () => {
    // Names cannot hold control characters; images and annotations can, and the API server stores them as given.
    const image = 'quay.io/calico/node:v3.29.1\u001b[31m\nENFORCED  forged line';
    // Raw control characters make the annotation unreadable JSON: k3s cannot be judged, but the value is still shown.
    const nodeArgs = '["server","--node-label=\u001b[31mred\nENFORCED  forged"]';
    await apply([daemonSet(SYSTEM, 'calico-node', { name: 'calico-node', image }), node('floe-it-k3s-escape', { 'k3s.io/node-args': nodeArgs }, { 'node.kubernetes.io/instance-type': 'k3s' })]);
    const r = await checkCni([]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('ENFORCED'))).toEqual(['ENFORCED  NetworkPolicies are enforced by Calico v3.29.1\\u001b[31m\\nENFORCED  forged line.']);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('spec.template.spec.containers[calico-node].image = quay.io/calico/node:v3.29.1\\u001b[31m\\nENFORCED  forged line');
    expect(r.stdout).toContain('metadata.annotations[k3s.io/node-args] = ["server","--node-label=\\u001b[31mred\\nENFORCED  forged"]');
    // The JSON keeps the exact value; its encoding escapes it.
    const json = await checkCni();
    expect(json.json?.evidence).toContainEqual(expect.objectContaining({ field: 'spec.template.spec.containers[calico-node].image', value: image }));
  });

  it('works for a user granted only examples/rbac/floe-network-reader.yaml, and never prints its token', async () => {
    await apply([daemonSet('kube-system', 'calico-node', { name: 'calico-node', image: 'docker.io/calico/node:v3.28.1' })]);
    const reader = await createUser(conn, ns, READ_ONLY_RULES);
    try {
      const r = await checkCni(['--output', 'json', '--debug'], reader.kubeconfig);
      expect(r.code).toBe(0);
      expect(r.json?.enforcedBy).toEqual(['calico']);
      expect(r.stdout + r.stderr).not.toContain(reader.token);
    } finally {
      await reader.remove();
    }
  });

  it('a user who may not list DaemonSets gets exit 3 and the one line naming the permission', async () => {
    const user = await createUser(conn, ns, readOnlyRulesWithout('daemonsets'));
    try {
      const r = await checkCni(['--output', 'json', '--log-level', 'silent'], user.kubeconfig);
      expect(r.code).toBe(3);
      // --output json: the failure is also a JSON error object on stdout, for CI.
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'environment.cluster_forbidden', problems: [] });
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^floe: error: forbidden: floe network check-cni needs "list" on daemonsets\.apps in all namespaces \(cluster-wide\)/)]);
    } finally {
      await user.remove();
    }
  });
});
