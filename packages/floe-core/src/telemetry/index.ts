import type * as OtelApi from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger, LevelWithSilent };

/** Where a logger writes: each record as one JSON line (a trailing newline included). */
export interface LogDestination {
  write(line: string): void;
}

/**
 * Logs go to stderr as JSON lines (results own stdout), or to `destination`,
 * which gets the same JSON lines (a terminal shows them as text). Tokens and
 * keys never reach a log: the paths below are redacted wherever they appear.
 */
export function createLogger(level: LevelWithSilent = 'info', destination?: LogDestination): Logger {
  return pino(
    {
      name: 'floe',
      level,
      base: undefined,
      redact: { paths: ['token', '*.token', 'password', '*.password', 'authorization', '*.authorization', 'clientKey', '*.clientKey'], censor: '[redacted]' },
    },
    destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

export interface AuditEvent {
  operation: string;
  result: 'success' | 'failure' | 'dry-run';
  [field: string]: unknown;
}

/** One structured audit record per operation, under the `audit` key so it is easy to filter. */
export function auditEvent(logger: Logger, event: AuditEvent): void {
  logger.info({ audit: event }, `${event.operation}: ${event.result}`);
}

/**
 * Where every copy of the OpenTelemetry API (1.x) keeps its registered
 * globals: the API creates this entry the first time a tracer provider,
 * context manager or propagator is registered, and every copy of the API
 * shares it. Until then the API's tracer is a no-op.
 */
const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

let api: typeof OtelApi | undefined;

/**
 * Runs `fn` inside an OpenTelemetry span. Without a registered SDK the API is
 * a no-op, so this costs nothing unless the embedding program wires one up:
 * the API itself (51 modules, about 20 ms) is not even loaded until then.
 */
export async function withSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  if (!(OTEL_API_GLOBAL in globalThis)) return fn();
  api ??= await import('@opentelemetry/api');
  const { SpanStatusCode, trace } = api;
  return trace.getTracer('@floe/core').startActiveSpan(name, { attributes }, async (span) => {
    try {
      const result = await fn();
      span.setStatus({ code: SpanStatusCode.OK });
      return result;
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}
