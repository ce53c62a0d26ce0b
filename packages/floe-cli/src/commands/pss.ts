import { Command, Option } from 'commander';
import { FindingError, InputError } from '@floe/core/errors';
import { LIMITS, readInputTexts, type InputText } from '@floe/core/manifests';
import { LATEST_MINOR, ManifestInputError, PSS_WORKLOAD_KINDS, admissionMessage, evaluatePod, formatLevelVersion, newerVersionWarning, parseLevelVersion, parseManifestObjects, pathSegments, podOf, podShapeProblems, policyMinor, type LevelVersion, type ManifestObject, type ManifestProblem, type PssResult } from '@floe/core/pss';
import { maxOf } from '@floe/core/util';
import type { GlobalOptions } from '../context.js';
import { runCommand } from '../run-command.js';

interface PssCheckOptions {
  filename: string[];
  level: string;
  output: 'text' | 'json';
}

/** One pod or workload judged, with where it came from. */
export interface PssCheckedObject {
  file: string;
  line: number;
  kind: string;
  namespace: string | null;
  name: string;
  templatePath: string;
  result: PssResult;
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
      violations: c.result.violations.map((v) => ({ check: v.check, reason: v.reason, detail: v.detail })),
    })),
    skipped: report.skipped,
  };
}

function refusedPhrase(refused: number, checked: number, lv: string): string {
  return `refused at ${lv}: ${refused} of ${checked} pods and pod templates`;
}

function describeObject(c: { kind: string; namespace?: string | null; name: string }): string {
  return `${c.kind} ${c.namespace ? `${c.namespace}/` : ''}${c.name || '(no name)'}`;
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
    for (const v of c.result.violations) lines.push(`  ${v.check.padEnd(width)}  ${v.reason} (${v.detail})`);
  }
  const refused = report.checked.filter((c) => !c.result.allowed).length;
  const skipped = report.skipped.length ? `; ${report.skipped.length} object${report.skipped.length === 1 ? '' : 's'} of other kinds skipped` : '';
  lines.push(report.checked.length === 0 ? `no pods or pod templates found${skipped}` : `${refusedPhrase(refused, report.checked.length, lv)}${skipped}`);
  return lines.join('\n') + '\n';
}

/** The finding "the API server would refuse these": exit 1, after the report is on stdout. */
export class PodSecurityViolations extends FindingError {}

/** stdin (`-f -`), capped like a file. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LIMITS.fileBytes) throw new InputError(`<stdin>: more than ${LIMITS.fileBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `-f` takes files, directories (their .yaml/.yml/.json files, not recursive, as kubectl -f) and `-` for stdin, through the one reader. */
async function readInputs(paths: readonly string[]): Promise<InputText[]> {
  const out: InputText[] = [];
  for (const path of paths) {
    const texts = await readInputTexts([path], { stdin: readStdin });
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
    report.checked.push({
      file: o.file,
      line: o.line,
      kind: source.kind,
      namespace: source.namespace ?? null,
      name: source.name,
      templatePath: source.templatePath,
      result: evaluatePod(source.pod, level, { template: source.templatePath !== '' }),
    });
  }
  if (problems.length) {
    const order = new Map(inputs.map((input, i) => [input.file, i]));
    problems.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.col - b.col);
    throw new ManifestInputError(problems);
  }
  return report;
}

function checkCommand(globals: () => GlobalOptions): Command {
  return new Command('check')
    .description('Which pods and workloads would Pod Security admission refuse at a level and version, and why? Offline, as the API server judges')
    .requiredOption('-f, --filename <path...>', 'YAML or JSON files, directories of them, or - for stdin (repeatable)')
    .option('-l, --level <LEVEL[:VERSION]>', 'level and policy version, written as the API server writes them', 'restricted:latest')
    .addOption(new Option('-o, --output <format>', 'result format on stdout').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Judges every Pod, and the pod template of every Deployment, StatefulSet, DaemonSet,
ReplicaSet, ReplicationController, Job, CronJob and PodTemplate, exactly as the
API server's PodSecurity admission would at the namespace label
pod-security.kubernetes.io/enforce=LEVEL with enforce-version=VERSION: the same
checks for that version, the same check IDs, the same messages. Other kinds are
skipped. Files may hold several documents and kind: List.

LEVEL is privileged, baseline or restricted; VERSION is latest (the default) or
v1.N (v1.0 up; a version newer than the newest this floe knows is judged as
that newest, with a warning on stderr, as the API server judges a version newer
than its own). latest is the newest policy this floe knows (v1.${LATEST_MINOR}); an older
API server reads latest as its own version, so to judge as a v1.30 cluster
would, say restricted:v1.30. Checks: privileged, hostNamespaces,
hostPathVolumes, hostPorts, capabilities_baseline, appArmorProfile,
seLinuxOptions, procMount, seccompProfile_baseline, sysctls, windowsHostProcess,
hostProbesAndHostLifecycle (baseline); allowPrivilegeEscalation,
capabilities_restricted, runAsNonRoot, runAsUser, seccompProfile_restricted,
restrictedVolumes, procMount_restricted (restricted).

Exit codes: 0 everything would be admitted, 1 something would be refused,
2 invalid input (bad --level, unreadable YAML, a wrongly typed field: file and
line named), 3 a file could not be read.

Examples:
  floe network pss check -f deploy.yaml                         # restricted:latest
  floe network pss check -f k8s/ --level baseline:v1.30
  helm template . | floe network pss check -f - -o json
  floe network pss check -f target/network/ --level restricted:v1.25`,
    )
    .action(async (opts: PssCheckOptions) => {
      const level = parseLevelVersion(opts.level);
      const lv = formatLevelVersion(level);
      const newer = newerVersionWarning(level.version);
      if (newer) process.stderr.write(`floe: warning: ${newer}\n`);
      await runCommand(globals(), { operation: 'network.pss.check', attributes: { 'floe.pss.level': lv, 'floe.output': opts.output }, audit: { level: lv, inputs: opts.filename } }, async () => {
        const r = checkObjects(await readInputs(opts.filename), level);
        process.stdout.write(opts.output === 'json' ? `${JSON.stringify(pssCheckJson(r), null, 2)}\n` : pssCheckText(r));
        const refused = r.checked.filter((c) => !c.result.allowed);
        return {
          audit: {
            counts: { checked: r.checked.length, refused: refused.length, skipped: r.skipped.length },
            refused: refused.length <= 50 ? refused.map((c) => `${c.file}:${c.line} ${describeObject(c)}`) : `${refused.length} objects`,
          },
          finding: refused.length ? new PodSecurityViolations(`Pod Security: ${refusedPhrase(refused.length, r.checked.length, lv)}`) : undefined,
        };
      });
    });
}

/** `floe network pss`: Pod Security Standards, offline. */
export function pssCommand(globals: () => GlobalOptions): Command {
  const pss = new Command('pss').description('Pod Security Standards, judged offline exactly as the API server does').addHelpText(
    'after',
    `
Examples:
  floe network pss check -f deploy.yaml --level restricted:latest

Exit codes: 0 success, 1 findings, 2 invalid input, 3 environment (files), 4 internal error.`,
  );
  pss.addCommand(checkCommand(globals));
  for (const cmd of [pss, ...pss.commands]) cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  return pss;
}
