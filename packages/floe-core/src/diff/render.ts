/**
 * `floe network diff` as text: a unified diff per object, like `kubectl diff`
 * (live is "---", the intent "+++"), of YAML renderings of the normalised
 * objects, then notes and a one-line summary.
 */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { emitYaml } from '../util/yaml-emit.js';
import { orphanLines } from './orphans.js';
import type { DiffPair, DiffReport, DiffResult } from './types.js';

export interface DiffTextOptions {
  /** ANSI colours: red removals, green additions, cyan hunk headers. */
  color: boolean;
}

const ANSI = { bold: '\u001b[1m', red: '\u001b[31m', green: '\u001b[32m', cyan: '\u001b[36m', reset: '\u001b[0m' };

/** `NetworkPolicy/floe-jobs/floe-allow-egress`, `Namespace/floe-jobs`. */
export function objectPath(o: { kind: string; namespace: string | null; name: string }): string {
  return `${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

/** The whole object added or removed: one hunk, no need to run a diff. */
function wholeObjectPatch(header: string, yaml: string, sign: '+' | '-'): string {
  const lines = yaml.slice(0, -1).split('\n');
  const range = sign === '+' ? `-0,0 +1,${lines.length}` : `-1,${lines.length} +0,0`;
  return `${header}@@ ${range} @@\n${lines.map((l) => sign + l).join('\n')}\n`;
}

export function unifiedDiff(pair: DiffPair): string {
  const where = objectPath(pair);
  const header = `--- live/${where}\n+++ intent/${where}\n`;
  if (!pair.live && pair.expected) return wholeObjectPatch(header, emitYaml(pair.expected), '+');
  if (pair.live && !pair.expected) return wholeObjectPatch(header, emitYaml(pair.live), '-');
  const live = pair.live ? emitYaml(pair.live) : '';
  const intent = pair.expected ? emitYaml(pair.expected) : '';
  return createTwoFilesPatch(`live/${where}`, `intent/${where}`, live, intent, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
}

function colorize(patch: string): string {
  return patch
    .split('\n')
    .map((line) => {
      if (line.startsWith('--- ') || line.startsWith('+++ ')) return `${ANSI.bold}${line}${ANSI.reset}`;
      if (line.startsWith('@@')) return `${ANSI.cyan}${line}${ANSI.reset}`;
      if (line.startsWith('-')) return `${ANSI.red}${line}${ANSI.reset}`;
      if (line.startsWith('+')) return `${ANSI.green}${line}${ANSI.reset}`;
      return line;
    })
    .join('\n');
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "3 objects differ: 1 missing, 1 changed, 1 extra (widens access)", or the no-drift line. */
export function summaryLine(report: DiffReport): string {
  const { missing, changed, extra, extraWidening, unchanged, orphaned } = report.counts;
  const differing = missing + changed + extra + orphaned;
  if (!report.drift) {
    return `no drift: ${plural(unchanged, 'object', 'objects')} in ${plural(report.namespaces.length, 'namespace', 'namespaces')} match the intent`;
  }
  const parts = [`${missing} missing`, `${changed} changed`, `${extra} extra`];
  const changedWidening = report.changed.filter((c) => c.widensAccess).length;
  if (changedWidening > 0) parts[1] += changedWidening === changed ? ' (widens access)' : ` (${changedWidening} widen access)`;
  if (extraWidening > 0) parts[2] += extraWidening === extra ? ' (widens access)' : ` (${extraWidening} widen access)`;
  if (orphaned > 0) parts.push(`${orphaned} orphaned`);
  return `${plural(differing, 'object differs', 'objects differ')}: ${parts.join(', ')}`;
}

/** What a reader needs that the diffs do not say. */
export function notes(report: DiffReport): string[] {
  const out: string[] = [];
  for (const ns of report.namespaces) {
    if (!ns.exists) {
      const inside = report.missing.filter((m) => m.namespace === ns.name).length;
      out.push(`namespace ${ns.name} does not exist: ${inside ? `its ${plural(inside, 'object is', 'objects are')} missing too` : 'it is missing'}`);
      continue;
    }
    if (ns.terminating) out.push(`namespace ${ns.name} is being deleted, with everything in it`);
    for (const ps of ns.podSecurity ?? []) {
      if (ps.level.status === 'stricter') {
        out.push(`namespace ${ns.name}: Pod Security ${ps.mode} is ${ps.level.live}, stricter than the intent's ${ps.level.expected} (not drift)`);
      }
    }
  }
  if (report.notCompared.length) {
    out.push(
      `${plural(report.notCompared.length, 'admission guard object is', 'admission guard objects are')} not compared (${report.notCompared.map((o) => `${o.kind}/${o.name}`).join(', ')}): diff compares Namespaces, NetworkPolicies and PodTemplates; kubectl diff -k DIR shows theirs, floe network validate --server checks that the API server accepts them`,
    );
  }
  for (const c of report.changed) {
    if (c.widensAccess) out.push(`changed NetworkPolicy ${c.namespace}/${c.name} admits more than the intent: it widens access`);
  }
  for (const e of report.extra) {
    const owner = e.managedByFloe ? 'labelled managed-by floe but no longer in the intent' : 'not floe\'s';
    out.push(
      e.widensAccess
        ? `extra ${e.kind} ${e.namespace}/${e.name} (${owner}) allows traffic: policies only add allowances, so it widens access`
        : `extra ${e.kind} ${e.namespace}/${e.name} (${owner}) has no rules: it allows nothing more`,
    );
  }
  return out;
}

const MAX_VALUE_CHARS = 120;

/** The value as JSON, or, when that is long, its shape: never JSON cut in the middle of a value. */
function shortValue(v: unknown): string {
  const text = JSON.stringify(v);
  if (text.length <= MAX_VALUE_CHARS) return text;
  const there = 'in the diff above';
  if (Array.isArray(v)) return `[${plural(v.length, 'item', 'items')}; ${there}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    return `{${plural(keys.length, 'field', 'fields')}: ${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', ...' : ''}; ${there}}`;
  }
  return typeof v === 'string' ? `a string of ${v.length} characters (${there})` : text;
}

/** One line per changed field, so a CI log names the path and both values without reading the diff. */
export function changedLines(report: DiffReport): string[] {
  return report.changed.flatMap((c) =>
    c.differences.map((d) => {
      const live = 'live' in d ? `live ${shortValue(d.live)}` : 'not in the cluster';
      const intent = 'expected' in d ? `intent ${shortValue(d.expected)}` : 'not in the intent';
      return `changed: ${objectPath(c)} ${d.path}: ${live}, ${intent}`;
    }),
  );
}

export function renderDiffText(result: DiffResult, options: DiffTextOptions): string {
  const chunks = result.pairs.map((p) => (options.color ? colorize(unifiedDiff(p)) : unifiedDiff(p)));
  const r = result.report;
  const tail = [...changedLines(r), ...notes(r).map((n) => `note: ${n}`), ...orphanLines(r.orphans, r.orphaned, r.orphanedNamespaces), summaryLine(r)];
  return `${chunks.join('')}${chunks.length ? '\n' : ''}${tail.join('\n')}\n`;
}
