import { FindingError, InputError } from '../errors.js';
import { readInputTexts, type InputText } from '../manifests/load.js';
import { ManifestInputError, parseManifestObjects, type ManifestObject, type ManifestProblem } from '../manifests/objects.js';
import { evaluatePod, type PssResult } from './evaluate.js';
import { pssFix } from './fix.js';
import { pssRemedy } from './violations.js';
import { formatLevelVersion, type LevelVersion } from './level.js';
import { pathSegments, podShapeProblems } from './shape.js';
import { PSS_WORKLOAD_KINDS, podOf } from './workloads.js';

/**
 * `floe network pss check`: files in, which pods and pod templates Pod
 * Security admission would refuse at one level and version, and why.
 */

/** One pod or workload judged, with where it came from. */
export interface PssCheckedObject {
  file: string;
  line: number;
  kind: string;
  namespace: string | null;
  name: string;
  templatePath: string;
  result: PssResult;
  /** Per violation, in order: the field's line and path, the remedy and a snippet to paste. */
  fixes: PssViolationFix[];
}

export interface PssViolationFix {
  line: number;
  path: string;
  remedy: string;
  snippet: string | null;
}

export interface PssSkippedObject {
  file: string;
  line: number;
  kind: string;
  name: string;
}

export interface PssCheckReport {
  level: LevelVersion;
  checked: PssCheckedObject[];
  skipped: PssSkippedObject[];
}

/** The finding "the API server would refuse these": exit 1, after the report is on stdout. */
export class PodSecurityViolations extends FindingError {}

/** `Kind ns/name`, as the reports name an object. */
export function describeObject(c: { kind: string; namespace?: string | null; name: string }): string {
  return `${c.kind} ${c.namespace ? `${c.namespace}/` : ''}${c.name || '(no name)'}`;
}

export function refusedPhrase(refused: number, checked: number, lv: string): string {
  return `refused at ${lv}: ${refused} of ${checked} pods and pod templates`;
}

/**
 * `-f` inputs: files, directories (their .yaml/.yml/.json files, not
 * recursive, as kubectl -f) and `-` for `stdin`, through the one reader. A
 * directory with no such file is an input error.
 */
export async function readPssInputs(paths: readonly string[], stdin: () => Promise<string>): Promise<InputText[]> {
  const out: InputText[] = [];
  for (const path of paths) {
    const texts = await readInputTexts([path], { stdin });
    if (texts.length === 0) throw new InputError(`${path}: directory holds no .yaml, .yml or .json files`);
    out.push(...texts);
  }
  return out;
}

/** Parses every input, then judges every pod and workload; all input problems are reported together (exit 2). */
export function checkObjects(inputs: readonly { file: string; text: string }[], level: LevelVersion): PssCheckReport {
  const problems: ManifestProblem[] = [];
  const objects: ManifestObject[] = [];
  for (const { file, text } of inputs) {
    const parsed = parseManifestObjects(text, file);
    objects.push(...parsed.objects);
    problems.push(...parsed.problems);
  }
  const report: PssCheckReport = { level, checked: [], skipped: [] };
  for (const o of objects) {
    const kind = typeof o.object.kind === 'string' ? o.object.kind : '';
    const source = podOf(o.object);
    if (!source) {
      const rawName = (o.object.metadata as { name?: unknown } | undefined)?.name;
      const name = typeof rawName === 'string' ? rawName : '';
      if (PSS_WORKLOAD_KINDS.includes(kind)) {
        const where = kind === 'Pod' ? 'spec' : kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : kind === 'PodTemplate' ? 'template.spec' : 'spec.template.spec';
        problems.push({ file: o.file, line: o.line, col: 1, message: `${kind} ${name}: no pod spec at ${where}` });
      } else {
        report.skipped.push({ file: o.file, line: o.line, kind: kind || '(no kind)', name });
      }
      continue;
    }
    const prefix = source.templatePath ? pathSegments(source.templatePath) : [];
    const shape = podShapeProblems(source.pod);
    for (const p of shape) {
      const full = source.templatePath ? `${source.templatePath}.${p.path}` : p.path;
      problems.push({ file: o.file, line: o.lineOf([...prefix, ...pathSegments(p.path)]), col: 1, message: `${describeObject(source)}: ${full} ${p.message}` });
    }
    // A malformed pod is reported, not judged: the evaluator reads the fields the shape check vouches for.
    if (shape.length > 0) continue;
    const result = evaluatePod(source.pod, level, { template: source.templatePath !== '' });
    const fixes = result.violations.map((v) => {
      const fix = pssFix(v.check, v.detail, source.pod, source.templatePath);
      return { line: o.lineOf(pathSegments(fix.path)), path: fix.path, remedy: pssRemedy(v.check, v.detail, source.templatePath !== ''), snippet: fix.snippet };
    });
    report.checked.push({
      file: o.file,
      line: o.line,
      kind: source.kind,
      namespace: source.namespace ?? null,
      name: source.name,
      templatePath: source.templatePath,
      result,
      fixes,
    });
  }
  if (problems.length) {
    const order = new Map(inputs.map((input, i) => [input.file, i]));
    problems.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.col - b.col);
    throw new ManifestInputError(problems);
  }
  return report;
}

/** The run's audit fields and, when something would be refused, the finding (exit 1). */
export function pssCheckOutcome(report: PssCheckReport): { audit: Record<string, unknown>; finding: PodSecurityViolations | undefined } {
  const refused = report.checked.filter((c) => !c.result.allowed);
  return {
    audit: {
      counts: { checked: report.checked.length, refused: refused.length, skipped: report.skipped.length },
      refused: refused.length <= 50 ? refused.map((c) => `${c.file}:${c.line} ${describeObject(c)}`) : `${refused.length} objects`,
    },
    finding: refused.length ? new PodSecurityViolations(`Pod Security: ${refusedPhrase(refused.length, report.checked.length, formatLevelVersion(report.level))}`) : undefined,
  };
}
