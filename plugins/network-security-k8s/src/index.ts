import { createRequire } from 'node:module';
import {
  compareStrings,
  FLOE_API_VERSION,
  InputError,
  NetworkSecurityPlugin,
  type GroupAllowance,
  type Labels,
  type LabelSelector,
  type NamespacePlan,
  type NetworkPlan,
  type NetworkPolicy,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  type PluginMetadata,
  type PolicyRule,
  type PortSpec,
  type RenderedObject,
  type RulePeer,
} from '@floe/core/plugin';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
export const DEFAULT_DENY = 'floe-default-deny';
export const ALLOW_EGRESS = 'floe-allow-egress';
export const ALLOW_INGRESS = 'floe-allow-ingress';

function sortedLabels(labels: Labels): Labels {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => compareStrings(a, b)));
}

function selector(labels: Labels | undefined): LabelSelector {
  return labels && Object.keys(labels).length ? { matchLabels: sortedLabels(labels) } : {};
}

function namespaceSelector(namespaces: string[]): LabelSelector {
  if (namespaces.length === 1) return { matchLabels: { [NAMESPACE_NAME_LABEL]: namespaces[0] as string } };
  // Many namespaces with the same ports: one `In` expression instead of one peer each.
  return { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: namespaces }] };
}

function peer(p: RulePeer, policyNamespace: string): NetworkPolicyPeer {
  // The core refuses such a plan before render() (no fqdn-egress capability); a direct caller gets the same answer.
  if (p.kind === 'fqdn') throw new InputError(`NetworkPolicy cannot name host names (${p.names.join(', ')}): the k8s plugin has no fqdn-egress; use --plugin cilium`);
  if (p.kind === 'cidr') return { ipBlock: p.except.length ? { cidr: p.cidr, except: p.except } : { cidr: p.cidr } };
  // The policy's own namespace: a bare podSelector, the idiomatic form.
  if (p.namespaces.length === 1 && p.namespaces[0] === policyNamespace) return { podSelector: selector(p.podLabels) };
  const out: NetworkPolicyPeer = { namespaceSelector: namespaceSelector(p.namespaces) };
  if (p.podLabels && Object.keys(p.podLabels).length) out.podSelector = selector(p.podLabels);
  return out;
}

function ports(list: PortSpec[]): NetworkPolicyPort[] {
  return list.map((p) => (p.endPort ? { protocol: p.protocol, port: p.port, endPort: p.endPort } : { protocol: p.protocol, port: p.port }));
}

function rule(r: PolicyRule, ns: string, side: 'to' | 'from') {
  const out: { to?: NetworkPolicyPeer[]; from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] } = {};
  if (r.peers.length) out[side] = r.peers.map((p) => peer(p, ns));
  if (r.ports.length) out.ports = ports(r.ports);
  return out;
}

function policy(ns: NamespacePlan, name: string, spec: NetworkPolicy['spec']): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns.name, labels: sortedLabels(ns.labels) }, spec };
}

/**
 * Standard Kubernetes NetworkPolicy (networking.k8s.io/v1), enforced by any
 * CNI that implements the API. Per namespace: floe-default-deny, and one
 * policy per pod group and direction, named after the group
 * (floe-allow-ingress-polaris; floe-allow-egress for the whole namespace).
 */
export class K8sNetworkSecurityPlugin extends NetworkSecurityPlugin {
  readonly metadata: PluginMetadata = {
    name: 'k8s',
    version: pkg.version,
    floeApiVersion: FLOE_API_VERSION,
    description: 'Kubernetes NetworkPolicy (networking.k8s.io/v1), portable across CNIs',
    capabilities: [],
    kinds: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' }],
  };

  render(plan: NetworkPlan): RenderedObject[] {
    const out: RenderedObject[] = [];
    for (const ns of plan.namespaces) {
      if (ns.defaultDeny) {
        out.push({ path: `${ns.name}-default-deny.yaml`, object: policy(ns, DEFAULT_DENY, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }) });
      }
      const side = (list: GroupAllowance[], base: string, type: 'Egress' | 'Ingress') => {
        for (const a of list) {
          if (a.rules.length === 0) continue;
          const suffix = a.group.name ? `-${a.group.name}` : '';
          const spec: NetworkPolicy['spec'] = { podSelector: selector(a.group.podLabels), policyTypes: [type] };
          if (type === 'Egress') spec.egress = a.rules.map((r) => rule(r, ns.name, 'to'));
          else spec.ingress = a.rules.map((r) => rule(r, ns.name, 'from'));
          out.push({ path: `${ns.name}-${base.slice('floe-'.length)}${suffix}.yaml`, object: policy(ns, `${base}${suffix}`, spec) });
        }
      };
      side(ns.egress, ALLOW_EGRESS, 'Egress');
      side(ns.ingress, ALLOW_INGRESS, 'Ingress');
    }
    return out;
  }
}

export default K8sNetworkSecurityPlugin;
