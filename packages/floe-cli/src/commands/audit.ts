import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { auditOutcome, auditReport, configuredPodSecurity, connectivityScope, findingSource, namespaceScope, pssServerCheck, serverCheckVerdict, type FailOn } from '@floe/core/audit';
import { InputError } from '@floe/core/errors';
import { AUDIT_RULES, PolicyEngine, auditJson, auditMarkdown, auditSarif, auditText, compactJsonChunks, compactTextChunks, compactYamlChunks, connectivityDot, connectivityDotChunks, connectivityJsonChunks, connectivityMermaidChunks, connectivityTextChunks, connectivityYamlChunks, hostNetworkNote, namespaceGraph, notEvaluatedSummaries, type NotEvaluatedSummary, type PodInfo } from '@floe/core/policy';
import { newerVersionWarning, newerVersionWarnings, parseLevelVersion, type ConfiguredPodSecurity, type LevelVersion, type PssDefaults, type ServerCheckResult } from '@floe/core/pss';
import { compareStrings } from '@floe/core/util';
import { resolveManifest, STRICT_FLAG, type GlobalOptions } from '../context.js';
import { clusterFromFlags } from '../kube-flags.js';
import { structured } from '../output.js';
import { addPolicyInputFlags, clusterPoliciesJson, loadPolicyInput, progress, requireNamespaces, type PolicyInputFlags } from '../policy-input.js';
import { runCommand } from '../run-command.js';
import { writeChunks } from '../write-out.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

interface AuditOptions extends PolicyInputFlags {
  namespace: string[];
  output: 'text' | 'json' | 'yaml' | 'markdown' | 'sarif' | 'dot' | 'mermaid' | 'svg';
  failOn: FailOn;
  connectivity?: boolean;
  compact?: boolean;
  manifest?: string;
  strict?: boolean;
  pssLevel?: LevelVersion;
  pssServerCheck?: boolean;
}

/**
 * The most namespace-graph edges --output svg lays out. Graphviz's dot layout grows
 * much faster than the edges: 260 edges take 0.5 s, 1,040 about 27 s on the 2-core
 * build VM, and a dense cluster's 40,400 did not finish in 3 minutes.
 */
export const SVG_MAX_EDGES = 1000;

/** Graphviz compiled to WebAssembly, in-process; loaded only for --output svg (it is 5 MB). */
async function renderSvg(dot: string): Promise<string> {
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  return viz.renderString(dot, { format: 'svg', engine: 'dot' });
}

/** One line per Cilium policy floe does not evaluate: the connections of the endpoints it selects are not determined. */
function notEvaluatedNotes(list: readonly NotEvaluatedSummary[], prefix: string): string {
  return list
    .map((n) => `${prefix}note: ${n.id} is not evaluated (${n.reasons.join('; ')}): the ${n.directions.join(' and ')} connections of ${n.selected.length > 0 ? n.selected.join(', ') : 'the endpoints it selects'} are not determined\n`)
    .join('');
}

/** One note per hostNetwork endpoint in scope: connectivity lists it like a pod, but it is its node. */
function hostNetworkNotes(pods: readonly PodInfo[], keep: (endpoint: string) => boolean): string {
  const endpoints = [...new Set(pods.filter((p) => p.hostNetwork && keep(p.endpoint)).map((p) => p.endpoint))].sort(compareStrings);
  return endpoints.map((e) => `note: ${hostNetworkNote(e)}\n`).join('');
}

const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').filter(Boolean)];

export function auditCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('audit')
    .description('What the cluster (or a directory of manifests) allows: every NetworkPolicy in plain words, then risky findings; or, with --connectivity, every allowed connection')
    .option('-n, --namespace <ns>', 'only these namespaces (repeatable, or comma-separated; one the input lacks is an error, exit 2); the whole input is still read, and with --connectivity only the pairs with a workload of these namespaces are computed', collect, [])
    .addOption(new Option('-o, --output <format>', 'text, json, yaml, markdown or sarif; with --connectivity: text, json, yaml, dot, mermaid or svg').choices(['text', 'json', 'yaml', 'markdown', 'sarif', 'dot', 'mermaid', 'svg']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding has this severity or worse').choices(['error', 'warning', 'never']).default('error'))
    .option('--connectivity', 'print the allowed connections between workloads and external ranges instead of findings')
    .option('--compact', 'with --connectivity (text, json or yaml): group the endpoints that every policy treats alike and print one line per group and port set instead of one per pair')
    .option('-m, --manifest <path>', 'also check the Pod Security labels of the namespaces this manifest manages')
    .option(...STRICT_FLAG)
    .option('--pss-server-check', "live cluster only: ask the API server to judge each namespace's existing pods at its Pod Security levels (server-side dry-run of the enforce label change) and fail with exit 4 if it disagrees with floe's evaluator")
    .option('--pss-level <level[:version]>', "the cluster's default Pod Security enforce level for namespaces without a pod-security.kubernetes.io/enforce label (privileged:latest, as the API server's default, unless given), e.g. baseline or restricted:v1.30", (v: string) => parseLevelVersion(v));
  addPolicyInputFlags(cmd);
  return cmd
    .addHelpText(
      'after',
      `
Findings (id, severity):
${Object.entries(AUDIT_RULES)
  .map(([id, r]) => `  ${id.padEnd(40)} ${r.severity.padEnd(8)} ${r.title}`)
  .join('\n')}

pss-violation: every pod or workload (its pod template) that fails its namespace's
Pod Security enforce, audit or warn level (pod-security.kubernetes.io/MODE and
MODE-version labels) is reported per failed check with "check", "level", "version",
"mode" and the API server's message; enforce is an error, audit and warn warnings.

Isolation is decided by selection (which policies select each pod), never by
policy names. Cluster-scoped policies (ClusterNetworkPolicy, AdminNetworkPolicy,
BaselineAdminNetworkPolicy) are read too and decide in tiers around the
NetworkPolicies (Admin first, Baseline after), in the findings and in --connectivity.
CiliumNetworkPolicies are read too (from the cluster when Cilium's CRDs are
installed, and from files) and evaluated with the NetworkPolicies, which they add
to; one outside the subset floe evaluates is a policy-not-evaluated finding with
the pods it selects (docs/cilium-policies.md). --output json is
{"policies": [...], "cilium": {"policies", "notEvaluated"}, "findings": [{"id", "severity",
"namespace", "object", "message", "remedy", ...}], "clusterPolicies": {"found", ...}}; with --connectivity it is
{"connectivity": [{"from", "to", "connections": "all" | [{"protocol", "port", "endPort"?}]}]},
one connection per line, written as it is computed (any size, valid JSON); with --compact
{"groups": [{"id", "endpoints"}], "connectivity": [{"from": [ids], "to": [ids], "connections"}], "pairs"}.
--output yaml is the same object as block YAML, also written as it is computed.
External ranges are merged per workload and direction into the fewest ranges with the
same connections (a pod no policy isolates: 0.0.0.0/0 and ::/0 each way).
Connectivity lists pods and address ranges: Cilium toFQDNs rules (host names) and the
kube-apiserver entity have no column; ask explain about a host name.
dot, mermaid and svg draw the namespace-level graph (External for addresses outside the cluster),
each edge labelled with its ports;
svg is rendered in-process (Graphviz as WebAssembly), no dot binary needed, for graphs of
up to ${SVG_MAX_EDGES} edges (exit 2 above: use -n, or -o dot with sfdp).

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 invalid
input, 3 environment (cluster unreachable, not authorised), 4 with --pss-server-check:
the API server and floe's Pod Security evaluator disagree (a bug in floe).

Examples:
  floe network audit --from-dir manifests/ -o sarif > audit.sarif     # GitHub code scanning
  floe network audit -n floe-jobs -n floe-platform --fail-on warning
  floe network audit --from-dir manifests/ --pss-level baseline        # judge unlabelled namespaces at baseline
  floe network audit --pss-server-check -n floe-jobs                  # and have the API server confirm the verdicts
  floe network audit --connectivity -o json --context prod > connections.json
  floe network audit --connectivity --compact --from-dir dump/          # groups, not millions of pairs
  floe network audit --connectivity -o svg --from-dir dump/ > net.svg`,
    )
    .action(async (opts: AuditOptions) => {
      const graph = opts.output === 'dot' || opts.output === 'mermaid' || opts.output === 'svg';
      if (opts.connectivity && (opts.output === 'markdown' || opts.output === 'sarif')) throw new InputError(`--connectivity prints text, json, yaml, dot, mermaid or svg, not ${opts.output}`);
      if (!opts.connectivity && graph) throw new InputError(`--output ${opts.output} draws connectivity: add --connectivity`);
      if (opts.compact && !opts.connectivity) throw new InputError('--compact groups the connectivity: add --connectivity');
      if (opts.compact && graph) throw new InputError(`--compact groups the text, json and yaml connectivity; --output ${opts.output} already draws namespaces, not pairs`);
      if (opts.pssServerCheck && (opts.fromDir || opts.connectivity)) throw new InputError(`--pss-server-check asks a live cluster about its pods: it cannot be used with ${opts.fromDir ? '--from-dir' : '--connectivity'}`);
      const attributes = { 'floe.connectivity': Boolean(opts.connectivity), 'floe.pss_server_check': Boolean(opts.pssServerCheck), 'floe.output': opts.output, 'floe.source': opts.fromDir ? 'files' : 'cluster' };
      await runCommand(globals(), { operation: 'network.audit', attributes }, async (run) => {
        const status = progress();
        try {
          status.step(`floe: reading ${opts.fromDir ?? 'the cluster'}…`);
          const input = await loadPolicyInput(opts, 'floe network audit', run.log);
          run.note({ source: input.source });
          requireNamespaces(input, opts.namespace);
          const { pods, policies } = input.inventory.model;
          status.step(`floe: evaluating ${policies.length} NetworkPolicies over ${pods.length} pods and workloads…`);
          const engine = new PolicyEngine(input.inventory.model, { ipBlockPodIps: opts.ipblockPodIps });
          const inScope = namespaceScope(opts.namespace);
          if (opts.connectivity) {
            // The scope is computed, not only printed: pairs with no workload of these namespaces are never produced.
            const c = engine.connectivity({ namespaces: opts.namespace });
            const notEvaluated = notEvaluatedSummaries(engine).filter((n) => n.namespace === null || inScope(n.namespace));
            status.done();
            if (notEvaluated.length > 0 && opts.output !== 'text') process.stderr.write(notEvaluatedNotes(notEvaluated, 'floe: warning: '));
            if (opts.output === 'svg') {
              const edges = namespaceGraph(c).edges.length;
              if (edges > SVG_MAX_EDGES) {
                throw new InputError(`--output svg: the namespace graph has ${edges} edges, more than the ${SVG_MAX_EDGES} Graphviz lays out in reasonable time; narrow it with -n, or write -o dot and lay it out with a tool for large graphs (sfdp -Tsvg)`);
              }
              await writeChunks([await renderSvg(connectivityDot(c))]);
            }
            else {
              const render = opts.compact
                ? { json: compactJsonChunks, yaml: compactYamlChunks, text: compactTextChunks }[opts.output as 'json' | 'yaml' | 'text']
                : { json: (x: typeof c) => connectivityJsonChunks(x, notEvaluated), yaml: connectivityYamlChunks, text: connectivityTextChunks, dot: connectivityDotChunks, mermaid: connectivityMermaidChunks }[opts.output as 'json' | 'yaml' | 'text' | 'dot' | 'mermaid'];
              await writeChunks(render(c));
              // hostNetwork endpoints are listed like pods, but they are their node: say so after the text.
              if (opts.output === 'text') await writeChunks([hostNetworkNotes(input.inventory.model.pods, connectivityScope(inScope)), notEvaluatedNotes(notEvaluated, '')]);
            }
            return { audit: { connectivity: true, counts: { endpoints: c.endpoints.length, classes: c.classCount, classPairs: c.classPairCount } } };
          }
          const configured: ConfiguredPodSecurity[] = opts.manifest ? configuredPodSecurity((await resolveManifest(opts.manifest, Boolean(opts.strict))).config) : [];
          const newerDefault = opts.pssLevel && newerVersionWarning(opts.pssLevel.version);
          const newer = [...(newerDefault ? [`--pss-level: ${newerDefault}`] : []), ...newerVersionWarnings(input.inventory.model.namespaces.filter((n) => inScope(n.name)))];
          for (const w of newer) process.stderr.write(`floe: warning: ${w}\n`);
          const defaults: PssDefaults = opts.pssLevel ? { enforce: opts.pssLevel } : {};
          let serverCheck: ServerCheckResult[] | undefined;
          if (opts.pssServerCheck) {
            status.step('floe: asking the API server to judge the pods at each namespace\'s Pod Security levels…');
            const client = await clusterFromFlags(opts, 'floe network audit', run.log);
            try {
              serverCheck = await pssServerCheck(client, input.inventory.model.namespaces, input.objects, defaults, inScope, (why) => process.stderr.write(`floe: Pod Security server check skipped: ${why}\n`));
            } finally {
              await client.close();
            }
          }
          const report = auditReport(engine, input, { inScope, configured, defaults });
          status.done();
          const render = {
            text: () => auditText(report),
            json: () => structured('json', { ...auditJson(report), clusterPolicies: clusterPoliciesJson(engine, input.clusterPolicyApis) }),
            yaml: () => structured('yaml', { ...auditJson(report), clusterPolicies: clusterPoliciesJson(engine, input.clusterPolicyApis) }),
            markdown: () => auditMarkdown(report),
            sarif: () => auditSarif(report, version, (f) => findingSource(input.inventory, f)),
          }[opts.output as 'text' | 'json' | 'yaml' | 'markdown' | 'sarif'];
          // A disagreement means floe's verdicts cannot be trusted: no report, only the error.
          if (serverCheck) process.stderr.write(serverCheckVerdict(serverCheck));
          process.stdout.write(render());
          return auditOutcome(report, opts.failOn, serverCheck);
        } finally {
          status.done();
        }
      });
    });
}
