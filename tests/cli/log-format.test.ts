import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textLine } from '../../packages/floe-cli/src/log-text.ts';
import { commandsFor } from '../../packages/floe-cli/src/main.ts';
import { FLOE_BIN, REPO, floe, tempDir, type RunResult } from './run.ts';

const MANIFEST = join(REPO, 'examples/manifest.yaml');
const AUDIT_TEXT = /^floe: network\.generate: dry-run \(files \d+, namespaces \d+, networkPolicies \d+, warnings 0\)\n$/;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the built floe with stderr on a real terminal: util-linux's `script`
 * gives the command a pseudo-terminal and copies what it prints there to its
 * own stdout. floe's stdout goes to a file, so the terminal shows stderr only.
 */
async function atTerminal(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  if (spawnSync('script', ['--version']).error) throw new Error('these tests need `script` from util-linux (Debian package bsdutils): apt-get install -y bsdutils');
  const out = join(await tempDir(), 'stdout');
  const command = `${[process.execPath, FLOE_BIN, ...args].map(quote).join(' ')} > ${quote(out)}`;
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'FLOE_LOG_LEVEL' && k !== 'FLOE_LOG_FORMAT' && !k.startsWith('OTEL_')));
  return new Promise((done, fail) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: REPO, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let terminal = '';
    let own = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (terminal += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (own += c));
    child.once('error', fail);
    child.once('close', (code) => {
      if (own) return fail(new Error(`script: ${own}`));
      void readFile(out, 'utf8').then((stdout) => done({ code: code ?? -1, stdout, stderr: terminal.replace(/\r\n/g, '\n') }), fail);
    });
  });
}

describe('logs at a terminal', () => {
  it('a run that succeeds shows its result and nothing else: no JSON audit line', async () => {
    const r = await atTerminal(['network', 'generate', '-m', MANIFEST, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^would write \d+ files to target\/network\//);
    expect(r.stderr).toBe('');
  });

  it('a failure shows only the error line', async () => {
    const r = await atTerminal(['network', 'generate', '-m', '/nonexistent/manifest.yaml', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^floe: error: manifest not found: \/nonexistent\/manifest\.yaml[^\n]*\n$/);
  });

  it('--log-level info shows the audit event as one short line', async () => {
    const r = await atTerminal(['--log-level', 'info', 'network', 'generate', '-m', MANIFEST, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(AUDIT_TEXT);
    expect((await atTerminal(['network', 'generate', '-m', MANIFEST, '--dry-run'], { FLOE_LOG_LEVEL: 'info' })).stderr).toMatch(AUDIT_TEXT);
  });

  it('--log-format json or FLOE_LOG_FORMAT=json keeps the JSON audit line', async () => {
    for (const r of [
      await atTerminal(['--log-format', 'json', 'network', 'generate', '-m', MANIFEST, '--dry-run']),
      await atTerminal(['network', 'generate', '-m', MANIFEST, '--dry-run'], { FLOE_LOG_FORMAT: 'json' }),
    ]) {
      expect(r.code).toBe(0);
      const lines = r.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] as string)).toMatchObject({ level: 30, audit: { operation: 'network.generate', result: 'dry-run' } });
    }
  });
});

describe('logs on a pipe (CI, a file, another program)', () => {
  it('keep the JSON audit line at the default level', async () => {
    const r = await floe(['network', 'generate', '-m', MANIFEST, '--dry-run'], { env: { FLOE_LOG_LEVEL: '' } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stderr.trim())).toMatchObject({ audit: { operation: 'network.generate', result: 'dry-run' } });
  });

  it('are the short line with --log-format text or FLOE_LOG_FORMAT=text', async () => {
    expect((await floe(['--log-format', 'text', 'network', 'generate', '-m', MANIFEST, '--dry-run'])).stderr).toMatch(AUDIT_TEXT);
    expect((await floe(['network', 'generate', '-m', MANIFEST, '--dry-run'], { env: { FLOE_LOG_FORMAT: 'text' } })).stderr).toMatch(AUDIT_TEXT);
  });
});

describe('a log format other than json or text', () => {
  it('is exit 2 from the flag and from FLOE_LOG_FORMAT', async () => {
    const flag = await floe(['--log-format', 'yaml', 'network', 'generate', '--dry-run']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("argument 'yaml' is invalid. Allowed choices are json, text.");
    const env = await floe(['network', 'generate', '--dry-run'], { env: { FLOE_LOG_FORMAT: 'yaml' } });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('floe: error: FLOE_LOG_FORMAT must be one of json, text (got "yaml")\n');
  });
});

describe('the text line of a log record', () => {
  const record = (fields: Record<string, unknown>) => `${JSON.stringify({ time: 1, name: 'floe', ...fields })}\n`;

  it('is the message with the counts of an audit event, or the fields of another record, with its level when it is not info', () => {
    expect(textLine(record({ level: 30, audit: { operation: 'network.diff', result: 'success', counts: { missing: 0, extra: 2 } }, msg: 'network.diff: success' }))).toBe(
      'floe: network.diff: success (missing 0, extra 2)\n',
    );
    expect(textLine(record({ level: 30, audit: { operation: 'network.diff', result: 'failure', error: 'x' }, msg: 'network.diff: failure' }))).toBe('floe: network.diff: failure\n');
    expect(textLine(record({ level: 20, method: 'GET', path: '/api/v1/namespaces', status: 200, msg: 'kube API request' }))).toBe(
      'floe: debug: kube API request (method=GET, path=/api/v1/namespaces, status=200)\n',
    );
    expect(textLine(record({ level: 40, msg: 'careful' }))).toBe('floe: warning: careful\n');
  });

  it('stays one line whatever the record holds', () => {
    expect(textLine(record({ level: 20, path: '/a\n{"level":50}', msg: 'x\r\u001b[2J' }))).toBe('floe: debug: x\\r\\u001b[2J (path=/a\\n{"level":50})\n');
  });
});

describe('--log-format', () => {
  it('takes its value before the command, as --log-level does, when choosing what to load', () => {
    expect(commandsFor(['--log-format', 'text', 'network', 'generate'])).toEqual(['generate']);
    expect(commandsFor(['--log-format=json', 'network', 'diff'])).toEqual(['diff']);
  });
});
