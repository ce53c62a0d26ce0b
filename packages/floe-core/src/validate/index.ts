export { CHECK_IDS, CHECK_INFO, type CheckId, type CheckResult, type CheckStatus, type Problem, problem, statusOf, type ValidationReport } from './types.js';
export {
  ANNOTATIONS_MAX_BYTES,
  DNS1123_LABEL_MAX,
  DNS1123_SUBDOMAIN_MAX,
  dns1123Label,
  dns1123Subdomain,
  LABEL_VALUE_MAX,
  labelValue,
  portName,
  portNumber,
  qualifiedName,
} from './k8s-names.js';
export { FLOE_KINDS, isFloeKind, schemaIssues, PROTOCOLS, POLICY_TYPES, SELECTOR_OPERATORS, type FloeKind, type SchemaIssue } from './k8s-schema.js';
export { parseSource, formatPath, SourceDocument, MAX_FILE_BYTES, type ParsedSource, type PathSegment, type Position } from './source.js';
export { checkFiles, checkSchema, OBJECT_FILE, NON_OBJECT_FILES, type DirEntry, type LoadedObject } from './files.js';
export { checkCurrent, type ExpectedFile } from './current.js';
export { checkComplete } from './complete.js';
export {
  checkCni,
  checkKubernetesApiEgress,
  checkServerDryRun,
  type CniCheck,
  type CniOutcome,
  FIELD_MANAGER,
  fieldInMessage,
  parseFieldPath,
  STAND_IN_NAMESPACES,
} from './server.js';
export { objectKinds, type ObjectKind } from './kinds.js';
export { CiliumNetworkPolicySchema } from './cilium-schema.js';
export { ChecksFailed, failedChecks, type ServerInput, type ValidateInput, validateNetwork, validateOffline } from './run.js';
export { readNetworkDir } from './read-dir.js';
export { renderText, renderJson, formatProblem, checkList, type TextOptions } from './render.js';
export { artifactUri, renderSarif, SARIF_SCHEMA_URI, type SarifLog, type SarifResult, type SarifRule, type SarifRun } from './sarif.js';
