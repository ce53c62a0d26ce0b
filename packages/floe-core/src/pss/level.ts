import { InputError } from '../errors.js';
import { PSS_LEVELS, type PssLevel } from '../config/schema.js';

/** The newest policy version this evaluator knows; `latest` and any later v1.N are judged as this one, as the API server does. */
export const LATEST_MINOR = 35;

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
