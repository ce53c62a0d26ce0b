import { containersPhrase, joinQuote, pluralize, sortedSet, visitContainers } from '../helpers.js';
import type { AppArmorProfile, PssCheck } from '../types.js';

export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

const allowedType = (p: AppArmorProfile) => p.type === 'RuntimeDefault' || p.type === 'Localhost';
const allowedAnnotation = (v: string) => v === '' || v === 'runtime/default' || v.startsWith('localhost/');

/**
 * No AppArmor override away from the runtime default: neither the appArmorProfile fields
 * nor the older per-container annotations. Baseline, every version (the fields count at every version).
 */
export const appArmorProfile: PssCheck = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [
    {
      minimumVersion: 0,
      check: (meta, spec) => {
        const setters: string[] = [];
        const values: string[] = [];
        const podProfile = spec.securityContext?.appArmorProfile;
        if (podProfile && !allowedType(podProfile)) {
          setters.push('pod');
          values.push(podProfile.type ?? '');
        }
        const bad: string[] = [];
        visitContainers(spec, (c) => {
          const p = c.securityContext?.appArmorProfile;
          if (p && !allowedType(p)) {
            bad.push(c.name);
            values.push(p.type ?? '');
          }
        });
        if (bad.length) setters.push(containersPhrase(bad));
        const annotations = Object.entries(meta.annotations ?? {})
          .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !allowedAnnotation(v))
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .sort();
        const all = [...sortedSet(values), ...annotations];
        if (annotations.length) setters.push(pluralize('annotation', 'annotations', annotations.length));
        if (!setters.length) return undefined;
        return {
          reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', all.length),
          detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(all)}`,
        };
      },
    },
  ],
};
