import { InputError } from '../errors.js';
import { PSS_LEVELS, type PssLevel } from '../config/schema.js';

/**
 * The newest policy version this evaluator knows (k8s.io/pod-security-admission v0.37); `latest`
 * and any later v1.N are judged as this one, as the API server does. The local control plane's
 * minor (tests/harness/go/versions.env) must equal it: a test fails when they drift apart.
 */
export const LATEST_MINOR = 37;

/** A level at a policy version, as in `restricted:v1.30`; `version` is `latest` or `v1.N`. */
export interface LevelVersion {
  level: PssLevel;
  version: string;
}

const VERSION = /^v1\.(0|[1-9][0-9]*)$/;

/** The minor version a policy version is judged at: `latest` and versions past the newest known are the newest. */
export function policyMinor(version: string): number {
  if (version === 'latest') return LATEST_MINOR;
  const m = VERSION.exec(version);
  if (!m) throw new InputError(`invalid Pod Security version ${JSON.stringify(version)}: expected latest or v1.N (e.g. v1.30)`);
  return Math.min(Number(m[1]), LATEST_MINOR);
}

/**
 * The warning for a version newer than the newest this floe knows, naming both; undefined
 * for `latest` and known versions. Such a version is judged as the newest known (policyMinor),
 * as an API server judges an enforce-version newer than its own.
 */
export function newerVersionWarning(version: string): string | undefined {
  const m = VERSION.exec(version);
  if (!m || Number(m[1]) <= LATEST_MINOR) return undefined;
  return `Pod Security version ${version} is newer than the newest this floe knows (v1.${LATEST_MINOR}): judged as v1.${LATEST_MINOR}, as an API server judges a version newer than its own`;
}

export function isPssLevel(s: string): s is PssLevel {
  return (PSS_LEVELS as readonly string[]).includes(s);
}

/** Parses `LEVEL[:VERSION]` as the API server writes it in its messages (`restricted`, `baseline:v1.30`, `restricted:latest`). */
export function parseLevelVersion(text: string): LevelVersion {
  const [level = '', version = 'latest', ...rest] = text.split(':');
  if (rest.length || !isPssLevel(level)) {
    throw new InputError(`invalid Pod Security level ${JSON.stringify(text)}: expected LEVEL[:VERSION] with LEVEL one of ${PSS_LEVELS.join(', ')} and VERSION latest or v1.N, e.g. restricted:latest or baseline:v1.30`);
  }
  policyMinor(version);
  return { level, version };
}

export function formatLevelVersion(lv: LevelVersion): string {
  return `${lv.level}:${lv.version}`;
}

/** Every policy version from v1.0 to latest, oldest first. */
export function allPolicyVersions(): string[] {
  return [...Array.from({ length: LATEST_MINOR + 1 }, (_, i) => `v1.${i}`), 'latest'];
}
