/**
 * Type checks on exactly the fields a module reads from a Kubernetes object
 * that came from a file, so malformed input is reported with its path (exit 2)
 * instead of crashing the code that reads it. The API server would refuse such
 * an object when decoding it. A field that is null or absent is not checked
 * (the API treats null as absent); an item of a list must be present.
 */
export type Shape =
  | 'boolean'
  | 'integer'
  | 'string'
  | 'strings'
  /** A port: a number or a name. */
  | 'intOrString'
  /** Label values: any scalar (the API wants strings; numbers and booleans are read as their text). */
  | 'scalar'
  | { object: Record<string, Shape> }
  | { list: Shape }
  | { map: Shape };

export interface ShapeProblem {
  /** Dotted path with [i] indexes (`spec.containers[0].securityContext.privileged`). */
  path: string;
  message: string;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shown = (v: unknown) => (isRecord(v) ? 'a mapping' : Array.isArray(v) ? 'a list' : JSON.stringify(v));

/**
 * Where a value is: the path given, or a field or item below a place. The text is built only
 * for a problem: checking thousands of well-formed objects builds none.
 */
type Where = string | { readonly up: Where; readonly key: string | number };
const pathOf = (w: Where): string => (typeof w === 'string' ? w : typeof w.key === 'number' ? `${pathOf(w.up)}[${w.key}]` : `${pathOf(w.up)}.${w.key}`);

type Leaf = 'boolean' | 'integer' | 'string' | 'intOrString' | 'scalar';
const STRINGS: { list: Shape } = { list: 'string' };

/** The problem of a present (not null) value against a scalar shape, or null. */
function leafProblem(value: unknown, shape: Leaf): string | null {
  switch (shape) {
    case 'boolean':
    case 'string':
      return typeof value === shape ? null : `must be a ${shape}, not ${shown(value)}`;
    case 'integer':
      return Number.isInteger(value) ? null : `must be an integer, not ${shown(value)}`;
    case 'intOrString':
      return Number.isInteger(value) || typeof value === 'string' ? null : `must be a port number or name, not ${shown(value)}`;
    case 'scalar':
      return typeof value === 'object' ? `must be a string, not ${shown(value)}` : null;
  }
}

const isLeaf = (shape: Shape): shape is Leaf => typeof shape === 'string' && shape !== 'strings';

/** Checks `value` (present or not) at `where`; an item of a list must be present. */
function check(value: unknown, shape: Shape, where: Where, out: ShapeProblem[], item: boolean): void {
  if (value === undefined || value === null) {
    if (item) out.push({ path: pathOf(where), message: `must be ${shape === 'string' ? 'a string' : typeof shape === 'string' ? `a value` : 'a mapping'}, not null` });
    return;
  }
  if (isLeaf(shape)) {
    const message = leafProblem(value, shape);
    if (message !== null) out.push({ path: pathOf(where), message });
  } else walk(value, shape === 'strings' ? STRINGS : shape, where, out);
}

function walk(value: unknown, shape: Exclude<Shape, string>, where: Where, out: ShapeProblem[]): void {
  if ('list' in shape) {
    if (!Array.isArray(value)) out.push({ path: pathOf(where), message: 'must be a list' });
    else for (let i = 0; i < value.length; i++) check(value[i], shape.list, { up: where, key: i }, out, true);
  } else if (!isRecord(value)) {
    out.push({ path: pathOf(where), message: 'must be a mapping' });
  } else if ('map' in shape) {
    for (const key of Object.keys(value)) check(value[key], shape.map, { up: where, key }, out, false);
  } else {
    // Absent and null fields are fine; most fields of most objects are absent.
    for (const [key, sub] of fieldsOf(shape)) {
      const v = Object.hasOwn(value, key) ? value[key] : undefined;
      if (v !== undefined && v !== null) check(v, sub, { up: where, key }, out, false);
    }
  }
}

const FIELDS = new WeakMap<object, [string, Shape][]>();
/** A shape's fields, listed once per shape rather than once per object checked. */
function fieldsOf(shape: { object: Record<string, Shape> }): [string, Shape][] {
  let fields = FIELDS.get(shape);
  if (!fields) FIELDS.set(shape, (fields = Object.entries(shape.object)));
  return fields;
}

/** Problems of `value` against `shape`, each with its path below `path`. */
export function shapeProblems(value: unknown, shape: Shape, path: string): ShapeProblem[] {
  const out: ShapeProblem[] = [];
  check(value, shape, path, out, false);
  return out;
}
