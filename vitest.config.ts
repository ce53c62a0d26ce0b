import { defineConfig } from 'vitest/config';

/**
 * Workspace packages resolve to their TypeScript sources (the "floe-source"
 * export condition), so tests never run against a stale dist/. Tests that run
 * the built CLI (tests/cli, the golden tree) still need `pnpm build` first; the
 * install project tests the packed tarballs, so it resolves nothing from source.
 */
const conditions = ['floe-source', 'import', 'node', 'default'];
const fromSource = { resolve: { conditions }, ssr: { resolve: { conditions } } };

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
            'tests/harness/**/*.test.ts',
          ],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          // Packs the three packages and installs them with npm (registry through the npm cache): tens of
          // seconds and network-dependent on a cold cache, so kept out of the hermetic, fast unit project.
          name: 'install',
          include: ['tests/install/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
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
      {
        ...fromSource,
        test: {
          // Real packets through kube-router's NetworkPolicy firewall in network namespaces: needs root,
          // iptables, ipset and the kube-router binary (see tests/harness/README.md), so it is its own project.
          name: 'enforcement',
          include: ['tests/enforcement/**/*.test.ts'],
          globalSetup: ['tests/enforcement/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
