import { createRequire } from 'node:module';
import type { SpanExporter } from '@opentelemetry/sdk-trace';

/**
 * OTLP/HTTP trace export. Commands run in an OpenTelemetry span (withSpan in
 * @floe/core); without a registered SDK those spans are no-ops. The SDK and
 * the exporter are imported only when an OTLP endpoint is configured, so a
 * plain run loads nothing of them and starts as fast as before.
 *
 * Everything else is the standard OpenTelemetry configuration, read by the SDK
 * itself: OTEL_EXPORTER_OTLP_[TRACES_]HEADERS, _TIMEOUT, _COMPRESSION, the
 * certificate variables, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES.
 */

/** How long the CLI waits for its spans to reach the collector before it exits anyway. */
export const FLUSH_TIMEOUT_MS = 2000;

/** OpenTelemetry JS SDK 3 supports Node.js >= 22.15, above floe's own floor of 22.12. */
const SDK_MIN_NODE: readonly [number, number] = [22, 15];

export interface Tracing {
  /**
   * Flushes and stops the SDK within FLUSH_TIMEOUT_MS; warns on stderr (one
   * line) when the spans could not be delivered. Resolves false when the
   * deadline passed with an export still in flight: the exporter's pending
   * request or retry timer would then keep the process alive.
   */
  shutdown(): Promise<boolean>;
}

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** True when the environment asks for OTLP trace export (the SDK's own off switches included). */
function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  if (!set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && !set(env.OTEL_EXPORTER_OTLP_ENDPOINT)) return false;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (set(env.OTEL_TRACES_EXPORTER) && !env.OTEL_TRACES_EXPORTER.split(',').some((e) => e.trim() === 'otlp')) return false;
  return true;
}

/** Where the spans go, as the exporter computes it, without credentials; undefined when it is no URL. */
function tracesUrl(env: NodeJS.ProcessEnv): { name: string; url: string | undefined } {
  const name = set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const raw =
    name === 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
      ? (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? '').trim()
      : `${(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim().replace(/\/+$/, '')}/v1/traces`;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) return { name, url: undefined };
  const url = new URL(raw);
  url.username = '';
  url.password = '';
  return { name, url: url.href };
}

function warn(message: string): void {
  process.stderr.write(`floe: warning: ${message}\n`);
}

function nodeSupported(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > SDK_MIN_NODE[0] || (major === SDK_MIN_NODE[0] && minor >= SDK_MIN_NODE[1]);
}

/**
 * Starts the OpenTelemetry SDK when the environment asks for OTLP export;
 * otherwise returns undefined having imported nothing. A configuration the SDK
 * cannot use gives one warning line and the command runs untraced.
 */
export async function startTracing(): Promise<Tracing | undefined> {
  const env = process.env;
  if (!tracingRequested(env)) return undefined;
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf').trim();
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    warn(`traces are not exported: OTLP protocol "${protocol}" is not supported by floe; use http/protobuf (the default) or http/json`);
    return undefined;
  }
  const { name, url } = tracesUrl(env);
  if (!url) {
    warn(`traces are not exported: ${name} is not an http(s) URL`);
    return undefined;
  }
  if (!nodeSupported()) {
    warn(`traces are not exported: the OpenTelemetry SDK needs Node.js >= ${SDK_MIN_NODE.join('.')} (this is ${process.versions.node})`);
    return undefined;
  }
  try {
    return await start(protocol, url);
  } catch (err) {
    warn(`traces are not exported to ${url}: ${(err as Error).message}`);
    return undefined;
  }
}

async function start(protocol: 'http/protobuf' | 'http/json', url: string): Promise<Tracing> {
  const [{ context, trace }, { AsyncLocalStorageContextManager }, { ExportResultCode }, resources, { BatchSpanProcessor, TracerProvider }, semconv, { OTLPTraceExporter }] =
    await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/semantic-conventions'),
      protocol === 'http/json' ? import('@opentelemetry/exporter-trace-otlp-http') : import('@opentelemetry/exporter-trace-otlp-proto'),
    ]);
  const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

  // The exporter reports failures only to its callback; keep the last one for the warning.
  let failure: string | undefined;
  const otlp = new OTLPTraceExporter();
  const exporter: SpanExporter = {
    export(spans, done) {
      otlp.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) failure = result.error?.message || 'export failed';
        done(result);
      });
    },
    shutdown: () => otlp.shutdown(),
    forceFlush: () => otlp.forceFlush(),
  };

  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ [semconv.ATTR_SERVICE_NAME]: 'floe', [semconv.ATTR_SERVICE_VERSION]: version }))
    .merge(resources.detectResources({ detectors: [resources.resourceAttributesEnvDetector, resources.serviceNameEnvDetector] }));
  const provider = new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter })] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);

  return {
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((done) => {
        timer = setTimeout(() => done('timeout'), FLUSH_TIMEOUT_MS);
      });
      const outcome = await Promise.race([provider.shutdown().then(() => 'done' as const, (err: unknown) => err as Error), deadline]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        warn(`traces were not exported: ${url} did not accept them within ${FLUSH_TIMEOUT_MS / 1000} s${failure ? ` (${failure})` : ''}`);
        return false;
      }
      const reason = outcome === 'done' ? failure : outcome.message;
      if (reason) warn(`traces were not exported to ${url}: ${reason}`);
      return true;
    },
  };
}
