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
  const rowsBy = new Map<string, string[]>();
  const addRow = (ns: string, row: string) => {
    const list = rowsBy.get(ns);
    if (list) list.push(row);
    else rowsBy.set(ns, [row]);
  };
  for (const i of intents) {
    addRow(i.from.namespace, `| egress | ${cell(describePeer(i.to))} | ${describePorts(i.ports)} | ${cell(i.reason)} |`);
    if (i.to.kind === 'pods') addRow(i.to.namespace, `| ingress | ${cell(describePeer(i.from))} | ${describePorts(i.ports)} | ${cell(i.reason)} |`);
  }
  for (const ns of namespaces) {
    out.push(`## ${ns.name} (${ns.role}${ns.domain ? ` ${ns.domain}` : ''})`, '');
    const ps = ns.podSecurity;
    out.push(
      ps
        ? `Pod Security Standards: enforce **${ps.enforce}**, audit ${ps.audit}, warn ${ps.warn} (version ${ps.version}).`
        : 'Pod Security Standards: not labelled (security.pod_security.enabled is false).',
      `NetworkPolicies: ${ns.policies.length ? ns.policies.map((p) => `\`${p}\``).join(', ') : 'none'}.`,
      '',
    );
    const rows = rowsBy.get(ns.name) ?? [];
    if (rows.length) out.push('| direction | peer | ports | reason |', '| --- | --- | --- | --- |', ...rows, '');
    else out.push('No traffic is allowed in or out.', '');
  }
  return out.join('\n');
}
