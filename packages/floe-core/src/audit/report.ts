import type { FloeManifest } from '../config/schema.js';
import { FindingError } from '../errors.js';
import { managedNamespaces } from '../intent/build.js';
import type { SourcedObject } from '../k8s/objects.js';
import { podSecurityFor } from '../network/plan.js';
import type { AuditReport } from '../policy/audit-report.js';
import type { PolicyEngine } from '../policy/engine.js';
import { auditFindings, notEvaluatedSummaries, summarisePolicies, type PolicyFinding } from '../policy/findings.js';
import type { Inventory } from '../policy/inventory.js';
import { tierFindings } from '../policy/tier-findings.js';
import { podSecurityLabelFindings, type ConfiguredPodSecurity } from '../pss/labels.js';
import type { PssDefaults } from '../pss/namespace-policy.js';
import type { ServerCheckResult } from '../pss/server-check.js';
import { pssSubjects, pssViolationFindings } from '../pss/violations.js';
import { compareStrings } from '../util/compare.js';

/**
 * `floe network audit`: the engine's findings, the Pod Security labels a
 * manifest asks for and the Pod Security verdicts on every pod, assembled
 * into one report for the namespaces in scope.
 */

/** The finding "the audit found something at or above --fail-on": exit 1 after the report. */
export class AuditFindings extends FindingError {}

export type FailOn = 'error' | 'warning' | 'never';

/** `-n`: the namespaces in scope; none named means every namespace. */
export function namespaceScope(namespaces: readonly string[]): (ns: string) => boolean {
  const only = new Set(namespaces);
  return (ns) => only.size === 0 || only.has(ns);
}

/** `--connectivity`: which endpoints to show, those of namespaces in scope (no external ranges as sources of a row). */
export function connectivityScope(inScope: (ns: string) => boolean): (endpoint: string) => boolean {
  return (endpoint) => !endpoint.endsWith('[External]') && inScope(endpoint.slice(0, endpoint.indexOf('/')));
}

/** `--manifest`: the Pod Security levels the manifest sets on each namespace it manages (none when pod security is off). */
export function configuredPodSecurity(config: FloeManifest): ConfiguredPodSecurity[] {
  return managedNamespaces(config).flatMap((ns) => {
    const ps = podSecurityFor(ns, config);
    return ps ? [{ namespace: ns.name, ...ps }] : [];
  });
}

export interface AuditReportOptions {
  inScope: (ns: string) => boolean;
  /** From `--manifest`: the labels each managed namespace should carry. */
  configured: readonly ConfiguredPodSecurity[];
  /** From `--pss-level`: the enforce level of namespaces without the label. */
  defaults: PssDefaults;
}

/** The policies and findings in scope, findings sorted by namespace, id and object. */
export function auditReport(engine: PolicyEngine, input: { inventory: Inventory; objects: readonly SourcedObject[] }, options: AuditReportOptions): AuditReport {
  const namespaces = input.inventory.model.namespaces;
  const pss = pssViolationFindings(namespaces, pssSubjects(input.objects), { defaults: options.defaults });
  const findings = [...auditFindings(engine), ...tierFindings(engine), ...podSecurityLabelFindings(namespaces, options.configured), ...pss]
    .filter((f) => options.inScope(f.namespace))
    .sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.id, b.id) || compareStrings(a.object, b.object));
  const cilium = { policies: input.inventory.model.ciliumPolicies?.length ?? 0, notEvaluated: notEvaluatedSummaries(engine).filter((n) => n.namespace === null || options.inScope(n.namespace)) };
  return { policies: summarisePolicies(engine).filter((p) => options.inScope(p.namespace)), findings, cilium };
}

/** The run's audit fields and, when a finding is at or above `failOn`, the finding (exit 1). */
export function auditOutcome(report: AuditReport, failOn: FailOn, serverCheck?: readonly ServerCheckResult[]): { audit: Record<string, unknown>; finding: AuditFindings | undefined } {
  const failing = report.findings.filter((f) => failOn !== 'never' && (f.severity === 'error' || failOn === 'warning'));
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  return {
    audit: {
      counts: {
        policies: report.policies.length,
        findings: report.findings.length,
        errors,
        warnings: report.findings.length - errors,
        pssViolations: report.findings.filter((f) => f.id === 'pss-violation').length,
        ...(serverCheck ? { pssServerChecks: serverCheck.length } : {}),
      },
    },
    finding: failing.length > 0 ? new AuditFindings(`${failing.length} finding${failing.length === 1 ? '' : 's'} at or above --fail-on ${failOn}`) : undefined,
  };
}

/** Where a finding's object was read from: the policy, the endpoint, or the namespace (else its first policy or endpoint). */
export function findingSource(inv: Inventory, f: PolicyFinding): string | undefined {
  if (f.object.startsWith('NetworkPolicy ')) return inv.policySources[f.object.slice('NetworkPolicy '.length)];
  // Cluster-scoped policies are keyed `Kind name`, as their findings name them.
  if (inv.policySources[f.object] !== undefined) return inv.policySources[f.object];
  // Cilium policies are keyed `ns/name[Kind]` (a NetworkPolicy may share the name).
  const cilium = /^(CiliumNetworkPolicy|CiliumClusterwideNetworkPolicy) (.+)$/.exec(f.object);
  if (cilium) return inv.policySources[`${cilium[2]}[${cilium[1]}]`];
  if (f.object.startsWith('Namespace ')) {
    const first = (sources: Record<string, string>) => Object.keys(sources).sort().find((k) => k.startsWith(`${f.namespace}/`));
    const policy = first(inv.policySources);
    const endpoint = first(inv.sources);
    return inv.sources[f.object] ?? (policy ? inv.policySources[policy] : undefined) ?? (endpoint ? inv.sources[endpoint] : undefined);
  }
  return inv.sources[f.object];
}
