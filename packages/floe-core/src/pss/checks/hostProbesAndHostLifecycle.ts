import { containersPhrase, joinQuote, pluralize, sortedSet, visitContainers } from '../helpers.js';
import type { HostHandler, PssCheck } from '../types.js';

function hostsOf(handler: HostHandler | undefined, into: string[]): boolean {
  let found = false;
  for (const h of [handler?.httpGet?.host, handler?.tcpSocket?.host]) {
    if (h) {
      into.push(h);
      found = true;
    }
  }
  return found;
}

/** A probe or lifecycle handler aimed at another host turns the kubelet into a proxy. Baseline from v1.34. */
export const hostProbesAndHostLifecycle: PssCheck = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  versions: [
    {
      minimumVersion: 34,
      check: (_meta, spec) => {
        const bad: string[] = [];
        const hosts: string[] = [];
        visitContainers(spec, (c) => {
          let any = false;
          for (const h of [c.livenessProbe, c.readinessProbe, c.startupProbe, c.lifecycle?.postStart, c.lifecycle?.preStop]) {
            if (hostsOf(h, hosts)) any = true;
          }
          if (any) bad.push(c.name);
        });
        if (!bad.length) return undefined;
        const names = sortedSet(bad);
        const list = sortedSet(hosts);
        return {
          reason: 'probe or lifecycle host',
          detail: `${containersPhrase(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', list.length)} ${joinQuote(list)}`,
        };
      },
    },
  ],
};
