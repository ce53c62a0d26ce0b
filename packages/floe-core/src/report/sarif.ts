import { isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The parts of SARIF 2.1.0 (OASIS) that floe writes, for GitHub code scanning and other SARIF readers. */
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

export type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown?: string };
  defaultConfiguration: { level: SarifLevel };
}

export interface SarifLocation {
  physicalLocation?: {
    artifactLocation: { uri: string };
    region?: { startLine: number; startColumn?: number };
  };
  logicalLocations?: { fullyQualifiedName: string; kind: string }[];
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations?: SarifLocation[];
  partialFingerprints?: Record<string, string>;
}

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** A path as a SARIF artifact URI: relative paths stay relative (to the working directory), absolute ones become file:// URIs. */
export function artifactUri(path: string): string {
  if (isAbsolute(path)) return pathToFileURL(path).href;
  return path.split(sep).map(encodeURIComponent).join('/');
}

/** What a command knows about one of its rules (a check or a finding id). */
export interface SarifRuleInfo {
  id: string;
  title: string;
  help: string;
  level: SarifLevel;
  /** Markdown help, when it says more than the text. */
  markdown?: string;
}

/** `allow-all-ingress` -> `AllowAllIngress`: SARIF's rule name is an identifier-like label. */
const ruleName = (id: string) => id.replace(/(^|-)([a-z])/g, (_m: string, _d: string, c: string) => c.toUpperCase());

/** One run of floe as a SARIF 2.1.0 log, serialised with a trailing newline. */
export function renderSarifLog(toolVersion: string, rules: readonly SarifRuleInfo[], results: readonly SarifResult[]): string {
  const log: SarifLog = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'floe',
            version: toolVersion,
            rules: rules.map((r) => ({
              id: r.id,
              name: ruleName(r.id),
              shortDescription: { text: r.title },
              fullDescription: { text: r.help },
              help: { text: r.help, ...(r.markdown ? { markdown: r.markdown } : {}) },
              defaultConfiguration: { level: r.level },
            })),
          },
        },
        invocations: [{ executionSuccessful: true }],
        results: [...results],
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
