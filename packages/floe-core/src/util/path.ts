/** A step into parsed YAML or JSON: a mapping key or a sequence index. */
export type PathSegment = string | number;

/** The value at `path` inside parsed data, or undefined where the path leaves it. */
export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}
