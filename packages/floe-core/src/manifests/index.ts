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
