import { isPssLevel, newerVersionWarning, policyMinor, type LevelVersion } from './level.js';

/**
 * What a namespace's Pod Security labels ask for, mode by mode, read as the API
 * server reads them. Both the offline audit (violations.ts) and the cross-check
 * against the API server (server-check.ts) start here.
 */

export const PSS_MODES = ['enforce', 'audit', 'warn'] as const;
export type PssAdmissionMode = (typeof PSS_MODES)[number];

/** What a namespace's Pod Security labels (or the cluster default) ask for in one mode. */
export interface ModePolicy extends LevelVersion {
  mode: PssAdmissionMode;
  /** `label` when the namespace's level label decides the level, `default` when the cluster default does. */
  from: 'label' | 'default';
  /** Label values the API server cannot parse, judged as it judges them. */
  invalid: string[];
  /** Set when the version is newer than the newest floe knows: the warning naming both (it is judged as the newest). */
  newer?: string;
}

/** The cluster's Pod Security defaults (AdmissionConfiguration `defaults`): `privileged:latest` unless told otherwise. */
export interface PssDefaults {
  enforce?: LevelVersion;
  audit?: LevelVersion;
  warn?: LevelVersion;
}

const PRIVILEGED: LevelVersion = { level: 'privileged', version: 'latest' };

/**
 * The level and version each mode judges a namespace's pods at, as the API server's
 * PolicyToEvaluate reads the labels: an unparseable level is judged as `restricted`
 * (the most restrictive), an unparseable version as `latest`; a level label without a
 * version label means `latest`; a version label without a level label pins the default level.
 */
export function namespacePssPolicy(labels: Readonly<Record<string, string>>, defaults: PssDefaults = {}): ModePolicy[] {
  return PSS_MODES.map((mode) => {
    const fallback = defaults[mode] ?? PRIVILEGED;
    const levelLabel = labels[`pod-security.kubernetes.io/${mode}`];
    const versionLabel = labels[`pod-security.kubernetes.io/${mode}-version`];
    const invalid: string[] = [];
    let level = fallback.level;
    let version = fallback.version;
    if (levelLabel !== undefined) {
      if (isPssLevel(levelLabel)) {
        level = levelLabel;
        version = 'latest';
      } else {
        level = 'restricted';
        invalid.push(`pod-security.kubernetes.io/${mode}=${levelLabel}`);
      }
    }
    if (versionLabel !== undefined) {
      if (validVersion(versionLabel)) version = versionLabel;
      else {
        version = 'latest';
        invalid.push(`pod-security.kubernetes.io/${mode}-version=${versionLabel}`);
      }
    }
    const newer = level === 'privileged' ? undefined : newerVersionWarning(version);
    return { mode, level, version, from: levelLabel === undefined ? 'default' : 'label', invalid, ...(newer ? { newer } : {}) };
  });
}

/**
 * One line per namespace and mode whose Pod Security version is newer than the newest floe
 * knows, for stderr: `namespace a: pod-security.kubernetes.io/enforce-version=v1.38: <warning>`.
 * A default (`--pss-level`) newer than known is the caller's to warn about once.
 */
export function newerVersionWarnings(namespaces: readonly { name: string; labels: Readonly<Record<string, string>> }[]): string[] {
  const out: string[] = [];
  for (const ns of namespaces) {
    for (const p of namespacePssPolicy(ns.labels)) {
      const label = `pod-security.kubernetes.io/${p.mode}-version`;
      if (p.newer && ns.labels[label] === p.version) out.push(`namespace ${ns.name}: ${label}=${p.version}: ${p.newer}`);
    }
  }
  return out;
}

function validVersion(v: string): boolean {
  try {
    policyMinor(v);
    return true;
  } catch {
    return false;
  }
}
