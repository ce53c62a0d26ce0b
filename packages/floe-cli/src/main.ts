import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { LOG_FORMATS, LOG_LEVELS, logFormatFromEnv, logLevelFromEnv, type GlobalOptions } from './options.js';

type CommandFactory = (globals: () => GlobalOptions) => Command;

/**
 * The `floe network` commands, in the order help lists them, each loaded only
 * when needed: a run loads the one command it names (and the parts of
 * @floe/core that command imports), so `generate` never pays for the cluster
 * client, the policy engine or the Pod Security evaluator.
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<CommandFactory>]> = [
  ['generate', async () => (await import('./commands/generate.js')).generateCommand],
  ['init', async () => (await import('./commands/init.js')).initCommand],
  ['check-cni', async () => (await import('./commands/check-cni.js')).checkCniCommand],
  ['diff', async () => (await import('./commands/diff.js')).diffCommand],
  ['schema', async () => (await import('./commands/schema.js')).schemaCommand],
  ['validate', async () => (await import('./commands/validate.js')).validateCommand],
  ['pss', async () => (await import('./commands/pss.js')).pssCommand],
  ['harden', async () => (await import('./commands/harden.js')).hardenCommand],
  ['job-run-policy', async () => (await import('./commands/job-run-policy.js')).jobRunPolicyCommand],
  ['explain', async () => (await import('./commands/explain.js')).explainCommand],
  ['audit', async () => (await import('./commands/audit.js')).auditCommand],
];

/**
 * Which commands a run needs, read from argv the way commander will parse it:
 * `floe [global options] network <command> ...` needs only <command>;
 * `--version` before any command needs none; anything else (help, a typo,
 * no command) needs them all, so help lists them and a typo gets its "did you
 * mean". Loading more than needed is only slower, never different.
 */
export function commandsFor(argv: readonly string[]): readonly string[] {
  const all = COMMANDS.map(([name]) => name);
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-V' || arg === '--version') return [];
    if (arg === '--log-level' || arg === '--log-format') i++;
    else if (!arg.startsWith('-')) break;
  }
  if (argv[i] !== 'network') return all;
  const name = argv[i + 1];
  return name !== undefined && all.includes(name) ? [name] : all;
}

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** `floe network gen`: commander suggests by edit distance only; a unique prefix of a command is what was meant. */
class NetworkCommand extends Command {
  unknownCommand(): void {
    const typed = String(this.args[0] ?? '');
    const matches = typed ? this.commands.map((c) => c.name()).filter((n) => n.startsWith(typed)) : [];
    if (matches.length !== 1) {
      // commander's own message (with its edit-distance suggestion); the method is not in its type declarations.
      (Command.prototype as Command & { unknownCommand(this: Command): void }).unknownCommand.call(this);
      return;
    }
    this.error(`error: unknown command '${typed}'\n(Did you mean ${matches[0]}?)`, { code: 'commander.unknownCommand' });
  }
}

/** Commander's own messages (unknown option, missing argument) carry floe's prefix, as every other error does. */
const OUTPUT = { outputError: (text: string, write: (s: string) => void) => write(`floe: ${text}`) };

/**
 * The program with the commands `argv` needs; with no argv, every command
 * (scripts/gen-docs.ts renders docs/cli/ from that). `name` is `kubectl floe` under kubectl.
 */
export async function buildProgram(argv: readonly string[] = [], name = 'floe'): Promise<Command> {
  const program = new Command(name)
    .description('floe: zero-trust networking and Pod Security for the floe data platform on Kubernetes')
    .version(version, '-V, --version')
    .option('--debug', 'show stack traces and debug logs')
    .addOption(new Option('--log-level <level>', 'log level on stderr (env FLOE_LOG_LEVEL; default info, warn at a terminal)').choices(LOG_LEVELS))
    .addOption(new Option('--log-format <format>', 'logs on stderr as JSON lines or short text lines (env FLOE_LOG_FORMAT; default text at a terminal, else json)').choices(LOG_FORMATS))
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  const network = new NetworkCommand('network')
    .description('generate and check NetworkPolicies and Pod Security for the platform')
    .addHelpText(
      'after',
      `
Exit codes: 0 success, 1 findings, 2 invalid input, 3 environment (files, cluster), 4 internal error.
With -o json, a failure (2, 3, 4) is also printed on stdout as
{"error": {"code": ..., "message": ..., "problems": [...]}}; docs/json-output.md lists the codes.`,
    );
  const needed = new Set(commandsFor(argv));
  const factories = await Promise.all(COMMANDS.filter(([name]) => needed.has(name)).map(([, load]) => load()));
  for (const factory of factories) network.addCommand(factory(globals));
  program.addCommand(network);
  if (needed.size === COMMANDS.length) program.addCommand(completionCommand(name));
  // Subcommands inherit exitOverride and the output configuration only when set on each of them.
  const all = (cmd: Command): Command[] => [cmd, ...cmd.commands.flatMap(all)];
  for (const cmd of all(program)) cmd.exitOverride().showHelpAfterError('(run with --help for usage)').configureOutput(OUTPUT);
  return program;
}

/** `floe completion bash|zsh|fish`: a script generated from the command definitions (src/completion.ts). */
function completionCommand(name: string): Command {
  return new Command('completion')
    .description('Print a shell completion script for bash, zsh or fish, generated from the commands')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      `
Examples:
  source <(floe completion bash)                      # bash, this shell; add it to ~/.bashrc to keep it
  source <(floe completion zsh)                       # zsh
  floe completion fish > ~/.config/fish/completions/floe.fish`,
    )
    .action(async (shell: string) => {
      const { completionScript } = await import('./completion.js');
      process.stdout.write(completionScript(shell, await buildProgram([], name)));
    });
}

/**
 * Whether the failing command asked for `--output json`: the running command's
 * own option, or, when parsing failed before any command ran, the argv.
 */
function wantsJson(running: Command | undefined, argv: readonly string[]): boolean {
  if (running) return running.opts<{ output?: unknown }>().output === 'json';
  return argv.some((arg, i) => arg === '--output=json' || arg === '-ojson' || ((arg === '-o' || arg === '--output') && argv[i + 1] === 'json'));
}

/** Runs `floe` (or, as a kubectl plugin, `kubectl floe`) with process.argv; resolves to the exit code. */
export async function main(argv: string[], name = 'floe'): Promise<number> {
  const program = await buildProgram(argv.slice(2), name);
  let running: Command | undefined;
  program.hook('preAction', (_program, action) => {
    running = action;
    // Checked before any command runs, so a bad value is exit 2 for every command.
    logLevelFromEnv();
    logFormatFromEnv();
  });
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    const { reportError } = await import('./exit.js');
    const report = reportError(err, Boolean(program.opts<GlobalOptions>().debug));
    for (const line of report.lines) process.stderr.write(`${line}\n`);
    // With --output json a failure is JSON on stdout too, so CI reads one format; every command gets this here.
    if (report.json && wantsJson(running, argv.slice(2))) process.stdout.write(`${JSON.stringify({ error: report.json }, null, 2)}\n`);
    return report.code;
  }
}
