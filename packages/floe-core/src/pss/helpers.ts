import { compareStrings } from '../util/compare.js';
import type { Container, PodSpec } from './types.js';

/** `"a", "b"` — quoted and comma-joined, as upstream messages list names. */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** Sorted by code unit (Go's sort.Strings order), duplicates removed. */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort(compareStrings);
}

const none: readonly Container[] = [];

/** Init containers, then containers, then ephemeral containers: the order the API server names them in. */
export function visitContainers(spec: PodSpec, visit: (c: Container) => void): void {
  for (const c of spec.initContainers ?? none) visit(c);
  for (const c of spec.containers ?? none) visit(c);
  for (const c of spec.ephemeralContainers ?? none) visit(c);
}

/** Names of the containers (in visitContainers order) for which `test` holds. */
export function containersWhere(spec: PodSpec, test: (c: Container) => boolean): string[] {
  const names: string[] = [];
  visitContainers(spec, (c) => {
    if (test(c)) names.push(c.name);
  });
  return names;
}

/** `container "a"` / `containers "a", "b"`. */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

export function isWindows(spec: PodSpec): boolean {
  return spec.os?.name === 'windows';
}

/** User-namespaced pods (hostUsers: false) are relaxed by some checks from v1.35 on. */
export function inUserNamespace(spec: PodSpec): boolean {
  return spec.hostUsers === false;
}
