import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO, tempDir } from './run.ts';

interface ActionStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
}

interface ActionFile {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface StepResult {
  name: string;
  /** `run` for a step that ran; `skipped` for a `uses:` step, which only GitHub can run. */
  ran: 'run' | 'skipped';
  code: number;
  stdout: string;
  stderr: string;
}

export interface ActionResult {
  /** 0 when every step succeeded, else the exit code of the step that failed (later steps do not run, as on GitHub). */
  code: number;
  steps: StepResult[];
  outputs: Record<string, string>;
}

export const ACTION_FILE = join(REPO, 'action.yml');

/**
 * Runs a composite action's steps as the GitHub runner does, on this machine:
 * each `run:` step is written to a file and run with `bash --noprofile --norc
 * -eo pipefail FILE` in the workspace, with the step's `env:` (its `${{ }}`
 * expressions evaluated: inputs with their defaults, earlier steps' outputs,
 * runner.temp, github.workspace, github.action_path), GITHUB_OUTPUT,
 * RUNNER_TEMP, GITHUB_WORKSPACE and GITHUB_ACTION_PATH. GitHub sets no INPUT_*
 * variables for composite steps (actions/runner#665), so neither does this.
 * A `uses:` step (actions/setup-node) is not run: the Node.js that runs these
 * tests is already first on PATH.
 */
export async function runAction(opts: { workspace: string; inputs?: Record<string, string>; env?: Record<string, string> }): Promise<ActionResult> {
  const action = parse(await readFile(ACTION_FILE, 'utf8')) as ActionFile;
  if (action.runs.using !== 'composite') throw new Error(`action.yml: runs.using is ${action.runs.using}, not composite`);
  const given = opts.inputs ?? {};
  for (const name of Object.keys(given)) if (!(name in action.inputs)) throw new Error(`action.yml has no input ${name}`);
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, given[name] ?? spec.default ?? '']));
  const runnerTemp = await tempDir('floe-runner-temp-');
  const outputs: Record<string, Record<string, string>> = {};

  const evaluate = (text: string): string =>
    text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
      let m: RegExpMatchArray | null;
      if ((m = /^inputs\.([\w-]+)$/.exec(expr))) {
        const name = m[1] as string;
        if (!(name in inputs)) throw new Error(`action.yml: \${{ ${expr} }} names no input`);
        return inputs[name] as string;
      }
      if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr))) return outputs[m[1] as string]?.[m[2] as string] ?? '';
      if (expr === 'runner.temp') return runnerTemp;
      if (expr === 'github.workspace') return opts.workspace;
      if (expr === 'github.action_path') return REPO;
      throw new Error(`action.yml: the test runner does not evaluate \${{ ${expr} }}`);
    });

  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('FLOE_') && !k.startsWith('OTEL_') && !k.startsWith('GITHUB_')) base[k] = v;
  const steps: StepResult[] = [];
  let n = 0;
  for (const step of action.runs.steps) {
    const name = step.name ?? step.id ?? `step ${n}`;
    n++;
    if (step.uses !== undefined) {
      if (!/^actions\/setup-node@/.test(step.uses)) throw new Error(`action.yml: step "${name}" uses ${step.uses}, which these tests cannot stand in for`);
      steps.push({ name, ran: 'skipped', code: 0, stdout: '', stderr: '' });
      continue;
    }
    if (step.if !== undefined) throw new Error(`action.yml: run step "${name}" has a condition, which the test runner does not evaluate`);
    if (step.shell !== 'bash' || step.run === undefined) throw new Error(`action.yml: step "${name}" must be a run step with shell: bash`);
    // An expression in a script is pasted in before bash parses it: inputs must arrive through env.
    if (step.run.includes('${{')) throw new Error(`action.yml: step "${name}" has an expression inside its script`);
    const dir = join(runnerTemp, `step-${n}`);
    await mkdir(dir);
    const script = join(dir, 'script.sh');
    const outputFile = join(dir, 'output');
    await writeFile(script, step.run);
    await writeFile(outputFile, '');
    const env = {
      ...base,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: opts.workspace,
      GITHUB_ACTION_PATH: REPO,
      GITHUB_OUTPUT: outputFile,
      RUNNER_TEMP: runnerTemp,
      ...opts.env,
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(String(v))])),
    };
    const result = await new Promise<StepResult>((done, fail) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: opts.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.once('error', fail);
      child.once('close', (code) => done({ name, ran: 'run', code: code ?? -1, stdout, stderr }));
    });
    steps.push(result);
    if (step.id) outputs[step.id] = parseOutputs(await readFile(outputFile, 'utf8'));
    if (result.code !== 0) return { code: result.code, steps, outputs: {} };
  }
  return { code: 0, steps, outputs: Object.fromEntries(Object.entries(action.outputs).map(([k, o]) => [k, evaluate(o.value)])) };
}

/** GITHUB_OUTPUT: `name=value` lines, or `name<<DELIMITER` ... `DELIMITER` for several lines. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2] as string, i + 1);
      out[heredoc[1] as string] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}
