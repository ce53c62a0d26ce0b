import { Command, Option } from 'commander';
import type { ClusterClient } from '@floe/core/cluster';
import { diffIntent, intentFromGeneration, loadIntentDir, readFloeManaged, readLiveState, renderDiffText, summaryLine, type DiffReport, type Intent } from '@floe/core/diff';
import { FindingError, InputError } from '@floe/core/errors';
import { NetworkPolicyManifestGenerator } from '@floe/core/network';
import { readLiveObjects } from '@floe/core/inventory';
import { connectionsText, semanticDiff, type SemanticDiff } from '@floe/core/policy';
import { loadNetworkPlugin, resolveManifest, STRICT_FLAG, type GlobalOptions } from '../context.js';
import { addKubeFlags, clusterFromFlags, type KubeFlags } from '../kube-flags.js';
import { runCommand } from '../run-command.js';
import { structured } from '../output.js';

const COMMAND = 'floe network diff';

/**
 * The finding "the cluster differs from the intent": exit 1, after the report
 * is on stdout (as kubectl diff). Not a failed operation: span and audit say success.
 */
export class DriftFound extends FindingError {
  constructor(report: DiffReport) {
    super(`the cluster differs from the intent: ${summaryLine(report)}`);
  }
}

interface DiffOptions extends KubeFlags {
  manifest?: string;
  strict?: boolean;
  dir?: string;
  output: 'text' | 'json' | 'yaml';
  plugin: string;
  semantic?: boolean;
  /** commander's --no-orphans: false skips the cluster-wide read of floe's objects. */
  orphans: boolean;
  namespace: string[];
}

/** --semantic: the live cluster allows access the intent does not. Always exit 1. */
export class AccessWidened extends FindingError {
  constructor(n: number) {
    super(`the cluster allows ${n} connection${n === 1 ? '' : 's'} the intent does not (access widened)`);
  }
}

/**
 * The --semantic section of the text output, in the unified diff's signs (--- live, +++ intent):
 * "-" is what applying the intent closes, "+" what it opens.
 */
export function semanticText(d: SemanticDiff): string {
  const n = (k: number) => `${k} connection${k === 1 ? '' : 's'}`;
  const lines = [
    `semantic: applying the intent closes ${n(d.widened.length)} (the cluster allows, the intent does not: access widened) and opens ${n(d.narrowed.length)} (the intent allows, the cluster blocks)`,
    'legend: - applying closes (the cluster allows it, the intent does not); + applying opens (the intent allows it, the cluster blocks it)',
  ];
  if (d.basis === 'selectors') lines.push("note: no pods in the managed namespaces to compare: comparing the policies' own rules, by namespace and selector");
  for (const c of d.widened) lines.push(`  - applying closes ${c.from} -> ${c.to}: ${connectionsText(c.connections)}`);
  for (const c of d.narrowed) lines.push(`  + applying opens ${c.from} -> ${c.to}: ${connectionsText(c.connections)}`);
  return `${lines.join('\n')}\n`;
}

/** The stable JSON shape of `diff --output json`; add fields, never rename them. */
export function diffJson(report: DiffReport, intent: Intent, cluster: Pick<ClusterClient, 'server' | 'context'>) {
  return {
    source: intent.source,
    cluster: { server: cluster.server, context: cluster.context },
    drift: report.drift,
    counts: report.counts,
    missing: report.missing,
    changed: report.changed,
    extra: report.extra,
    namespaces: report.namespaces,
    orphaned: report.orphaned,
    orphanedNamespaces: report.orphanedNamespaces,
    orphans: report.orphans,
  };
}

/** Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org). */
function useColor(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
}

/** -n: the intent narrowed to these managed namespaces; one it does not manage is exit 2. */
export function onlyNamespaces(intent: Intent, wanted: readonly string[]): Intent {
  if (wanted.length === 0) return intent;
  const unknown = wanted.filter((n) => !intent.namespaces.includes(n));
  if (unknown.length) {
    throw new InputError(`namespace${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not managed by the intent (it manages ${intent.namespaces.join(', ')})`, { code: 'input.unknown_namespace' });
  }
  const keep = new Set(wanted);
  return {
    ...intent,
    namespaces: intent.namespaces.filter((n) => keep.has(n)),
    objects: intent.objects.filter((o) => keep.has((o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace) ?? '')),
  };
}

async function loadIntent(opts: DiffOptions): Promise<{ intent: Intent; manifestSha256?: string }> {
  if (opts.dir !== undefined) return { intent: await loadIntentDir(opts.dir.replace(/(.)\/+$/, '$1')) };
  const manifest = await resolveManifest(opts.manifest, Boolean(opts.strict));
  const plugin = await loadNetworkPlugin(opts.plugin);
  return { intent: intentFromGeneration(new NetworkPolicyManifestGenerator(plugin).generate(manifest.config), manifest.source), manifestSha256: manifest.sha256 };
}

export function diffCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('diff')
    .description('Compare the intent (manifest.yaml or a generated directory) with the live cluster: missing, changed and extra objects, Pod Security label drift')
    .option('-m, --manifest <path>', 'platform manifest to generate the intent from, in memory (default: ./manifest.yaml, else the built-in defaults)')
    .option(...STRICT_FLAG)
    .option('-n, --namespace <ns>', 'compare only these managed namespaces (repeatable, or comma-separated; one the intent does not manage is exit 2)', (v: string, all: string[]) => [...all, ...v.split(',').filter(Boolean)], [])
    .option('--dir <dir>', 'compare the objects of a directory written by `floe network generate` instead (e.g. target/network)')
    .addOption(new Option('-o, --output <format>', 'result format on stdout').choices(['text', 'json', 'yaml']).default('text'))
    .option('--plugin <name>', 'network security plugin to render the manifest with: k8s (NetworkPolicy) or cilium (CiliumNetworkPolicy)', 'k8s')
    .option('--semantic', 'also compare what the policies allow, as what applying the intent does: "- applying closes" a connection the cluster allows and the intent does not (access widened, always exit 1), "+ applying opens" one the intent allows; with no pods, the policies\' rules by namespace and selector; reads pods and workloads cluster-wide')
    .option('--no-orphans', 'do not list floe\'s objects cluster-wide to find orphans (e.g. several floe platforms share the cluster)');
  return addKubeFlags(cmd)
    .addHelpText(
      'after',
      `
What counts as drift, in every namespace the intent manages:
  missing   an intended object is not in the cluster (a namespace that does not
            exist is missing with everything in it)
  changed   a NetworkPolicy or CiliumNetworkPolicy spec (--plugin cilium),
            floe's labels, a PodTemplate field floe writes
            (or one it does not that is not a server default, e.g. hostNetwork),
            a Namespace Pod Security label that is missing, weaker or of another
            -version (a stricter level is noted, not drift)
  extra     a NetworkPolicy (with --plugin cilium, also a CiliumNetworkPolicy) the
            intent does not have, whoever owns it: policies only add
            allowances, so one with a rule widens access
  orphaned  anywhere else in the cluster, a NetworkPolicy, PodTemplate (with
            --plugin cilium, also a CiliumNetworkPolicy) labelled
            app.kubernetes.io/managed-by=floe that the intent no longer has (a
            removed domain's policies); the output names the kubectl delete that
            removes them. A floe Namespace the intent no longer has is reported
            and kept, never drift: deleting it would delete its workloads
Not drift: what the API server fills in (uid, resourceVersion, managedFields,
defaulted protocol and policyTypes, empty lists), labels and annotations others
add, and the order of rules, peers and ports.

Text output is a unified diff per object (--- live, +++ intent), coloured on a
terminal unless NO_COLOR is set, then one "changed:" line per field (path, live
and intended value), notes and a summary line. --output json is documented in
docs/json-output.md. Reads only (get, list): namespaces, and networkpolicies and
podtemplates in the managed namespaces; for orphans, list with the label selector
app.kubernetes.io/managed-by=floe on namespaces, networkpolicies and podtemplates
in all namespaces (a ClusterRole: examples/rbac/). Refused (403), the report says
orphans were not checked and the rest of the diff stands.

Exit codes: 0 no drift, 1 drift, 2 bad input (manifest, directory, flags),
3 cluster unreachable, credentials rejected, forbidden or timed out.

Examples:
  floe network diff                                  # ./manifest.yaml against the current context
  floe network diff --dir target/network -o json
  floe network diff -n floe-jobs                     # one managed namespace
  floe network diff -m platform/manifest.yaml --context prod --request-timeout 10s

Review, then apply (exit 1 means drift, so never diff && apply):
  floe network diff --dir target/network
  kubectl apply --server-side --field-manager=floe -f target/network/
In CI (0 and 1 go on, 2 and above stop):
  rc=0; floe network diff --dir target/network || rc=$?   # 0 no drift, 1 drift: both go on to the apply
  [ "$rc" -le 1 ] || exit "$rc"                           # 2 bad input, 3 cluster unreachable: stop
  kubectl apply --server-side --field-manager=floe -f target/network/`,
    )
    .action(async (opts: DiffOptions) => {
      if (opts.manifest !== undefined && opts.dir !== undefined) {
        throw new InputError('--manifest and --dir are alternatives: pass one (the manifest generates the intent in memory; --dir reads generated files)');
      }
      const mode = opts.dir !== undefined ? 'dir' : 'manifest';
      await runCommand(globals(), { operation: 'network.diff', attributes: { 'floe.intent_source': mode, 'floe.output': opts.output } }, async (run) => {
        const loaded = await loadIntent(opts);
        const intent = onlyNamespaces(loaded.intent, opts.namespace);
        const manifestSha256 = loaded.manifestSha256;
        run.note({ source: intent.source });
        const client = await clusterFromFlags(opts, COMMAND, run.log);
        run.note({ server: client.server });
        try {
          const [live, managed] = await Promise.all([readLiveState(client, intent), opts.orphans ? readFloeManaged(client, { cilium: intent.objects.some((o) => o.kind === 'CiliumNetworkPolicy') }) : Promise.resolve(undefined)]);
          if (managed && !managed.checked) run.log.warn(managed.reason);
          const result = diffIntent(intent, live, managed);
          const semantic = opts.semantic ? semanticDiff(await readLiveObjects(client), intent.objects, intent.namespaces) : undefined;
          process.stdout.write(
            opts.output !== 'text'
              ? structured(opts.output, { ...diffJson(result.report, intent, client), ...(semantic ? { semantic } : {}) })
              : renderDiffText(result, { color: useColor() }) + (semantic ? semanticText(semantic) : ''),
          );
          const widened = semantic?.widened.length ?? 0;
          return {
            audit: {
              ...(manifestSha256 ? { manifestSha256 } : {}),
              context: client.context,
              drift: result.report.drift,
              counts: { ...result.report.counts, namespaces: intent.namespaces.length, liveNetworkPolicies: live.networkPolicies.length },
            },
            // Drift first: with both, the exit is 1 either way and drift is what kubectl diff users look for.
            finding: result.report.drift ? new DriftFound(result.report) : widened > 0 ? new AccessWidened(widened) : undefined,
          };
        } finally {
          await client.close();
        }
      });
    });
}
