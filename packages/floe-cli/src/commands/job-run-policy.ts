import { Command, Option } from 'commander';
import { InputError } from '@floe/core/errors';
import { generateJobRunPolicy } from '@floe/core/network';
import { loadNetworkPlugin, resolveManifest, STRICT_FLAG, type GlobalOptions } from '../context.js';
import { runCommand } from '../run-command.js';

interface JobRunPolicyOptions {
  manifest?: string;
  strict?: boolean;
  runId: string;
  output: 'yaml' | 'json';
  plugin: string;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Per-run policies: a NetworkPolicy cannot say "pods with the same value of
 * this label as me", so the run launcher renders one run's policies when the
 * run starts and deletes them when it ends.
 */
export function jobRunPolicyCommand(globals: () => GlobalOptions): Command {
  return new Command('job-run-policy')
    .description("Print the policies that let the pods of one job run talk to each other (job_run_pod_to_pod), for the run launcher to apply")
    .requiredOption('--run-id <id>', 'the run: pods labelled <job_run_pod_to_pod.label>=<id> in the jobs namespace')
    .option('-m, --manifest <path>', 'platform manifest (default: ./manifest.yaml, else the built-in defaults)')
    .option(...STRICT_FLAG)
    .addOption(new Option('-o, --output <format>', 'objects as YAML documents or a JSON object').choices(['yaml', 'json']).default('yaml'))
    .option('--plugin <name>', 'network security plugin to render with: k8s (NetworkPolicy) or cilium (CiliumNetworkPolicy)', 'k8s')
    .addHelpText(
      'after',
      `
Requires security.network_policies.job_run_pod_to_pod.enabled: true (exit 2 otherwise).
Pods of the run reach each other on job_run_pod_to_pod.ports (all ports when unset),
never pods of another run. Label every pod of the run, and delete the policies
when the run ends (they carry the run label too).

Examples:
  floe network job-run-policy --run-id "$RUN_ID" | kubectl apply -f -
  kubectl delete networkpolicy -n floe-jobs -l floe.dev/job-run="$RUN_ID"`,
    )
    .action(async (opts: JobRunPolicyOptions) => {
      const spec = { operation: 'network.job-run-policy', span: 'floe.network.job_run_policy', attributes: { 'floe.run_id': opts.runId }, audit: { runId: opts.runId } };
      await runCommand(globals(), spec, async () => {
        if (!LABEL_VALUE.test(opts.runId) || opts.runId === '' || opts.runId.length > 63) {
          throw new InputError(`--run-id ${JSON.stringify(opts.runId)}: must be a Kubernetes label value (1-63 characters of [A-Za-z0-9-_.], alphanumeric at both ends)`);
        }
        const manifest = await resolveManifest(opts.manifest, Boolean(opts.strict));
        const plugin = await loadNetworkPlugin(opts.plugin);
        const { files, intent } = generateJobRunPolicy(manifest.config, plugin, opts.runId, manifest.source);
        if (opts.output === 'json') {
          const objects = files.map((f) => f.object);
          process.stdout.write(`${JSON.stringify({ runId: opts.runId, namespace: intent.from.namespace, podLabels: intent.from.podLabels, objects }, null, 2)}\n`);
        } else {
          process.stdout.write(files.map((f) => f.content).join('---\n'));
        }
        return {
          audit: {
            manifest: manifest.source,
            manifestSha256: manifest.sha256,
            plugin: `${plugin.metadata.name}@${plugin.metadata.version}`,
            counts: { objects: files.length },
          },
        };
      });
    });
}
