import { Command, Option } from 'commander';
import { filesRemovedBy, NetworkPolicyManifestGenerator, replaceOutputDir, type GenerationResult } from '@floe/core/network';
import { maxOf } from '@floe/core/util';
import { loadNetworkPlugin, resolveManifest, STRICT_FLAG, type GlobalOptions } from '../context.js';
import { runCommand } from '../run-command.js';
import { structured } from '../output.js';

interface GenerateOptions {
  manifest?: string;
  strict?: boolean;
  outputDir: string;
  dryRun?: boolean;
  output: 'text' | 'json' | 'yaml';
  plugin: string;
}

/** The stable JSON shape of `generate --output json`; add fields, never rename them. */
export function generateJson(result: GenerationResult, outputDir: string, dryRun: boolean, removed: readonly string[] = []) {
  return {
    outputDir,
    dryRun,
    files: result.files.map(({ path, kind, namespace, name, sha256 }) => ({ path, kind, namespace, name, sha256 })),
    namespaces: result.namespaces,
    warnings: result.warnings,
    /** The cluster guardrails written (cluster-scoped; [] unless security.network_policies.cluster_guardrails is on). */
    guardrails: result.guardrails,
    /** Files an earlier run wrote that this one no longer generates (removed, or with --dry-run would be). */
    removed: [...removed],
  };
}

export function textReport(result: GenerationResult, outputDir: string, dryRun: boolean, removed: readonly string[] = []): string {
  const lines = [
    `${dryRun ? 'would write' : 'wrote'} ${result.files.length} files to ${outputDir}/ for ${result.namespaces.length} namespaces${dryRun ? ' (dry run: nothing written)' : ''}`,
  ];
  const width = maxOf(result.files, (f) => f.path.length);
  const guardrails = new Set(result.guardrails.map((g) => g.file));
  for (const f of result.files) lines.push(`  ${f.path.padEnd(width)}  ${f.kind}${f.namespace ? ` ${f.namespace}/${f.name}` : guardrails.has(f.path) ? ` ${f.name} (cluster-scoped)` : ''}`);
  if (removed.length) {
    lines.push(`${dryRun ? 'would remove' : 'removed'} ${removed.length} file${removed.length === 1 ? '' : 's'} no longer generated:`);
    for (const f of removed) lines.push(`  ${f}`);
  }
  return lines.join('\n') + '\n';
}

export function generateCommand(globals: () => GlobalOptions): Command {
  return new Command('generate')
    .description('Write NetworkPolicies, Namespaces with Pod Security labels, hardened PodTemplates and a summary from manifest.yaml')
    .option('-m, --manifest <path>', 'platform manifest (default: ./manifest.yaml, else the built-in defaults)')
    .option(...STRICT_FLAG)
    .option('-d, --output-dir <dir>', 'directory to replace with the generated files', 'target/network')
    .option('--dry-run', 'print what would be written; write nothing')
    .addOption(new Option('-o, --output <format>', 'result format on stdout').choices(['text', 'json', 'yaml']).default('text'))
    .option('--plugin <name>', 'network security plugin to render with: k8s (NetworkPolicy, any CNI) or cilium (CiliumNetworkPolicy; needed for to_fqdn and allow_external_https.fqdns)', 'k8s')
    .addHelpText(
      'after',
      `
The output directory is replaced atomically: files from an earlier run that are no
longer generated disappear, an interrupted run leaves the previous content intact,
and a directory holding files floe did not write is never touched (exit 3).
Refused: a parent directory every user can write, such as /tmp itself (exit 3),
and /, . or any directory holding the current one (exit 2).
One run writes a directory at a time: a second one exits 3 ("another generate
is running"). With -o json, a failure is also a JSON object on stdout:
{"error": {"code": ..., "message": ..., "problems": [...]}}.
With security.admission_guard: warn or deny in the manifest, the directory also
holds ValidatingAdmissionPolicies and bindings (admission-guard-*.yaml,
cluster-scoped, Kubernetes >= 1.30) that the API server evaluates: apply them as
one of the guard's appliers (docs/admission-guard.md).

A manifest the plugin cannot render (to_fqdn with --plugin k8s) is refused before
anything is written (exit 2, code input.capability), naming the rule and a plugin
that can: egress rule jobs_egress_allow[2] "snowflake" (to_fqdn) needs a plugin
with fqdn-egress, which plugin k8s does not have: try --plugin cilium.

Examples:
  floe network generate                                  # ./manifest.yaml or the built-in defaults
  floe network generate --plugin cilium                  # CiliumNetworkPolicies: to_fqdn, the API server by entity
  floe network generate -m platform/manifest.yaml -o json
  floe network generate --dry-run                        # what would change, nothing written
  kubectl apply --server-side --field-manager=floe -f target/network/`,
    )
    .action(async (opts: GenerateOptions) => {
      // `-d /` stays `/` (refused by the writer), never `.`, the working directory.
      const outputDir = opts.outputDir.replace(/\/+$/, '') || '/';
      const dryRun = Boolean(opts.dryRun);
      await runCommand(globals(), { operation: 'network.generate', attributes: { 'floe.dry_run': dryRun, 'floe.output_dir': outputDir }, audit: { outputDir } }, async (run) => {
        const manifest = await resolveManifest(opts.manifest, Boolean(opts.strict));
        run.note({ manifestSha256: manifest.sha256 });
        const plugin = await loadNetworkPlugin(opts.plugin);
        const result = new NetworkPolicyManifestGenerator(plugin).generate(manifest.config);
        const removed = filesRemovedBy(outputDir, result.files);
        if (!dryRun) await replaceOutputDir(outputDir, result.files);
        for (const w of result.warnings) process.stderr.write(`floe: warning: ${w}\n`);
        process.stdout.write(opts.output !== 'text' ? structured(opts.output, generateJson(result, outputDir, dryRun, removed)) : textReport(result, outputDir, dryRun, removed));
        return {
          result: dryRun ? 'dry-run' : 'success',
          audit: {
            manifest: manifest.source,
            plugin: `${plugin.metadata.name}@${plugin.metadata.version}`,
            counts: {
              files: result.files.length,
              namespaces: result.namespaces.length,
              networkPolicies: result.files.filter((f) => f.kind === 'NetworkPolicy').length,
              warnings: result.warnings.length,
            },
            namespaces: result.namespaces.length <= 50 ? result.namespaces.map((n) => n.name) : `${result.namespaces.length} namespaces`,
          },
        };
      });
    });
}
