/**
 * @floe/core/harden: `floe network harden`, floe's hardened pod and container
 * security context merged into the user's own workloads (internal).
 */
export { DEFAULT_ROLE, hardenPolicy, hardenSettings, NAMESPACE_ROLES, settingsFor, type HardenChange, type HardenFinding, type HardenPolicy, type HardenSettings, type NamespaceRole } from './rules.js';
export { fieldPath, HardenConflicts, hardenInputs, type HardenInputsOptions, type HardenedFile, type HardenedWorkload, type HardenResult, type Located } from './run.js';
export { HardeningMissing, hardenCheckJson, hardenCheckOutcome, hardenCheckText, hardenedStream, hardenPatches } from './output.js';
export { smpPatch } from './patch.js';
