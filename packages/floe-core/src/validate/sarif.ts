import { artifactUri, renderSarifLog, type SarifResult } from '../report/sarif.js';
import { CHECK_IDS, CHECK_INFO, type Problem, type ValidationReport } from './types.js';

export { artifactUri, SARIF_SCHEMA_URI, type SarifLog, type SarifResult, type SarifRule, type SarifRun } from '../report/sarif.js';

/**
 * `--output sarif`: one result per problem, each located at its file and
 * line. A problem that no file holds (a missing default-deny, a CIDR the
 * manifest lacks) is located at the manifest when it is a file, else at the
 * directory, since code-scanning tools want a location for every result.
 */
export function renderSarif(report: ValidationReport, toolVersion: string): string {
  const fallback = report.manifest.startsWith('<') ? report.dir : report.manifest;
  const result = (ruleIndex: number, p: Problem): SarifResult => {
    const text = `${p.path ? `${p.path}: ` : ''}${p.message}${p.diff ? `\n${p.diff}` : ''}`;
    const file = p.file ?? fallback;
    const region = p.file && p.line !== null ? { region: { startLine: p.line, startColumn: p.col ?? 1 } } : {};
    return {
      ruleId: CHECK_IDS[ruleIndex] as string,
      ruleIndex,
      level: p.severity,
      message: { text },
      locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(file) }, ...region } }],
    };
  };
  const rules = CHECK_IDS.map((id) => ({ id, title: CHECK_INFO[id].title, help: CHECK_INFO[id].help, level: 'error' as const }));
  return renderSarifLog(
    toolVersion,
    rules,
    report.checks.flatMap((check) => check.problems.map((p) => result(CHECK_IDS.indexOf(check.id), p))),
  );
}
