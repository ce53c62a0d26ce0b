// The API objects behind the sandbox: a Node and Pods whose status says what a
// kubelet would have reported (Running, hostIP, podIP), so kube-router treats
// them as local pods. There is no kubelet: the "containers" are the netns agents.
import type { KubeClient } from '../harness/kube.ts';
import { NODE_IP, NODE_NAME, POD_CIDR } from '../harness/sandbox.ts';
import type { Workload } from './world.ts';

const MERGE = 'application/merge-patch+json';

async function ok(api: KubeClient, method: string, path: string, body?: unknown, contentType?: string): Promise<unknown> {
  const res = await api.request(method, path, { body, ...(contentType ? { contentType } : {}) });
  if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status}: ${res.text.slice(0, 400)}`);
  return res.body;
}

export async function createNode(api: KubeClient): Promise<void> {
  await api.request('DELETE', `/api/v1/nodes/${NODE_NAME}`);
  await ok(api, 'POST', '/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: NODE_NAME, labels: { 'kubernetes.io/hostname': NODE_NAME } },
    spec: { podCIDR: POD_CIDR, podCIDRs: [POD_CIDR] },
  });
  await ok(
    api,
    'PATCH',
    `/api/v1/nodes/${NODE_NAME}/status`,
    {
      status: {
        addresses: [
          { type: 'InternalIP', address: NODE_IP },
          { type: 'Hostname', address: NODE_NAME },
        ],
        conditions: [{ type: 'Ready', status: 'True', reason: 'FloeSandbox', message: 'network namespace node', lastHeartbeatTime: new Date().toISOString(), lastTransitionTime: new Date().toISOString() }],
      },
    },
    MERGE,
  );
}

export async function deleteNode(api: KubeClient): Promise<void> {
  await api.request('DELETE', `/api/v1/nodes/${NODE_NAME}`);
}

export async function createNamespace(api: KubeClient, name: string): Promise<void> {
  const res = await api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
  if (res.status >= 300 && res.status !== 409) throw new Error(`create namespace ${name}: HTTP ${res.status}: ${res.text}`);
}

/** The Pod as a restricted-compliant spec bound to the sandbox node, then its status as a kubelet would patch it. */
export interface DeclaredPort {
  name?: string;
  containerPort: number;
  protocol: 'TCP' | 'UDP';
}

export async function createPod(api: KubeClient, w: Workload, ports?: DeclaredPort[]): Promise<void> {
  if (!w.namespace) throw new Error(`${w.name} is not a pod`);
  const base = `/api/v1/namespaces/${w.namespace}/pods`;
  await ok(api, 'POST', base, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: w.name, namespace: w.namespace, labels: w.labels },
    spec: {
      nodeName: NODE_NAME,
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'agent',
          image: 'registry.invalid/floe/netns-agent:1',
          ports: ports ?? w.ports.map((p) => ({ containerPort: p.port, protocol: p.protocol })),
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  });
  const now = new Date().toISOString();
  await ok(
    api,
    'PATCH',
    `${base}/${w.name}/status`,
    {
      status: {
        phase: 'Running',
        hostIP: NODE_IP,
        hostIPs: [{ ip: NODE_IP }],
        podIP: w.ip,
        podIPs: [{ ip: w.ip }],
        startTime: now,
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
      },
    },
    MERGE,
  );
}
