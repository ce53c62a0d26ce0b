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

function walk(value: unknown, shape: Shape, path: string, out: ShapeProblem[], item: boolean): void {
  if (value === undefined || value === null) {
    if (item) out.push({ path, message: `must be ${shape === 'string' ? 'a string' : typeof shape === 'string' ? `a value` : 'a mapping'}, not null` });
    return;
  }
  if (shape === 'boolean' || shape === 'string') {
    if (typeof value !== shape) out.push({ path, message: `must be a ${shape}, not ${shown(value)}` });
  } else if (shape === 'integer') {
    if (!Number.isInteger(value)) out.push({ path, message: `must be an integer, not ${shown(value)}` });
  } else if (shape === 'intOrString') {
    if (!Number.isInteger(value) && typeof value !== 'string') out.push({ path, message: `must be a port number or name, not ${shown(value)}` });
  } else if (shape === 'scalar') {
    if (typeof value === 'object') out.push({ path, message: `must be a string, not ${shown(value)}` });
  } else if (shape === 'strings') {
    walk(value, { list: 'string' }, path, out, false);
  } else if ('list' in shape) {
    if (!Array.isArray(value)) out.push({ path, message: 'must be a list' });
    else value.forEach((v, i) => walk(v, shape.list, `${path}[${i}]`, out, true));
  } else if (!isRecord(value)) {
    out.push({ path, message: 'must be a mapping' });
  } else if ('map' in shape) {
    for (const [key, v] of Object.entries(value)) walk(v, shape.map, `${path}.${key}`, out, false);
  } else {
    for (const [key, sub] of Object.entries(shape.object)) walk(Object.hasOwn(value, key) ? value[key] : undefined, sub, `${path}.${key}`, out, false);
  }
}

/** Problems of `value` against `shape`, each with its path below `path`. */
export function shapeProblems(value: unknown, shape: Shape, path: string): ShapeProblem[] {
  const out: ShapeProblem[] = [];
  walk(value, shape, path, out, false);
  return out;
}
