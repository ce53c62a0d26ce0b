import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { auditCommand } from './commands/audit.js';
import { checkCniCommand } from './commands/check-cni.js';
import { diffCommand } from './commands/diff.js';
import { explainCommand } from './commands/explain.js';
import { generateCommand } from './commands/generate.js';
import { jobRunPolicyCommand } from './commands/job-run-policy.js';
import { pssCommand } from './commands/pss.js';
import { schemaCommand } from './commands/schema.js';
import { validateCommand } from './commands/validate.js';
import { LOG_LEVELS, logLevelFromEnv, type GlobalOptions } from './context.js';
import { reportError } from './exit.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('floe')
    .description('floe: zero-trust networking and Pod Security for the floe data platform on Kubernetes')
    .version(version, '-V, --version')
    .option('--debug', 'show stack traces and debug logs')
    .addOption(new Option('--log-level <level>', 'log level for the JSON logs on stderr (env FLOE_LOG_LEVEL)').choices(LOG_LEVELS))
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  const network = new Command('network')
    .description('generate and check NetworkPolicies and Pod Security for the platform')
    .addHelpText(
      'after',
      `
Exit codes: 0 success, 1 findings, 2 invalid input, 3 environment (files, cluster), 4 internal error.
With -o json, a failure (2, 3, 4) is also printed on stdout as
{"error": {"code": ..., "message": ..., "problems": [...]}}; README lists the codes.`,
    );
  network.addCommand(generateCommand(globals));
  network.addCommand(checkCniCommand(globals));
  network.addCommand(diffCommand(globals));
  network.addCommand(schemaCommand());
  network.addCommand(validateCommand(globals));
  network.addCommand(pssCommand(globals));
  network.addCommand(jobRunPolicyCommand(globals));
  network.addCommand(explainCommand(globals));
  network.addCommand(auditCommand(globals));
  program.addCommand(network);
  // Subcommands inherit exitOverride only when set on each of them.
  for (const cmd of [network, ...network.commands]) cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

/**
 * Whether the failing command asked for `--output json`: the running command's
 * own option, or, when parsing failed before any command ran, the argv.
 */
function wantsJson(running: Command | undefined, argv: readonly string[]): boolean {
  if (running) return running.opts<{ output?: unknown }>().output === 'json';
  return argv.some((arg, i) => arg === '--output=json' || arg === '-ojson' || ((arg === '-o' || arg === '--output') && argv[i + 1] === 'json'));
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  let running: Command | undefined;
  program.hook('preAction', (_program, action) => {
    running = action;
    // Checked before any command runs, so a bad value is exit 2 for every command.
    logLevelFromEnv();
  });
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    const report = reportError(err, Boolean(program.opts<GlobalOptions>().debug));
    for (const line of report.lines) process.stderr.write(`${line}\n`);
    // With --output json a failure is JSON on stdout too, so CI reads one format; every command gets this here.
    if (report.json && wantsJson(running, argv.slice(2))) process.stdout.write(`${JSON.stringify({ error: report.json }, null, 2)}\n`);
    return report.code;
  }
}
