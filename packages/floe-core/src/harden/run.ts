import { InputError } from '../errors.js';
import { podPath } from '../k8s/objects.js';
import type { InputText } from '../manifests/load.js';
import { locatedProblemsMessage, ManifestInputError, parseManifestObjects, type ManifestObject, type ManifestProblem } from '../manifests/objects.js';
import { applyEdits, documentsText, editDocument, sourceLayout, type PathSegment, type YamlEdit } from '../manifests/yaml.js';
import { describeObject } from '../pss/check.js';
import { evaluatePod } from '../pss/evaluate.js';
import { formatLevelVersion } from '../pss/level.js';
import { pssFix } from '../pss/fix.js';
import { pathSegments, podShapeProblems } from '../pss/shape.js';
import { podOf } from '../pss/workloads.js';
import { emitYaml } from '../util/yaml-emit.js';
import { isRecord } from '../util/shape.js';
import { smpPatch } from './patch.js';
import { hardenPod, RULED_CHECKS, settingsFor, type HardenChange, type HardenFinding, type HardenPolicy, type NamespaceRole } from './rules.js';

/**
 * `floe network harden`: files in, every pod and workload with floe's
 * hardened context merged in; the text of each file with its comments and
 * key order, a strategic-merge patch per workload, or what is missing.
 */

/** A change or kept setting, located: the dotted field and its line in the input. */
export type Located<T> = T & { field: string; line: number };

export interface HardenedWorkload {
  file: string;
  line: number;
  kind: string;
  namespace: string | null;
  name: string;
  /** The namespace role the workload was hardened for, and that role's Pod Security level (`restricted:latest`). */
  role: NamespaceRole;
  level: string;
  changes: Located<HardenChange>[];
  notes: Located<HardenFinding>[];
  /** The strategic-merge patch that makes the change (kustomize `patches:`); undefined when nothing changes. */
  patch: Record<string, unknown> | undefined;
}

export interface HardenedFile {
  file: string;
  /** The hardened text, in the input's own format (JSON stays JSON). `files` is empty when texts were not asked for. */
  text: string;
  /** The hardened text as YAML (JSON input converted), for a YAML stream on stdout. */
  yaml: string;
  changed: boolean;
  /** Documents with aliases are written from their value (aliases expanded, comments inside lost). */
  rewritten: number;
}

export interface HardenResult {
  policy: HardenPolicy;
  files: HardenedFile[];
  workloads: HardenedWorkload[];
}

/** What floe will not override: exit 2, each conflict naming file, line, workload and field. */
export class HardenConflicts extends InputError {
  constructor(readonly problems: readonly ManifestProblem[]) {
    super(locatedProblemsMessage(problems, (n) => `${n} conflicts with floe's hardened context (nothing was written)`), { code: 'input.harden_conflict' });
  }
}

/** `spec.template.spec.containers[0].securityContext`: how reports name a field. */
export function fieldPath(path: readonly PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** Hardens every input; throws every input problem (ManifestInputError) or conflict (HardenConflicts) of all files together, writing nothing. */
export interface HardenInputsOptions {
  /** Build each file's hardened text (default true); --check and -o patch do not need it. */
  texts?: boolean;
}

export function hardenInputs(inputs: readonly InputText[], policy: HardenPolicy, options: HardenInputsOptions = {}): HardenResult {
  const texts = options.texts ?? true;
  const problems: ManifestProblem[] = [];
  const conflicts: ManifestProblem[] = [];
  const files: HardenedFile[] = [];
  const workloads: HardenedWorkload[] = [];
  for (const { file, text } of inputs) {
    const parsed = parseManifestObjects(text, file);
    problems.push(...parsed.problems);
    const layout = texts && parsed.documents ? sourceLayout(parsed.documents, text) : undefined;
    const edits: ObjectEdits[] = [];
    parsed.objects.forEach((o, index) => {
      const done = hardenObject(o, policy, problems, conflicts);
      if (!done) return;
      workloads.push(done.workload);
      if (done.edits.length > 0) edits.push({ o, index, edits: done.edits });
    });
    if (problems.length > 0 || conflicts.length > 0 || !texts) continue;
    files.push(fileOutput(file, text, parsed.documents, layout, edits));
  }
  const order = new Map(inputs.map((input, i) => [input.file, i]));
  const sorted = (list: ManifestProblem[]) => list.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.col - b.col);
  if (problems.length > 0) throw new ManifestInputError(sorted(problems));
  if (conflicts.length > 0) throw new HardenConflicts(sorted(conflicts));
  return { policy, files, workloads };
}

function hardenObject(
  o: ManifestObject,
  policy: HardenPolicy,
  problems: ManifestProblem[],
  conflicts: ManifestProblem[],
): { workload: HardenedWorkload; edits: YamlEdit[] } | undefined {
  const kind = typeof o.object.kind === 'string' ? o.object.kind : '';
  const base = podPath(kind);
  if (!base) return undefined;
  const source = podOf(o.object);
  const rawName = isRecord(o.object.metadata) ? o.object.metadata.name : undefined;
  const name = typeof rawName === 'string' ? rawName : '';
  if (!source) {
    problems.push({ file: o.file, line: o.line, col: 1, message: `${kind} ${name}: no pod spec at ${fieldPath([...base, 'spec'])}` });
    return undefined;
  }
  const what = describeObject(source);
  const shape = podShapeProblems(source.pod);
  for (const p of shape) {
    const full = source.templatePath ? `${source.templatePath}.${p.path}` : p.path;
    problems.push({ file: o.file, line: o.lineOf([...base, ...pathSegments(p.path)]), col: 1, message: `${what}: ${full} ${p.message}` });
  }
  if (shape.length > 0) return undefined;

  const settings = settingsFor(policy, source.namespace);
  const pod = { metadata: source.pod.metadata ?? {}, spec: source.pod.spec };
  const h = hardenPod(pod, base, settings);
  const locate = <T extends { path: PathSegment[]; container?: string }>(x: T): Located<T> => ({ ...x, field: fieldPath(x.path), line: o.lineOf(x.path) });
  const say = (f: Located<HardenFinding>) => `${what}: ${f.container ? `${f.container}: ` : ''}${f.field}: ${f.message}`;
  for (const c of h.conflicts.map(locate)) conflicts.push({ file: o.file, line: c.line, col: 1, message: say(c) });

  // What harden cannot set for the user (host namespaces, hostPath, ...) the evaluator names: the output must pass the namespace's level.
  // Through JSON, not structuredClone: an object read from YAML aliases shares its parts, and an edit must reach only the place it names.
  const hardened = applyEdits(JSON.parse(JSON.stringify(o.object)) as Record<string, unknown>, h.changes);
  const after = podOf(hardened);
  if (after) {
    const result = evaluatePod(after.pod, settings.level, { template: kind !== 'Pod' });
    for (const v of result.violations.filter((x) => !RULED_CHECKS.has(x.check))) {
      const fix = pssFix(v.check, v.detail, after.pod, after.templatePath);
      const host = /\b(host(?:Network|PID|IPC))=true/.exec(v.detail)?.[1];
      conflicts.push({
        file: o.file,
        line: o.lineOf(host ? [...base, 'spec', host] : pathSegments(fix.path)),
        col: 1,
        message: `${what}: ${host ? fieldPath([...base, 'spec', host]) : fix.path}: ${v.reason} (${v.detail}): Pod Security ${formatLevelVersion(settings.level)} refuses it, and harden does not remove it for you`,
      });
    }
  }
  const changes = h.changes.map(locate);
  return {
    workload: {
      file: o.file,
      line: o.line,
      kind,
      namespace: source.namespace ?? null,
      name,
      role: settings.role,
      level: formatLevelVersion(settings.level),
      changes,
      notes: h.notes.map(locate),
      patch: changes.length > 0 ? smpPatch(o.object, hardened, h.changes) : undefined,
    },
    edits: h.changes.map((c) => ({ op: c.op, path: c.path, value: c.value })),
  };
}

/** The edits of one object, and its place among the file's objects (a JSON List's item index). */
interface ObjectEdits {
  o: ManifestObject;
  index: number;
  edits: YamlEdit[];
}

function fileOutput(
  file: string,
  text: string,
  documents: ReturnType<typeof parseManifestObjects>['documents'],
  layout: ReturnType<typeof sourceLayout> | undefined,
  edits: readonly ObjectEdits[],
): HardenedFile {
  if (documents && layout) {
    // Edits of one document go together: a document with aliases is rewritten once, from its value with all of them.
    const byDoc = new Map<unknown, { doc: (typeof documents)[number]; edits: YamlEdit[] }>();
    for (const { o, edits: list } of edits) {
      const y = o.yaml;
      if (!y) continue;
      const entry = byDoc.get(y.document) ?? { doc: y.document, edits: [] };
      entry.edits.push(...list.map((e) => ({ ...e, path: [...y.prefix, ...e.path] })));
      byDoc.set(y.document, entry);
    }
    let rewritten = 0;
    for (const { doc, edits: list } of byDoc.values()) if (editDocument(doc, list) === 'rewritten') rewritten++;
    const out = byDoc.size > 0 ? documentsText(documents, layout, text) : text;
    return { file, text: out, yaml: out, changed: byDoc.size > 0, rewritten };
  }
  // JSON: one object or a List whose items are the objects, in order.
  const value: unknown = JSON.parse(text);
  const isList = isRecord(value) && Array.isArray(value.items) && typeof value.kind === 'string' && value.kind.endsWith('List');
  const all: YamlEdit[] = [];
  for (const { index, edits: list } of edits) {
    const prefix: PathSegment[] = isList ? ['items', index] : [];
    all.push(...list.map((e) => ({ ...e, path: [...prefix, ...e.path] })));
  }
  applyEdits(value, all);
  const json = `${JSON.stringify(value, null, 2)}\n`;
  return { file, text: edits.length > 0 ? json : text, yaml: emitYaml(value as Record<string, unknown>), changed: edits.length > 0, rewritten: 0 };
}
