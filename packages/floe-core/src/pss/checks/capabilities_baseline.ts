import { containersPhrase, joinQuote, sortedSet, visitContainers } from '../helpers.js';
import type { PssCheck } from '../types.js';

/** The container runtime's default capability set; adding anything else is refused. */
const ALLOWED = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

/** Baseline, every version; capabilities_restricted replaces it at restricted from v1.22. */
export const capabilities_baseline: PssCheck = {
  id: 'capabilities_baseline',
  level: 'baseline',
  versions: [
    {
      minimumVersion: 0,
      check: (_meta, spec) => {
        const bad: string[] = [];
        const caps: string[] = [];
        visitContainers(spec, (c) => {
          let valid = true;
          for (const cap of c.securityContext?.capabilities?.add ?? []) {
            if (!ALLOWED.has(cap)) {
              valid = false;
              caps.push(cap);
            }
          }
          if (!valid) bad.push(c.name);
        });
        return bad.length
          ? { reason: 'non-default capabilities', detail: `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add` }
          : undefined;
      },
    },
  ],
};
