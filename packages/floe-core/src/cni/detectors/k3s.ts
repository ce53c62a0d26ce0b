import type { CniEvidence, CniPlugin, CniSnapshot, NodeInfo } from '../types.js';

export const K3S_NODE_ARGS = 'k3s.io/node-args';
const MAX_NODE_EVIDENCE = 5;

function isK3sNode(n: NodeInfo): boolean {
  return n.annotations[K3S_NODE_ARGS] !== undefined || n.labels['node.kubernetes.io/instance-type'] === 'k3s' || Boolean(n.kubeletVersion?.includes('+k3s'));
}

/** The node's k3s command line, from the JSON array k3s writes into the annotation; undefined when absent or unreadable. */
function nodeArgs(n: NodeInfo): string[] | undefined {
  const raw = n.annotations[K3S_NODE_ARGS];
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** --disable-network-policy as k3s records it: the bare flag, or with =true/=false from a config file. */
function disablesPolicy(args: string[]): string | undefined {
  return args.filter((a) => a === '--disable-network-policy' || a === '--disable-network-policy=true').at(-1);
}

/**
 * k3s runs an embedded NetworkPolicy controller (kube-router's) in every node
 * unless the servers start with --disable-network-policy. It has no DaemonSet;
 * k3s records each node's command line in the k3s.io/node-args annotation.
 */
export function detectK3s(s: CniSnapshot): CniPlugin[] {
  const nodes = s.nodes.filter(isK3sNode);
  if (nodes.length === 0) return [];
  const versions = [...new Set(nodes.flatMap((n) => (n.kubeletVersion?.includes('+k3s') ? [n.kubeletVersion] : [])))].sort();
  const servers = nodes.flatMap((n) => {
    const args = nodeArgs(n);
    return args?.[0] === 'server' ? [{ node: n, args }] : [];
  });
  const disabling = servers.filter((x) => disablesPolicy(x.args));
  const evidence: CniEvidence[] = [];
  let enforces: boolean | null;
  let reason: string;
  const argEvidence = (n: NodeInfo, meaning: string): CniEvidence => ({ kind: 'Node', name: n.name, field: `metadata.annotations[${K3S_NODE_ARGS}]`, value: n.annotations[K3S_NODE_ARGS] ?? '', meaning });
  if (disabling.length > 0) {
    enforces = false;
    reason = `k3s server ${disabling.length === 1 ? 'node' : 'nodes'} ${disabling.map((x) => x.node.name).join(', ')} started with --disable-network-policy: the embedded policy controller is off`;
    for (const x of disabling.slice(0, MAX_NODE_EVIDENCE)) evidence.push(argEvidence(x.node, 'k3s server started with --disable-network-policy'));
  } else if (servers.length > 0) {
    enforces = true;
    reason = 'k3s runs its embedded NetworkPolicy controller (no server has --disable-network-policy)';
    for (const x of servers.slice(0, MAX_NODE_EVIDENCE)) evidence.push(argEvidence(x.node, 'k3s server without --disable-network-policy: the embedded policy controller runs'));
  } else {
    enforces = null;
    reason = `no k3s server node shows a readable ${K3S_NODE_ARGS} annotation, so whether --disable-network-policy is set cannot be told`;
  }
  if (evidence.length === 0) {
    const n = nodes[0] as NodeInfo;
    const why = n.annotations[K3S_NODE_ARGS] !== undefined ? `metadata.annotations[${K3S_NODE_ARGS}]` : n.kubeletVersion?.includes('+k3s') ? 'status.nodeInfo.kubeletVersion' : 'metadata.labels[node.kubernetes.io/instance-type]';
    const value = n.annotations[K3S_NODE_ARGS] ?? (n.kubeletVersion?.includes('+k3s') ? n.kubeletVersion : 'k3s') ?? '';
    evidence.push({ kind: 'Node', name: n.name, field: why, value, meaning: `a k3s node (${nodes.length} of ${s.nodes.length} nodes)` });
  }
  return [{ name: 'k3s', title: 'k3s embedded network policy controller', version: versions.length ? versions.join(', ') : null, enforcesPolicy: enforces, reason, evidence }];
}
