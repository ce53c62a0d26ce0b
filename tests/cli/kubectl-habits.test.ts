// kubectl habits: shell completion generated from the commands, -o yaml beside -o json, -n on diff
// and explain, kubectl's kind/name endpoints, argument errors with the floe: prefix, prefix suggestions.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifestObjects } from '@floe/core/pss';
import { FLOE_BIN, floe, tempDir } from './run.ts';

function bash(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('bash', ['--norc', '--noprofile', '-c', script], { timeout: 30_000 }, (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
  });
}

describe('floe completion', () => {
  it('bash: sourced, completes floe network di to diff, the commands of network, and the choices of -o', async () => {
    const dir = await tempDir('floe-completion-');
    const script = join(dir, 'floe.bash');
    const r = await floe(['completion', 'bash']);
    expect(r.code, r.stderr).toBe(0);
    await writeFile(script, r.stdout);
    const complete = (words: string[]) =>
      bash(`source '${script}'; complete -p floe >/dev/null || exit 9; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; COMP_LINE='${words.join(' ')}'; COMP_POINT=\${#COMP_LINE}; _floe_completion; printf '%s\\n' "\${COMPREPLY[@]}"`);
    expect((await complete(['floe', 'network', 'di'])).stdout).toBe('diff\n');
    expect((await complete(['floe', 'network', ''])).stdout.split('\n')).toEqual(expect.arrayContaining(['generate', 'validate', 'diff', 'audit', 'explain', 'check-cni', 'pss']));
    expect((await complete(['floe', 'network', 'diff', '--sem'])).stdout).toBe('--semantic\n');
    expect((await complete(['floe', 'network', 'audit', '-o', 'ya'])).stdout).toBe('yaml\n');
    expect((await complete(['floe', 'network', 'pss', 'c'])).stdout).toBe('check\n');
  });

  it('zsh and fish: scripts for the same commands; an unknown shell is exit 2', async () => {
    const zsh = await floe(['completion', 'zsh']);
    expect(zsh.stdout).toContain('bashcompinit');
    expect(zsh.stdout).toContain('_floe_completion');
    const fish = await floe(['completion', 'fish']);
    expect(fish.stdout).toContain("complete -c floe -f -n '__fish_seen_subcommand_from network; and not __fish_seen_subcommand_from");
    expect(fish.stdout).toMatch(/-a 'generate init check-cni diff schema validate pss harden job-run-policy explain audit'/);
    const bad = await floe(['completion', 'powershell']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^floe: error: /);
  });
});

describe('argument errors', () => {
  it('carry the floe: prefix, and a unique prefix of a command gets its did you mean', async () => {
    const opt = await floe(['network', 'generate', '--bogus']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toMatch(/^floe: error: unknown option '--bogus'/);
    const gen = await floe(['network', 'gen']);
    expect(gen.code).toBe(2);
    expect(gen.stderr).toMatch(/^floe: error: unknown command 'gen'\n\(Did you mean generate\?\)/);
  });
});

describe('-o yaml where -o json exists', () => {
  it.each([
    ['generate', ['network', 'generate', '--dry-run']],
    ['pss check', ['network', 'pss', 'check', '-f', 'examples/expected/network/floe-jobs-pod-template.yaml']],
    ['audit', ['network', 'audit', '--from-dir', 'examples/expected/network', '--fail-on', 'never']],
    ['validate', ['network', 'validate', '--dir', 'examples/expected/network', '-m', 'examples/manifest.yaml']],
  ])('%s prints the JSON object as YAML', async (_name, args) => {
    const json = await floe([...args, '-o', 'json']);
    const yaml = await floe([...args, '-o', 'yaml']);
    expect(yaml.code).toBe(json.code);
    const parsed = parseManifestObjects(yaml.stdout, 'out.yaml');
    expect(parsed.problems).toEqual([]);
    expect(parsed.objects[0]?.object).toEqual(JSON.parse(json.stdout));
  });
});

describe('explain: kubectl endpoints and -n', () => {
  it('accepts deployment/web and web[Deployment] with -n, as ns/web[Deployment]', async () => {
    const dir = await tempDir('floe-explain-kubectl-');
    await writeFile(join(dir, 'web.yaml'), `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x}]}
`);
    const full = await floe(['network', 'explain', '--from-dir', dir, '--from', 'shop/web[Deployment]', '--to', '10.0.0.1', '--port', '80']);
    expect(full.code, full.stderr).toBe(0);
    for (const from of ['deployment/web', 'deploy/web', 'web[Deployment]', 'web']) {
      const r = await floe(['network', 'explain', '--from-dir', dir, '-n', 'shop', '--from', from, '--to', '10.0.0.1', '--port', '80']);
      expect(r.stdout, from).toBe(full.stdout);
    }
  });
});

describe('diff -n', () => {
  it('refuses a namespace the intent does not manage (exit 2), naming the ones it does', async () => {
    const r = await floe(['network', 'diff', '-n', 'shop', '--kubeconfig', '/nonexistent']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('floe: error: namespace shop is not managed by the intent (it manages floe-jobs, floe-platform)');
  });
});

void FLOE_BIN;
