/**
 * What to do next when policies will not (or may not) be enforced: one
 * concrete step per detected plugin, with the plugin's own documentation.
 * Pure: the report and the snapshot's nodes in, advice out.
 */
import type { CniAdvice, CniPlugin, CniReport, CniSnapshot } from './types.js';

export type { CniAdvice };

const NOT_ENFORCING: Record<string, Omit<CniAdvice, 'plugin'>> = {
  'aws-vpc-cni': {
    step: 'turn on the VPC CNI network policy agent: on EKS set the vpc-cni add-on configuration {"enableNetworkPolicy": "true"} (aws eks update-addon --addon-name vpc-cni --configuration-values \'{"enableNetworkPolicy":"true"}\'); self-managed, run aws-network-policy-agent with --enable-network-policy=true and set enable-network-policy-controller: "true" in the amazon-vpc-cni ConfigMap',
    docs: 'https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html',
  },
  cilium: {
    step: 'set Cilium\'s policy enforcement mode back to default (enable-policy: default in the cilium-config ConfigMap, or cilium config set enable-policy default; Helm: policyEnforcementMode=default), then restart the cilium agents',
    docs: 'https://docs.cilium.io/en/stable/security/policy/intro/#policy-enforcement-modes',
  },
  'azure-cni-cilium': {
    step: 'Azure CNI powered by Cilium enforces NetworkPolicy unless its enforcement mode was changed: set enable-policy back to default in the cilium-config ConfigMap (or recreate the node pools with --network-dataplane cilium)',
    docs: 'https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium',
  },
  'gke-dataplane-v2': {
    step: 'GKE Dataplane V2 enforces NetworkPolicy unless its enforcement mode was changed: check enable-policy in the cilium-config ConfigMap in kube-system and contact GKE support if it is not default',
    docs: 'https://cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2',
  },
  kindnet: {
    step: 'upgrade kindnet to a release with NetworkPolicy support (kind v0.24.0 and newer ship it: recreate the cluster with a current kind), or create the kind cluster with networking.disableDefaultCNI: true and install Calico or Cilium',
    docs: 'https://github.com/kubernetes-sigs/kindnet',
  },
  flannel: {
    step: 'flannel alone never enforces NetworkPolicy: add a policy engine beside it, Calico as Canal (flannel networking, Calico policy; docs below) or kube-network-policies (https://github.com/kubernetes-sigs/kube-network-policies)',
    docs: 'https://docs.tigera.io/calico/latest/getting-started/kubernetes/flannel/install-for-flannel',
  },
  k3s: {
    step: 'start every k3s server without --disable-network-policy (remove it from the server flags or disable-network-policy from /etc/rancher/k3s/config.yaml) and restart k3s: its embedded policy controller then enforces NetworkPolicy',
    docs: 'https://docs.k3s.io/networking/networking-services#network-policy-controller',
  },
};

const UNKNOWN: Record<string, Omit<CniAdvice, 'plugin'>> = {
  cilium: { step: 'read enable-policy (or policy-enforcement-mode) in the cilium-config ConfigMap: kubectl -n kube-system get configmap cilium-config -o yaml; default and always enforce, never does not', docs: 'https://docs.cilium.io/en/stable/security/policy/intro/#policy-enforcement-modes' },
  'aws-vpc-cni': { step: 'look for the aws-network-policy-agent container in the aws-node DaemonSet and its --enable-network-policy flag: kubectl -n kube-system get daemonset aws-node -o yaml', docs: 'https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html' },
  k3s: { step: 'read the k3s.io/node-args annotation of a server node (kubectl get node NAME -o yaml): --disable-network-policy there turns enforcement off', docs: 'https://docs.k3s.io/networking/networking-services#network-policy-controller' },
  kindnet: { step: 'read the kindnet image tag (kubectl -n kube-system get daemonset kindnet -o yaml): releases from 2024-08 on enforce NetworkPolicy', docs: 'https://github.com/kubernetes-sigs/kindnet' },
};

const GENERIC_UNKNOWN: Omit<CniAdvice, 'plugin'> = {
  step: 'find the network plugin: kubectl get daemonsets -A (the agent runs on every node), and on a node the first file in /etc/cni/net.d names it; then read in its documentation whether and how it enforces NetworkPolicy',
  docs: 'https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/network-plugins/',
};

const GKE: CniAdvice = {
  plugin: 'gke',
  step: 'on GKE, enable Dataplane V2 (new clusters: gcloud container clusters create ... --enable-dataplane-v2) or the Network Policy add-on (gcloud container clusters update CLUSTER --update-addons=NetworkPolicy=ENABLED, then --enable-network-policy)',
  docs: 'https://cloud.google.com/kubernetes-engine/docs/how-to/network-policy',
};

const AKS: CniAdvice = {
  plugin: 'aks',
  step: 'on AKS, choose a network policy engine: az aks update --resource-group RG --name CLUSTER --network-policy cilium (with --network-dataplane cilium), azure or calico',
  docs: 'https://learn.microsoft.com/azure/aks/use-network-policies',
};

const onGke = (s: Pick<CniSnapshot, 'nodes'>) => s.nodes.some((n) => 'cloud.google.com/gke-nodepool' in n.labels);
const onAks = (s: Pick<CniSnapshot, 'nodes'>) => s.nodes.some((n) => 'kubernetes.azure.com/cluster' in n.labels);

/** Nothing when policies are enforced; otherwise one step per plugin (and per managed platform), deduplicated. */
export function cniAdvice(report: Pick<CniReport, 'verdict' | 'plugins'>, snapshot: Pick<CniSnapshot, 'nodes'>): CniAdvice[] {
  if (report.verdict === 'enforced') return [];
  const out: CniAdvice[] = [];
  const add = (plugin: string, a: Omit<CniAdvice, 'plugin'>) => {
    if (!out.some((o) => o.plugin === plugin && o.step === a.step)) out.push({ plugin, ...a });
  };
  const table = report.verdict === 'not-enforced' ? NOT_ENFORCING : UNKNOWN;
  const relevant = (p: CniPlugin) => (report.verdict === 'not-enforced' ? p.enforcesPolicy === false : p.enforcesPolicy !== true);
  for (const p of report.plugins.filter(relevant)) {
    const a = table[p.name];
    if (a) add(p.name, a);
  }
  if (onGke(snapshot) && !report.plugins.some((p) => p.name === 'gke-dataplane-v2')) out.push(GKE);
  if (onAks(snapshot) && !report.plugins.some((p) => p.name === 'azure-cni-cilium' || p.name === 'azure-npm')) out.push(AKS);
  if (report.verdict === 'unknown' && out.length === 0) add('unknown', GENERIC_UNKNOWN);
  if (report.verdict === 'not-enforced' && out.length === 0) add('unknown', { step: 'install a network plugin that enforces NetworkPolicy (Calico, Cilium, Antrea, kube-router) or its policy add-on for the plugin you run', docs: GENERIC_UNKNOWN.docs });
  return out;
}
