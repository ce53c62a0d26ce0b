import type { ContainerInfo } from './types.js';

export interface ImageRef {
  /** Registry host when the reference names one (docker.io is implied otherwise). */
  registry: string | null;
  /** Path below the registry: calico/node, cilium/cilium, kindest/kindnetd. */
  repository: string;
  /** Last path segment: node, cilium, kindnetd. */
  name: string;
  tag: string | null;
  digest: string | null;
}

/** Splits an image reference as the container runtime reads it: [registry/]path[:tag][@digest]. */
export function parseImage(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  // A colon after the last slash is a tag; before it, a registry port (localhost:5000/x).
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1) || null;
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  // Docker's rule: the first segment is a registry when it has a dot or a port, or is localhost.
  const registry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : null;
  const repository = (registry ? parts.slice(1) : parts).join('/');
  return { registry, repository, name: parts[parts.length - 1] ?? '', tag, digest };
}

/** The version an image tag states, or null for a digest-only or `latest` image. */
export function imageVersion(image: string): string | null {
  const { tag } = parseImage(image);
  return tag && tag !== 'latest' ? tag : null;
}

/** command then args: flags may sit in either. */
export function argv(container: ContainerInfo): string[] {
  return [...container.command, ...container.args];
}

/**
 * The value of a command-line flag: `--name=value` (or `-name=value`), or 'true' for a
 * bare `--name` (Go boolean flags take no separate value). The last occurrence wins, as in Go.
 */
export function flagValue(args: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (const arg of args) {
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(arg);
    if (m?.[1] === name) value = m[2] ?? 'true';
  }
  return value;
}

/** Go's strconv.ParseBool; undefined for anything else. */
export function parseGoBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  return undefined;
}
