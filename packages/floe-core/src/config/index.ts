/**
 * @floe/core/config: the manifest schema, loading with limits and located problems, the JSON Schema, problem codes.
 * Listed by name: an internal helper never becomes API by accident.
 */

export {
  DEFAULT_EXTERNAL_HTTPS_EXCEPT,
  DEFAULT_SERVICE_POD_LABELS,
  domainNamespace,
  externalHttpsFqdns,
  ManifestSchema,
  PSS_LEVELS,
  SERVICE_KEYS,
  STRICT_KEY,
  type AdmissionGuardConfig,
  type AdmissionGuardMode,
  type EgressAllowRule,
  type FloeManifest,
  type NetworkPoliciesConfig,
  type PodSecurityConfig,
  type Protocol,
  type PssLevel,
  type SecurityConfig,
  type ServiceKey,
} from './schema.js';
export { defaultManifest, loadManifestFile, MAX_ALIAS_COUNT, MAX_MANIFEST_BYTES, parseManifest, type LoadedManifest, type ParseOptions } from './load.js';
export { fqdnProblem, isFqdnPattern } from './fqdn.js';
export { manifestJsonSchema } from './json-schema.js';
export { MANIFEST_PROBLEM_CODES, problemCode, type ManifestProblemCode } from './problem-codes.js';
