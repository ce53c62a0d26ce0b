import { describe, expect, it } from 'vitest';
import { renderJson, renderText } from '../../src/validate/render.js';
import { artifactUri, renderSarif } from '../../src/validate/sarif.js';
import { CHECK_IDS, problem, type ValidationReport } from '../../src/validate/types.js';
import { SarifLogStructure } from './sarif-structure.js';

function report(): ValidationReport {
  const checks = CHECK_IDS.map((id) => ({ id, status: 'pass' as const, summary: `${id} ok`, problems: [] as ReturnType<typeof problem>[] }));
  const schema = checks[1]!;
  Object.assign(schema, {
    status: 'fail',
    summary: '1 of 9 objects break the API schema (1 problem)',
    problems: [problem({ file: 'target/network/floe-jobs-allow-egress.yaml', line: 23, col: 21, path: 'spec.egress[0].ports[0].protocol', message: 'Unsupported value: "tcp"' })],
  });
  Object.assign(checks[2]!, {
    status: 'fail',
    summary: '1 changed',
    problems: [problem({ file: 'target/network/a b.yaml', line: 6, col: 1, message: 'differs', diff: '--- a/a b.yaml\n+++ b/a b.yaml\n@@ -6 +6 @@\n-x\n+y\n' })],
  });
  Object.assign(checks[3]!, { status: 'warn', summary: 'warned', problems: [problem({ severity: 'warning', path: 'security.pod_security.enabled', message: 'disabled' })] });
  for (const c of checks.slice(4, 7)) Object.assign(c, { status: 'skip', summary: 'not run: pass --server to check against a cluster' });
  return { ok: false, dir: 'target/network', manifest: 'manifest.yaml', server: null, checks };
}

describe('validate output', () => {
  it('prints a checklist: one line per check, problems as FILE:LINE:COL path: message beneath, diffs indented, then the verdict', () => {
    const text = renderText(report(), { color: false });
    expect(text.split('\n')).toEqual([
      'floe network validate: target/network against manifest.yaml',
      '  PASS  files                  files ok',
      '  FAIL  schema                 1 of 9 objects break the API schema (1 problem)',
      '        target/network/floe-jobs-allow-egress.yaml:23:21 spec.egress[0].ports[0].protocol: Unsupported value: "tcp"',
      '  FAIL  current                1 changed',
      '        target/network/a b.yaml:6:1 differs',
      '          --- a/a b.yaml',
      '          +++ b/a b.yaml',
      '          @@ -6 +6 @@',
      '          -x',
      '          +y',
      '  WARN  complete               warned',
      '        warning: security.pod_security.enabled: disabled',
      '  SKIP  server-dry-run         not run: pass --server to check against a cluster',
      '  SKIP  cni                    not run: pass --server to check against a cluster',
      '  SKIP  kubernetes-api-egress  not run: pass --server to check against a cluster',
      '  PASS  intent-proof           intent-proof ok',
      'FAILED: schema, current (5 checks run: 2 failed, 2 passed, 1 warned; 3 skipped)',
      '',
    ]);
  });

  it('colours status words and diff lines only when asked, and caps problems per check', () => {
    const r = report();
    expect(renderText(r, { color: true })).toContain('\x1b[31mFAIL\x1b[0m');
    expect(renderText(r, { color: true })).toContain('\x1b[32m+y\x1b[0m');
    r.checks[1]!.problems = Array.from({ length: 5 }, () => r.checks[1]!.problems[0]!);
    expect(renderText(r, { color: false, maxProblemsPerCheck: 2 })).toContain('        ... and 3 more (--output json lists every one)');
  });

  it('writes JSON with the documented top-level and problem fields', () => {
    const json = JSON.parse(renderJson(report())) as ValidationReport;
    expect(Object.keys(json)).toEqual(['ok', 'dir', 'manifest', 'server', 'checks']);
    expect(json.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    expect(Object.keys(json.checks[0]!)).toEqual(['id', 'status', 'summary', 'problems']);
    expect(Object.keys(json.checks[1]!.problems[0]!).sort()).toEqual(['col', 'file', 'line', 'message', 'path', 'severity']);
  });

  it('writes valid SARIF 2.1.0: a rule per check with help, a located result per problem', () => {
    const log = JSON.parse(renderSarif(report(), '0.1.0'));
    const parsed = SarifLogStructure.safeParse(log);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([...CHECK_IDS]);
    expect(run.tool.driver.rules.every((r: { help: { text: string } }) => r.help.text.length > 40)).toBe(true);
    expect(run.results).toHaveLength(3);
    expect(run.results[0]).toEqual({
      ruleId: 'schema',
      ruleIndex: 1,
      level: 'error',
      message: { text: 'spec.egress[0].ports[0].protocol: Unsupported value: "tcp"' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'target/network/floe-jobs-allow-egress.yaml' }, region: { startLine: 23, startColumn: 21 } } }],
    });
    expect(run.results[1].locations[0].physicalLocation.artifactLocation.uri).toBe('target/network/a%20b.yaml');
    expect(run.results[1].message.text).toContain('\n--- a/a b.yaml');
    // A problem no file holds is located at the manifest, without a region.
    expect(run.results[2]).toMatchObject({ ruleId: 'complete', level: 'warning', locations: [{ physicalLocation: { artifactLocation: { uri: 'manifest.yaml' } } }] });
    expect(run.results[2].locations[0].physicalLocation.region).toBeUndefined();
  });

  it('turns absolute paths into file URIs', () => {
    expect(artifactUri('/tmp/x y/a.yaml')).toBe('file:///tmp/x%20y/a.yaml');
    expect(artifactUri('target/network/a.yaml')).toBe('target/network/a.yaml');
  });
});
