import { compareStrings } from '../util/compare.js';
import { emitYaml, yamlString } from '../util/yaml-emit.js';
import { compactConnectivity, type CompactConnectivity } from './compact.js';
import type { Connectivity } from './connectivity.js';
import { externalRange } from './external-ranges.js';
import { formatRange, type IpRange } from './ip.js';
import { connectionsText, type PortSets } from './ports.js';
import type { NotEvaluatedSummary } from './findings.js';

/**
 * `audit --connectivity` output, produced as it is computed: every renderer is
 * a generator of chunks (strings, or bytes for the per-pair formats) of about
 * CHUNK bytes, taken one at a time by a writer that waits for the output to
 * drain between them. Nothing is assembled whole, so the output may be larger
 * than any one string can be, and the JSON is valid at every size.
 *
 * The per-pair formats show external ranges per endpoint and direction as the
 * fewest ranges with the same connections (an unpoliced pod: 0.0.0.0/0 and ::/0
 * each way), merged as the rows come: a workload's egress ranges within its own
 * row, a workload's ingress ranges when the first range of a run is the source.
 */

const CHUNK = 1 << 20;

/** Port set ids rendered once each (a cluster has few distinct sets). */
function portText(ports: PortSets, render: (c: ReturnType<PortSets['connections']>) => string): (id: number) => string {
  const cache = new Map<number, string>();
  return (id) => {
    let t = cache.get(id);
    if (t === undefined) {
      t = render(ports.connections(id));
      cache.set(id, t);
    }
    return t;
  };
}

/** Joins small strings into chunks of about CHUNK characters. */
class Chunker {
  private parts: string[] = [];
  private size = 0;
  add(s: string): string | null {
    this.parts.push(s);
    this.size += s.length;
    return this.size >= CHUNK ? this.take() : null;
  }
  take(): string {
    const out = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return out;
  }
}

/**
 * Copies encoded pieces into chunks of CHUNK bytes: a pair's line is three
 * copies of bytes encoded once (the source's head, the destination's name, the
 * port set's text), never a string per pair. A chunk handed out is never written again.
 */
class ByteChunker {
  private buf = Buffer.allocUnsafe(CHUNK);
  private n = 0;
  /** Makes room for `len` more bytes; returns the full chunk to write first, if any. */
  room(len: number): Buffer | null {
    if (this.n + len <= this.buf.length) return null;
    const out = this.take();
    if (len > this.buf.length) this.buf = Buffer.allocUnsafe(len);
    return out.length > 0 ? out : null;
  }
  append(b: Uint8Array): void {
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  take(): Buffer {
    const out = this.buf.subarray(0, this.n);
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.n = 0;
    return out;
  }
}

/**
 * The allowed pairs from one source as shown: `to[k] >= 0` is an endpoint of the
 * connectivity, `to[k] < 0` the merged range `names[-1 - to[k]]`. Views into
 * buffers the next row reuses.
 */
interface ShownRow {
  from: string;
  to: Int32Array;
  portSets: Uint32Array;
  names: string[];
}

/**
 * The rows of `c` with external ranges merged per endpoint and direction: adjacent
 * ranges (same family, no gap) with the same port set toward (or from) one workload
 * become one range, standing where its first part stood. Memory is one row.
 */
function* shownRows(c: Connectivity): Generator<ShownRow> {
  const N = c.workloadCount;
  const M = c.endpoints.length;
  const ranges = c.endpoints.slice(N).map((e) => externalRange(e) as IpRange);
  /** Does range x + 1 continue range x? */
  const follows = (x: number) => x + 1 < ranges.length && (ranges[x] as IpRange).family === (ranges[x + 1] as IpRange).family && (ranges[x] as IpRange).last + 1n === (ranges[x + 1] as IpRange).first;
  const span = (x: number, last: number) => (last === x ? (c.endpoints[N + x] as string) : `${formatRange({ ...(ranges[x] as IpRange), last: (ranges[last] as IpRange).last })}[External]`);
  const to = new Int32Array(M);
  const ids = new Uint32Array(M);
  for (const row of c.rows()) {
    const names: string[] = [];
    if (row.from < N) {
      let n = 0;
      for (let k = 0; k < row.to.length; k++) {
        const d = row.to[k] as number;
        const id = row.portSets[k] as number;
        if (d < N) {
          to[n] = d;
          ids[n++] = id;
          continue;
        }
        // A run of this workload's egress ranges: each continues the last, on the same port set.
        const x = d - N;
        let last = x;
        while (k + 1 < row.to.length && row.to[k + 1] === N + last + 1 && row.portSets[k + 1] === id && follows(last)) {
          last++;
          k++;
        }
        if (last === x) to[n] = d;
        else to[n] = -1 - (names.push(span(x, last)) - 1);
        ids[n++] = id;
      }
      if (n > 0) yield { from: c.endpoints[row.from] as string, to: to.subarray(0, n), portSets: ids.subarray(0, n), names };
      continue;
    }
    // Range x as a source: the workloads for which a run of ingress ranges starts here, grouped by the run's end.
    const x = row.from - N;
    let n = 0;
    let runEnd = -1;
    const flush = function* () {
      if (n > 0) yield { from: span(x, runEnd), to: to.subarray(0, n), portSets: ids.subarray(0, n), names };
      n = 0;
    };
    for (let k = 0; k < row.to.length; k++) {
      const a = row.to[k] as number;
      const id = row.portSets[k] as number;
      if (x > 0 && follows(x - 1) && c.allowed(N + x - 1, a) === id) continue;
      let last = x;
      while (follows(last) && c.allowed(N + last + 1, a) === id) last++;
      if (last !== runEnd) {
        yield* flush();
        runEnd = last;
      }
      to[n] = a;
      ids[n++] = id;
    }
    yield* flush();
  }
}

/** Every shown pair as `head(from) name(to) tail(port set)`, in bytes. */
function* pairLines(c: Connectivity, head: (from: string, first: boolean) => string, name: (to: string) => string, tail: (portSet: number) => string): Generator<Buffer> {
  const names = new Map<number, Buffer>();
  const tails = new Map<number, Buffer>();
  const out = new ByteChunker();
  let first = true;
  for (const row of shownRows(c)) {
    const h = Buffer.from(head(row.from, first));
    const rest = first ? Buffer.from(head(row.from, false)) : h;
    first = false;
    for (let k = 0; k < row.to.length; k++) {
      const to = row.to[k] as number;
      const ps = row.portSets[k] as number;
      let n = to >= 0 ? names.get(to) : Buffer.from(name(row.names[-1 - to] as string));
      if (!n) names.set(to, (n = Buffer.from(name(c.endpoints[to] as string))));
      let t = tails.get(ps);
      if (!t) tails.set(ps, (t = Buffer.from(tail(ps))));
      const lead = k === 0 ? h : rest;
      const full = out.room(lead.length + n.length + t.length);
      if (full) yield full;
      out.append(lead);
      out.append(n);
      out.append(t);
    }
  }
  const last = out.take();
  if (last.length > 0) yield last;
}

/**
 * `--output json`: `{"connectivity": [{"from", "to", "connections"}]}`, one
 * connection per line, in endpoint order (from-major).
 */
export function* connectivityJsonChunks(c: Connectivity, notEvaluated: readonly NotEvaluatedSummary[] = []): Generator<string | Uint8Array> {
  const conn = portText(c.ports, (x) => JSON.stringify(x));
  let any = false;
  yield '{\n  "connectivity": [';
  for (const chunk of pairLines(
    c,
    (from, first) => `${first ? '' : ','}\n    {"from":${JSON.stringify(from)},"to":`,
    (to) => JSON.stringify(to),
    (ps) => `,"connections":${conn(ps)}}`,
  )) {
    any = true;
    yield chunk;
  }
  // Connections of endpoints a policy floe does not evaluate selects are not determined: listed after the pairs, only when there are any.
  const unknown = notEvaluated.length > 0 ? `,\n  "notEvaluated": ${JSON.stringify(notEvaluated)}` : '';
  yield `${any ? '\n  ' : ''}]${unknown}\n}\n`;
}

/** `--output text`: `from -> to: ports`, one per line. */
export function* connectivityTextChunks(c: Connectivity): Generator<string | Uint8Array> {
  const conn = portText(c.ports, connectionsText);
  let any = false;
  for (const chunk of pairLines(c, (from) => `${from} -> `, (to) => to, (ps) => `: ${conn(ps)}\n`)) {
    any = true;
    yield chunk;
  }
  if (!any) yield 'no connection is allowed\n';
}

/**
 * `--output yaml`: the JSON's object as block YAML, streamed one connection at a
 * time; byte for byte what emitYaml writes for `{connectivity: [...]}` whole.
 */
export function* connectivityYamlChunks(c: Connectivity): Generator<string | Uint8Array> {
  const conn = portText(c.ports, (x) =>
    emitYaml({ connections: JSON.parse(JSON.stringify(x)) as unknown })
      .split('\n')
      .map((l) => (l === '' ? l : `    ${l}`))
      .join('\n'),
  );
  let any = false;
  for (const chunk of pairLines(c, (from) => `  - from: ${yamlString(from)}\n    to: `, (to) => yamlString(to), (ps) => `\n${conn(ps)}`)) {
    if (!any) yield 'connectivity:\n';
    any = true;
    yield chunk;
  }
  if (!any) yield 'connectivity: []\n';
}

/**
 * Namespace-level edges: `A -> B` when some endpoint of A may reach some endpoint of B; external ranges are `External`.
 * Each edge is labelled with the union of the ports behind it, so an allow-all edge does not look like a TCP/443 one.
 */
export function namespaceGraph(c: Connectivity): { nodes: string[]; edges: [string, string][]; labels: string[] } {
  const nodes = new Set<string>();
  c.endpoints.forEach((_, i) => nodes.add(c.namespaceOf(i) ?? 'External'));
  const edges = c.namespaceEdges();
  return { nodes: [...nodes].sort(compareStrings), edges: edges.map((e) => [e.from, e.to]), labels: edges.map((e) => connectionsText(c.ports.connections(e.portSet))) };
}

const dotId = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

/** `--output dot`: the namespace graph (its size follows namespaces, never pairs). */
export function* connectivityDotChunks(c: Connectivity): Generator<string> {
  const g = namespaceGraph(c);
  yield `digraph connectivity {\n  rankdir=LR;\n${g.nodes.map((x) => `  ${dotId(x)}${x === 'External' ? ' [shape=cloud]' : ''};`).join('\n')}\n`;
  const out = new Chunker();
  for (const [i, [a, b]] of g.edges.entries()) {
    const chunk = out.add(`  ${dotId(a)} -> ${dotId(b)} [label=${dotId(g.labels[i] ?? '')}];\n`);
    if (chunk !== null) yield chunk;
  }
  yield `${out.take()}}\n`;
}

/** `--output mermaid`: the namespace graph, edges labelled with their ports. */
export function* connectivityMermaidChunks(c: Connectivity): Generator<string> {
  const g = namespaceGraph(c);
  const id = new Map(g.nodes.map((x, i) => [x, `n${i}`]));
  yield `flowchart LR\n${g.nodes.map((x) => `  ${id.get(x) as string}["${x.replace(/"/g, '#quot;')}"]`).join('\n')}\n`;
  const out = new Chunker();
  for (const [i, [a, b]] of g.edges.entries()) {
    const chunk = out.add(`  ${id.get(a) as string} -->|"${(g.labels[i] ?? '').replace(/"/g, '#quot;')}"| ${id.get(b) as string}\n`);
    if (chunk !== null) yield chunk;
  }
  yield out.take();
}

/** The whole dot text, for renderers that need it at once (svg: Graphviz lays out the namespace graph whole). */
export function connectivityDot(c: Connectivity): string {
  return [...connectivityDotChunks(c)].join('');
}

/**
 * `--compact --output json`: `{"groups": [{"id", "endpoints"}], "connectivity":
 * [{"from": [groups], "to": [groups], "connections"}], "pairs"}`.
 */
export function* compactJsonChunks(c: Connectivity, compact: CompactConnectivity = compactConnectivity(c)): Generator<string> {
  const out = new Chunker();
  const conn = portText(c.ports, (x) => JSON.stringify(x));
  yield '{\n  "groups": [';
  for (const [i, g] of compact.groups.entries()) {
    const chunk = out.add(`${i === 0 ? '' : ','}\n    {"id": "${g.id}", "endpoints": ${JSON.stringify(g.endpoints)}}`);
    if (chunk !== null) yield chunk;
  }
  yield `${out.take()}${compact.groups.length > 0 ? '\n  ' : ''}],\n  "connectivity": [`;
  for (const [i, r] of compact.rows.entries()) {
    const chunk = out.add(`${i === 0 ? '' : ','}\n    {"from": ${JSON.stringify(r.from.map((h) => compact.groups[h]?.id))}, "to": ${JSON.stringify(r.to.map((h) => compact.groups[h]?.id))}, "connections": ${conn(r.portSet)}}`);
    if (chunk !== null) yield chunk;
  }
  yield `${out.take()}${compact.rows.length > 0 ? '\n  ' : ''}],\n  "pairs": ${compact.pairs}\n}\n`;
}

/** A YAML block list under `key`, item by item (each through emitYaml, as `-o yaml` writes it whole). */
function* yamlList<T>(key: string, items: readonly T[], item: (x: T) => unknown): Generator<string> {
  if (items.length === 0) {
    yield emitYaml({ [key]: [] });
    return;
  }
  const out = new Chunker();
  yield `${yamlString(key)}:\n`;
  for (const x of items) {
    const text = emitYaml({ [key]: [JSON.parse(JSON.stringify(item(x))) as unknown] });
    const chunk = out.add(text.slice(text.indexOf('\n') + 1));
    if (chunk !== null) yield chunk;
  }
  yield out.take();
}

/** `--compact --output yaml`: the compact JSON's object as block YAML, a group or row at a time. */
export function* compactYamlChunks(c: Connectivity, compact: CompactConnectivity = compactConnectivity(c)): Generator<string> {
  yield* yamlList('groups', compact.groups, (g) => ({ id: g.id, endpoints: g.endpoints }));
  yield* yamlList('connectivity', compact.rows, (r) => ({ from: r.from.map((h) => compact.groups[h]?.id), to: r.to.map((h) => compact.groups[h]?.id), connections: c.ports.connections(r.portSet) }));
  yield emitYaml({ pairs: compact.pairs });
}

/** `--compact --output text`: the groups and their members, then one line per group and port set. */
export function* compactTextChunks(c: Connectivity, compact: CompactConnectivity = compactConnectivity(c)): Generator<string> {
  const conn = portText(c.ports, connectionsText);
  const workloads = compact.groups.reduce((n, g) => n + g.endpoints.filter((e) => !e.endsWith('[External]')).length, 0);
  const ranges = compact.groups.reduce((n, g) => n + g.endpoints.length, 0) - workloads;
  const out = new Chunker();
  yield `${compact.groups.length} groups of endpoints that every policy treats alike (${workloads} workloads, ${ranges} external ranges):\n`;
  for (const g of compact.groups) {
    const chunk = out.add(`  ${g.id}: ${g.endpoints.join(', ')}\n`);
    if (chunk !== null) yield chunk;
  }
  yield `${out.take()}\n${compact.rows.length === 0 ? 'no connection is allowed' : `${compact.rows.length} connections between groups, standing for ${compact.pairs} allowed pairs (every endpoint of each group on the left may reach every endpoint of each group on the right):`}\n`;
  for (const r of compact.rows) {
    const chunk = out.add(`  ${r.from.map((h) => compact.groups[h]?.id as string).join(', ')} -> ${r.to.map((h) => compact.groups[h]?.id as string).join(', ')}: ${conn(r.portSet)}\n`);
    if (chunk !== null) yield chunk;
  }
  yield out.take();
}
