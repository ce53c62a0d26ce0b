import type { NetworkIntent, Peer, PortSpec } from '../intent/types.js';
import type { PluginMetadata } from '../plugin/plugin.js';
import { escapeControl, escapeMarkdown } from '../util/escape.js';
import type { RenderedGuardrail } from './guardrails.js';
import type { NetworkMode, PlanSettings } from './plan.js';
import type { NamespaceReport } from './report.js';

export const SUMMARY_FILE = 'NETWORK-POLICY-SUMMARY.md';

/** Above this many domains the diagram shows them as one node: a diagram of thousands of boxes helps nobody. */
const MAX_DIAGRAM_DOMAINS = 12;

/** Intents share port lists and label objects across thousands of namespaces: each is described once. */
const described = new WeakMap<object, string>();

export function describePorts(ports: readonly PortSpec[]): string {
  let text = described.get(ports);
  if (text === undefined) {
    text = ports.length === 0 ? 'all ports' : ports.map((p) => `${p.protocol} ${p.port}${p.endPort ? `-${p.endPort}` : ''}`).join(', ');
    described.set(ports, text);
  }
  return text;
}

function describeLabels(labels: Record<string, string> | undefined): string | undefined {
  if (!labels) return undefined;
  let text = described.get(labels);
  if (text === undefined) {
    text = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
    described.set(labels, text);
  }
  return text || undefined;
}

export function describePeer(peer: Peer): string {
  if (peer.kind === 'cidr') return peer.except.length ? `${peer.cidr} except ${peer.except.join(', ')}` : peer.cidr;
  if (peer.kind === 'fqdn') return peer.names.join(', ');
  const labels = describeLabels(peer.podLabels);
  return labels ? `pods ${labels} in ${peer.namespace}` : peer.namespace;
}

/** A table cell: one line, | escaped, and no HTML (<, >, & as entities). Its parts are validated names; this keeps it so. */
const cell = (s: string) => escapeControl(s).replace(/\|/g, '\\|').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The manifest's free-text name: a code span when it is a plain name, else escaped text (a code span cannot hold every string safely). */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/;
const freeText = (s: string) => (PLAIN_NAME.test(s) ? `\`${s}\`` : escapeMarkdown(s));

interface SummaryInput {
  /** The platform's name, the mode and the facts the summary states, as planned. */
  settings: PlanSettings;
  namespaces: NamespaceReport[];
  intents: NetworkIntent[];
  warnings: string[];
  plugin: PluginMetadata;
  /**
   * Domain namespaces known to have the same flows as another one (namespace ->
   * the one it is like), so their rows are not worked out again; at 10,000
   * domains this is most of the summary's time.
   */
  alike?: ReadonlyMap<string, string>;
  /** The cluster guardrails written, when security.network_policies.cluster_guardrails is on. */
  guardrails?: readonly RenderedGuardrail[];
}

const GUARDRAIL_WHAT: Record<RenderedGuardrail['guardrail'], string> = {
  'metadata-endpoints': 'denies egress from every managed namespace to the cloud metadata endpoints',
  'jobs-isolation': 'denies ingress into the jobs namespace from every namespace outside the platform',
  'domain-isolation': 'denies ingress into this domain namespace from every other domain',
  'default-deny': 'denies what no NetworkPolicy decided, in every managed namespace (fails closed)',
};

function guardrailSection(guardrails: readonly RenderedGuardrail[]): string[] {
  const domainCount = guardrails.filter((g) => g.guardrail === 'domain-isolation').length;
  const rows = guardrails
    .filter((g, i) => g.guardrail !== 'domain-isolation' || guardrails.findIndex((x) => x.guardrail === 'domain-isolation') === i)
    .map((g) => {
      const spec = g.object.spec as { priority?: number };
      const name = g.guardrail === 'domain-isolation' && domainCount > 1 ? `\`${g.object.metadata.name}\` and ${domainCount - 1} more (one per domain)` : `\`${g.object.metadata.name}\``;
      return `| ${g.object.kind} | ${name} | ${g.tier}${spec.priority !== undefined ? `, priority ${spec.priority}` : ''} | ${GUARDRAIL_WHAT[g.guardrail]} |`;
    });
  return [
    '## Cluster guardrails',
    '',
    'Cluster-scoped policies (network-policy-api, `cluster_guardrails`): the Admin tier is evaluated before any NetworkPolicy, so no namespace policy can reopen what it denies; the Baseline tier after them.',
    '',
    '| kind | name | tier | what it does |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ];
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
      : peer.kind === 'fqdn'
        ? node(peer.names.join(', '), 'round')
        : node(nameOf(peer.namespace), managed.has(peer.namespace) ? 'box' : 'round');
  const edges = new Map<string, Set<string>>();
  // Collapsed, a domain like another adds only edges that one already drew.
  const skip = collapse ? (input.alike ?? new Map<string, string>()) : new Map<string, string>();
  for (const i of input.intents) {
    if (skip.has(i.from.namespace) || (i.to.kind === 'pods' && skip.has(i.to.namespace))) continue;
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
  /** The pods of this namespace the row applies to. */
  pods: string;
  peers: string[];
  ports: string;
  reason: string;
}

/**
 * Each namespace's flows as table rows; rows with the same direction, ports
 * and reason list their peers together, and the namespace itself is named
 * "this namespace" so identical domains render identically.
 */
function flowsByNamespace(intents: readonly NetworkIntent[], alike: ReadonlyMap<string, string>): Map<string, Map<string, FlowRow>> {
  const byNs = new Map<string, Map<string, FlowRow>>();
  const add = (ns: string, direction: FlowRow['direction'], local: Peer, peer: Peer, i: NetworkIntent) => {
    if (alike.has(ns)) return;
    const ports = describePorts(i.ports);
    const pods = (local.kind === 'pods' && describeLabels(local.podLabels)) || 'all';
    const key = `${direction}|${pods}|${ports}|${i.reason}`;
    let rows = byNs.get(ns);
    if (!rows) byNs.set(ns, (rows = new Map()));
    const row = rows.get(key) ?? { direction, pods, peers: [], ports, reason: i.reason };
    row.peers.push(peer.kind === 'pods' && peer.namespace === ns && !peer.podLabels ? 'this namespace' : describePeer(peer));
    rows.set(key, row);
  };
  for (const i of intents) {
    add(i.from.namespace, 'egress', i.from, i.to, i);
    if (i.to.kind === 'pods') add(i.to.namespace, 'ingress', i.to, i.from, i);
  }
  return byNs;
}

function listNames(names: readonly string[], max: number, separator = ', '): string {
  if (names.length <= max) return names.join(separator);
  return `${names.slice(0, max).join(separator)} and ${names.length - max} more`;
}

function namespaceBody(ns: NamespaceReport, flows: Map<string, FlowRow> | undefined, mode: NetworkMode): string[] {
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
    .map((r) => `| ${r.direction} | ${cell(r.pods)} | ${cell(listNames(r.peers, 8, '; '))} | ${r.ports} | ${cell(r.reason)} |`);
  if (rows.length) body.push('| direction | pods here | peer | ports | reason |', '| --- | --- | --- | --- | --- |', ...rows, '');
  else body.push(mode === 'enforced' ? 'No traffic is allowed in or out.' : 'floe allows nothing here; see the note at the top for what that means in this mode.', '');
  return body;
}

/** What the policies do and do not guarantee, said for the mode the manifest chose. */
function modeStatement(mode: NetworkMode, settings: PlanSettings): string[] {
  if (mode === 'disabled') {
    return [
      '**NetworkPolicies are disabled** (`security.network_policies.enabled: false`): floe writes none, so it restricts no traffic.',
      'Whatever other policies the cluster holds decide what is allowed; without any, every pod may talk to every pod and to the internet.',
      '',
    ];
  }
  const lines: string[] = [];
  if (mode === 'enforced') {
    lines.push(
      'Every managed namespace has a default-deny policy in both directions: traffic to or from its pods that is not listed here is denied',
      "(other NetworkPolicies in these namespaces can only add flows). Flows are exact at both ends: the source's egress and the destination's ingress name the same pods and ports.",
    );
  } else {
    lines.push(
      '**No default-deny** (`security.network_policies.default_deny: false`): only the pods that an allow policy selects are isolated, and only in',
      "that policy's direction. Other pods, and the directions no policy covers, accept and open any connection. The flows below are what the allow policies admit where they apply, not a complete list.",
    );
  }
  lines.push('');
  const https = settings.externalHttps;
  if (https.fqdns) {
    lines.push(`External HTTPS (TCP 443) is allowed where listed, to these host names only: ${https.fqdns.join(', ')}.`, '');
  } else if (https.allowed) {
    lines.push(`External HTTPS (TCP 443) is allowed where listed, to any address except ${https.except.length ? https.except.join(', ') : 'none (external_https_except is empty)'}.`, '');
  }
  const run = settings.jobs.jobRun;
  if (run.enabled) {
    lines.push(
      `Pods of one job run in ${settings.jobs.namespace} (same \`${run.label}\` value) may talk to each other on ${run.ports ? run.ports.map((p) => `TCP ${p}`).join(', ') : 'all ports'} once that run's policy is applied (\`floe network job-run-policy --run-id ID\`); never across runs.`,
      '',
    );
  } else {
    lines.push(`Pods in ${settings.jobs.namespace} never talk to each other (\`job_run_pod_to_pod\` is off).`, '');
  }
  return lines;
}

/** What the admission guard refuses (or warns about); nothing when it is off. */
function guardStatement(settings: PlanSettings): string[] {
  const g = settings.admissionGuard;
  if (g.mode === 'off') return [];
  const does = g.mode === 'deny' ? 'refuses' : 'admits with a warning';
  const appliers = [...g.appliers.users.map((u) => `user ${u}`), ...g.appliers.groups.map((x) => `group ${x}`), ...g.appliers.service_accounts.map((sa) => `service account ${sa}`)];
  const tokens = g.automount_service_accounts.length ? `, unless its service account is one of ${g.automount_service_accounts.map((sa) => `\`${sa}\``).join(', ')}` : '';
  const ro = settings.podSecurity.read_only_root_filesystem ? 'a container without `readOnlyRootFilesystem: true`, and ' : '';
  return [
    `## Admission guard (${g.mode})`,
    '',
    `ValidatingAdmissionPolicies \`floe-guard-*\` (Kubernetes >= 1.30). In every managed namespace the API server ${does}: a NetworkPolicy floe does not own without a \`floe.dev/exception\` reason; a change to floe's own NetworkPolicies by anyone but the appliers (${freeText(appliers.join(', '))})${settings.podSecurity.enabled ? '; Pod Security labels removed, or set below the levels listed per namespace' : ''}.`,
    `In the jobs and domain namespaces it also ${does} ${ro}a pod that mounts a service account token${tokens} (Pods and their controllers). See docs/admission-guard.md.`,
    '',
  ];
}

/** NETWORK-POLICY-SUMMARY.md: what each namespace may do, and why. Deterministic. */
export function renderSummary(input: SummaryInput): string {
  const { settings, namespaces, intents, warnings, plugin } = input;
  const mode = settings.mode;
  const policyCount = namespaces.reduce((n, ns) => n + ns.policies.length, 0);
  const out: string[] = [
    '# Network policy summary',
    '',
    `Platform ${freeText(settings.platform)}, rendered by plugin \`${plugin.name}\` ${plugin.version} (floe plugin API ${plugin.floeApiVersion}).`,
    `${namespaces.length} namespaces, ${policyCount} network policy objects, ${intents.length} allowed flows.`,
    '',
    ...modeStatement(mode, settings),
  ];
  out.push(...guardStatement(settings));
  if (warnings.length) out.push('## Warnings', '', ...warnings.map((w) => `- ${w}`), '');
  if (input.guardrails?.length) out.push(...guardrailSection(input.guardrails));
  if (intents.length) out.push('## Allowed flows between namespaces', '', ...diagram(input), '');
  const alike = input.alike ?? new Map<string, string>();
  const flows = flowsByNamespace(intents, alike);
  const bodies = new Map<string, string[]>();
  // Domains with identical rules (the common case) share one section, so 10,000 domains read like one.
  const sections = new Map<string, { names: NamespaceReport[]; body: string[] }>();
  // A body shared by alike domains is one array: its key is made (and hashed) once, not once per domain.
  const keys = new WeakMap<string[], string>();
  for (const ns of namespaces) {
    const like = alike.get(ns.name);
    const body = (like !== undefined && bodies.get(like)) || namespaceBody(ns, flows.get(ns.name), mode);
    bodies.set(ns.name, body);
    let key = `${ns.role}:${ns.name}`;
    if (ns.role === 'domain') {
      key = keys.get(body) ?? body.join('\n');
      keys.set(body, key);
    }
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
