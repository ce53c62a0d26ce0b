import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FLOE_BIN, tempDir, type RunResult } from './run.ts';

/** What a real OTLP/HTTP collector would have received. */
interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface Receiver {
  endpoint: string;
  requests: Received[];
  close(): Promise<void>;
}

/**
 * An OTLP/HTTP receiver on 127.0.0.1: records every request and answers like a
 * collector (200 with an empty ExportTraceServiceResponse), or never answers.
 */
async function receiver(mode: 'answer' | 'hang' = 'answer'): Promise<Receiver> {
  const requests: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      if (mode === 'hang') return;
      const json = String(req.headers['content-type']).includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : '');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((done) => server.close(() => done()));
    },
  };
}

const open: Receiver[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});
async function collector(mode: 'answer' | 'hang' = 'answer'): Promise<Receiver> {
  const r = await receiver(mode);
  open.push(r);
  return r;
}

const IMPORT_LOG_HOOK = pathToFileURL(join(import.meta.dirname, 'fixtures/import-log.mjs')).href;

/**
 * Runs the built CLI with exactly the OTEL_* variables given (none inherited),
 * recording every module it resolves.
 */
async function floeTraced(args: string[], otel: Record<string, string>): Promise<RunResult & { ms: number; modules: string[] }> {
  const cwd = await tempDir();
  const importLog = join(cwd, 'imports.log');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OTEL_') && k !== 'NODE_OPTIONS') env[k] = v;
  Object.assign(env, { FLOE_LOG_LEVEL: 'silent', FLOE_TEST_IMPORT_LOG: importLog, ...otel });
  const started = performance.now();
  const result = await new Promise<RunResult>((done) => {
    execFile(process.execPath, ['--import', IMPORT_LOG_HOOK, FLOE_BIN, ...args], { cwd, env }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
  const ms = performance.now() - started;
  const modules = (await readFile(importLog, 'utf8')).split('\n').filter(Boolean);
  return { ...result, ms, modules };
}

const SDK_MODULE = /node_modules\/@opentelemetry\/(sdk-trace|exporter-trace-otlp-[a-z]+|otlp-exporter-base|otlp-transformer|resources|context-async-hooks)\//;
const sdkModules = (modules: string[]) => modules.filter((m) => SDK_MODULE.test(m));

// --- OTLP JSON (http/json), as the OTLP specification maps the protobuf messages to JSON.
interface JsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
}
interface JsonSpan {
  name: string;
  attributes: { key: string; value: JsonAnyValue }[];
  status: { code?: number };
}
interface JsonTraceRequest {
  resourceSpans: { resource: { attributes: { key: string; value: JsonAnyValue }[] }; scopeSpans: { scope: { name: string }; spans: JsonSpan[] }[] }[];
}

// --- OTLP protobuf (http/protobuf): a wire-format reader for the few fields asserted below
// (opentelemetry/proto/collector/trace/v1 ExportTraceServiceRequest and trace/v1 Span).
function* fields(buf: Buffer): Generator<{ no: number; bytes: Buffer; varint: bigint }> {
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buf[at++];
      if (byte === undefined) throw new Error('truncated varint');
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < buf.length) {
    const key = varint();
    const no = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) yield { no, bytes: Buffer.alloc(0), varint: varint() };
    else if (wire === 2) {
      const len = Number(varint());
      yield { no, bytes: buf.subarray(at, at + len), varint: 0n };
      at += len;
    } else if (wire === 1 || wire === 5) {
      const len = wire === 1 ? 8 : 4;
      yield { no, bytes: buf.subarray(at, at + len), varint: 0n };
      at += len;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
}
const sub = (buf: Buffer, no: number) => [...fields(buf)].filter((f) => f.no === no);

interface DecodedSpan {
  name: string;
  statusCode: number;
}
function decodeProtobuf(body: Buffer): { resource: Record<string, string>; spans: DecodedSpan[] } {
  const resource: Record<string, string> = {};
  const spans: DecodedSpan[] = [];
  for (const rs of sub(body, 1)) {
    for (const res of sub(rs.bytes, 1)) {
      for (const kv of sub(res.bytes, 1)) {
        const key = sub(kv.bytes, 1)[0]?.bytes.toString('utf8') ?? '';
        const str = sub(kv.bytes, 2).flatMap((v) => sub(v.bytes, 1))[0];
        if (str) resource[key] = str.bytes.toString('utf8');
      }
    }
    for (const ss of sub(rs.bytes, 2)) {
      for (const span of sub(ss.bytes, 2)) {
        const status = sub(span.bytes, 15)[0];
        spans.push({
          name: sub(span.bytes, 5)[0]?.bytes.toString('utf8') ?? '',
          statusCode: status ? Number(sub(status.bytes, 3)[0]?.varint ?? 0n) : 0,
        });
      }
    }
  }
  return { resource, spans };
}

const STATUS_OK = 1;
const STATUS_ERROR = 2;

describe('OTLP trace export', () => {
  it('posts the floe.network.generate span as OTLP JSON to /v1/traces with http/json, with the configured headers and service name', async () => {
    const otlp = await collector();
    const r = await floeTraced(['network', 'generate', '--dry-run'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-floe-test=header-value',
      OTEL_SERVICE_NAME: 'floe-ci',
    });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('floe: warning: traces');
    expect(otlp.requests.map((q) => `${q.method} ${q.url}`)).toEqual(['POST /v1/traces']);
    const [req] = otlp.requests as [Received];
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-floe-test']).toBe('header-value');
    const body = JSON.parse(req.body.toString('utf8')) as JsonTraceRequest;
    const [rs] = body.resourceSpans;
    const resource = Object.fromEntries((rs?.resource.attributes ?? []).map((a) => [a.key, a.value.stringValue]));
    expect(resource['service.name']).toBe('floe-ci');
    expect(resource['service.version']).toMatch(/^\d+\.\d+\.\d+/);
    const spans = rs?.scopeSpans.flatMap((s) => s.spans) ?? [];
    const span = spans.find((s) => s.name === 'floe.network.generate');
    expect(span).toBeDefined();
    expect(span?.status.code).toBe(STATUS_OK);
    expect(span?.attributes).toContainEqual({ key: 'floe.dry_run', value: { boolValue: true } });
  });

  it('sends protobuf by default (http/protobuf) and names the service floe', async () => {
    const otlp = await collector();
    const r = await floeTraced(['network', 'generate', '--dry-run'], { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint });
    expect(r.code).toBe(0);
    expect(otlp.requests.map((q) => `${q.method} ${q.url}`)).toEqual(['POST /v1/traces']);
    const [req] = otlp.requests as [Received];
    expect(req.headers['content-type']).toBe('application/x-protobuf');
    const decoded = decodeProtobuf(req.body);
    expect(decoded.resource['service.name']).toBe('floe');
    expect(decoded.spans).toContainEqual({ name: 'floe.network.generate', statusCode: STATUS_OK });
  });

  it('uses OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as the full URL', async () => {
    const otlp = await collector();
    const r = await floeTraced(['network', 'generate', '--dry-run'], {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${otlp.endpoint}/custom/traces`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    expect(r.code).toBe(0);
    expect(otlp.requests.map((q) => `${q.method} ${q.url}`)).toEqual(['POST /custom/traces']);
  });

  it('exports the span with an error status when the command fails, and keeps its exit code', async () => {
    const otlp = await collector();
    const r = await floeTraced(['network', 'generate', '--manifest', 'missing.yaml'], { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    expect(r.code).toBe(2);
    const body = JSON.parse(otlp.requests[0]?.body.toString('utf8') ?? '{}') as JsonTraceRequest;
    const span = body.resourceSpans?.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans)).find((s) => s.name === 'floe.network.generate');
    expect(span?.status.code).toBe(STATUS_ERROR);
  });

  it('gives up on a collector that never answers after about 2 s, with one warning line and the exit code of the command', async () => {
    const otlp = await collector('hang');
    const r = await floeTraced(['network', 'generate', '--dry-run'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cr3t-token',
      // The exporter alone would wait this long (and retry within it): only floe's own bound ends the run sooner.
      OTEL_EXPORTER_OTLP_TIMEOUT: '30000',
    });
    expect(r.code).toBe(0);
    expect(otlp.requests.length).toBeGreaterThan(0);
    expect(r.ms).toBeLessThan(10_000);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('traces'));
    expect(warnings).toEqual([`floe: warning: traces were not exported: ${otlp.endpoint}/v1/traces did not accept them within 2 s`]);
    expect(r.stderr).not.toContain('s3cr3t');
  });

  it('gives up on a closed port within about 2 s and keeps a failing exit code; the URL is shown without its credentials', async () => {
    const closed = await receiver();
    await closed.close();
    const url = new URL(closed.endpoint);
    const r = await floeTraced(['network', 'generate', '--manifest', 'missing.yaml'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://user:pa55word@${url.host}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: '30000',
    });
    expect(r.code).toBe(2);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.stderr.split('\n').filter((l) => l.includes('traces'))).toEqual([
      `floe: warning: traces were not exported: http://${url.host}/v1/traces did not accept them within 2 s`,
    ]);
    expect(r.stderr).not.toContain('pa55word');
  });

  it('loads the OpenTelemetry API and SDK only when an OTLP endpoint is set', async () => {
    const otlp = await collector();
    const without = await floeTraced(['network', 'generate', '--dry-run'], { OTEL_SERVICE_NAME: 'floe', OTEL_EXPORTER_OTLP_HEADERS: 'a=b' });
    expect(without.code).toBe(0);
    // Without a registered SDK the API's tracer is a no-op: withSpan does not even load it.
    expect(without.modules.some((m) => m.includes('/@opentelemetry/api/'))).toBe(false);
    expect(sdkModules(without.modules)).toEqual([]);
    expect(without.stderr).not.toContain('traces');

    const withIt = await floeTraced(['network', 'generate', '--dry-run'], { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint });
    expect(sdkModules(withIt.modules).length).toBeGreaterThan(0);
    expect(withIt.modules.some((m) => m.includes('/@opentelemetry/api/'))).toBe(true);
    expect(otlp.requests).toHaveLength(1);
  });

  it('makes no request and loads no SDK when OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, even with an endpoint', async () => {
    const otlp = await collector();
    const switchedOff: Record<string, string>[] = [{ OTEL_SDK_DISABLED: 'true' }, { OTEL_TRACES_EXPORTER: 'none' }];
    for (const off of switchedOff) {
      const r = await floeTraced(['network', 'generate', '--dry-run'], { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, ...off });
      expect(r.code).toBe(0);
      expect(sdkModules(r.modules)).toEqual([]);
    }
    expect(otlp.requests).toEqual([]);
  });

  it('warns once and runs untraced when asked for the grpc protocol or given an endpoint that is no http(s) URL', async () => {
    const otlp = await collector();
    const cases: [Record<string, string>, string][] = [
      [
        { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
        'floe: warning: traces are not exported: OTLP protocol "grpc" is not supported by floe; use http/protobuf (the default) or http/json',
      ],
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'otel-collector:4318' }, 'floe: warning: traces are not exported: OTEL_EXPORTER_OTLP_ENDPOINT is not an http(s) URL'],
    ];
    for (const [otel, warning] of cases) {
      const r = await floeTraced(['network', 'generate', '--dry-run'], otel);
      expect(r.code).toBe(0);
      expect(r.stderr.split('\n').filter((l) => l.includes('traces'))).toEqual([warning]);
      expect(sdkModules(r.modules)).toEqual([]);
    }
    expect(otlp.requests).toEqual([]);
  });
});
