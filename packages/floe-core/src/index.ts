/**
 * The public API of @floe/core: what the CLI, plugins and other tools may
 * import, gathered from the area entries below. Each area entry lists its
 * exports by name, so an internal helper never becomes API by accident, and
 * each is also a subpath of its own (`@floe/core/config`, `@floe/core/plugin`,
 * ...): importing one loads only that area's modules, which is what keeps
 * `floe network generate` from loading the cluster client, the policy engine
 * or the Pod Security evaluator. @floe/core/testing holds the plugin contract suite.
 */

export { EnvironmentError, FindingError, FloeError, formatIssue, InputError, ManifestError, type ErrorCategory, type ManifestIssue } from './errors.js';
export * from './config/index.js';
export * from './intent/index.js';
export * from './plugin/index.js';
export * from './network/index.js';
export { auditEvent, createLogger, withSpan, type AuditEvent, type LevelWithSilent, type Logger } from './telemetry/index.js';
export * from './util/index.js';
export * from './cluster/index.js';
export * from './cni/index.js';
export * from './validate/index.js';
export * from './pss/index.js';
export * from './diff/index.js';
export * from './policy/index.js';
export { LIVE_RESOURCES, loadObjectsFromDir, parseObjects, readLiveObjects } from './inventory/index.js';
