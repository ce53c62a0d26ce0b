import { formatLevelVersion, LATEST_MINOR, policyMinor, type LevelVersion } from './level.js';
import { preparePod, prepareTemplate } from './prepare.js';
import { checksFor } from './registry.js';
import type { PodLike } from './types.js';

export interface PssViolation {
  /** Upstream check ID, e.g. `allowPrivilegeEscalation`, `capabilities_restricted`. */
  check: string;
  /** The API server's short reason, e.g. `allowPrivilegeEscalation != false`. */
  reason: string;
  /** The API server's detail, e.g. `container "app" must set securityContext.allowPrivilegeEscalation=false`. */
  detail: string;
}

export interface PssResult {
  level: LevelVersion['level'];
  version: string;
  allowed: boolean;
  violations: PssViolation[];
}

export interface EvaluateOptions {
  /**
   * The pod is a workload's pod template (Deployment, CronJob, PodTemplate, ...): judged after
   * the API server's template defaults (prepareTemplate), as it judges templates for its
   * workload warnings. A Pod is first changed as the API server changes it before admission
   * (see preparePod).
   */
  template?: boolean;
}

/**
 * Judges a pod (or a workload's pod template) at a level and version exactly as the API
 * server's PodSecurity admission does. `privileged` allows everything.
 */
export function evaluatePod(pod: PodLike, lv: LevelVersion, options: EvaluateOptions = {}): PssResult {
  return evaluatePrepared(options.template ? prepareTemplate(pod) : preparePod(pod), lv.level, lv.version, policyMinor(lv.version));
}

/** For callers judging one pod at many levels: `preparePod` (or `prepareTemplate`) once, then this per level/version. */
export function evaluatePrepared(prepared: PodLike, level: LevelVersion['level'], version: string, minor = policyMinor(version)): PssResult {
  if (level === 'privileged') return { level, version, allowed: true, violations: [] };
  const metadata = prepared.metadata ?? {};
  const violations: PssViolation[] = [];
  for (const { id, check } of checksFor(level, minor)) {
    const failure = check(metadata, prepared.spec);
    if (failure) violations.push({ check: id, reason: failure.reason, detail: failure.detail });
  }
  return { level, version, allowed: violations.length === 0, violations };
}

/** `reason (detail), reason (detail)`: the part of the API server's message after the level. */
export function violationSummary(violations: readonly PssViolation[]): string {
  return violations.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
}

/** The API server's rejection text for a pod: `violates PodSecurity "restricted:latest": ...`. */
export function admissionMessage(result: PssResult): string | undefined {
  return result.allowed ? undefined : `violates PodSecurity ${JSON.stringify(formatLevelVersion(result))}: ${violationSummary(result.violations)}`;
}

export interface TemplateEnforceResult {
  passes: boolean;
  /** One entry per version at which the template is refused, oldest first. */
  failures: PssResult[];
}

/**
 * Whether pods from a template pass a namespace's enforce level at each given version
 * (default: every version from v1.25 to latest). For `validate` and the generator's own checks.
 */
export function templatePassesEnforce(template: PodLike, level: LevelVersion['level'], versions: readonly string[] = versionRange(25)): TemplateEnforceResult {
  const prepared = prepareTemplate(template);
  const failures = versions.map((v) => evaluatePrepared(prepared, level, v)).filter((r) => !r.allowed);
  return { passes: failures.length === 0, failures };
}

/** `v1.FROM` .. `v1.<newest>` then `latest`. */
export function versionRange(fromMinor: number): string[] {
  const out: string[] = [];
  for (let m = fromMinor; m <= LATEST_MINOR; m++) out.push(`v1.${m}`);
  out.push('latest');
  return out;
}
