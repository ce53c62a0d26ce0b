import type { FloeManifest } from '../config/schema.js';
import type { NetworkIntent, Peer, PortSpec } from '../intent/types.js';
import type { PluginMetadata } from '../plugin/plugin.js';
import type { NamespaceReport } from './generator.js';

export const SUMMARY_FILE = 'NETWORK-POLICY-SUMMARY.md';

/** Above this many domains the diagram shows them as one node: a diagram of thousands of boxes helps nobody. */
const MAX_DIAGRAM_DOMAINS = 12;

export function describePorts(ports: readonly PortSpec[]): string {
  if (ports.length === 0) return 'all ports';
  return ports.map((p) => `${p.protocol} ${p.port}${p.endPort ? `-${p.endPort}` : ''}`).join(', ');
}

export function describePeer(peer: Peer): string {
  if (peer.kind === 'cidr') return peer.except.length ? `${peer.cidr} except ${peer.except.join(', ')}` : peer.cidr;
  const labels = peer.podLabels && Object.keys(peer.podLabels).length
    ? `pods ${Object.entries(peer.podLabels).map(([k, v]) => `${k}=${v}`).join(',')} in `
    : '';
  return `${labels}${peer.namespace}`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

interface SummaryInput {
  manifest: FloeManifest;
  namespaces: NamespaceReport[];
  intents: NetworkIntent[];
  warnings: string[];
  plugin: PluginMetadata;
}

function diagram(input: SummaryInput): string[] {
  const domains = input.namespaces.filter((n) => n.role === 'domain');
  const collapse = domains.length > MAX_DIAGRAM_DOMAINS;
  const domainSet = new Set(domains.map((d) => d.name));
  const managed = new Set(input.namespaces.map((n) => n.name));
  const ids = new Map<string, string>();
  const nodes: string[] = [];
  const node = (label: string, shape: 'box' | 'round') => {
    let id = ids.get(label);
    if (!id) {
      id = `n${ids.size}`;
      ids.set(label, id);
      nodes.push(shape === 'box' ? `  ${id}["${label}"]` : `  ${id}(["${label}"])`);
    }
    return id;
  };
  const nameOf = (ns: string) => (collapse && domainSet.has(ns) ? `${domains.length} domain namespaces` : ns);
  const endpoint = (peer: Peer) =>
    peer.kind === 'cidr'
      ? node(peer.except.length ? `${peer.cidr} (external)` : peer.cidr, 'round')
      : node(nameOf(peer.namespace), managed.has(peer.namespace) ? 'box' : 'round');
  const edges = new Map<string, Set<string>>();
  for (const i of input.intents) {
    if (i.to.kind === 'pods' && i.to.namespace === i.from.namespace) continue;
    const key = `${endpoint(i.from)} -->|PORTS| ${endpoint(i.to)}`;
    const set = edges.get(key) ?? new Set<string>();
    set.add(describePorts(i.ports));
    edges.set(key, set);
  }
  const lines = ['```mermaid', 'flowchart LR', ...nodes];
  for (const [key, ports] of edges) lines.push(`  ${key.replace('PORTS', [...ports].join('; '))}`);
  lines.push('```');
  if (collapse) lines.push('', `The ${domains.length} domain namespaces are drawn as one node; each has the same flows.`);
  return lines;
}

interface FlowRow {
  direction: 'egress' | 'ingress';
  peers: string[];
  ports: string;
  reason: string;
}

/**
 * Each namespace's flows as table rows; rows with the same direction, ports
 * and reason list their peers together, and the namespace itself is named
 * "this namespace" so identical domains render identically.
 */
function flowsByNamespace(intents: readonly NetworkIntent[]): Map<string, Map<string, FlowRow>> {
  const byNs = new Map<string, Map<string, FlowRow>>();
  const add = (ns: string, direction: FlowRow['direction'], peer: Peer, i: NetworkIntent) => {
    const ports = describePorts(i.ports);
    const key = `${direction}|${ports}|${i.reason}`;
    let rows = byNs.get(ns);
    if (!rows) byNs.set(ns, (rows = new Map()));
    const row = rows.get(key) ?? { direction, peers: [], ports, reason: i.reason };
    row.peers.push(peer.kind === 'pods' && peer.namespace === ns && !peer.podLabels ? 'this namespace' : describePeer(peer));
    rows.set(key, row);
  };
  for (const i of intents) {
    add(i.from.namespace, 'egress', i.to, i);
    if (i.to.kind === 'pods') add(i.to.namespace, 'ingress', i.from, i);
  }
  return byNs;
}

function listNames(names: readonly string[], max: number, separator = ', '): string {
  if (names.length <= max) return names.join(separator);
  return `${names.slice(0, max).join(separator)} and ${names.length - max} more`;
}

function namespaceBody(ns: NamespaceReport, flows: Map<string, FlowRow> | undefined): string[] {
  const ps = ns.podSecurity;
  const body = [
    ps
      ? `Pod Security Standards: enforce **${ps.enforce}**, audit ${ps.audit}, warn ${ps.warn} (version ${ps.version}).`
      : 'Pod Security Standards: not labelled (security.pod_security.enabled is false).',
    `NetworkPolicies: ${ns.policies.length ? ns.policies.map((p) => `\`${p}\``).join(', ') : 'none'}.`,
    '',
  ];
  // Egress first, then ingress; within each, the order of the intents (DNS first).
  const rows = [...(flows?.values() ?? [])]
    .sort((a, b) => (a.direction === b.direction ? 0 : a.direction === 'egress' ? -1 : 1))
    .map((r) => `| ${r.direction} | ${cell(listNames(r.peers, 8, '; '))} | ${r.ports} | ${cell(r.reason)} |`);
  if (rows.length) body.push('| direction | peer | ports | reason |', '| --- | --- | --- | --- |', ...rows, '');
  else body.push('No traffic is allowed in or out.', '');
  return body;
}

/** NETWORK-POLICY-SUMMARY.md: what each namespace may do, and why. Deterministic. */
export function renderSummary(input: SummaryInput): string {
  const { manifest, namespaces, intents, warnings, plugin } = input;
  const policyCount = namespaces.reduce((n, ns) => n + ns.policies.length, 0);
  const out: string[] = [
    '# Network policy summary',
    '',
    `Platform \`${manifest.name}\`, rendered by plugin \`${plugin.name}\` ${plugin.version} (floe plugin API ${plugin.floeApiVersion}).`,
    `${namespaces.length} namespaces, ${policyCount} NetworkPolicies, ${intents.length} allowed flows. Everything not listed here is denied.`,
    '',
  ];
  if (warnings.length) out.push('## Warnings', '', ...warnings.map((w) => `- ${w}`), '');
  if (intents.length) out.push('## Allowed flows between namespaces', '', ...diagram(input), '');
  const flows = flowsByNamespace(intents);
  // Domains with identical rules (the common case) share one section, so 10,000 domains read like one.
  const sections = new Map<string, { names: NamespaceReport[]; body: string[] }>();
  for (const ns of namespaces) {
    const body = namespaceBody(ns, flows.get(ns.name));
    const key = ns.role === 'domain' ? body.join('\n') : `${ns.role}:${ns.name}`;
    const section = sections.get(key);
    if (section) section.names.push(ns);
    else sections.set(key, { names: [ns], body });
  }
  for (const { names, body } of sections.values()) {
    const first = names[0] as NamespaceReport;
    if (names.length === 1) out.push(`## ${first.name} (${first.role}${first.domain ? ` ${first.domain}` : ''})`, '');
    else {
      out.push(`## ${names.length} domain namespaces with the same rules`, '');
      out.push(`${listNames(names.map((n) => n.name), 20)}.`, '');
    }
    out.push(...body);
  }
  return out.join('\n');
}
