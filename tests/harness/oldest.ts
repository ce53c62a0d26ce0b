// The second control plane of the test matrix: the oldest Kubernetes minor floe supports
// (KUBERNETES_OLDEST_VERSION in go/versions.env), started for the test file that asks for
// it (the Pod Security differential test) and stopped by it, so the other integration tests
// do not pay for it. FLOE_TEST_OLDEST_KUBECONFIG=path uses that cluster instead.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inject } from 'vitest';
import { startCluster, stopCluster } from './cluster.ts';
import type { Connection } from './context.ts';
import { makeClient, makeKubectl } from './kube.ts';

/** Starts (or connects to) the oldest supported control plane; `close` stops what it started. */
export async function connectOldest(): Promise<{ conn: Connection; close(): Promise<void> }> {
  const main = inject('floeCluster');
  const workDir = await mkdtemp(join(tmpdir(), 'floe-it-work-oldest-'));
  const external = process.env.FLOE_TEST_OLDEST_KUBECONFIG;
  let stateDir: string | undefined;
  let kubeconfig: string;
  let description: string;
  if (external) {
    kubeconfig = resolve(external);
    description = `FLOE_TEST_OLDEST_KUBECONFIG=${kubeconfig}`;
  } else {
    // Named like global-setup's control planes, so a run that crashed has it reaped by the next one.
    stateDir = await mkdtemp(join(tmpdir(), 'floe-it-cp-oldest-'));
    const cluster = await startCluster({ stateDir, ownerPid: process.pid, controlPlane: 'oldest' });
    kubeconfig = cluster.kubeconfig;
    description = `local oldest control plane ${cluster.server} (started in ${(cluster.elapsedMs / 1000).toFixed(1)} s)`;
  }
  const info = { ...main, kubeconfig, workDir, description, provider: external ? ('kubeconfig' as const) : ('local' as const), hasNamespaceController: Boolean(external) };
  const kubectl = makeKubectl(info.kubectl, kubeconfig, join(workDir, 'kube-cache'));
  const close = async () => {
    if (stateDir) await stopCluster({ stateDir });
    await rm(workDir, { recursive: true, force: true });
  };
  try {
    return { conn: { info, kubectl, api: await makeClient(kubectl) }, close };
  } catch (error) {
    await close();
    throw error;
  }
}
