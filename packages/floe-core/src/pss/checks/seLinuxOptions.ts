import { containersPhrase, containersWhere, joinQuote, pluralize, sortedSet } from '../helpers.js';
import type { CheckPodFn, PssCheck, SELinuxOptions } from '../types.js';

const TYPES_1_0 = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const TYPES_1_31 = new Set([...TYPES_1_0, 'container_engine_t']);

function seLinux(allowedTypes: ReadonlySet<string>): CheckPodFn {
  return (_meta, spec) => {
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const valid = (o: SELinuxOptions) => {
      let ok = true;
      if (!allowedTypes.has(o.type ?? '')) {
        ok = false;
        badTypes.push(o.type ?? '');
      }
      if (o.user) {
        ok = false;
        setUser = true;
      }
      if (o.role) {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    const setters: string[] = [];
    const podOptions = spec.securityContext?.seLinuxOptions;
    if (podOptions && !valid(podOptions)) setters.push('pod');
    const bad = containersWhere(spec, (c) => {
      const o = c.securityContext?.seLinuxOptions;
      return o ? !valid(o) : false;
    });
    if (bad.length) setters.push(containersPhrase(bad));
    if (!setters.length) return undefined;
    const types = sortedSet(badTypes);
    const data: string[] = [];
    if (types.length) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
    if (setUser) data.push('user may not be set');
    if (setRole) data.push('role may not be set');
    return { reason: 'seLinuxOptions', detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
  };
}

/** SELinux: only the container types, never user or role. Baseline; container_engine_t allowed from v1.31. */
export const seLinuxOptions: PssCheck = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, check: seLinux(TYPES_1_0) },
    { minimumVersion: 31, check: seLinux(TYPES_1_31) },
  ],
};
