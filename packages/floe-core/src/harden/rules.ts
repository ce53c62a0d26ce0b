import type { FloeManifest, PodSecurityConfig, PssLevel } from '../config/schema.js';
import { managedNamespaces } from '../intent/build.js';
import type { Volume, VolumeMount } from '../k8s/core.js';
import type { PathSegment } from '../manifests/yaml.js';
import { hardenedPod } from '../pss/render.js';
import type { LevelVersion } from '../pss/level.js';
import { isRecord } from '../util/shape.js';

/**
 * What `floe network harden` changes in one pod: floe's hardened pod and
 * container security context (pss/render.ts, the floe-hardened PodTemplate's
 * own source) merged into what the user wrote. A field the user set is kept
 * when it is at least as strict; one that contradicts what the namespace
 * requires is a conflict, never overwritten.
 */

export const NAMESPACE_ROLES = ['jobs', 'domain', 'platform'] as const;
export type NamespaceRole = (typeof NAMESPACE_ROLES)[number];

export interface HardenSettings {
  podSecurity: PodSecurityConfig;
  role: NamespaceRole;
  /** The Pod Security level and version the role's namespaces enforce (privileged when pod security is disabled). */
  level: LevelVersion;
  /** floe's admission guard checks readOnlyRootFilesystem and the token in jobs and domain namespaces. */
  guarded: boolean;
  /**
   * security.admission_guard, when it is on: its mode and the service accounts whose pods may
   * mount an API token (automount_service_accounts). Absent: the guard is off.
   */
  guard?: { mode: 'warn' | 'deny'; automountServiceAccounts: readonly string[] };
}

/** The settings for a role, from the manifest's `security.pod_security`. */
export function hardenSettings(podSecurity: PodSecurityConfig, role: NamespaceRole, guard?: HardenSettings['guard']): HardenSettings {
  const level: PssLevel = podSecurity.enabled ? podSecurity[`${role}_level`] : 'privileged';
  return { podSecurity, role, level: { level, version: podSecurity.version }, guarded: role !== 'platform', ...(guard ? { guard } : {}) };
}

/** How a run picks each workload's settings: the role given, else its namespace's role in the manifest, else jobs. */
export interface HardenPolicy {
  podSecurity: PodSecurityConfig;
  /** --namespace-role: every workload gets this role. */
  role?: NamespaceRole;
  /** The manifest's managed namespaces and their roles. */
  namespaces: ReadonlyMap<string, NamespaceRole>;
  /** security.admission_guard when it is on. */
  guard?: HardenSettings['guard'];
}

export const DEFAULT_ROLE: NamespaceRole = 'jobs';

export function hardenPolicy(manifest: FloeManifest, role?: NamespaceRole): HardenPolicy {
  const g = manifest.security.admission_guard;
  return {
    podSecurity: manifest.security.pod_security,
    ...(role ? { role } : {}),
    namespaces: new Map(managedNamespaces(manifest).map((n) => [n.name, n.role])),
    ...(g.mode !== 'off' ? { guard: { mode: g.mode, automountServiceAccounts: g.automount_service_accounts } } : {}),
  };
}

/** The settings for a workload in `namespace` (its metadata.namespace, if any). */
export function settingsFor(policy: HardenPolicy, namespace: string | undefined): HardenSettings {
  const role = policy.role ?? (namespace !== undefined ? policy.namespaces.get(namespace) : undefined) ?? DEFAULT_ROLE;
  return hardenSettings(policy.podSecurity, role, policy.guard);
}

/** Where a change, conflict or kept setting is, relative to the object. */
export interface HardenLocation {
  path: PathSegment[];
  /** The container it is in (`container "app"`, `init container "setup"`), or absent for the pod. */
  container?: string;
}

/** One setting floe adds: `set` a field, or `add` an item to a list. */
export interface HardenChange extends HardenLocation {
  op: 'set' | 'add';
  value: unknown;
}

/** A setting the user wrote that floe will not override (conflict), or keeps though floe would set it otherwise (note). */
export interface HardenFinding extends HardenLocation {
  message: string;
}

export interface PodHardening {
  changes: HardenChange[];
  conflicts: HardenFinding[];
  notes: HardenFinding[];
}

const CONTAINER_LISTS = [
  ['initContainers', 'init container'],
  ['containers', 'container'],
  ['ephemeralContainers', 'ephemeral container'],
] as const;

/** Capabilities Pod Security baseline allows to add (k8s.io/pod-security-admission capabilities_baseline). */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

/**
 * The Pod Security checks whose fields harden rules on itself (with the
 * field's own location); any other violation left in the hardened pod is
 * reported from the evaluator.
 */
export const RULED_CHECKS = new Set([
  'privileged',
  'allowPrivilegeEscalation',
  'runAsNonRoot',
  'runAsUser',
  'capabilities_baseline',
  'capabilities_restricted',
  'seccompProfile_baseline',
  'seccompProfile_restricted',
]);

function rank(level: PssLevel): number {
  return level === 'restricted' ? 2 : level === 'baseline' ? 1 : 0;
}

/**
 * The changes, conflicts and notes for the pod at `base` in an object
 * (`['spec', 'template']` in a Deployment, `[]` for a Pod).
 */
export function hardenPod(pod: Record<string, unknown>, base: readonly PathSegment[], settings: HardenSettings): PodHardening {
  const out: PodHardening = { changes: [], conflicts: [], notes: [] };
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const sp = [...base, 'spec'];
  const want = hardenedPod(settings.podSecurity);
  const level = settings.level.level;
  const restricted = rank(level) >= 2;
  const levelName = `Pod Security ${level}`;
  /** A contradiction is a conflict where the namespace forbids it, else the user's choice, kept and said. */
  const refuse = (forbidden: boolean, where: HardenLocation, message: string, note = `kept as written: ${levelName} allows it (floe's hardened context does not set it)`) =>
    (forbidden ? out.conflicts : out.notes).push({ ...where, message: forbidden ? message : note });

  // Pod Security restricted exempts Windows pods from the Linux settings, and the API server refuses them there.
  if (isRecord(spec.os) && spec.os.name === 'windows') {
    out.conflicts.push({ path: [...sp, 'os', 'name'], message: "is windows: floe's hardened context is for Linux pods (the API server refuses its seccomp, runAsGroup and capabilities on Windows)" });
    return out;
  }
  if (spec.automountServiceAccountToken === undefined) {
    out.changes.push({ op: 'set', path: [...sp, 'automountServiceAccountToken'], value: want.automountServiceAccountToken });
  } else if (spec.automountServiceAccountToken === true) {
    const sa = typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : 'default';
    const where = { path: [...sp, 'automountServiceAccountToken'] };
    const guard = settings.guarded ? settings.guard : undefined;
    if (guard && !guard.automountServiceAccounts.includes(sa)) {
      // The manifest's own admission guard would refuse this pod: a conflict, as the guard's message would be.
      (guard.mode === 'deny' ? out.conflicts : out.notes).push({
        ...where,
        message: `automountServiceAccountToken: true, but floe's admission guard (security.admission_guard: ${guard.mode}) ${guard.mode === 'deny' ? 'refuses' : 'warns about'} it in ${settings.role} namespaces unless service account "${sa}" is in security.admission_guard.automount_service_accounts; remove it (floe sets false) or allow-list the service account`,
      });
    } else {
      out.notes.push({
        ...where,
        message: `kept true (floe sets false)${guard ? `: service account "${sa}" is in security.admission_guard.automount_service_accounts` : settings.guarded ? `: floe's admission guard, when on, refuses it unless service account "${sa}" is allow-listed` : ''}`,
      });
    }
  }

  const psc = isRecord(spec.securityContext) ? spec.securityContext : {};
  const pscPath = [...sp, 'securityContext'];
  for (const [key, value] of Object.entries(want.securityContext)) {
    const have = psc[key];
    const where = { path: [...pscPath, key] };
    if (have === undefined) out.changes.push({ op: 'set', ...where, value });
    else if (key === 'runAsNonRoot' && have === false) refuse(restricted, where, `runAsNonRoot: false runs as root where ${levelName} requires non-root; remove it or set true`);
    else if (key === 'runAsUser' && have === 0) refuse(restricted, where, `runAsUser: 0 is root, which ${levelName} forbids; remove it (floe sets ${String(value)}) or use a non-zero UID`);
    else if (key === 'seccompProfile' && isRecord(have) && have.type === 'Unconfined') {
      refuse(rank(level) >= 1, { path: [...where.path, 'type'] }, `seccompProfile type Unconfined is forbidden by ${levelName}; use RuntimeDefault or Localhost`);
    }
  }

  const mountsWanted = writableMounts(spec, want.volumes, want.volumeMounts);
  for (const [list, label] of CONTAINER_LISTS) {
    const items: unknown[] = Array.isArray(spec[list]) ? spec[list] : [];
    items.forEach((c, i) => {
      if (!isRecord(c)) return;
      const container = `${label} ${JSON.stringify(typeof c.name === 'string' ? c.name : String(i))}`;
      const cp = [...sp, list, i];
      hardenContainer(c, cp, container, want.containerSecurityContext as Record<string, unknown>, settings, out, refuse);
      const mounts: unknown[] = Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
      const paths = new Set(mounts.map((m) => (isRecord(m) ? m.mountPath : undefined)));
      const missing = mountsWanted.mounts.filter((m) => !paths.has(m.mountPath));
      if (missing.length === 0) return;
      if (Array.isArray(c.volumeMounts)) for (const m of missing) out.changes.push({ op: 'add', path: [...cp, 'volumeMounts'], value: m, container });
      else out.changes.push({ op: 'set', path: [...cp, 'volumeMounts'], value: missing, container });
      for (const m of missing) mountsWanted.used.add(m.name);
    });
  }
  const volumes = mountsWanted.volumes.filter((v) => mountsWanted.used.has(v.name));
  if (volumes.length > 0) {
    if (Array.isArray(spec.volumes)) for (const v of volumes) out.changes.push({ op: 'add', path: [...sp, 'volumes'], value: v });
    else out.changes.push({ op: 'set', path: [...sp, 'volumes'], value: volumes });
  }
  return out;
}

function hardenContainer(
  c: Record<string, unknown>,
  cp: PathSegment[],
  container: string,
  want: Record<string, unknown>,
  settings: HardenSettings,
  out: PodHardening,
  refuse: (forbidden: boolean, where: HardenLocation, message: string, note?: string) => void,
): void {
  const level = settings.level.level;
  const restricted = rank(level) >= 2;
  const levelName = `Pod Security ${level}`;
  const sc = isRecord(c.securityContext) ? c.securityContext : {};
  const scp = [...cp, 'securityContext'];
  const at = (...keys: string[]) => ({ path: [...scp, ...keys], container });

  if (sc.privileged === true) refuse(rank(level) >= 1, at('privileged'), `privileged: true is forbidden by ${levelName}; remove it`);
  if (sc.runAsUser === 0) refuse(restricted, at('runAsUser'), `runAsUser: 0 is root, which ${levelName} forbids; remove it or use a non-zero UID`);
  if (isRecord(sc.seccompProfile) && sc.seccompProfile.type === 'Unconfined') {
    refuse(rank(level) >= 1, at('seccompProfile', 'type'), `seccompProfile type Unconfined is forbidden by ${levelName}; remove it or use RuntimeDefault`);
  }
  for (const [key, value] of Object.entries(want)) {
    const have = sc[key];
    if (key === 'capabilities') {
      hardenCapabilities(sc.capabilities, at, level, out, refuse);
      continue;
    }
    if (have === undefined) out.changes.push({ op: 'set', ...at(key), value });
    else if (key === 'allowPrivilegeEscalation' && have === true) refuse(restricted, at(key), `allowPrivilegeEscalation: true is forbidden by ${levelName}; remove it or set false`);
    else if (key === 'runAsNonRoot' && have === false) refuse(restricted, at(key), `runAsNonRoot: false runs as root where ${levelName} requires non-root; remove it or set true`);
    else if (key === 'readOnlyRootFilesystem' && have === false && value === true) {
      refuse(
        settings.guarded,
        at(key),
        `readOnlyRootFilesystem: false, but the manifest's read_only_root_filesystem applies in ${settings.role} namespaces (and floe's admission guard refuses it there); remove it (the writable paths get emptyDir mounts) or set true`,
        'kept false (floe sets true)',
      );
    }
  }
}

function hardenCapabilities(
  caps: unknown,
  at: (...keys: string[]) => HardenLocation,
  level: PssLevel,
  out: PodHardening,
  refuse: (forbidden: boolean, where: HardenLocation, message: string, note?: string) => void,
): void {
  const have = isRecord(caps) ? caps : {};
  const add: unknown[] = Array.isArray(have.add) ? have.add : [];
  add.forEach((cap, i) => {
    const name = String(cap);
    if (level === 'restricted' && name !== 'NET_BIND_SERVICE') {
      refuse(true, { ...at('capabilities', 'add'), path: [...at('capabilities', 'add').path, i] }, `adds capability ${name}; Pod Security restricted allows adding only NET_BIND_SERVICE`);
    } else if (level === 'baseline' && !BASELINE_CAPABILITIES.has(name)) {
      refuse(true, { ...at('capabilities', 'add'), path: [...at('capabilities', 'add').path, i] }, `adds capability ${name}, which Pod Security baseline forbids`);
    }
  });
  const drop: unknown[] = Array.isArray(have.drop) ? have.drop : [];
  if (drop.includes('ALL')) return;
  if (Array.isArray(have.drop)) out.changes.push({ op: 'add', ...at('capabilities', 'drop'), value: 'ALL' });
  else out.changes.push({ op: 'set', ...at('capabilities', 'drop'), value: ['ALL'] });
}

/**
 * floe's writable emptyDir volumes for this pod: a name already used by an
 * emptyDir volume is that volume; a name used by another volume gets a suffix.
 */
function writableMounts(spec: Record<string, unknown>, volumes: readonly Volume[], mounts: readonly VolumeMount[]): { volumes: Volume[]; mounts: VolumeMount[]; used: Set<string> } {
  const existing: unknown[] = Array.isArray(spec.volumes) ? spec.volumes : [];
  const byName = new Map(existing.filter(isRecord).map((v) => [String(v.name), v]));
  const outVolumes: Volume[] = [];
  const outMounts: VolumeMount[] = [];
  volumes.forEach((v, i) => {
    const mount = mounts[i] as VolumeMount;
    let name = v.name;
    for (let n = 2; byName.has(name) && !isRecord(byName.get(name)?.emptyDir); n++) name = `${v.name.slice(0, 60)}-${n}`;
    if (!byName.has(name)) outVolumes.push({ ...v, name });
    outMounts.push({ ...mount, name });
  });
  return { volumes: outVolumes, mounts: outMounts, used: new Set() };
}
