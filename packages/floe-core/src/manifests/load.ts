import { statSync } from 'node:fs';
import { InputError } from '../errors.js';
import { LIMITS } from './limits.js';
import { parseManifestObjects, type ManifestObject, type ManifestProblem } from './objects.js';
import { InputFileError, listInputDir, readEntryText, readInputText } from './read.js';

/** The extensions kubectl reads from a directory (`kubectl apply -f DIR`); JSON is YAML too. */
export const OBJECT_FILE = /\.(ya?ml|json)$/i;

/** One input file's text, as read. */
export interface InputText {
  /** As shown in messages: the path as given (or below the directory given), or `<stdin>`. */
  file: string;
  text: string;
}

export interface ReadInputsOptions {
  /** Walk directories recursively (`kubectl -R`); hidden files and directories are skipped then. */
  recursive?: boolean;
  /** Byte cap per file; default LIMITS.fileBytes. */
  maxBytes?: number;
  /** The text of `-`, read by the caller (stdin is the CLI's). */
  stdin?: () => Promise<string>;
  /** How a missing path is named in messages (`--from-dir DIR`). */
  label?: string;
}

/** A stream's text (stdin for `-f -`), capped like a file. */
export async function readStreamText(stream: AsyncIterable<Uint8Array>, name = '<stdin>', maxBytes: number = LIMITS.fileBytes): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > maxBytes) throw new InputError(`${name}: more than ${maxBytes} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The texts of `paths`: files as given, directories as their `.yaml`, `.yml`
 * and `.json` files (sorted; recursive when asked), `-` as stdin. Every file
 * goes through the safe reader (read.ts).
 */
export async function readInputTexts(paths: readonly string[], options: ReadInputsOptions = {}): Promise<InputText[]> {
  const maxBytes = options.maxBytes ?? LIMITS.fileBytes;
  const out: InputText[] = [];
  for (const path of paths) {
    if (path === '-') {
      if (!options.stdin) throw new InputError('- (stdin) is not an input here');
      out.push({ file: '<stdin>', text: await options.stdin() });
      continue;
    }
    let isDir: boolean;
    try {
      // stat only decides file or directory; the reader below refuses what it must (links out of the input, FIFOs, /proc).
      isDir = statSync(path).isDirectory();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new InputFileError(path, 'missing', `cannot read ${options.label ? `${options.label} ` : ''}${path}: no such file or directory`, { cause: err });
      throw new InputFileError(path, 'unreadable', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
    if (!isDir) {
      out.push({ file: path, text: readInputText(path, { maxBytes }) });
      continue;
    }
    const entries = listInputDir(path, { recursive: options.recursive ?? false, skipHidden: options.recursive ?? false }).filter((e) => e.type !== 'directory' && OBJECT_FILE.test(e.name));
    for (const e of entries) out.push({ file: e.path, text: readEntryText(e, maxBytes) });
  }
  return out;
}

/** Every object of every input, with every problem (each names file, line and column). */
export function parseInputs(inputs: readonly InputText[]): { objects: ManifestObject[]; problems: ManifestProblem[] } {
  const objects: ManifestObject[] = [];
  const problems: ManifestProblem[] = [];
  for (const { file, text } of inputs) {
    const parsed = parseManifestObjects(text, file);
    objects.push(...parsed.objects);
    problems.push(...parsed.problems);
  }
  return { objects, problems };
}
