import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../cli/run.ts';

const CORE = join(REPO, 'packages/floe-core');
const pkg = JSON.parse(readFileSync(join(CORE, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; floeStableExports: string[] };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('the public surface of @floe/core', () => {
  it('names its stable subpaths, each of them an export; every other subpath is internal', () => {
    const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');
    expect(pkg.floeStableExports).toEqual(['.', './errors', './config', './k8s', './plugin', './testing']);
    for (const s of pkg.floeStableExports) expect(subpaths).toContain(s);
  });

  it('the root is the union of the stable subpaths errors, config, plugin and k8s (k8s Protocol aside: config has its own)', async () => {
    const root = Object.keys(await import('@floe/core')).sort();
    const parts = await Promise.all([import('@floe/core/errors'), import('@floe/core/config'), import('@floe/core/plugin'), import('@floe/core/k8s')]);
    const union = [...new Set(parts.flatMap((m) => Object.keys(m)))].sort();
    expect(root).toEqual(union);
  });

  it('lists exports by name: no `export *` in the sources of any package', () => {
    const files = [...sources(join(REPO, 'packages')), ...sources(join(REPO, 'plugins'))].filter((f) => f.includes('/src/'));
    expect(files.filter((f) => /^export \*/m.test(readFileSync(f, 'utf8'))).map((f) => f.slice(REPO.length + 1))).toEqual([]);
  });
});
