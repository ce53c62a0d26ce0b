export {
  type ChangedObject,
  DIFF_KINDS,
  type Difference,
  type DiffKind,
  type DiffPair,
  type DiffReport,
  type DiffResult,
  type ExtraObject,
  type Intent,
  type LiveState,
  type MissingObject,
  type NamespaceStatus,
  type ObjectRef,
  type OrphanCheck,
  type OrphanedNamespace,
  type OrphanedObject,
  type PssLevelStatus,
  type PssMode,
  type PssModeStatus,
  type PssVersionStatus,
} from './types.js';
export { diffIntent } from './diff.js';
export { intentFromGeneration, intentFromFiles, loadIntentDir, parseObjectFile, MAX_OBJECT_FILE_BYTES, type SourceFile } from './intent.js';
export { readLiveState, DEFAULT_PER_NAMESPACE_UP_TO, type ReadOptions } from './live.js';
export { normalizeNetworkPolicySpec, normalizeIntended, normalizeLive } from './normalize.js';
export { compare, canonicalKey, childPath, type Comparison } from './compare.js';
export { comparePodSecurity, levelStatus, versionStatus } from './pss.js';
export { renderDiffText, summaryLine, notes, changedLines, unifiedDiff, objectPath, type DiffTextOptions } from './render.js';
export { readFloeManaged, findOrphans, orphanLines, removeCommands, FLOE_SELECTOR, NAMESPACE_KEPT_REASON, type FloeManagedObjects } from './orphans.js';
