import { flagArg, findComponent, imageEvidence, workloadEvidence } from '../components.js';
import { flagValue, argv, imageVersion, parseImage } from '../image.js';
import type { CniEvidence, CniPlugin, CniSnapshot, WorkloadInfo } from '../types.js';
import { checkedAgentPlugin } from '../verify.js';

const AKS_DATAPLANE_LABEL = 'kubernetes.azure.com/ebpf-dataplane';

function flavour(ds: WorkloadInfo, image: string): Pick<CniPlugin, 'name' | 'title'> {
  // GKE names its managed Cilium agent anetd; AKS pulls its build from mcr.microsoft.com.
  if (ds.name === 'anetd') return { name: 'gke-dataplane-v2', title: 'GKE Dataplane V2' };
  if (parseImage(image).registry === 'mcr.microsoft.com') return { name: 'azure-cni-cilium', title: 'Azure CNI powered by Cilium' };
  return { name: 'cilium', title: 'Cilium' };
}

/**
 * Cilium and the managed builds of it (GKE Dataplane V2's anetd, Azure CNI
 * powered by Cilium). The agent enforces unless policy enforcement is "never",
 * set in the cilium-config ConfigMap (enable-policy) or as an agent flag.
 */
export function detectCilium(s: CniSnapshot): CniPlugin[] {
  const found: CniPlugin[] = [];
  for (const ds of s.daemonSets) {
    const agent = findComponent(ds, 'cilium-agent');
    if (!agent) continue;
    const evidence: CniEvidence[] = [imageEvidence(ds, agent, 'Cilium agent: enforces NetworkPolicy in eBPF unless policy enforcement is "never"')];
    // The agent reads the cilium-config of its own namespace; one elsewhere (anyone's) configures nothing.
    const config = s.configMaps.find((c) => c.name === 'cilium-config' && c.namespace === ds.namespace);
    let mode = 'default';
    let source = 'enable-policy is not set, so it is "default"';
    const configured = config?.data['enable-policy'];
    if (config && configured !== undefined) {
      mode = configured.trim();
      source = `enable-policy is "${mode}" in ConfigMap ${config.namespace}/cilium-config`;
      evidence.push({ kind: 'ConfigMap', namespace: config.namespace, name: config.name, field: 'data.enable-policy', value: configured, meaning: mode === 'never' ? 'policy enforcement is switched off' : 'policy enforcement is on' });
    }
    const flag = flagValue(argv(agent), 'enable-policy');
    const where = flagArg(agent, 'enable-policy');
    if (flag !== undefined && where) {
      mode = flag;
      source = `the agent runs with ${where.arg}`;
      evidence.push(workloadEvidence(ds, where.field, where.arg, mode === 'never' ? 'policy enforcement is switched off' : 'policy enforcement is on'));
    }
    if (ds.name !== 'anetd' && parseImage(agent.image).registry === 'mcr.microsoft.com') {
      const labelled = s.nodes.filter((n) => n.labels[AKS_DATAPLANE_LABEL] === 'cilium');
      const first = labelled[0];
      if (first) {
        evidence.push({ kind: 'Node', name: first.name, field: `metadata.labels[${AKS_DATAPLANE_LABEL}]`, value: 'cilium', meaning: `AKS schedules its Cilium agent on nodes with this label (${labelled.length} of ${s.nodes.length} nodes)` });
      }
    }
    const enforces = mode !== 'never';
    found.push(
      checkedAgentPlugin(s, ds, [{ container: agent, component: 'cilium-agent' }], {
        ...flavour(ds, agent.image),
        version: imageVersion(agent.image),
        enforcesPolicy: enforces,
        reason: enforces ? `the Cilium agent enforces NetworkPolicy (${source})` : `policy enforcement is off: ${source}`,
        evidence,
      }),
    );
  }
  return found;
}
