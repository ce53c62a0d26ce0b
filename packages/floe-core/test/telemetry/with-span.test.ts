import { trace, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { withSpan } from '../../src/telemetry/index.js';

/** A tracer provider that records what withSpan does with its spans. */
function recordingProvider() {
  const spans: { name: string; attributes: unknown; status?: unknown; exception?: unknown; ended: boolean }[] = [];
  const tracer = {
    startActiveSpan(name: string, options: { attributes?: unknown }, fn: (span: Span) => unknown) {
      const record: (typeof spans)[number] = { name, attributes: options.attributes, ended: false };
      spans.push(record);
      const span = {
        setStatus: (status: unknown) => ((record.status = status), span),
        recordException: (err: unknown) => void (record.exception = err),
        end: () => void (record.ended = true),
      } as unknown as Span;
      return fn(span);
    },
  } as unknown as Tracer;
  const provider: TracerProvider = { getTracer: () => tracer };
  return { provider, spans };
}

afterEach(() => {
  trace.disable();
});

describe('withSpan', () => {
  it('runs the function and passes its result and errors through when no SDK is registered', async () => {
    expect(await withSpan('floe.test', {}, async () => 42)).toBe(42);
    await expect(withSpan('floe.test', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('records a span per call, with its attributes and outcome, once a tracer provider is registered', async () => {
    const { provider, spans } = recordingProvider();
    expect(trace.setGlobalTracerProvider(provider)).toBe(true);
    expect(await withSpan('floe.ok', { 'floe.dry_run': true }, async () => 'done')).toBe('done');
    await expect(withSpan('floe.fail', {}, async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(spans.map((s) => [s.name, s.attributes, s.status, s.ended])).toEqual([
      ['floe.ok', { 'floe.dry_run': true }, { code: 1 }, true],
      ['floe.fail', {}, { code: 2, message: 'no' }, true],
    ]);
    expect((spans[1]?.exception as Error).message).toBe('no');
  });
});
