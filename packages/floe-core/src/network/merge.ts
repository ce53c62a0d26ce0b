import type { IntentPurpose, Peer, PortSpec } from '../intent/types.js';
import { compareStrings } from '../util/compare.js';
import type { PolicyRule, RulePeer } from '../plugin/plugin.js';

/** One allowance before merging: traffic with `peer` on `ports` (empty = every port). */
export interface Allowance {
  peer: Peer;
  ports: PortSpec[];
  /** What the flow is for; the merged rule carries every purpose behind it. */
  purpose: IntentPurpose;
}

const PROTOCOL_ORDER = { TCP: 0, UDP: 1, SCTP: 2 } as const;

/**
 * Sorts ports, removes duplicates and ports inside ranges, and joins
 * overlapping ranges of one protocol. Adjacent single ports stay separate:
 * 4317 and 4318 read better than 4317-4318.
 */
export function normalizePorts(ports: readonly PortSpec[]): PortSpec[] {
  const sorted = [...ports].sort(
    (a, b) => PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol] || a.port - b.port || (b.endPort ?? b.port) - (a.endPort ?? a.port),
  );
  const out: PortSpec[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    const end = p.endPort ?? p.port;
    if (last && last.protocol === p.protocol && p.port <= (last.endPort ?? last.port)) {
      if (end > (last.endPort ?? last.port)) last.endPort = end;
      continue;
    }
    out.push(end > p.port ? { protocol: p.protocol, port: p.port, endPort: end } : { protocol: p.protocol, port: p.port });
  }
  return out;
}

/** The same labels object recurs in thousands of intents (a service's pod_labels): its key is computed once. */
const labelsKeys = new WeakMap<Record<string, string>, string>();

export function labelsKey(labels: Record<string, string> | undefined): string {
  if (!labels) return '';
  let key = labelsKeys.get(labels);
  if (key === undefined) {
    key = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
    labelsKeys.set(labels, key);
  }
  return key;
}

function peerKey(peer: Peer): string {
  if (peer.kind === 'fqdn') return `fqdn|${[...peer.names].sort().join(',')}`;
  return peer.kind === 'pods'
    ? `pods|${peer.namespace}|${labelsKey(peer.podLabels)}`
    : `cidr|${peer.cidr}|${[...peer.except].sort().join(',')}`;
}

const portsKey = (ports: PortSpec[] | null): string =>
  ports === null ? '*' : ports.map((p) => `${p.protocol}/${p.port}${p.endPort ? `-${p.endPort}` : ''}`).join(',');

/**
 * Merges allowances into the smallest equivalent set of rules: the same peer's
 * ports are united; peers with the same ports share one rule; pods peers in a
 * rule that differ only by namespace share one namespace list. Output order
 * is stable, so the rendered policy is deterministic.
 */
export function mergeAllowances(allowances: readonly Allowance[], policyNamespace: string): PolicyRule[] {
  const byPeer = new Map<string, { peer: Peer; ports: PortSpec[] | null; purposes: Set<IntentPurpose> }>();
  for (const a of allowances) {
    const key = peerKey(a.peer);
    const entry = byPeer.get(key) ?? { peer: a.peer, ports: [], purposes: new Set<IntentPurpose>() };
    entry.ports = entry.ports === null || a.ports.length === 0 ? null : [...entry.ports, ...a.ports];
    entry.purposes.add(a.purpose);
    byPeer.set(key, entry);
  }

  const byPorts = new Map<string, { ports: PortSpec[]; peers: Peer[]; purposes: Set<IntentPurpose> }>();
  for (const { peer, ports, purposes } of byPeer.values()) {
    const normal = ports === null ? null : normalizePorts(ports);
    const key = portsKey(normal);
    const rule = byPorts.get(key) ?? { ports: normal ?? [], peers: [], purposes: new Set<IntentPurpose>() };
    rule.peers.push(peer);
    for (const p of purposes) rule.purposes.add(p);
    byPorts.set(key, rule);
  }

  const rules: { key: string; rule: PolicyRule }[] = [];
  for (const { ports, peers, purposes } of byPorts.values()) {
    const rulePeers: RulePeer[] = [];
    const podGroups = new Map<string, { namespaces: string[]; podLabels?: Record<string, string> }>();
    // Host names on the same ports share one peer: a union of names is the same flows.
    const fqdns = new Set<string>();
    for (const peer of peers) {
      if (peer.kind === 'fqdn') {
        for (const n of peer.names) fqdns.add(n);
      } else if (peer.kind === 'cidr') {
        rulePeers.push({ kind: 'cidr', cidr: peer.cidr, except: [...peer.except].sort() });
      } else if (peer.namespace === policyNamespace) {
        // The policy's own namespace stays a bare podSelector peer: the idiomatic form.
        rulePeers.push({ kind: 'pods', namespaces: [peer.namespace], ...(peer.podLabels ? { podLabels: peer.podLabels } : {}) });
      } else {
        const key = labelsKey(peer.podLabels);
        const group = podGroups.get(key) ?? { namespaces: [], ...(peer.podLabels ? { podLabels: peer.podLabels } : {}) };
        group.namespaces.push(peer.namespace);
        podGroups.set(key, group);
      }
    }
    for (const g of podGroups.values()) rulePeers.push({ kind: 'pods', ...g, namespaces: [...g.namespaces].sort() });
    if (fqdns.size) rulePeers.push({ kind: 'fqdn', names: [...fqdns].sort(compareStrings) });
    rulePeers.sort((a, b) => compareStrings(rulePeerKey(a, policyNamespace), rulePeerKey(b, policyNamespace)));
    const rule: PolicyRule = { peers: rulePeers, ports, purposes: [...purposes].sort(compareStrings) };
    rules.push({ key: rulePeers.map((p) => rulePeerKey(p, policyNamespace)).join(';') + `#${portsKey(ports)}`, rule });
  }
  return rules.sort((a, b) => compareStrings(a.key, b.key)).map((r) => r.rule);
}

/** Sort key: same-namespace pods first, then other namespaces, then IP blocks, then host names. */
function rulePeerKey(p: RulePeer, policyNamespace: string): string {
  if (p.kind === 'cidr') return `2|${p.cidr}|${p.except.join(',')}`;
  if (p.kind === 'fqdn') return `3|${p.names.join(',')}`;
  const own = p.namespaces.length === 1 && p.namespaces[0] === policyNamespace;
  return `${own ? 0 : 1}|${p.namespaces.join(',')}|${labelsKey(p.podLabels)}`;
}
