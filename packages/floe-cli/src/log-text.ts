import type { LogDestination } from '@floe/core/telemetry';
import { escapeControl } from '@floe/core/util';

const LEVELS: Record<number, string> = { 10: 'trace: ', 20: 'debug: ', 30: '', 40: 'warning: ', 50: 'error: ', 60: 'fatal: ' };

/** Fields every record has; the rest are the record's details. */
const OWN = new Set(['level', 'time', 'name', 'msg']);

function scalar(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * One pino JSON record as one short line for a person: `floe: [level: ]message
 * (details)`. An audit event's details are its counts (`floe: network.generate:
 * success (files 14, namespaces 2)`); another record's are its fields. Outside
 * text (paths, server messages) is escaped, so a line stays one line.
 */
export function textLine(record: string): string {
  const r = JSON.parse(record) as Record<string, unknown>;
  const level = LEVELS[r.level as number] ?? '';
  let details: string[];
  if (typeof r.audit === 'object' && r.audit !== null) {
    const counts = (r.audit as { counts?: unknown }).counts;
    details = typeof counts === 'object' && counts !== null ? Object.entries(counts).map(([k, v]) => `${k} ${scalar(v)}`) : [];
  } else {
    details = Object.entries(r)
      .filter(([k]) => !OWN.has(k))
      .map(([k, v]) => `${k}=${scalar(v)}`);
  }
  return escapeControl(`floe: ${level}${scalar(r.msg ?? '')}${details.length ? ` (${details.join(', ')})` : ''}`) + '\n';
}

/** A log destination that writes each record to stderr as textLine shows it. */
export const textToStderr: LogDestination = {
  write(record) {
    process.stderr.write(textLine(record));
  },
};
