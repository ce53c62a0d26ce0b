/**
 * A small block-style YAML emitter for plain data (maps, lists, strings,
 * numbers, booleans, null). Why not `yaml`.stringify: at 10,000 domains it
 * was 90% of generate's time; the objects floe writes need none of its
 * generality. Strings that could be read back as anything but the same string
 * (in YAML 1.1 or 1.2) are double-quoted with JSON escapes, which YAML reads
 * identically. A property test checks round-trips through the `yaml` parser.
 */

/** Plain scalars we accept: start with a safe character, no ": " or " #", no trailing colon or space. */
const SAFE_PLAIN = /^[A-Za-z0-9_./][A-Za-z0-9_./@()=+,;:' -]*$/;
/** Plain scalars a YAML 1.1 or 1.2 reader would turn into a bool, null, number or timestamp. */
const AMBIGUOUS =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(?:\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o[0-7]+|0b[01_]+|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*)$/;

/** Generated objects repeat the same few hundred strings (labels, names, CIDRs) many thousand times. */
const memo = new Map<string, string>();
const MEMO_LIMIT = 100_000;

export function yamlString(s: string): string {
  let out = memo.get(s);
  if (out === undefined) {
    out = quoteIfNeeded(s);
    if (memo.size < MEMO_LIMIT) memo.set(s, out);
  }
  return out;
}

function quoteIfNeeded(s: string): string {
  if (s !== '' && SAFE_PLAIN.test(s) && !AMBIGUOUS.test(s) && !s.includes(': ') && !s.includes(' #') && !s.endsWith(':') && !s.endsWith(' ')) {
    return s;
  }
  return JSON.stringify(s);
}

type Scalar = string | number | boolean | null;

function isScalar(v: unknown): v is Scalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function scalar(v: Scalar): string {
  if (typeof v === 'string') return yamlString(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`cannot write ${v} as YAML`);
    return String(v);
  }
  return String(v);
}

/** A value that fits after "key: " or "- " on one line: a scalar or an empty collection. */
function inline(v: unknown): string | undefined {
  if (isScalar(v)) return scalar(v);
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (typeof v === 'object' && v !== null && Object.values(v).every((x) => x === undefined)) return '{}';
  return undefined;
}

function emit(value: unknown, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    for (const item of value) {
      const one = inline(item);
      if (one !== undefined) {
        out.push(`${pad}- ${one}`);
        continue;
      }
      // A nested block starts on the dash line: "- key: value", then aligned under it.
      const start = out.length;
      emit(item, indent + 2, out);
      out[start] = `${pad}- ${(out[start] as string).slice(indent + 2)}`;
    }
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const one = inline(v);
      if (one !== undefined) {
        out.push(`${pad}${yamlString(k)}: ${one}`);
      } else {
        out.push(`${pad}${yamlString(k)}:`);
        // Lists under a key are indented, as kubectl and most Kubernetes docs write them.
        emit(v, indent + 2, out);
      }
    }
    return;
  }
  throw new TypeError(`cannot write a ${typeof value} as a YAML block`);
}

/** One YAML document for a mapping, ending in a newline. */
export function emitYaml(doc: Record<string, unknown>): string {
  const out: string[] = [];
  emit(doc, 0, out);
  return `${out.join('\n')}\n`;
}
