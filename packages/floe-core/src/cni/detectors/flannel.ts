import { findComponent, imageEvidence } from '../components.js';
import { imageVersion } from '../image.js';
import type { CniPlugin, CniSnapshot } from '../types.js';
import { checkedAgentPlugin } from '../verify.js';

/** flannel alone: a pod network with no NetworkPolicy support. (flannel with calico-node in one DaemonSet is Canal.) */
export function detectFlannel(s: CniSnapshot): CniPlugin[] {
  const found: CniPlugin[] = [];
  for (const ds of s.daemonSets) {
    const c = findComponent(ds, 'flannel');
    if (!c || findComponent(ds, 'calico-node')) continue;
    found.push(
      checkedAgentPlugin(s, ds, [{ container: c, component: 'flannel' }], {
        name: 'flannel',
        title: 'flannel',
        version: imageVersion(c.image),
        enforcesPolicy: false,
        reason: 'flannel provides the pod network only; it does not implement NetworkPolicy',
        evidence: [imageEvidence(ds, c, 'flannel: pod networking only, no NetworkPolicy support')],
      }),
    );
  }
  return found;
}
