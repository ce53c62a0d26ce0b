import { findComponent, imageEvidence } from '../components.js';
import { imageVersion } from '../image.js';
import type { CniPlugin, CniSnapshot } from '../types.js';
import { checkedAgentPlugin, type Agent } from '../verify.js';

/** Weave Net: the weave router networks; only the weave-npc container enforces NetworkPolicy. */
export function detectWeave(s: CniSnapshot): CniPlugin[] {
  const found: CniPlugin[] = [];
  for (const ds of s.daemonSets) {
    const router = findComponent(ds, 'weave');
    const npc = findComponent(ds, 'weave-npc');
    if (!router && !npc) continue;
    const evidence = [];
    if (router) evidence.push(imageEvidence(ds, router, 'Weave Net router: the pod network; it enforces nothing itself'));
    if (npc) evidence.push(imageEvidence(ds, npc, 'weave-npc: the Weave Net network policy controller, enforces NetworkPolicy'));
    // The enforcer decides, so it is checked first (its namespace); every recognised container's image is checked.
    const agents: Agent[] = [...(npc ? [{ container: npc, component: 'weave-npc' as const }] : []), ...(router ? [{ container: router, component: 'weave' as const }] : [])];
    found.push(
      checkedAgentPlugin(s, ds, agents, {
        name: 'weave-net',
        title: 'Weave Net',
        version: imageVersion((router ?? npc)!.image),
        enforcesPolicy: Boolean(npc),
        reason: npc ? 'the weave-npc container enforces NetworkPolicy' : `DaemonSet ${ds.namespace}/${ds.name} has no weave-npc container: nothing enforces NetworkPolicy`,
        evidence,
      }),
    );
  }
  return found;
}
