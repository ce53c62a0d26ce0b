import { findComponent, imageEvidence, type Component } from '../components.js';
import { imageVersion } from '../image.js';
import type { CniPlugin, CniSnapshot } from '../types.js';
import { checkedAgentPlugin } from '../verify.js';

interface AlwaysEnforcing {
  component: Component;
  name: string;
  title: string;
  meaning: string;
}

/** Node agents that enforce NetworkPolicy whenever they run: no setting turns it off. */
const ALWAYS: AlwaysEnforcing[] = [
  { component: 'antrea-agent', name: 'antrea', title: 'Antrea', meaning: 'Antrea agent: enforces NetworkPolicy (computed by antrea-controller) in Open vSwitch' },
  { component: 'azure-npm', name: 'azure-npm', title: 'Azure Network Policy Manager', meaning: 'Azure NPM: enforces NetworkPolicy with iptables/ipset on every node' },
  { component: 'ovnkube', name: 'ovn-kubernetes', title: 'OVN-Kubernetes', meaning: 'OVN-Kubernetes: translates NetworkPolicy into OVN ACLs, enforced by ovn-controller' },
  {
    component: 'kube-network-policies',
    name: 'kube-network-policies',
    title: 'kube-network-policies',
    meaning: 'sigs.k8s.io/kube-network-policies: enforces NetworkPolicy with nftables for any pod network',
  },
];

export function detectAlwaysEnforcing(s: CniSnapshot): CniPlugin[] {
  const found: CniPlugin[] = [];
  for (const rule of ALWAYS) {
    for (const ds of s.daemonSets) {
      const c = findComponent(ds, rule.component);
      if (!c) continue;
      found.push(
        checkedAgentPlugin(s, ds, [{ container: c, component: rule.component }], {
          name: rule.name,
          title: rule.title,
          version: imageVersion(c.image),
          enforcesPolicy: true,
          reason: `${rule.title} enforces NetworkPolicy whenever its node agent runs`,
          evidence: [imageEvidence(ds, c, rule.meaning)],
        }),
      );
    }
  }
  return found;
}
