/**
 * Pod Security label drift on a Namespace. A level label that is missing,
 * weaker than intended or not a level at all is drift; a stricter one is not
 * (the cluster is tighter than floe asked) but is reported. The `-version`
 * labels pin which release's rules apply: any difference is drift, since
 * neither direction is "stricter" in general.
 */
import type { PssLevelStatus, PssMode, PssModeStatus, PssVersionStatus } from './types.js';

export const PSS_MODES: readonly PssMode[] = ['enforce', 'audit', 'warn'];
const LEVELS = ['privileged', 'baseline', 'restricted'];
const PREFIX = 'pod-security.kubernetes.io/';

export const pssLevelLabel = (mode: PssMode) => `${PREFIX}${mode}`;
export const pssVersionLabel = (mode: PssMode) => `${PREFIX}${mode}-version`;

export function levelStatus(expected: string, live: string | undefined): PssLevelStatus {
  if (live === undefined) return 'missing';
  const e = LEVELS.indexOf(expected);
  const l = LEVELS.indexOf(live);
  if (l === -1) return 'invalid';
  return l === e ? 'same' : l > e ? 'stricter' : 'weaker';
}

export function versionStatus(expected: string, live: string | undefined): PssVersionStatus {
  return live === undefined ? 'missing' : live === expected ? 'same' : 'different';
}

export const levelDrifts = (s: PssLevelStatus) => s === 'weaker' || s === 'missing' || s === 'invalid';
export const versionDrifts = (s: PssVersionStatus) => s !== 'same';

/**
 * One entry per mode the intent labels; null when it labels none (Pod Security
 * disabled in the manifest). `live` undefined: the namespace does not exist.
 */
export function isPssLabel(key: string): boolean {
  return PSS_MODES.some((m) => key === pssLevelLabel(m) || key === pssVersionLabel(m));
}

export function comparePodSecurity(expected: Record<string, string>, live: Record<string, string> | undefined): PssModeStatus[] | null {
  const out: PssModeStatus[] = [];
  for (const mode of PSS_MODES) {
    const level = expected[pssLevelLabel(mode)];
    if (level === undefined) continue;
    // PSA reads a missing -version label as "latest"; an intent without one means that.
    const pinned = expected[pssVersionLabel(mode)];
    const version = pinned ?? 'latest';
    const liveLevel = live?.[pssLevelLabel(mode)];
    const liveVersion = live?.[pssVersionLabel(mode)] ?? (live && pinned === undefined ? 'latest' : undefined);
    out.push({
      mode,
      level: { expected: level, ...(liveLevel !== undefined ? { live: liveLevel } : {}), status: levelStatus(level, liveLevel) },
      version: { expected: version, ...(liveVersion !== undefined ? { live: liveVersion } : {}), status: versionStatus(version, liveVersion) },
    });
  }
  return out.length ? out : null;
}
