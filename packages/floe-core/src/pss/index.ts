export type { CheckFailure, CheckPodFn, PodLike, PodMetadata, PodSpec as PssPodSpec, PssCheck, VersionedCheck } from './types.js';
export { PSS_CHECKS, checksFor, type ActiveCheck } from './registry.js';
export { LATEST_MINOR, allPolicyVersions, formatLevelVersion, isPssLevel, newerVersionWarning, parseLevelVersion, policyMinor, type LevelVersion } from './level.js';
export { preparePod, prepareTemplate } from './prepare.js';
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
export { ManifestInputError, parseManifestObjects, type ManifestObject, type ManifestProblem } from '../manifests/objects.js';
export { namespacePssPolicy, newerVersionWarnings, PSS_MODES, type ModePolicy, type PssAdmissionMode, type PssDefaults } from './namespace-policy.js';
// Pod Security findings for audit: judged by the evaluator, reported as policy findings.
export { pssFix, type PssFix } from './fix.js';
export { PSS_MODE_SEVERITY, pssRemedy, pssSubjects, pssViolationFindings, type PssFindingOptions, type PssSubject, type PssViolationFinding } from './violations.js';
export { compareServerWarnings, expectedNamespaceWarnings, PssServerDisagreement, serverCheckTargets, type ServerCheckResult, type ServerCheckTarget } from './server-check.js';
export { podSecurityLabelFindings, type ConfiguredPodSecurity } from './labels.js';
// `floe network pss check`: inputs -> report, and its text and JSON.
export { checkObjects, describeObject, PodSecurityViolations, pssCheckOutcome, readPssInputs, refusedPhrase, type PssCheckedObject, type PssCheckReport, type PssSkippedObject } from './check.js';
export { pssCheckJson, pssCheckText } from './check-output.js';
// The core renders Pod Security (Namespace labels, the hardened PodTemplate); network/ re-exports these for generate.
export { containerSecurityContext, hardenedPod, PLACEHOLDER_IMAGE, POD_TEMPLATE_NAME, podSecurityContext, renderNamespace, renderPodTemplate, writableVolumes } from './render.js';
