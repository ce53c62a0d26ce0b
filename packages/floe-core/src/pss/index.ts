export type { CheckFailure, CheckPodFn, PodLike, PodMetadata, PodSpec as PssPodSpec, PssCheck, VersionedCheck } from './types.js';
export { PSS_CHECKS, checksFor, type ActiveCheck } from './registry.js';
export { LATEST_MINOR, allPolicyVersions, formatLevelVersion, isPssLevel, parseLevelVersion, policyMinor, type LevelVersion } from './level.js';
export { preparePod } from './prepare.js';
export {
  admissionMessage,
  evaluatePod,
  evaluatePrepared,
  templatePassesEnforce,
  versionRange,
  violationSummary,
  type EvaluateOptions,
  type PssResult,
  type PssViolation,
  type TemplateEnforceResult,
} from './evaluate.js';
export { PSS_WORKLOAD_KINDS, podOf, type PodSource } from './workloads.js';
export { pathSegments, podShapeProblems, type ShapeProblem } from './shape.js';
export { MAX_MANIFEST_FILE_BYTES, ManifestInputError, parseManifestObjects, type ManifestObject, type ManifestProblem } from '../manifests/objects.js';
