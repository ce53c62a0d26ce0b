import { Command, Option } from 'commander';
import { FindingError, InputError } from '@floe/core/errors';
import { PolicyEngine, connectionsText, hostNetworkNote, parseHostName, parseIp, resolveEndpoint, type PolicyProtocol, type PortQuery, type SideVerdict, type Verdict } from '@floe/core/policy';
import type { GlobalOptions } from '../context.js';
import type { ClusterPolicyApis } from '@floe/core/inventory';
import { addPolicyInputFlags, clusterPoliciesJson, loadPolicyInput, type PolicyInputFlags } from '../policy-input.js';
import { runCommand } from '../run-command.js';
import { structured } from '../output.js';

interface ExplainOptions extends PolicyInputFlags {
  from: string;
  to: string;
  namespace?: string;
  port?: string;
  output: 'text' | 'json' | 'yaml';
}

/** The finding "this connection is denied": exit 1, after the explanation is on stdout. */
export class ConnectionDenied extends FindingError {}

/** kubectl's resource words (singular and short forms: a plural like `jobs/x` is read as a namespace). */
const KINDS: Record<string, string> = {
  pod: 'Pod', po: 'Pod',
  deployment: 'Deployment', deploy: 'Deployment',
  statefulset: 'StatefulSet', sts: 'StatefulSet',
  daemonset: 'DaemonSet', ds: 'DaemonSet',
  replicaset: 'ReplicaSet', rs: 'ReplicaSet',
  job: 'Job', cronjob: 'CronJob', cj: 'CronJob',
  replicationcontroller: 'ReplicationController', rc: 'ReplicationController',
};

/**
 * kubectl's forms to floe's: `deployment/web` and `web[Deployment]` (in -n's namespace,
 * else default) become `ns/web[Deployment]`, `pod/a` and `a` become `ns/a`; `ns/name`,
 * `ns/name[Kind]` and IP addresses stay as they are.
 */
export function endpointText(text: string, namespace = 'default'): string {
  if (parseIp(text) || parseHostName(text)) return text;
  const parts = text.split('/');
  if (parts.length === 1) return `${namespace}/${text}`;
  const kind = parts.length === 2 ? KINDS[(parts[0] ?? '').toLowerCase()] : undefined;
  if (!kind) return text;
  return kind === 'Pod' ? `${namespace}/${parts[1]}` : `${namespace}/${parts[1]}[${kind}]`;
}

/**
 * `example.com:443`, `*.example.com:443/TCP` → the host and its port (a host name destination
 * may carry its port, as a URL does); anything else is returned as it is.
 */
export function splitHostPort(text: string): { endpoint: string; port?: string } {
  const m = /^(.+?):(\d{1,5}(?:\/[a-z]+)?)$/i.exec(text.trim());
  if (!m || !parseHostName(m[1] ?? '')) return { endpoint: text };
  return { endpoint: m[1] ?? text, port: m[2] ?? '' };
}

/** `8080`, `53/UDP`, `9/sctp` → a port query; anything else is exit 2. */
export function parsePortQuery(text: string): PortQuery {
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(text.trim());
  const port = Number(m?.[1]);
  if (!m || port < 1 || port > 65535) throw new InputError(`--port "${text}": expected N or N/PROTO with N 1–65535 and PROTO TCP, UDP or SCTP (e.g. 8080, 53/UDP)`);
  return { port, protocol: (m[2]?.toUpperCase() ?? 'TCP') as PolicyProtocol };
}

/** The stable JSON shape of `explain --output json`; add fields, never rename them. */
export function explainJson(v: Verdict, engine: PolicyEngine, from: string, to: string, query: PortQuery | undefined, apis?: ClusterPolicyApis) {
  const side = (s: SideVerdict) => ({
    endpoint: s.subject,
    isolated: s.isolated,
    isolatedBy: s.isolatedBy,
    allowed: s.allowed,
    allowedBy: s.allowedBy,
    closest: s.closest,
    // Present when a cluster-scoped policy selects this side's subject: the deciding tier and rule.
    ...(s.tiers ? { tiers: s.tiers } : {}),
    undetermined: s.undetermined,
  });
  return {
    allowed: v.allowed,
    from,
    to,
    port: query ?? null,
    connections: engine.ports.connections(v.connections),
    egress: side(v.egress),
    ingress: side(v.ingress),
    clusterPolicies: clusterPoliciesJson(engine, apis),
    determined: v.determined,
  };
}

function sideText(s: SideVerdict, query: PortQuery | undefined, peer: string): string[] {
  const head = `${s.direction} at ${s.subject}`;
  const unknown = s.undetermined.map((u) => `  not determined: ${u}`);
  if (s.tiers && s.tiers.stage !== 'networkpolicy') {
    // A cluster-scoped rule or the default decided: the NetworkPolicies of this side are context only.
    const lines = [`${head}: ${s.allowed ? 'allowed' : 'DENIED'}: ${s.tiers.text}`];
    if (s.isolated) lines.push(`  NetworkPolicies isolating it: ${s.isolatedBy.join(', ')}${s.tiers.stage === 'admin' ? ' (not consulted)' : ''}`);
    return [...lines, ...unknown];
  }
  if (s.tiers) {
    const lines = sideText({ ...s, tiers: undefined }, query, peer);
    lines.splice(1, 0, `  ${s.tiers.text}`);
    return lines;
  }
  if (!s.isolated) {
    if (unknown.length > 0) return [`${head}: UNDETERMINED (no policy floe evaluates selects it for ${s.direction})`, ...unknown];
    return [/\[(External|Host)\]$/.test(s.subject) ? `${head}: allowed (outside the cluster: no NetworkPolicy applies)` : `${head}: allowed (no NetworkPolicy selects it for ${s.direction}: not isolated)`];
  }
  const lines = [`${head}: ${s.undetermined.length > 0 ? 'UNDETERMINED' : s.allowed ? 'allowed' : 'DENIED'}`, `  isolated by: ${s.isolatedBy.join(', ')}`, ...unknown];
  for (const r of s.allowedBy) lines.push(`  admitted by: ${r.rule}: ${r.description}`);
  if (!s.allowed) {
    lines.push(`  no rule admits ${peer}${query ? ` on ${query.protocol}/${query.port}` : ''}`);
    if (s.closest) {
      lines.push(`  closest rule: ${s.closest.rule}: ${s.closest.description}`);
      for (const r of s.closest.reasons) lines.push(`    - ${r}`);
    } else lines.push(`  the isolating polic${s.isolatedBy.length === 1 ? 'y has' : 'ies have'} no ${s.direction} rules: ${s.direction} is denied entirely`);
  }
  return lines;
}

export function explainText(v: Verdict, engine: PolicyEngine, from: string, to: string, query: PortQuery | undefined, notes: string[]): string {
  const what = query ? `on ${query.protocol}/${query.port}` : v.allowed ? `on ${connectionsText(engine.ports.connections(v.connections))}` : 'on any port';
  const head = !v.determined ? 'UNDETERMINED' : v.allowed ? 'ALLOWED' : 'DENIED';
  return [`${head}  ${from} -> ${to} ${what}`, ...notes.map((n) => `  (${n})`), '', ...sideText(v.egress, query, to), ...sideText(v.ingress, query, from), ''].join('\n');
}

export function explainCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('explain')
    .description('Can FROM reach TO (on PORT), and which NetworkPolicy rules decide? Egress at the source AND ingress at the destination')
    .requiredOption('--from <endpoint>', 'source: ns/pod, ns/name[Kind] (a workload stands for its pods), kubectl\'s kind/name (deployment/web) or an IP address')
    .requiredOption('--to <endpoint>', 'destination: ns/pod, ns/name[Kind], kind/name, an IP address, or a host name outside the cluster (example.com, *.example.com; HOST:PORT sets --port)')
    .option('-n, --namespace <ns>', 'the namespace of an endpoint given without one (web, deployment/web, web[Deployment]); default: default')
    .option('--port <port>', 'N or N/PROTO (TCP, UDP, SCTP; default TCP); without it, every allowed port is listed')
    .addOption(new Option('-o, --output <format>', 'result format on stdout').choices(['text', 'json', 'yaml']).default('text'));
  addPolicyInputFlags(cmd);
  return cmd
    .addHelpText(
      'after',
      `
A pod is isolated for a direction when a NetworkPolicy in its namespace selects it
with that direction in policyTypes; an isolated side admits only what some rule of
those policies allows. For a denied connection, the closest rule is named with what
it lacks (the label a selector misses, the port it does not list).

Cluster-scoped policies (ClusterNetworkPolicy v1beta1/v1alpha2, AdminNetworkPolicy
and BaselineAdminNetworkPolicy v1alpha1) are read too, when the cluster serves them
or the files hold them. Each side is then decided in tiers: the Admin tier by
priority (the first matching rule decides: Accept/Allow, Deny, or Pass on), then
NetworkPolicies, then the Baseline tier, then default allow; the deciding object is
named with its tier, priority and rule (docs/cluster-network-policy.md).

CiliumNetworkPolicies are read too (from the cluster when the CRD is installed, and
from --from-dir) and are additive with NetworkPolicies. A host name destination is
judged by name by Cilium toFQDNs rules; an ipBlock admits it only when it holds every
public address (the name's address is unknown to floe: explain that address for the
rest). The verdict is UNDETERMINED when a CiliumNetworkPolicy that floe does not
evaluate (L7 rules, toServices, deny policies...) selects an endpoint, or when an
ipBlock's verdict on a host name depends on its address (docs/cilium-policies.md).

Exit codes: 0 allowed, 1 denied or undetermined, 2 invalid input (flags, unknown
endpoint, malformed files), 3 environment (cluster unreachable, not authorised).

Examples:
  floe network explain --from floe-jobs/a --to floe-platform/polaris --port 8181
  floe network explain --from shop/web[Deployment] --to 10.0.0.5 --port 5432 --from-dir dump/
  floe network explain -n shop --from deployment/web --to deployment/db --port 5432
  floe network explain --from floe-jobs/a --to kube-system/coredns[Deployment] --port 53/UDP --context prod
  floe network explain --from floe-jobs/job-a --to '*.snowflakecomputing.com:443'
  floe network explain --from floe-jobs/job-a --to example.com --port 443 --from-dir target/network
  floe network generate -d out && floe network explain --from-dir out --from floe-jobs/a --to floe-jobs/b --port 8080`,
    )
    .action(async (opts: ExplainOptions) => {
      const hostPort = splitHostPort(opts.to);
      if (hostPort.port !== undefined) {
        if (opts.port !== undefined && opts.port.toUpperCase() !== hostPort.port.toUpperCase()) throw new InputError(`--to "${opts.to}" names port ${hostPort.port} and --port says ${opts.port}: give the port once`);
        opts.port = hostPort.port;
        opts.to = hostPort.endpoint;
      }
      const query = opts.port !== undefined ? parsePortQuery(opts.port) : undefined;
      opts.from = endpointText(opts.from, opts.namespace);
      opts.to = endpointText(opts.to, opts.namespace);
      const attributes = { 'floe.from': opts.from, 'floe.to': opts.to, 'floe.port': opts.port ?? '', 'floe.source': opts.fromDir ? 'files' : 'cluster' };
      await runCommand(globals(), { operation: 'network.explain', attributes }, async (run) => {
        // Two pods' verdict needs only their namespaces' pods, workloads and policies (plus every namespace's labels);
        // an IP could be any pod's, so it needs them all.
        // A host name is no pod: it needs no namespace read.
        const named = [opts.from, opts.to].filter((e) => !parseHostName(e));
        const namespaces = named.map((e) => (parseIp(e) ? null : e.split('/')[0] ?? null));
        const input = await loadPolicyInput(opts, 'floe network explain', run.log, namespaces.every((n) => n) ? [...new Set(namespaces as string[])] : undefined);
        run.note({ source: input.source });
        const engine = new PolicyEngine(input.inventory.model, { ipBlockPodIps: opts.ipblockPodIps });
        const from = resolveEndpoint(input.inventory.model, opts.from);
        const to = resolveEndpoint(input.inventory.model, opts.to);
        const verdict = engine.evaluate(from.endpoint, to.endpoint, query);
        const notes = [from, to].flatMap((e) => [
          ...(e.representative ? [`${e.name} has pods that policies tell apart; evaluated ${e.representative}`] : []),
          ...(e.endpoint.kind === 'pod' && e.endpoint.pod.hostNetwork ? [hostNetworkNote(e.endpoint.pod.endpoint)] : []),
        ]);
        process.stdout.write(
          opts.output !== 'text' ? structured(opts.output, explainJson(verdict, engine, from.name, to.name, query, input.clusterPolicyApis)) : explainText(verdict, engine, from.name, to.name, query, notes),
        );
        return {
          audit: { verdict: !verdict.determined ? 'undetermined' : verdict.allowed ? 'allowed' : 'denied', from: from.name, to: to.name, port: query ? `${query.port}/${query.protocol}` : 'any', policies: input.inventory.model.policies.length },
          finding: !verdict.determined ? new ConnectionDenied(`${from.name} -> ${to.name} cannot be determined: a policy floe does not evaluate decides it`) : verdict.allowed ? undefined : new ConnectionDenied(`${from.name} -> ${to.name} is denied`),
        };
      });
    });
}
