import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { detectCni, gatherCniSnapshot } from '@floe/core/cni';
import { NetworkPolicyManifestGenerator } from '@floe/core/network';
import { capabilitiesOf } from '@floe/core/plugin';
import { ChecksFailed, STAND_IN_NAMESPACES, checkList, failedChecks, objectKinds, readNetworkDir, renderJson, renderSarif, renderText, validateNetwork, type CniCheck, type ValidationReport } from '@floe/core/validate';
import { loadNetworkPlugin, resolveManifest, STRICT_FLAG, type GlobalOptions } from '../context.js';
import { addKubeFlags, clusterFromFlags, type KubeFlags } from '../kube-flags.js';
import { runCommand } from '../run-command.js';
import { structured } from '../output.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** The cni check of `--server` is `floe network check-cni`'s verdict. */
const cniCheck: CniCheck = async (client) => {
  const report = detectCni(await gatherCniSnapshot(client));
  return { verdict: report.verdict, summary: report.summary };
};

interface ValidateOptions extends KubeFlags {
  manifest?: string;
  strict?: boolean;
  dir: string;
  server?: boolean;
  output: 'text' | 'json' | 'yaml' | 'sarif';
  plugin: string;
}

function render(report: ValidationReport, output: ValidateOptions['output']): string {
  if (output === 'json') return renderJson(report);
  if (output === 'yaml') return structured('yaml', report);
  if (output === 'sarif') return renderSarif(report, version);
  return renderText(report, { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR });
}

export function validateCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('validate')
    .description('Check target/network/: well-formed, valid for the Kubernetes API, current with manifest.yaml, complete; with --server, accepted by the API server and enforceable')
    .option('-m, --manifest <path>', 'platform manifest to compare with (default: ./manifest.yaml, else the built-in defaults)')
    .option(...STRICT_FLAG)
    .option('-d, --dir <dir>', 'directory written by `floe network generate`', 'target/network')
    .option('--server', 'also check against the cluster: server-side dry-run apply, CNI enforcement, Kubernetes API egress')
    .addOption(new Option('-o, --output <format>', 'result format on stdout').choices(['text', 'json', 'yaml', 'sarif']).default('text'))
    .option('--plugin <name>', 'network security plugin the directory was generated with: k8s (NetworkPolicy) or cilium (CiliumNetworkPolicy); it decides which kinds the directory may hold', 'k8s');
  addKubeFlags(cmd);
  return cmd
    .addHelpText(
      'after',
      `
Checks (in this order; each passes, fails, warns or is skipped):
${checkList()}

Offline (always): every .yaml/.yml/.json file holds one Namespace, NetworkPolicy
or PodTemplate that conforms to the Kubernetes API schema (unknown fields are
errors); regenerating from the manifest gives the same bytes (a changed file is
shown as a unified diff); each managed namespace is default-deny for ingress and
egress, resolves DNS, and has Pod Security labels at least as strict as configured.

With --server: every object is applied with server-side apply, dryRun=All, field
manager floe: the API server validates and admits it and stores nothing. Objects
whose namespace does not exist yet are sent to a namespace that does
(${STAND_IN_NAMESPACES.join(', then ')}); a dry-run Namespace is never visible to
the next request. Permissions: the ClusterRoles floe-network-reader and
floe-network-validator in examples/rbac/floe-network-reader.yaml (get, create
and patch on namespaces, podtemplates and networkpolicies; what check-cni reads;
list on endpointslices).

Exit codes: 0 every check passed (warnings allowed), 1 a check failed,
2 invalid input (bad manifest, unreadable directory, bad flags),
3 cluster unreachable, unauthorised or timed out.

Examples:
  floe network validate                                  # target/network/ against ./manifest.yaml or the defaults
  floe network validate -m platform/manifest.yaml -d deploy/network
  floe network validate --server --context staging       # ask the API server too
  floe network validate -o sarif > floe-network.sarif    # for code scanning in CI`,
    )
    .action(async (opts: ValidateOptions) => {
      const dir = opts.dir.replace(/\/+$/, '') || '.';
      const server = Boolean(opts.server);
      await runCommand(globals(), { operation: 'network.validate', attributes: { 'floe.dir': dir, 'floe.server': server, 'floe.output': opts.output }, audit: { dir } }, async (run) => {
        const manifest = await resolveManifest(opts.manifest, Boolean(opts.strict));
        run.note({ manifestSha256: manifest.sha256 });
        const plugin = await loadNetworkPlugin(opts.plugin);
        const expected = new NetworkPolicyManifestGenerator(plugin).generate(manifest.config).files;
        const entries = await readNetworkDir(dir);
        const client = server ? await clusterFromFlags(opts, 'floe network validate', run.log) : undefined;
        let report: ValidationReport;
        try {
          const kinds = objectKinds(plugin.metadata);
          report = await validateNetwork({ dir, entries, manifest: { config: manifest.config, source: manifest.source }, expected, kinds, apiServerByEntity: capabilitiesOf(plugin.metadata).has('api-server-entity') }, client ? { client, cni: cniCheck } : undefined);
        } finally {
          await client?.close();
        }
        process.stdout.write(render(report, opts.output));
        const failed = failedChecks(report);
        return {
          result: failed.length ? 'failure' : 'success',
          audit: {
            manifest: manifest.source,
            server: report.server,
            checks: Object.fromEntries(report.checks.map((c) => [c.id, c.status])),
            counts: { files: entries.length, problems: report.checks.reduce((n, c) => n + c.problems.length, 0) },
          },
          finding: failed.length ? new ChecksFailed(failed) : undefined,
        };
      });
    });
}
