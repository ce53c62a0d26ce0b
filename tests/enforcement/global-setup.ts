// vitest globalSetup of the `enforcement` project: refuses to start (naming the
// missing piece) without root, iptables, ipset or the kube-router binary; records
// the host namespace's iptables, ipsets, routes and links, starts the local control
// plane (the shared harness setup), and on teardown fails the run if the host's
// state is not exactly what it was.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import sharedSetup from '../harness/global-setup.ts';
import { hostSnapshot, missingPrerequisites, reapLeftovers } from '../harness/sandbox.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const missing = await missingPrerequisites();
  if (missing.length > 0) {
    throw new Error(`pnpm test:enforcement cannot run on this machine; missing:\n  - ${missing.join('\n  - ')}`);
  }
  if (process.env.FLOE_TEST_KUBECONFIG || process.env.FLOE_TEST_CLUSTER) {
    throw new Error('pnpm test:enforcement runs against its own local control plane; unset FLOE_TEST_KUBECONFIG and FLOE_TEST_CLUSTER');
  }
  // One run at a time: a second run would take the first one's namespaces for leftovers and delete them.
  const lock = join(tmpdir(), 'floe-enforcement.lock');
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(readFileSync(lock, 'utf8'));
    let alive = false;
    try {
      process.kill(holder, 0);
      alive = holder !== process.pid;
    } catch {
      alive = false;
    }
    if (alive) throw new Error(`another enforcement run (pid ${holder}, lock ${lock}) is using the floe-enf-* network namespaces; wait for it`);
    writeFileSync(lock, String(process.pid));
  }
  const reaped = await reapLeftovers();
  if (reaped.length) process.stderr.write(`[enforcement] removed network namespaces left by a crashed run: ${reaped.join(', ')}\n`);
  const before = await hostSnapshot();
  const stopCluster = await sharedSetup(project);
  return async () => {
    await stopCluster();
    await reapLeftovers();
    rmSync(lock, { force: true });
    const after = await hostSnapshot();
    if (after !== before) {
      throw new Error(`the host network namespace changed during the enforcement run:\n--- before\n${before}\n--- after\n${after}`);
    }
    process.stderr.write('[enforcement] host iptables, ip6tables, ipsets, routes and links identical before and after\n');
  };
}
