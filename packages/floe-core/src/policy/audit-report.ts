import { artifactUri, renderSarifLog, type SarifLocation } from '../report/sarif.js';
import { compareStrings } from '../util/compare.js';
import type { FindingSeverity, NotEvaluatedSummary, PolicyFinding, PolicySummary } from './findings.js';

/** What each audit finding id means and how to fix it: the help of SARIF rules and of `--help`. */
export const AUDIT_RULES: Readonly<Record<string, { title: string; help: string; severity: FindingSeverity }>> = {
  'namespace-without-default-deny-ingress': {
    title: 'Namespace without default deny for ingress',
    help: 'No NetworkPolicy of the namespace selects every pod (podSelector {}) with Ingress in policyTypes, so a pod no narrower policy selects (today, or created later: an empty namespace is judged too) accepts connections from any pod and address. Decided by the policies\' selectors, not by their names; the finding lists the endpoints open today. Add a default deny: podSelector {} with policyTypes [Ingress].',
    severity: 'warning',
  },
  'namespace-without-default-deny-egress': {
    title: 'Namespace without default deny for egress',
    help: 'No NetworkPolicy of the namespace selects every pod (podSelector {}) with Egress in policyTypes, so a pod no narrower policy selects (today, or created later: an empty namespace is judged too) can connect anywhere. Add a default deny: podSelector {} with policyTypes [Egress], then allow DNS and what is needed.',
    severity: 'warning',
  },
  'dns-egress-blocked': {
    title: 'Cluster DNS unreachable',
    help: 'Egress-isolated pods cannot reach cluster DNS (kube-system pods labelled k8s-app: kube-dns) on UDP 53 and TCP 53, so name lookups fail. Allow egress to namespaceSelector kubernetes.io/metadata.name: kube-system AND podSelector k8s-app: kube-dns on UDP and TCP 53.',
    severity: 'error',
  },
  'allow-all-ingress': {
    title: 'Ingress rule admits everything',
    help: 'An ingress rule admits every peer (a rule {}, every pod of every namespace, or 0.0.0.0/0 or ::/0) on every port, which undoes isolation. Name the sources (namespaceSelector AND podSelector) and the ports.',
    severity: 'error',
  },
  'allow-all-egress': {
    title: 'Egress rule admits everything',
    help: 'An egress rule admits every destination (a rule {}, every pod of every namespace, or 0.0.0.0/0 or ::/0) on every port. Name the destinations and the ports; for the internet, an ipBlock with the private ranges excepted on the ports needed.',
    severity: 'error',
  },
  'pod-not-selected': {
    title: 'Pod selected by no policy',
    help: 'The namespace has NetworkPolicies but none selects this pod, so its traffic is unrestricted. Select it (a default deny with podSelector {} covers every pod) or label it for an existing policy.',
    severity: 'warning',
  },
  'policy-selects-nothing': {
    title: 'Policy selects no pod',
    help: 'The podSelector of the NetworkPolicy matches none of the pods of its namespace, so the policy has no effect. Compare it with the pod labels (kubectl get pods --show-labels).',
    severity: 'warning',
  },
  'pss-labels-missing': {
    title: 'Pod Security label missing',
    help: 'A namespace the manifest manages lacks a pod-security.kubernetes.io/enforce, audit or warn label (or its value is not a level), so Pod Security admission does not apply the configured level. Apply the Namespace floe network generate writes.',
    severity: 'error',
  },
  'pss-level-weaker-than-configured': {
    title: 'Pod Security weaker than configured',
    help: 'A namespace the manifest manages has a Pod Security level (or a pinned version) weaker than the manifest configures. Label it as configured, or change the manifest.',
    severity: 'error',
  },
  'pss-violation': {
    title: 'Pod or workload violates its namespace\'s Pod Security level',
    help: 'A pod, or the pod template of a workload, fails a check of the Pod Security level its namespace sets with pod-security.kubernetes.io/enforce, audit or warn (at the matching -version label, default latest; a namespace without labels is judged at the cluster default, privileged unless --pss-level says otherwise). enforce: the API server rejects such pods (error); audit and warn: it records or warns (warning). The message is the API server\'s; the fix names the field and the container to change.',
    severity: 'error',
  },
  'policy-not-evaluated': {
    title: 'CiliumNetworkPolicy floe does not evaluate',
    help: 'The CiliumNetworkPolicy (or CiliumClusterwideNetworkPolicy) uses a feature outside the subset floe evaluates (L7 rules other than the DNS proxy, toServices, toGroups, toNodes, node selectors, deny policies, toRequires, clusterwide policies; docs/cilium-policies.md). Verdicts for the endpoints it selects are reported as undetermined, never as allowed or denied. Check them with Cilium itself (cilium policy get, hubble observe).',
    severity: 'warning',
  },
  'peer-matches-nothing': {
    title: 'Peer matches no pod',
    help: 'A peer of a rule selects no pod (no namespace matches its namespaceSelector, or no pod there matches its podSelector): the peer is dead, often a label typo. Fix the selector or remove the peer.',
    severity: 'warning',
  },
  'cluster-policy-pass-unhandled': {
    title: 'Admin-tier Pass that no NetworkPolicy picks up',
    help: 'An Admin-tier Pass rule (ClusterNetworkPolicy or AdminNetworkPolicy) hands traffic to the NetworkPolicies, but no NetworkPolicy isolates the subject pods in that direction, so the traffic goes on to the Baseline tier or default allow. Isolate the pods with a NetworkPolicy, or make the rule Deny or Accept.',
    severity: 'warning',
  },
  'cluster-policy-deny-shadowed': {
    title: 'Admin-tier Deny shadowed by an Accept',
    help: 'Every connection an Admin-tier Deny rule matches in this input is accepted first by a rule of higher precedence (a lower priority number, or an earlier rule of the same policy), so the Deny never denies anything. Reorder the rules or narrow the Accept.',
    severity: 'warning',
  },
  'cluster-policy-baseline-deny-moot': {
    title: 'Baseline deny made moot by a NetworkPolicy allow-all',
    help: 'A Baseline-tier Deny (ClusterNetworkPolicy tier Baseline or BaselineAdminNetworkPolicy) applies only to pods no NetworkPolicy isolates; these pods are isolated by a NetworkPolicy with a rule that admits everything, so the Deny never applies to them. Narrow the NetworkPolicy, or use an Admin-tier Deny for what no namespace may reopen.',
    severity: 'warning',
  },
  'cluster-policy-apis-mixed': {
    title: 'ClusterNetworkPolicy and AdminNetworkPolicy both in use',
    help: 'The cluster holds both ClusterNetworkPolicy (v1beta1) and the older v1alpha1 AdminNetworkPolicy or BaselineAdminNetworkPolicy. No API orders them against each other and CNIs implement one or the other; floe evaluates them by priority, ClusterNetworkPolicy first at equal priority. Move the v1alpha1 objects to ClusterNetworkPolicy.',
    severity: 'warning',
  },
};

export interface AuditReport {
  policies: PolicySummary[];
  findings: PolicyFinding[];
  /**
   * The Cilium policies read (0 when the cluster has no Cilium CRDs or the files none) and those
   * floe does not evaluate, with the endpoints they leave undetermined.
   */
  cilium?: { policies: number; notEvaluated: NotEvaluatedSummary[] };
}

/** The stable JSON shape of `audit --output json`; add fields, never rename them. */
export function auditJson(report: AuditReport): AuditReport {
  return { policies: report.policies, findings: report.findings, cilium: report.cilium ?? { policies: 0, notEvaluated: [] } };
}

const policyName = (p: PolicySummary) => (p.kind ? `${p.name} [${p.kind}]` : p.name);
const ciliumLine = (report: AuditReport): string[] =>
  report.cilium && report.cilium.policies > 0 ? [`${plural(report.cilium.policies, 'CiliumNetworkPolicy object')} read, ${report.cilium.notEvaluated.length} not evaluated (outside the subset floe evaluates; see the policy-not-evaluated findings)`] : [];

const plural = (n: number, word: string) => `${n} ${n === 1 ? word : word.endsWith('y') ? `${word.slice(0, -1)}ies` : `${word}s`}`;

function countLine(findings: readonly PolicyFinding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return `${plural(findings.length, 'finding')} (${plural(errors, 'error')}, ${plural(findings.length - errors, 'warning')})`;
}

export function auditText(report: AuditReport): string {
  const out: string[] = [];
  const namespaces = [...new Set(report.policies.map((p) => p.namespace))].sort(compareStrings);
  out.push(`${plural(report.policies.length, 'NetworkPolicy')} in ${plural(namespaces.length, 'namespace')}`, ...ciliumLine(report));
  for (const ns of namespaces) {
    out.push('', `namespace ${ns}`);
    for (const p of report.policies.filter((x) => x.namespace === ns)) {
      out.push(`  ${policyName(p)}: ${p.selects} (${plural(p.selected.length, 'endpoint')}); isolates ${p.policyTypes.join(' and ')}${p.policyTypesDefaulted ? ' (policyTypes defaulted)' : ''}`);
      for (const d of ['ingress', 'egress'] as const) for (const r of p[d] ?? []) out.push(`    ${d}: ${r}`);
    }
  }
  out.push('', countLine(report.findings));
  for (const f of report.findings) {
    out.push(`  ${f.severity.padEnd(7)} ${f.id}  ${f.object}${f.rule ? ` (${f.rule})` : ''}`, `          ${f.message}`, `          fix: ${f.remedy}`);
  }
  return `${out.join('\n')}\n`;
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function auditMarkdown(report: AuditReport): string {
  const out = ['# NetworkPolicy audit', '', `${countLine(report.findings)}.`, '', ...ciliumLine(report).flatMap((l) => [`${l}.`, ''])];
  if (report.findings.length > 0) {
    out.push('| severity | id | namespace | object | message | remedy |', '|---|---|---|---|---|---|');
    for (const f of report.findings) out.push(`| ${f.severity} | \`${f.id}\` | ${mdCell(f.namespace)} | ${mdCell(f.object)} | ${mdCell(f.message)} | ${mdCell(f.remedy)} |`);
    out.push('');
  }
  out.push('## Policies', '');
  for (const ns of [...new Set(report.policies.map((p) => p.namespace))].sort(compareStrings)) {
    out.push(`### ${ns}`, '');
    for (const p of report.policies.filter((x) => x.namespace === ns)) {
      out.push(`- **${policyName(p)}**: ${p.selects} (${plural(p.selected.length, 'endpoint')}); isolates ${p.policyTypes.join(' and ')}${p.policyTypesDefaulted ? ' (policyTypes defaulted)' : ''}`);
      for (const d of ['ingress', 'egress'] as const) for (const r of p[d] ?? []) out.push(`  - ${d}: ${r}`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** A source `file:line` as a SARIF location; sources that are not files (the live cluster) get a logical location only. */
function location(source: string | undefined, object: string): SarifLocation {
  const logicalLocations = [{ fullyQualifiedName: object, kind: 'resource' }];
  const m = source ? /^(.*):(\d+)$/.exec(source) : null;
  if (!m) return { logicalLocations };
  return { physicalLocation: { artifactLocation: { uri: artifactUri(m[1] as string) }, region: { startLine: Number(m[2]) } }, logicalLocations };
}

/**
 * `--output sarif`: SARIF 2.1.0 with one rule per finding id (help text) and
 * one result per finding, located at the file and line of the object when
 * the input was files. `sourceOf` maps a finding to its source (`file:line`).
 */
export function auditSarif(report: AuditReport, toolVersion: string, sourceOf: (f: PolicyFinding) => string | undefined): string {
  const ids = Object.keys(AUDIT_RULES);
  const rules = ids.map((id) => {
    const r = AUDIT_RULES[id] as (typeof AUDIT_RULES)[string];
    return { id, title: r.title, help: r.help, level: r.severity, markdown: `**${r.title}.** ${r.help}` };
  });
  const results = report.findings.map((f) => ({
    ruleId: f.id,
    ruleIndex: ids.indexOf(f.id),
    level: f.severity,
    message: { text: `${f.object}: ${f.message}. Fix: ${f.remedy}.` },
    locations: [location(sourceOf(f), f.object)],
    partialFingerprints: { floeFinding: `${f.id}/${f.object}/${f.rule ?? ''}` },
  }));
  return renderSarifLog(toolVersion, rules, results);
}

/** What a hostNetwork endpoint is, for explain and connectivity: the node, not a pod policies select. */
export function hostNetworkNote(endpoint: string): string {
  return `${endpoint} uses hostNetwork: it is its node's address, not a policy subject: no NetworkPolicy isolates it, and peers see its traffic as the node's IP, which only an ipBlock matches`;
}
