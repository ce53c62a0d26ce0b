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
import type { GlobalOptions } from './context.js';
import { reportError } from './exit.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('floe')
    .description('floe: zero-trust networking and Pod Security for the floe data platform on Kubernetes')
    .version(version, '-V, --version')
    .option('--debug', 'show stack traces and debug logs')
    .addOption(new Option('--log-level <level>', 'log level for the JSON logs on stderr (env FLOE_LOG_LEVEL)').choices(['debug', 'info', 'warn', 'error', 'silent']))
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  const network = new Command('network')
    .description('generate and check NetworkPolicies and Pod Security for the platform')
    .addHelpText(
      'after',
      `
Exit codes: 0 success, 1 findings, 2 invalid input, 3 environment (files, cluster), 4 internal error.`,
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

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    const report = reportError(err, Boolean(program.opts<GlobalOptions>().debug));
    for (const line of report.lines) process.stderr.write(`${line}\n`);
    return report.code;
  }
}
