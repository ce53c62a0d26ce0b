import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestJsonSchema } from '@floe/core/config';
import { buildProgram } from '../../packages/floe-cli/src/main.ts';
import { CLI_DIR, cliDocsOnDisk, regenerateCommand, renderDocs } from '../../scripts/docs.ts';
import { FLOE_BIN, REPO } from '../cli/run.ts';

/**
 * docs/cli/ and docs/manifest.md are generated from the commander definitions
 * and the manifest's JSON Schema, so that the docs and `--help` cannot drift:
 * this renders them from the current sources, in memory, and compares them
 * with what is committed.
 */
const generated = renderDocs(await buildProgram(), manifestJsonSchema(), REPO);
const read = (path: string) => (existsSync(join(REPO, path)) ? readFileSync(join(REPO, path), 'utf8') : undefined);

describe('generated docs are current', () => {
  it.each([...generated.keys()])('%s is what scripts/gen-docs.ts writes from the current sources', (path) => {
    expect(read(path), `${path} is stale: run ${regenerateCommand(path)} and commit the result`).toBe(generated.get(path));
  });

  it('docs/cli holds a page for no command that does not exist', () => {
    const extra = cliDocsOnDisk(REPO).filter((path) => !generated.has(path));
    expect(extra, `no command has these pages: run ${regenerateCommand(`${CLI_DIR}/`)} to remove them`).toEqual([]);
  });

  it('scripts/gen-docs.ts, run on the built packages, finds the committed files current (what ./pnpmw docs:all writes)', async () => {
    if (!existsSync(FLOE_BIN)) throw new Error(`${FLOE_BIN} is missing: run ./pnpmw build first`);
    const result = await new Promise<{ code: number; stderr: string }>((done) => {
      execFile(process.execPath, [join(REPO, 'scripts/gen-docs.ts'), '--check'], { cwd: REPO }, (err, _stdout, stderr) => done({ code: err ? Number(err.code) : 0, stderr }));
    });
    expect(result, 'the built packages may be older than the sources: run ./pnpmw build').toEqual({ code: 0, stderr: '' });
  });

  it('renders every command below floe network, nested ones too', () => {
    expect([...generated.keys()].filter((p) => p.startsWith(`${CLI_DIR}/`)).sort()).toEqual(
      ['README', 'audit', 'check-cni', 'diff', 'explain', 'generate', 'harden', 'init', 'job-run-policy', 'pss', 'pss-check', 'schema', 'validate'].map((p) => `${CLI_DIR}/${p}.md`).sort(),
    );
  });
});

/**
 * Markdown files a reader meets: the top-level ones, the npm README that copies
 * docs/plugins.md, and docs/ (not docs' _notes: their links are checked in the
 * pages they are appended to).
 */
function markdownFiles(): string[] {
  const out = ['README.md', 'CONTRIBUTING.md', 'ARCHITECTURE.md', 'packages/floe-core/README.md'];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(REPO, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory() && entry.name !== '_notes') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.md')) out.push(path);
    }
  };
  walk('docs');
  return out;
}

/** GitHub's heading anchors: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fence = !fence;
    const m = !fence && /^#{1,6} (.*)$/.exec(line);
    if (m) out.add((m[1] as string).trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-'));
  }
  return out;
}

describe('README and docs', () => {
  const readme = read('README.md') ?? '';

  it('README.md is at most 250 lines', () => {
    expect(readme.split('\n').length - (readme.endsWith('\n') ? 1 : 0)).toBeLessThanOrEqual(250);
  });

  it('README.md names every floe network command and links its reference page', () => {
    for (const path of generated.keys()) {
      if (!path.startsWith(`${CLI_DIR}/`) || path.endsWith('/README.md') || path.endsWith('/pss.md')) continue;
      const page = relative(CLI_DIR, path).replace(/\.md$/, '');
      const command = `floe network ${page === 'pss-check' ? 'pss check' : page}`;
      expect(readme, `README.md does not link ${path}`).toContain(`](${path})`);
      expect(readme, `README.md does not show ${command}`).toContain(command);
    }
  });

  it('keeps the test command that CI runs', () => {
    expect(readme).toContain('./pnpmw bootstrap');
    expect(readme).toContain('./pnpmw test');
    expect(read('.ci/run')).toContain('./pnpmw test');
  });

  it.each(markdownFiles())('every relative link in %s points at a file (and heading) that exists', (file) => {
    // Links only: not what fenced blocks and code spans show.
    const text = (read(file) ?? '').replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target as string)) continue;
      const [path, anchor] = (target as string).split('#') as [string, string | undefined];
      const resolved = path === '' ? file : join(dirname(file), path);
      if (!existsSync(join(REPO, resolved))) {
        broken.push(`${target}: no file ${resolved}`);
        continue;
      }
      if (anchor && resolved.endsWith('.md') && !anchors(read(resolved) ?? '').has(anchor)) broken.push(`${target}: no heading #${anchor} in ${resolved}`);
    }
    expect(broken).toEqual([]);
  });
});
