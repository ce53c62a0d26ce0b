import { FloeError } from '../errors.js';
import { compareStrings } from '../util/compare.js';
import { evaluatePod } from './evaluate.js';
import { formatLevelVersion, type LevelVersion } from './level.js';
import type { ModePolicy, PssAdmissionMode } from './namespace-policy.js';
import { checksFor } from './registry.js';
import type { PodLike } from './types.js';

/**
 * One question to the API server: "what if this namespace's enforce label said `asked`?"
 * (a server-side dry-run of that label change). Its admission plugin then judges every
 * existing pod of the namespace at that level and answers with warnings.
 */
export interface ServerCheckTarget {
  namespace: string;
  /** Written to the enforce and enforce-version labels of the dry-run. */
  asked: LevelVersion;
  /** The namespace's modes that judge at this level and version. */
  modes: PssAdmissionMode[];
}

const sameChecks = (level: 'baseline' | 'restricted', a: number, b: number): boolean => {
  const x = checksFor(level, a);
  const y = checksFor(level, b);
  return x.length === y.length && x.every((c, i) => c.id === y[i]?.id && c.check === y[i]?.check);
};

/**
 * The API server judges pods only when the enforce level or version changes, so a level
 * equal to the current enforce one is asked in another spelling with the same checks:
 * `latest` as `v1.<server minor>`, a version at or past the server's as `latest`, an older
 * one as the nearest version whose checks are the same (per floe's own check table).
 */
function spelling(lv: LevelVersion & { level: 'baseline' | 'restricted' }, current: LevelVersion, serverMinor: number): string | undefined {
  if (lv.level !== current.level || lv.version !== current.version) return lv.version;
  if (lv.version === 'latest') return `v1.${serverMinor}`;
  const x = Number(lv.version.slice('v1.'.length));
  if (x >= serverMinor) return 'latest';
  for (let d = 1; d <= serverMinor; d++) {
    for (const y of [x - d, x + d]) if (y >= 0 && y < serverMinor && sameChecks(lv.level, x, y)) return `v1.${y}`;
  }
  return undefined;
}

/**
 * What to ask the server for one namespace: each distinct non-privileged level and version
 * among its modes. `unchecked` says why a level cannot be asked (an unparseable label, or
 * no other spelling of the current enforce level).
 */
export function serverCheckTargets(namespace: string, policy: readonly ModePolicy[], serverMinor: number): { targets: ServerCheckTarget[]; unchecked: string[] } {
  const enforce = policy.find((p) => p.mode === 'enforce');
  if (!enforce) return { targets: [], unchecked: [] };
  if (policy.some((p) => p.invalid.length > 0)) return { targets: [], unchecked: [`${namespace}: unparseable Pod Security labels`] };
  const targets = new Map<string, ServerCheckTarget>();
  const unchecked: string[] = [];
  for (const p of policy) {
    if (p.level === 'privileged') continue;
    const key = formatLevelVersion(p);
    const seen = targets.get(key);
    if (seen) {
      seen.modes.push(p.mode);
      continue;
    }
    const version = spelling({ level: p.level, version: p.version }, enforce, serverMinor);
    if (version === undefined) unchecked.push(`${namespace}: ${key} is the current enforce level and has no other spelling with the same checks`);
    else targets.set(key, { namespace, asked: { level: p.level, version }, modes: [p.mode] });
  }
  return { targets: [...targets.values()], unchecked };
}

/**
 * The warnings the API server gives for the dry-run, computed by floe's evaluator: the
 * existing pods judged as they are stored, pods failing with the same reasons grouped
 * under the first name (`web-1 (and 2 other pods): reason, reason`), then the heading.
 */
export function expectedNamespaceWarnings(namespace: string, pods: readonly { name: string; pod: PodLike }[], asked: LevelVersion): string[] {
  const groups = new Map<string, { name: string; count: number }>();
  for (const { name, pod } of pods) {
    const r = evaluatePod(pod, asked, { template: true });
    if (r.allowed) continue;
    const reason = r.violations.map((v) => v.reason).join(', ');
    const g = groups.get(reason);
    if (!g) groups.set(reason, { name, count: 1 });
    else {
      g.count++;
      if (name < g.name) g.name = name;
    }
  }
  if (groups.size === 0) return [];
  const lines = [`existing pods in namespace ${JSON.stringify(namespace)} violate the new PodSecurity enforce level ${JSON.stringify(formatLevelVersion(asked))}`];
  for (const [reason, { name, count }] of groups) lines.push(`${name}${count === 1 ? '' : count === 2 ? ' (and 1 other pod)' : ` (and ${count - 1} other pods)`}: ${reason}`);
  return lines;
}

export interface ServerCheckResult {
  target: ServerCheckTarget;
  /** False when the server judged only some pods (its per-namespace limits): nothing is compared. */
  complete: boolean;
  /** The server's Pod Security warnings (heading and pod lines) compared. */
  compared: number;
  onlyFloe: string[];
  onlyServer: string[];
}

/** Compares the server's Pod Security warnings (those before its heading ignored) with floe's, as sets. */
export function compareServerWarnings(target: ServerCheckTarget, expected: readonly string[], serverWarnings: readonly string[]): ServerCheckResult {
  const complete = !serverWarnings.some((w) => w.startsWith('new PodSecurity enforce level only checked against') || w.startsWith('failed to list pods'));
  // The server puts its pod lines last, after the heading.
  const heading = serverWarnings.findIndex((w) => w.startsWith('existing pods in namespace '));
  const relevant = heading < 0 ? [] : serverWarnings.slice(heading);
  const server = new Set(relevant);
  const floe = new Set(expected);
  return {
    target,
    complete,
    compared: complete ? server.size : 0,
    onlyFloe: complete ? [...floe].filter((w) => !server.has(w)).sort(compareStrings) : [],
    onlyServer: complete ? [...server].filter((w) => !floe.has(w)).sort(compareStrings) : [],
  };
}

/** floe's Pod Security evaluator and the API server disagree: a bug in floe (exit 4). */
export class PssServerDisagreement extends FloeError {
  readonly category = 'internal' as const;
  constructor(readonly results: readonly ServerCheckResult[]) {
    const bad = results.filter((r) => r.onlyFloe.length > 0 || r.onlyServer.length > 0);
    super(
      `Pod Security: floe's evaluator and the API server disagree on ${bad.length} of ${results.length} namespace check${results.length === 1 ? '' : 's'} (a bug in floe; please report it):\n${bad
        .map((r) => [`  namespace ${r.target.namespace} at ${formatLevelVersion(r.target.asked)} (${r.target.modes.join(', ')}):`, ...r.onlyFloe.map((w) => `    floe only:   ${w}`), ...r.onlyServer.map((w) => `    server only: ${w}`)].join('\n'))
        .join('\n')}`,
      { code: 'internal.pss_server_disagreement' },
    );
  }
}
