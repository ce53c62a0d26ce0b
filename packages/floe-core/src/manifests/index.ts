/**
 * @floe/core/manifests: the one object reader. Paths in, located Kubernetes
 * objects out, read the way kubectl reads them, with one table of limits.
 */
export { LIMITS } from './limits.js';
export {
  InputFileError,
  listInputDir,
  readEntryText,
  readInputBytes,
  readInputText,
  readInputTextIfExists,
  type DirectoryEntry,
  type InputFileErrorCode,
  type ListOptions,
  type ReadFileOptions,
} from './read.js';
export { ManifestInputError, parseManifestObjects, type ManifestObject, type ManifestProblem, type ParsedObjects } from './objects.js';
export { OBJECT_FILE, parseInputs, readInputTexts, readStreamText, type InputText, type ReadInputsOptions } from './load.js';
export {
  applyEdits,
  documentsText,
  documentValue,
  editDocument,
  hasAliases,
  locateNode,
  parseYaml,
  positionOf,
  sourceLayout,
  type ParsedYaml,
  type PathSegment,
  type YamlDocument,
  type YamlEdit,
  type YamlLayout,
  type YamlProblem,
  type YamlVersion,
} from './yaml.js';
