import { containersPhrase, containersWhere } from '../helpers.js';
import type { PssCheck } from '../types.js';

/** Windows HostProcess containers run as the host. Baseline, every version. */
export const windowsHostProcess: PssCheck = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [
    {
      minimumVersion: 0,
      check: (_meta, spec) => {
        const bad = containersWhere(spec, (c) => c.securityContext?.windowsOptions?.hostProcess === true);
        const setters: string[] = [];
        if (spec.securityContext?.windowsOptions?.hostProcess === true) setters.push('pod');
        if (bad.length) setters.push(containersPhrase(bad));
        return setters.length ? { reason: 'hostProcess', detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true` } : undefined;
      },
    },
  ],
};
