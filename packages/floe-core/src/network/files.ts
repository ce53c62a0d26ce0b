import type { KubernetesObject } from '../k8s/meta.js';
import { sha256 } from '../util/hash.js';

/**
 * One output file. `content`, `sha256` and `object` may be computed when read
 * (getters): read the fields, do not spread the object.
 */
export interface GeneratedFile {
  /** Relative to the output directory. */
  path: string;
  kind: string;
  namespace: string | null;
  name: string;
  content: string;
  sha256: string;
  /** The object `content` holds (null for the summary), so in-memory callers need not parse YAML back. */
  object: KubernetesObject | null;
}

/** The files of some namespaces and the names of the plugin's objects in each. */
export interface Rendered {
  files: GeneratedFile[];
  policiesByNs: Map<string, string[]>;
  /** Templated domain namespace -> the domain namespace it was instantiated like. */
  alike?: Map<string, string>;
}

/**
 * A file whose sha256 and object are computed on first use: at 10,000 domains
 * most callers read neither. A templated domain's content is also made on
 * each read, so a dry run never holds the 50 MB of text and a real run holds
 * each file only while writing it. They are getters on the prototype, so a
 * spread copy (`{ ...file }`) does not carry them.
 */
class LazyFile implements GeneratedFile {
  #hash: string | undefined;
  #object: KubernetesObject | null | undefined;
  constructor(
    readonly path: string,
    readonly kind: string,
    readonly namespace: string | null,
    readonly name: string,
    private readonly text: string | (() => string),
    private readonly makeObject: () => KubernetesObject | null,
  ) {}

  get content(): string {
    return typeof this.text === 'string' ? this.text : this.text();
  }

  get sha256(): string {
    return (this.#hash ??= sha256(this.content));
  }

  get object(): KubernetesObject | null {
    if (this.#object === undefined) this.#object = this.makeObject();
    return this.#object;
  }
}

export function lazyFile(path: string, kind: string, namespace: string | null, name: string, content: string | (() => string), object: () => KubernetesObject | null): GeneratedFile {
  return new LazyFile(path, kind, namespace, name, content, object);
}
