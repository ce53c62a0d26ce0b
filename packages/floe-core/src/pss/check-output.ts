import { maxOf } from '../util/max.js';
import { describeObject, refusedPhrase, type PssCheckReport } from './check.js';
import { admissionMessage } from './evaluate.js';
import { formatLevelVersion, policyMinor } from './level.js';

/** The stable JSON shape of `pss check --output json`; add fields, never rename them. */
export function pssCheckJson(report: PssCheckReport) {
  const refused = report.checked.filter((c) => !c.result.allowed);
  return {
    level: report.level.level,
    version: report.level.version,
    /** The policy version the checks were taken from: latest, and a version newer than floe knows, are the newest it knows. */
    evaluatedVersion: `v1.${policyMinor(report.level.version)}`,
    allowed: refused.length === 0,
    counts: { checked: report.checked.length, refused: refused.length, skipped: report.skipped.length },
    results: report.checked.map((c) => ({
      file: c.file,
      line: c.line,
      kind: c.kind,
      namespace: c.namespace,
      name: c.name,
      templatePath: c.templatePath,
      allowed: c.result.allowed,
      message: admissionMessage(c.result) ?? null,
      violations: c.result.violations.map((v, i) => ({ check: v.check, reason: v.reason, detail: v.detail, ...c.fixes[i] })),
    })),
    skipped: report.skipped,
  };
}

export function pssCheckText(report: PssCheckReport): string {
  const lv = formatLevelVersion(report.level);
  const lines: string[] = [];
  for (const c of report.checked) {
    const where = `${c.file}:${c.line} ${describeObject(c)}`;
    if (c.result.allowed) {
      lines.push(`${where}: allowed at ${lv}`);
      continue;
    }
    const n = c.result.violations.length;
    lines.push(`${where}: refused at ${lv} (${n} check${n === 1 ? '' : 's'})`);
    const width = maxOf(c.result.violations, (v) => v.check.length);
    c.result.violations.forEach((v, i) => {
      lines.push(`  ${v.check.padEnd(width)}  ${v.reason} (${v.detail})`);
      const fix = c.fixes[i];
      if (!fix) return;
      lines.push(`    at ${c.file}:${fix.line} ${fix.path}`, `    fix: ${fix.remedy}`);
      if (fix.snippet) lines.push(...fix.snippet.trimEnd().split('\n').map((l) => `      ${l}`));
    });
  }
  const refused = report.checked.filter((c) => !c.result.allowed).length;
  const skipped = report.skipped.length ? `; ${report.skipped.length} object${report.skipped.length === 1 ? '' : 's'} of other kinds skipped` : '';
  const verdict = refused === 0 ? `allowed at ${lv}: all ${report.checked.length} pods and pod templates` : refusedPhrase(refused, report.checked.length, lv);
  lines.push(report.checked.length === 0 ? `no pods or pod templates found${skipped}` : `${verdict}${skipped}`);
  return lines.join('\n') + '\n';
}
