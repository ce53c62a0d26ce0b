import { Command, Option } from 'commander';
import { cniJson, cniText, detectCni, gatherCniSnapshot } from '@floe/core/cni';
import { FindingError } from '@floe/core/errors';
import type { GlobalOptions } from '../context.js';
import { addKubeFlags, clusterFromFlags, type KubeFlags } from '../kube-flags.js';
import { runCommand } from '../run-command.js';
import { structured } from '../output.js';

interface CheckCniOptions extends KubeFlags {
  output: 'text' | 'json' | 'yaml';
}

const COMMAND = 'floe network check-cni';

/** Colour for people at a terminal only; NO_COLOR (https://no-color.org) turns it off. */
const useColor = () => Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

export function checkCniCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('check-cni')
    .description('Will NetworkPolicies be enforced on this cluster? Detects the network plugin(s), their versions and the evidence')
    .addOption(new Option('-o, --output <format>', 'result format on stdout').choices(['text', 'json', 'yaml']).default('text'));
  addKubeFlags(cmd);
  return cmd
    .addHelpText(
      'after',
      `
The Kubernetes API stores every NetworkPolicy, but only the network plugin
enforces them: on a cluster whose plugin does not (flannel alone, an old kindnet,
the Amazon VPC CNI without its policy agent, Cilium with enable-policy "never"),
floe's default-deny policies are accepted and have no effect. Run this on every
new cluster.

It reads, in all namespaces, DaemonSets and Deployments (agent images, container
args), the cilium-config and amazon-vpc-cni ConfigMaps, a few plugin CRDs, Node
labels and annotations (k3s), and Tigera operator Installations: get and list
only (examples/rbac/floe-network-reader.yaml grants exactly that). Recognised: Calico, Canal, Cilium, Azure CNI powered by Cilium,
GKE Dataplane V2, Antrea, kube-router, Weave Net, kindnet, flannel, Amazon VPC
CNI, Azure NPM, OVN-Kubernetes, kube-network-policies, k3s.

A match counts only as a plausible install: in a namespace the plugin's
installs use (or owned by its operator, e.g. the Tigera Installation), running
the plugin's image repository, with pods ready (or scheduled on every node).
Anything else, such as a container named calico-node in a tenant's namespace,
is listed as unverified, with the checks it failed, and decides nothing.

Verdicts: enforced (some plugin enforces NetworkPolicy), not-enforced (plugins
found, none enforces), unknown (nothing recognised, a plugin whose setting
cannot be read, or only unverified matches; the output lists what was looked at).
For not-enforced, one next step per plugin found (the AWS VPC CNI's policy
agent, Cilium's enforcement mode, a newer kindnet, Canal or kube-network-policies
beside flannel, the k3s flag, GKE Dataplane V2 or its Network Policy add-on,
AKS's network policy option); for unknown, what to look at; each with the
plugin's documentation (JSON: advice). The Kubernetes version is always
reported, with a finding when it is older than 1.25 (Pod Security labels do
nothing) or than the oldest minor floe supports.

Exit codes: 0 enforced on a supported version, 1 not-enforced, unknown or a
version finding, 2 bad flags, 3 cluster
unreachable, credentials rejected, forbidden or timed out.

Examples:
  floe network check-cni
  floe network check-cni --context prod-eu -o json | jq -r .verdict
  floe network check-cni --kubeconfig ./kubeconfig --request-timeout 10s`,
    )
    .action(async (opts: CheckCniOptions) => {
      // A verdict other than enforced is a finding (exit 1), not a failed operation: the span and audit say success.
      await runCommand(globals(), { operation: 'network.check-cni', attributes: { 'floe.output': opts.output } }, async (run) => {
        const client = await clusterFromFlags(opts, COMMAND, run.log);
        run.note({ server: client.server });
        try {
          const report = detectCni(await gatherCniSnapshot(client));
          const cluster = { server: client.server, context: client.context };
          process.stdout.write(opts.output !== 'text' ? structured(opts.output, cniJson(report, cluster)) : cniText(report, cluster, { color: useColor() }));
          return {
            audit: {
              context: client.context,
              verdict: report.verdict,
              plugins: report.plugins.map((p) => ({ name: p.name, version: p.version, enforcesPolicy: p.enforcesPolicy })),
            },
            finding: report.verdict !== 'enforced' ? new CniNotEnforced(report.verdict) : report.kubernetes?.findings.length ? new OldKubernetes(report.kubernetes.findings.map((f) => f.message).join('; ')) : undefined,
          };
        } finally {
          await client.close();
        }
      });
    });
}

/**
 * The finding "policies will not (or may not) be enforced": exit 1, after the
 * report is on stdout.
 */
/** The finding "this Kubernetes is too old for what floe writes": exit 1, after the report. */
export class OldKubernetes extends FindingError {
  constructor(message: string) {
    super(message);
  }
}

export class CniNotEnforced extends FindingError {
  readonly verdict: string;
  constructor(verdict: string) {
    super(verdict === 'unknown' ? 'cannot confirm that NetworkPolicies are enforced on this cluster (verdict unknown)' : 'NetworkPolicies are not enforced on this cluster (verdict not-enforced)');
    this.verdict = verdict;
  }
}
