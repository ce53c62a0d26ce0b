import type { PssCheck } from '../types.js';

/** Sharing the host's network, PID or IPC namespace. Baseline, every version. */
export const hostNamespaces: PssCheck = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [
    {
      minimumVersion: 0,
      check: (_meta, spec) => {
        const set: string[] = [];
        if (spec.hostNetwork === true) set.push('hostNetwork=true');
        if (spec.hostPID === true) set.push('hostPID=true');
        if (spec.hostIPC === true) set.push('hostIPC=true');
        return set.length ? { reason: 'host namespaces', detail: set.join(', ') } : undefined;
      },
    },
  ],
};
