import { CHECK_INFO, type CheckStatus, type Problem, type ValidationReport } from './types.js';
import { maxOf } from '../util/max.js';

export interface TextOptions {
  /** ANSI colours (stdout is a terminal and NO_COLOR is unset). */
  color: boolean;
  /** Problems printed per check; the rest are counted (JSON and SARIF list every one). */
  maxProblemsPerCheck?: number;
}

const ANSI = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
const paint = (on: boolean, code: keyof typeof ANSI, text: string) => (on ? `\x1b[${ANSI[code]}m${text}\x1b[0m` : text);

const STATUS_WORD: Record<CheckStatus, { word: string; color: keyof typeof ANSI }> = {
  pass: { word: 'PASS', color: 'green' },
  fail: { word: 'FAIL', color: 'red' },
  warn: { word: 'WARN', color: 'yellow' },
  skip: { word: 'SKIP', color: 'dim' },
};

/** `FILE:LINE:COL path: message`, the form editors and CI annotate. */
export function formatProblem(p: Problem): string {
  const where = p.file ? `${p.file}${p.line !== null ? `:${p.line}:${p.col ?? 1}` : ''} ` : '';
  const warning = p.severity === 'warning' ? 'warning: ' : '';
  return `${where}${warning}${p.path ? `${p.path}: ` : ''}${p.message}`;
}

function diffLines(diff: string, color: boolean): string[] {
  return diff
    .replace(/\n$/, '')
    .split('\n')
    .map((l) =>
      l.startsWith('+++') || l.startsWith('---') ? paint(color, 'bold', l)
      : l.startsWith('+') ? paint(color, 'green', l)
      : l.startsWith('-') ? paint(color, 'red', l)
      : l.startsWith('@@') ? paint(color, 'cyan', l)
      : l,
    );
}

/** A checklist: one line per check, its problems indented beneath, then the verdict. */
export function renderText(report: ValidationReport, opts: TextOptions): string {
  const max = opts.maxProblemsPerCheck ?? 50;
  const out = [`floe network validate: ${report.dir} against ${report.manifest}${report.server ? `, API server ${report.server}` : ''}`];
  const width = maxOf(report.checks, (c) => c.id.length);
  for (const check of report.checks) {
    const s = STATUS_WORD[check.status];
    out.push(`  ${paint(opts.color, s.color, s.word)}  ${check.id.padEnd(width)}  ${check.summary}`);
    for (const p of check.problems.slice(0, max)) {
      out.push(`        ${formatProblem(p)}`);
      if (p.diff) out.push(...diffLines(p.diff, opts.color).map((l) => `          ${l}`));
    }
    if (check.problems.length > max) out.push(`        ... and ${check.problems.length - max} more (--output json lists every one)`);
  }
  const failed = report.checks.filter((c) => c.status === 'fail');
  const count = (st: CheckStatus) => report.checks.filter((c) => c.status === st).length;
  const tally = [`${count('pass')} passed`, count('warn') && `${count('warn')} warned`, count('skip') && `${count('skip')} skipped`].filter(Boolean).join(', ');
  out.push(
    failed.length
      ? paint(opts.color, 'red', `FAILED: ${failed.map((c) => c.id).join(', ')} (${report.checks.length - count('skip')} checks run: ${[`${failed.length} failed`, `${count('pass')} passed`, count('warn') && `${count('warn')} warned`].filter(Boolean).join(', ')}${count('skip') ? `; ${count('skip')} skipped` : ''})`)
      : paint(opts.color, 'green', `OK: ${tally}`),
  );
  return `${out.join('\n')}\n`;
}

/** `--output json`: the report itself (stable: fields are added, never renamed). */
export function renderJson(report: ValidationReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The check titles, in order, for --help. */
export function checkList(): string {
  return Object.entries(CHECK_INFO)
    .map(([id, info]) => `  ${id.padEnd(22)} ${info.title}`)
    .join('\n');
}
