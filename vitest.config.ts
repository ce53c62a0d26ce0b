import { defineConfig } from 'vitest/config';

/**
 * Workspace packages resolve to their TypeScript sources (the "source" export
 * condition), so tests never run against a stale dist/. Tests that run the
 * built CLI (tests/cli, the golden tree) still need `pnpm build` first.
 */
const fromSource = {
  resolve: { conditions: ['source', 'import', 'node', 'default'] },
  ssr: { resolve: { conditions: ['source', 'import', 'node', 'default'] } },
};

export default defineConfig({
  test: {
    projects: [
      {
        ...fromSource,
        test: {
          name: 'unit',
          include: [
            'packages/*/test/**/*.test.ts',
            'plugins/*/test/**/*.test.ts',
            'tests/contract/**/*.test.ts',
            'tests/cli/**/*.test.ts',
          ],
          testTimeout: 30_000,
        },
      },
      {
        ...fromSource,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/harness/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One control plane serves every file; files isolate themselves by namespace.
          fileParallelism: false,
        },
      },
    ],
  },
});
