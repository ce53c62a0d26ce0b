import { allowPrivilegeEscalation } from './checks/allowPrivilegeEscalation.js';
import { appArmorProfile } from './checks/appArmorProfile.js';
import { capabilities_baseline } from './checks/capabilities_baseline.js';
import { capabilities_restricted } from './checks/capabilities_restricted.js';
import { hostNamespaces } from './checks/hostNamespaces.js';
import { hostPathVolumes } from './checks/hostPathVolumes.js';
import { hostPorts } from './checks/hostPorts.js';
import { hostProbesAndHostLifecycle } from './checks/hostProbesAndHostLifecycle.js';
import { privileged } from './checks/privileged.js';
import { procMount } from './checks/procMount.js';
import { procMount_restricted } from './checks/procMount_restricted.js';
import { restrictedVolumes } from './checks/restrictedVolumes.js';
import { runAsNonRoot } from './checks/runAsNonRoot.js';
import { runAsUser } from './checks/runAsUser.js';
import { seccompProfile_baseline } from './checks/seccompProfile_baseline.js';
import { seccompProfile_restricted } from './checks/seccompProfile_restricted.js';
import { seLinuxOptions } from './checks/seLinuxOptions.js';
import { sysctls } from './checks/sysctls.js';
import { windowsHostProcess } from './checks/windowsHostProcess.js';
import { compareStrings } from '../util/compare.js';
import { LATEST_MINOR } from './level.js';
import type { CheckPodFn, PssCheck } from './types.js';

/** Every Pod Security check, baseline and restricted. */
export const PSS_CHECKS: readonly PssCheck[] = [
  allowPrivilegeEscalation,
  appArmorProfile,
  capabilities_baseline,
  capabilities_restricted,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProbesAndHostLifecycle,
  privileged,
  procMount,
  procMount_restricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seccompProfile_baseline,
  seccompProfile_restricted,
  seLinuxOptions,
  sysctls,
  windowsHostProcess,
];

export interface ActiveCheck {
  id: string;
  check: CheckPodFn;
}

/**
 * What runs at each minor version, precomputed as upstream does: baseline checks in ID order,
 * then restricted checks in ID order (the order of the API server's message), with each
 * baseline check a restricted implementation overrides at that version left out of restricted.
 */
function inflate(): { baseline: ActiveCheck[][]; restricted: ActiveCheck[][] } {
  const ids = new Set<string>();
  for (const c of PSS_CHECKS) {
    if (ids.has(c.id)) throw new Error(`Pod Security check ${c.id} registered twice`);
    ids.add(c.id);
    c.versions.forEach((v, i) => {
      const prev = c.versions[i - 1];
      if (prev && prev.minimumVersion >= v.minimumVersion) throw new Error(`Pod Security check ${c.id}: versions must be strictly increasing`);
    });
  }
  const ordered = [...PSS_CHECKS.filter((c) => c.level === 'baseline').sort((a, b) => compareStrings(a.id, b.id)), ...PSS_CHECKS.filter((c) => c.level === 'restricted').sort((a, b) => compareStrings(a.id, b.id))];
  const baseline: ActiveCheck[][] = [];
  const restricted: ActiveCheck[][] = [];
  for (let minor = 0; minor <= LATEST_MINOR; minor++) {
    const active = ordered.flatMap((c) => {
      const v = c.versions.findLast((x) => x.minimumVersion <= minor);
      return v ? [{ c, v }] : [];
    });
    const overridden = new Set(active.flatMap(({ c, v }) => (c.level === 'restricted' ? (v.overrides ?? []) : [])));
    baseline.push(active.filter(({ c }) => c.level === 'baseline').map(({ c, v }) => ({ id: c.id, check: v.check })));
    restricted.push(active.filter(({ c }) => !(c.level === 'baseline' && overridden.has(c.id))).map(({ c, v }) => ({ id: c.id, check: v.check })));
  }
  return { baseline, restricted };
}

const TABLE = inflate();

/** The checks that judge a pod at a level and minor version, in message order. */
export function checksFor(level: 'baseline' | 'restricted', minor: number): readonly ActiveCheck[] {
  const table = level === 'baseline' ? TABLE.baseline : TABLE.restricted;
  return table[Math.min(Math.max(minor, 0), LATEST_MINOR)] ?? [];
}
