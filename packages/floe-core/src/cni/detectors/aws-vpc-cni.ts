import { flagArg, findComponent, imageEvidence, workloadEvidence } from '../components.js';
import { argv, flagValue, imageVersion, parseGoBool } from '../image.js';
import type { CniEvidence, CniPlugin, CniSnapshot } from '../types.js';
import { checkedAgentPlugin } from '../verify.js';

/**
 * Amazon VPC CNI (the aws-node DaemonSet). Policies are enforced by the
 * aws-eks-nodeagent container, and only when it runs with
 * --enable-network-policy=true (its default is false). The amazon-vpc-cni
 * ConfigMap's enable-network-policy-controller only turns on the controller
 * that resolves policies; without the agent nothing enforces them.
 */
export function detectAwsVpcCni(s: CniSnapshot): CniPlugin[] {
  const found: CniPlugin[] = [];
  for (const ds of s.daemonSets) {
    const cni = findComponent(ds, 'aws-node');
    if (!cni) continue;
    const agent = findComponent(ds, 'aws-eks-nodeagent');
    const evidence: CniEvidence[] = [imageEvidence(ds, cni, 'Amazon VPC CNI: pod networking; policy enforcement is the aws-eks-nodeagent container')];
    let enforces: boolean | null = false;
    let reason = `DaemonSet ${ds.namespace}/${ds.name} has no aws-eks-nodeagent container: the network policy agent is not installed`;
    if (agent) {
      evidence.push(imageEvidence(ds, agent, 'the VPC CNI network policy agent'));
      const raw = flagValue(argv(agent), 'enable-network-policy');
      const where = flagArg(agent, 'enable-network-policy');
      const on = raw === undefined ? false : parseGoBool(raw);
      enforces = on ?? null;
      if (where) evidence.push(workloadEvidence(ds, where.field, where.arg, on === true ? 'the agent enforces NetworkPolicy' : on === false ? 'the agent runs but enforces nothing' : 'not a boolean'));
      else evidence.push(workloadEvidence(ds, `spec.template.spec.containers[${agent.name}].args`, '(no --enable-network-policy)', 'the agent defaults to --enable-network-policy=false: it enforces nothing'));
      reason =
        on === true
          ? 'aws-eks-nodeagent runs with --enable-network-policy=true'
          : on === false
            ? `aws-eks-nodeagent runs with ${where?.arg ?? 'the default --enable-network-policy=false'}: it enforces nothing`
            : `--enable-network-policy has the unreadable value "${raw}"`;
    }
    // Only the ConfigMap beside the DaemonSet configures it; one elsewhere (anyone's) says nothing.
    const config = s.configMaps.find((c) => c.name === 'amazon-vpc-cni' && c.namespace === ds.namespace);
    const controller = config?.data['enable-network-policy-controller'];
    if (config && controller !== undefined) {
      const on = controller.trim() === 'true';
      evidence.push({
        kind: 'ConfigMap',
        namespace: config.namespace,
        name: config.name,
        field: 'data.enable-network-policy-controller',
        value: controller,
        meaning: on
          ? enforces === true
            ? 'the controller resolves policies; the node agent enforces them'
            : 'the controller is on, but nothing enforces without the node agent running with --enable-network-policy=true'
          : 'the network policy controller is off',
      });
    }
    const agents = [{ container: cni, component: 'aws-node' as const }, ...(agent ? [{ container: agent, component: 'aws-eks-nodeagent' as const }] : [])];
    found.push(checkedAgentPlugin(s, ds, agents, { name: 'aws-vpc-cni', title: 'Amazon VPC CNI', version: imageVersion(cni.image), enforcesPolicy: enforces, reason, evidence }));
  }
  return found;
}
