import { InputError } from '../errors.js';
import { compareStrings } from '../util/compare.js';
import type { LabelSelector } from './types.js';

type Labels = Readonly<Record<string, string>>;

type Requirement =
  | { key: string; op: 'In' | 'NotIn'; values: ReadonlySet<string>; text: string }
  | { key: string; op: 'Exists' | 'DoesNotExist'; text: string };

/** A label selector compiled once: every requirement must hold (matchLabels and matchExpressions are ANDed). */
export interface CompiledSelector {
  /** `{}`: selects everything. */
  readonly empty: boolean;
  /** Canonical text, equal for equal selectors; used as a cache key and in messages. */
  readonly key: string;
  /** `key=value` pairs that every match must carry: the candidates index on these. */
  readonly equalities: readonly string[];
  matches(labels: Labels): boolean;
  /** Why `labels` are not selected (the first requirement that fails), or null when they are. */
  mismatch(labels: Labels): string | null;
}

function holds(r: Requirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.op) {
    case 'In':
      return has && r.values.has(labels[r.key] as string);
    case 'NotIn':
      // As in apimachinery: a missing key satisfies NotIn.
      return !has || !r.values.has(labels[r.key] as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

function describeLabel(labels: Labels, key: string): string {
  return Object.hasOwn(labels, key) ? `has ${key}=${labels[key]}` : `has no label ${key}`;
}

/** Compiles a selector; `where` names it in the error for a malformed expression (exit 2). */
export function compileSelector(selector: LabelSelector | undefined | null, where: string): CompiledSelector {
  const reqs: Requirement[] = [];
  const equalities: string[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {}).sort(([a], [b]) => compareStrings(a, b))) {
    reqs.push({ key, op: 'In', values: new Set([String(value)]), text: `${key}=${value}` });
    equalities.push(`${key}=${value}`);
  }
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e.values ?? []).map(String);
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) throw new InputError(`${where}: matchExpressions ${e.key} ${e.operator} needs at least one value`);
        reqs.push({ key: e.key, op: e.operator, values: new Set(values), text: `${e.key} ${e.operator} (${[...values].sort().join(', ')})` });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) throw new InputError(`${where}: matchExpressions ${e.key} ${e.operator} takes no values`);
        reqs.push({ key: e.key, op: e.operator, text: `${e.operator === 'Exists' ? '' : '!'}${e.key}` });
        break;
      default:
        throw new InputError(`${where}: matchExpressions operator "${String(e.operator)}" is not In, NotIn, Exists or DoesNotExist`);
    }
  }
  const key = reqs.length === 0 ? '{}' : reqs.map((r) => r.text).join(',');
  return {
    empty: reqs.length === 0,
    key,
    equalities,
    matches: (labels) => reqs.every((r) => holds(r, labels)),
    mismatch: (labels) => {
      const failed = reqs.find((r) => !holds(r, labels));
      if (!failed) return null;
      return `needs ${failed.text}, ${describeLabel(labels, failed.key)}`;
    },
  };
}

