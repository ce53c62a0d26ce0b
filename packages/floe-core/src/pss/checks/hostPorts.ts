import { containersPhrase, pluralize, sortedSet, visitContainers } from '../helpers.js';
import type { PssCheck } from '../types.js';

/** Any non-zero hostPort. Baseline, every version. Ports are listed sorted as strings, as upstream does. */
export const hostPorts: PssCheck = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [
    {
      minimumVersion: 0,
      check: (_meta, spec) => {
        const bad: string[] = [];
        const ports: string[] = [];
        visitContainers(spec, (c) => {
          let uses = false;
          for (const p of c.ports ?? []) {
            if (p.hostPort !== undefined && p.hostPort !== 0) {
              uses = true;
              ports.push(String(p.hostPort));
            }
          }
          if (uses) bad.push(c.name);
        });
        if (!bad.length) return undefined;
        const list = sortedSet(ports);
        return {
          reason: 'hostPort',
          detail: `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}`,
        };
      },
    },
  ],
};
