import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandsFor } from '../../packages/floe-cli/src/main.ts';
import { FLOE_BIN, floe, tempDir } from './run.ts';

const IMPORT_LOG_HOOK = pathToFileURL(join(import.meta.dirname, 'fixtures/import-log.mjs')).href;
const ALL = ['generate', 'init', 'check-cni', 'diff', 'schema', 'validate', 'pss', 'harden', 'job-run-policy', 'explain', 'audit'];

/** The modules a run of the built CLI loads. */
async function modulesOf(args: string[]): Promise<string[]> {
  const cwd = await tempDir();
  const log = join(cwd, 'imports.log');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OTEL_') && k !== 'NODE_OPTIONS') env[k] = v;
  Object.assign(env, { FLOE_LOG_LEVEL: 'silent', FLOE_TEST_IMPORT_LOG: log });
  const code = await new Promise<number>((done) => {
    execFile(process.execPath, ['--import', IMPORT_LOG_HOOK, FLOE_BIN, ...args], { cwd, env }, (err) => done(err ? Number(err.code) : 0));
  });
  expect(code).toBe(0);
  return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
}

describe('commands are loaded when a run needs them', () => {
  it('reads the command from argv as commander will, past the global options', () => {
    expect(commandsFor(['network', 'generate', '--dry-run'])).toEqual(['generate']);
    expect(commandsFor(['--debug', '--log-level', 'silent', 'network', 'diff', '-m', 'x.yaml'])).toEqual(['diff']);
    expect(commandsFor(['--log-level=warn', 'network', 'pss', 'check'])).toEqual(['pss']);
    // --log-level takes the next word even when it looks like a command.
    expect(commandsFor(['--log-level', 'network', 'generate'])).toEqual(ALL);
    expect(commandsFor(['--version'])).toEqual([]);
    expect(commandsFor(['-V', 'network', 'generate'])).toEqual([]);
    // Help, no command, a typo, or `help <command>` need every command: help lists them, a typo gets "did you mean".
    for (const argv of [[], ['--help'], ['network'], ['network', '--help'], ['network', 'help', 'generate'], ['network', 'genrate'], ['netwrk', 'generate']]) {
      expect(commandsFor(argv)).toEqual(ALL);
    }
  });

  it('generate loads none of the cluster client, policy engine, Pod Security evaluator, validate, diff or CNI modules', async () => {
    const modules = await modulesOf(['network', 'generate', '--dry-run']);
    const core = modules.filter((m) => m.includes('/floe-core/dist/')).map((m) => m.replace(/.*\/floe-core\/dist\//, ''));
    // pss/render.js is Pod Security's rendering (Namespace labels, the hardened PodTemplate), which generate writes; the evaluator is the rest of pss/.
    expect(core.filter((m) => /^(cluster|policy|inventory|pss|validate|diff|cni)\//.test(m) && m !== 'pss/render.js')).toEqual([]);
    expect(core).toContain('pss/render.js');
    expect(core).toContain('network/generator.js');
    expect(modules.filter((m) => m.includes('/floe-cli/dist/commands/')).map((m) => m.replace(/.*\/commands\//, ''))).toEqual(['generate.js']);
    expect(modules.some((m) => /node_modules\/(\.pnpm\/)?(@kubernetes|diff@|diff\/)/.test(m))).toBe(false);
  });

  it('a command loaded alone behaves as with all loaded: help, errors and typos', async () => {
    const help = await floe(['network', 'generate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: floe network generate [options]');
    const list = await floe(['network', '--help']);
    for (const name of ALL) expect(list.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    const typo = await floe(['network', 'genrate']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("(Did you mean generate?)");
    const badFlag = await floe(['network', 'generate', '--no-such-flag']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("unknown option '--no-such-flag'");
  });
});
