import { isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHECK_IDS, CHECK_INFO, type Problem, type ValidationReport } from './types.js';

/** The parts of SARIF 2.1.0 (OASIS) that floe writes. */
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

export interface SarifRun {
  tool: { driver: { name: string; version: string; rules: SarifRule[] } };
  invocations: { executionSuccessful: boolean }[];
  results: SarifResult[];
}

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  defaultConfiguration: { level: 'error' };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: 'error' | 'warning';
  message: { text: string };
  locations?: {
    physicalLocation: {
      artifactLocation: { uri: string };
      region?: { startLine: number; startColumn: number };
    };
  }[];
}

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** A path as a SARIF artifact URI: relative paths stay relative (to the working directory), absolute ones become file:// URIs. */
export function artifactUri(path: string): string {
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return path.split(sep).map(encodeURIComponent).join('/');
}

function ruleName(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/**
 * `--output sarif`: one result per problem, each located at its file and
 * line. A problem that no file holds (a missing default-deny, a CIDR the
 * manifest lacks) is located at the manifest when it is a file, else at the
 * directory, since code-scanning tools want a location for every result.
 */
export function renderSarif(report: ValidationReport, toolVersion: string): string {
  const rules: SarifRule[] = CHECK_IDS.map((id) => ({
    id,
    name: ruleName(id),
    shortDescription: { text: CHECK_INFO[id].title },
    fullDescription: { text: CHECK_INFO[id].help },
    help: { text: CHECK_INFO[id].help },
    defaultConfiguration: { level: 'error' },
  }));
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
  const log: SarifLog = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'floe', version: toolVersion, rules } },
        invocations: [{ executionSuccessful: true }],
        results: report.checks.flatMap((check) => check.problems.map((p) => result(CHECK_IDS.indexOf(check.id), p))),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
