import { FindingError } from '../errors.js';
import { describeObject } from '../pss/check.js';
import { emitYaml } from '../util/yaml-emit.js';
import type { HardenResult, HardenedWorkload } from './run.js';

/** `--check` found settings missing: exit 1, after the list is on stdout. */
export class HardeningMissing extends FindingError {}

function compact(value: unknown): string {
  return JSON.stringify(value);
}

function scope(w: HardenedWorkload): string {
  return `namespace role ${w.role}, Pod Security ${w.level}`;
}

/** The roles and levels of a run's workloads: `namespace role jobs, Pod Security restricted:latest`, several joined by `; `. */
function scopes(result: HardenResult): string {
  const all = [...new Set(result.workloads.map(scope))];
  return all.length > 0 ? all.join('; ') : 'no workloads';
}

/** `--check`: per workload, each missing setting with its line, then the kept settings floe would set otherwise. */
export function hardenCheckText(result: HardenResult): string {
  const lines: string[] = [];
  const missing = result.workloads.filter((w) => w.changes.length > 0);
  for (const w of result.workloads) {
    if (w.changes.length === 0 && w.notes.length === 0) continue;
    lines.push(`${w.file}:${w.line}: ${describeObject(w)} (${scope(w)}): ${w.changes.length === 0 ? 'hardened' : `${w.changes.length} setting${w.changes.length === 1 ? '' : 's'} missing`}`);
    for (const c of w.changes) {
      const what = c.op === 'add' ? `missing ${compact(c.value)}` : `missing, floe sets ${compact(c.value)}`;
      lines.push(`  ${w.file}:${c.line}: ${c.container ? `${c.container}: ` : ''}${c.field}: ${what}`);
    }
    for (const n of w.notes) lines.push(`  ${w.file}:${n.line}: ${n.container ? `${n.container}: ` : ''}${n.field}: ${n.message}`);
  }
  const settings = missing.reduce((n, w) => n + w.changes.length, 0);
  lines.push(
    missing.length === 0
      ? `harden --check: ${result.workloads.length} workload${result.workloads.length === 1 ? '' : 's'} hardened (${scopes(result)})`
      : `harden --check: ${missing.length} of ${result.workloads.length} workloads miss ${settings} setting${settings === 1 ? '' : 's'} (${scopes(result)}); run floe network harden to add them`,
  );
  return `${lines.join('\n')}\n`;
}

/** `--check -o json`: the stable report (docs/json-output.md). */
export function hardenCheckJson(result: HardenResult): Record<string, unknown> {
  const missing = result.workloads.filter((w) => w.changes.length > 0);
  const where = (x: { field: string; line: number; container?: string }) => ({ field: x.field, line: x.line, ...(x.container ? { container: x.container } : {}) });
  return {
    counts: { workloads: result.workloads.length, missing: missing.length, settings: missing.reduce((n, w) => n + w.changes.length, 0) },
    workloads: result.workloads.map((w) => ({
      file: w.file,
      line: w.line,
      kind: w.kind,
      namespace: w.namespace,
      name: w.name,
      role: w.role,
      level: w.level,
      missing: w.changes.map((c) => ({ ...where(c), op: c.op, value: c.value })),
      kept: w.notes.map((n) => ({ ...where(n), message: n.message })),
    })),
  };
}

/** The run's audit fields and, when something is missing, the finding (exit 1). */
export function hardenCheckOutcome(result: HardenResult): { audit: Record<string, unknown>; finding: HardeningMissing | undefined } {
  const missing = result.workloads.filter((w) => w.changes.length > 0);
  return {
    audit: { counts: { workloads: result.workloads.length, missing: missing.length, settings: missing.reduce((n, w) => n + w.changes.length, 0) } },
    finding: missing.length > 0 ? new HardeningMissing(`harden: ${missing.length} of ${result.workloads.length} workloads miss floe's hardened settings`) : undefined,
  };
}

/** The hardened files as one YAML stream (stdout): each file's documents, files separated by `---`. */
export function hardenedStream(result: HardenResult): string {
  return result.files
    .filter((f) => f.yaml.trim() !== '')
    .map((f, i) => (i > 0 && !f.yaml.startsWith('---') ? `---\n${f.yaml}` : f.yaml))
    .map((t) => (t.endsWith('\n') ? t : `${t}\n`))
    .join('');
}

function patchHeader(w: HardenedWorkload): string {
  return `# floe network harden: ${describeObject(w)} (${w.file}:${w.line})\n`;
}

/** `-o patch`: one strategic-merge patch document per workload that misses something. */
export function hardenPatches(result: HardenResult): string {
  return result.workloads
    .filter((w) => w.patch !== undefined)
    .map((w) => `---\n${patchHeader(w)}${emitYaml(w.patch as Record<string, unknown>)}`)
    .join('');
}
