import { joinQuote, pluralize } from '../helpers.js';
import type { PssCheck } from '../types.js';

/** hostPath volumes. Baseline, every version; restrictedVolumes replaces it at restricted. */
export const hostPathVolumes: PssCheck = {
  id: 'hostPathVolumes',
  level: 'baseline',
  versions: [
    {
      minimumVersion: 0,
      check: (_meta, spec) => {
        const bad = (spec.volumes ?? []).filter((v) => v.hostPath != null).map((v) => v.name);
        return bad.length ? { reason: 'hostPath volumes', detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}` } : undefined;
      },
    },
  ],
};
