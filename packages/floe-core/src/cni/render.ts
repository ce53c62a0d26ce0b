import { escapeControl } from '../util/escape.js';
import type { CniEvidence, CniPlugin, CniReport, UnverifiedCheck } from './types.js';
import { maxOf } from '../util/max.js';

/** Where the answer came from; the server URL only, never credentials. */
export interface CniCluster {
  server: string;
  context: string;
}

/**
 * The stable JSON of `check-cni --output json`: fields are added, never renamed.
 * `evidence` repeats every plugin's evidence in one list for jq users.
 */
export function cniJson(report: CniReport, cluster: CniCluster) {
  const evidence = (e: CniEvidence) => ({ kind: e.kind, namespace: e.namespace ?? null, name: e.name, field: e.field, value: e.value, meaning: e.meaning });
  const unverified = (u: UnverifiedCheck) => ({ kind: u.kind, namespace: u.namespace ?? null, name: u.name, check: u.check, message: u.message });
  return {
    verdict: report.verdict,
    summary: report.summary,
    enforcedBy: report.enforcedBy,
    plugins: report.plugins.map((p) => ({
      name: p.name,
      title: p.title,
      version: p.version,
      enforcesPolicy: p.enforcesPolicy,
      reason: p.reason,
      evidence: p.evidence.map(evidence),
      unverified: (p.unverified ?? []).map(unverified),
    })),
    evidence: report.evidence.map(evidence),
    notes: report.notes,
    lookedAt: report.lookedAt,
    advice: report.advice,
    kubernetes: report.kubernetes,
    clusterPolicies: report.clusterPolicies ?? null,
    cluster: { server: cluster.server, context: cluster.context },
  };
}

export type CniJson = ReturnType<typeof cniJson>;

const SGR = { red: '31', green: '32', yellow: '33', bold: '1', dim: '2' } as const;

const VERDICT_LINE = {
  enforced: { word: 'ENFORCED', color: SGR.green },
  'not-enforced': { word: 'NOT ENFORCED', color: SGR.red },
  unknown: { word: 'UNKNOWN', color: SGR.yellow },
} as const;

function enforcement(p: CniPlugin): string {
  return p.enforcesPolicy === true ? 'enforces NetworkPolicy' : p.enforcesPolicy === false ? 'does not enforce NetworkPolicy' : 'cannot tell';
}

function where(e: { kind: string; namespace?: string; name: string }): string {
  return `${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name}`;
}

/**
 * For a person, readable in a few seconds: the verdict and its sentence first,
 * then the plugins with versions, then the evidence object by object; matches
 * that are no plausible install, with the checks they failed; for `unknown`,
 * what was looked at. Every string that came from the cluster (names, images,
 * args, annotations, and the sentences quoting them) is written with its
 * control characters escaped: it can neither forge a line nor colour one.
 */
export function cniText(report: CniReport, cluster: CniCluster, opts: { color?: boolean } = {}): string {
  const paint = (code: string, s: string) => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const x = escapeControl;
  const v = VERDICT_LINE[report.verdict];
  const out: string[] = [`${paint(`${SGR.bold};${v.color}`, v.word)}  ${x(report.summary)}`, paint(SGR.dim, `cluster: ${x(cluster.server)} (context ${x(cluster.context)})`)];
  if (report.kubernetes) out.push(`kubernetes: ${x(report.kubernetes.version)}${report.kubernetes.findings.length ? '' : ' (Pod Security labels apply; floe supports it)'}`);
  for (const f of report.kubernetes?.findings ?? []) out.push(`${paint(SGR.red, 'finding')}: ${x(f.message)}`);

  if (report.plugins.length) {
    out.push('', 'plugins:');
    const version = (p: CniPlugin) => x(p.version ?? '-');
    const nameWidth = maxOf(report.plugins, (p) => p.name.length);
    const versionWidth = maxOf(report.plugins, (p) => version(p).length);
    for (const p of report.plugins) {
      const state = enforcement(p);
      const colored = p.enforcesPolicy === true ? paint(SGR.green, state) : p.enforcesPolicy === false ? paint(SGR.red, state) : paint(SGR.yellow, state);
      out.push(`  ${p.name.padEnd(nameWidth)}  ${version(p).padEnd(versionWidth)}  ${colored}: ${x(p.reason)}`);
    }
    out.push('', 'evidence:');
    for (const p of report.plugins) {
      for (const e of p.evidence) {
        out.push(`  ${p.name}: ${x(where(e))}`, `    ${x(e.field)} = ${x(e.value)}`, `    ${paint(SGR.dim, x(e.meaning))}`);
      }
    }
    const unverified = report.plugins.filter((p) => p.unverified?.length);
    if (unverified.length) {
      out.push('', 'unverified (not counted as an install):');
      for (const p of unverified) {
        let last = '';
        for (const u of p.unverified ?? []) {
          if (where(u) !== last) out.push(`  ${p.name}: ${x((last = where(u)))}`);
          out.push(`    ${u.check}: ${x(u.message)}`);
        }
      }
    }
  }
  const cp = report.clusterPolicies;
  if (cp) {
    const crds = Object.entries(cp.crds);
    out.push('', 'cluster-scoped policies (network-policy-api, for cluster_guardrails):');
    out.push(`  CRDs installed: ${crds.filter(([, on]) => on).map(([k]) => k).join(', ') || 'none'}${crds.some(([, on]) => !on) ? `; missing: ${crds.filter(([, on]) => !on).map(([k]) => k).join(', ')}` : ''}`);
    for (const s of cp.support) {
      const word = s.enforced === true ? paint(SGR.green, 'enforced') : s.enforced === false ? paint(SGR.red, 'not enforced') : paint(SGR.yellow, 'unknown');
      out.push(`  ${s.plugin} ${s.api}: ${word}: ${x(s.detail)}${s.source ? paint(SGR.dim, ` (source: ${s.source})`) : ''}`);
    }
    if (cp.support.length === 0) out.push('  no plugin detected: whether they are enforced is unknown');
  }
  if (report.notes.length) {
    out.push('', 'notes:');
    for (const n of report.notes) out.push(`  - ${x(n)}`);
  }
  if (report.advice.length) {
    out.push('', report.verdict === 'unknown' ? 'what to look at:' : 'next step:');
    for (const a of report.advice) out.push(`  ${a.plugin}: ${x(a.step)}`, `    ${paint(SGR.dim, `docs: ${a.docs}`)}`);
  }
  if (report.verdict === 'unknown') {
    out.push('', 'looked at:');
    const width = maxOf(report.lookedAt, (l) => l.resource.length);
    for (const l of report.lookedAt) out.push(`  ${l.resource.padEnd(width)}  ${x(l.scope)}: ${l.found} found`);
  }
  return `${out.join('\n')}\n`;
}
