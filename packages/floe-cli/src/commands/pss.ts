import { Command, Option } from 'commander';
import { readStreamText } from '@floe/core/manifests';
import { LATEST_MINOR, checkObjects, formatLevelVersion, newerVersionWarning, parseLevelVersion, pssCheckJson, pssCheckOutcome, pssCheckText, readPssInputs } from '@floe/core/pss';
import type { GlobalOptions } from '../context.js';
import { structured } from '../output.js';
import { runCommand } from '../run-command.js';

interface PssCheckOptions {
  filename: string[];
  level: string;
  output: 'text' | 'json' | 'yaml';
}

function checkCommand(globals: () => GlobalOptions): Command {
  return new Command('check')
    .description('Which pods and workloads would Pod Security admission refuse at a level and version, and why? Offline, as the API server judges')
    .requiredOption('-f, --filename <path...>', 'YAML or JSON files, directories of them, or - for stdin (repeatable)')
    .option('-l, --level <LEVEL[:VERSION]>', 'level and policy version, written as the API server writes them', 'restricted:latest')
    .addOption(new Option('-o, --output <format>', 'result format on stdout').choices(['text', 'json', 'yaml']).default('text'))
    .addHelpText(
      'after',
      `
Judges every Pod, and the pod template of every Deployment, StatefulSet, DaemonSet,
ReplicaSet, ReplicationController, Job, CronJob and PodTemplate, exactly as the
API server's PodSecurity admission would at the namespace label
pod-security.kubernetes.io/enforce=LEVEL with enforce-version=VERSION: the same
checks for that version, the same check IDs, the same messages. Other kinds are
skipped. Files may hold several documents and kind: List.

LEVEL is privileged, baseline or restricted; VERSION is latest (the default) or
v1.N (v1.0 up; a version newer than the newest this floe knows is judged as
that newest, with a warning on stderr, as the API server judges a version newer
than its own). latest is the newest policy this floe knows (v1.${LATEST_MINOR}); an older
API server reads latest as its own version, so to judge as a v1.30 cluster
would, say restricted:v1.30. Checks: privileged, hostNamespaces,
hostPathVolumes, hostPorts, capabilities_baseline, appArmorProfile,
seLinuxOptions, procMount, seccompProfile_baseline, sysctls, windowsHostProcess,
hostProbesAndHostLifecycle (baseline); allowPrivilegeEscalation,
capabilities_restricted, runAsNonRoot, runAsUser, seccompProfile_restricted,
restrictedVolumes, procMount_restricted (restricted).

Exit codes: 0 everything would be admitted, 1 something would be refused,
2 invalid input (bad --level, unreadable YAML, a wrongly typed field: file and
line named), 3 a file could not be read.

Examples:
  floe network pss check -f deploy.yaml                         # restricted:latest
  floe network pss check -f k8s/ --level baseline:v1.30
  helm template . | floe network pss check -f - -o json
  floe network pss check -f target/network/ --level restricted:v1.25`,
    )
    .action(async (opts: PssCheckOptions) => {
      const level = parseLevelVersion(opts.level);
      const newer = newerVersionWarning(level.version);
      if (newer) process.stderr.write(`floe: warning: ${newer}\n`);
      const lv = formatLevelVersion(level);
      await runCommand(globals(), { operation: 'network.pss.check', attributes: { 'floe.pss.level': lv, 'floe.output': opts.output }, audit: { level: lv, inputs: opts.filename } }, async () => {
        const report = checkObjects(await readPssInputs(opts.filename, () => readStreamText(process.stdin)), level);
        process.stdout.write(opts.output !== 'text' ? structured(opts.output, pssCheckJson(report)) : pssCheckText(report));
        return pssCheckOutcome(report);
      });
    });
}

/** `floe network pss`: Pod Security Standards, offline. */
export function pssCommand(globals: () => GlobalOptions): Command {
  const pss = new Command('pss').description('Pod Security Standards, judged offline exactly as the API server does').addHelpText(
    'after',
    `
Examples:
  floe network pss check -f deploy.yaml --level restricted:latest

Exit codes: 0 success, 1 findings, 2 invalid input, 3 environment (files), 4 internal error.`,
  );
  pss.addCommand(checkCommand(globals));
  for (const cmd of [pss, ...pss.commands]) cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  return pss;
}
