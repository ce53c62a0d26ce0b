import { containersPhrase, isWindows, joinQuote, sortedSet, visitContainers } from '../helpers.js';
import type { CheckPodFn, PssCheck } from '../types.js';

const v1_22: CheckPodFn = (_meta, spec) => {
  const missingDropAll: string[] = [];
  const adding: string[] = [];
  const caps: string[] = [];
  visitContainers(spec, (c) => {
    const capabilities = c.securityContext?.capabilities;
    if (!capabilities) {
      missingDropAll.push(c.name);
      return;
    }
    if (!(capabilities.drop ?? []).includes('ALL')) missingDropAll.push(c.name);
    let forbidden = false;
    for (const cap of capabilities.add ?? []) {
      if (cap !== 'NET_BIND_SERVICE') {
        forbidden = true;
        caps.push(cap);
      }
    }
    if (forbidden) adding.push(c.name);
  });
  const details: string[] = [];
  if (missingDropAll.length) details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length) details.push(`${containersPhrase(adding)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`);
  return details.length ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
};

/** Drop ALL, add at most NET_BIND_SERVICE. Restricted from v1.22; Windows pods are exempt from v1.25. */
export const capabilities_restricted: PssCheck = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { minimumVersion: 22, check: v1_22, overrides: ['capabilities_baseline'] },
    { minimumVersion: 25, check: (meta, spec) => (isWindows(spec) ? undefined : v1_22(meta, spec)), overrides: ['capabilities_baseline'] },
  ],
};
