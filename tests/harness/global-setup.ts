// vitest globalSetup for the integration project: find or start a real
// Kubernetes API server and hand its coordinates to the test files.
//   FLOE_TEST_KUBECONFIG=path   use that cluster (must be reachable, admin rights)
//   FLOE_TEST_CLUSTER=kind      create/reuse a Kind cluster (Docker + kind >= v0.24)
//   (neither)                   start the local etcd + kube-apiserver in a private temp dir
// FLOE_TEST_KEEP_CLUSTER=1 leaves a started cluster running for debugging.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { locateBinaries, binariesDir, reapOrphans, startCluster, stopCluster } from './cluster.ts';
import type { TestClusterInfo } from './context.ts';
import { installNetworkPolicyApiCrds } from './network-policy-api-crds.ts';
import { installCiliumCrds } from './crds.ts';
import { startKind } from './kind.ts';
import { makeClient, makeKubectl, type KubeClient } from './kube.ts';

const RUN_PREFIX = 'floe-it-';

function log(line: string): void {
  process.stderr.write(`[integration] ${line}\n`);
}

/** The harness kubectl when built; otherwise one on PATH (external clusters only). */
async function findKubectl(): Promise<string> {
  const built = join(await binariesDir(), 'kubectl');
  if (existsSync(built)) return built;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'kubectl'))) return join(dir, 'kubectl');
  }
  throw new Error('kubectl not found: build the harness binaries with `./pnpmw cluster:build` or put kubectl on PATH');
}

/** A kube-controller-manager renewing its leader lease means a namespace controller finishes deletions. */
async function controllerManagerAlive(api: KubeClient): Promise<boolean> {
  const r = await api.request('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager');
  const renew = (r.body as { spec?: { renewTime?: string } } | undefined)?.spec?.renewTime;
  return r.status === 200 && renew !== undefined && Date.now() - Date.parse(renew) < 120_000;
}

async function verifyReachable(info: TestClusterInfo): Promise<string> {
  const kubectl = makeKubectl(info.kubectl, info.kubeconfig, join(info.workDir, 'kube-cache'));
  const api = await makeClient(kubectl);
  let version;
  try {
    version = await api.request('GET', '/version');
  } catch (error) {
    throw new Error(`${info.description}: API server ${api.server} unreachable: ${(error as Error).message}`);
  }
  // The suite creates namespaces, pods and policies: it needs (near) cluster-admin.
  const probe = await api.request('GET', '/api/v1/namespaces', { query: { limit: '1' } });
  if (version.status !== 200 || probe.status !== 200) {
    throw new Error(
      `${info.description}: ${api.server} answered /version ${version.status}, list namespaces ${probe.status}: ` +
        `${probe.text.slice(0, 300)}\nThe integration suite needs a reachable cluster and cluster-admin credentials.`,
    );
  }
  if (info.provider !== 'local') info.hasNamespaceController = await controllerManagerAlive(api);
  return (version.body as { gitVersion?: string }).gitVersion ?? 'unknown';
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const workDir = await mkdtemp(join(tmpdir(), `${RUN_PREFIX}work-`));
  try {
    return await provision(project, workDir);
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

async function provision(project: TestProject, workDir: string): Promise<() => Promise<void>> {
  const started = performance.now();
  let info: TestClusterInfo;
  let stop = async () => {};

  const external = process.env.FLOE_TEST_KUBECONFIG;
  const providerName = process.env.FLOE_TEST_CLUSTER ?? 'local';
  if (external) {
    const kubeconfig = resolve(external);
    if (!existsSync(kubeconfig)) throw new Error(`FLOE_TEST_KUBECONFIG=${external}: no such file`);
    info = {
      provider: 'kubeconfig',
      kubeconfig,
      kubectl: await findKubectl(),
      workDir,
      hasNamespaceController: true,
      description: `FLOE_TEST_KUBECONFIG=${kubeconfig}`,
    };
  } else if (providerName === 'kind') {
    const kind = await startKind(workDir);
    stop = kind.teardown;
    info = {
      provider: 'kind',
      kubeconfig: kind.kubeconfig,
      kubectl: await findKubectl(),
      workDir,
      hasNamespaceController: true,
      description: `kind cluster ${kind.name}${kind.created ? ' (created)' : ' (reused)'}`,
    };
  } else if (providerName === 'local') {
    const bins = await locateBinaries(); // fails with `./pnpmw cluster:build` when missing
    const reaped = await reapOrphans(tmpdir(), `${RUN_PREFIX}cp-`);
    if (reaped.length) log(`stopped control planes left by crashed runs: ${reaped.join(', ')}`);
    // Its own state dir, so it never fights a developer's `pnpm cluster:up`.
    const stateDir = await mkdtemp(join(tmpdir(), `${RUN_PREFIX}cp-`));
    const cluster = await startCluster({ stateDir, ownerPid: process.pid });
    stop = async () => {
      await stopCluster({ stateDir });
    };
    info = {
      provider: 'local',
      kubeconfig: cluster.kubeconfig,
      kubectl: bins.kubectl,
      workDir,
      hasNamespaceController: false,
      description: `local control plane ${cluster.server} (state ${stateDir}, started in ${(cluster.elapsedMs / 1000).toFixed(1)} s)`,
    };
  } else {
    throw new Error(`FLOE_TEST_CLUSTER=${providerName}: unknown provider (use "kind", or unset it for the local control plane)`);
  }

  try {
    const version = await verifyReachable(info);
    const crdKubectl = makeKubectl(info.kubectl, info.kubeconfig, join(info.workDir, 'kube-cache'));
    const crds = await installNetworkPolicyApiCrds(crdKubectl, { onlyMissing: info.provider === 'kubeconfig' });
    log(`network-policy-api CRDs: ${crds.length ? `installed ${crds.length} (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy)` : 'already present'}`);
    const cilium = await installCiliumCrds(crdKubectl);
    if (cilium.length) log(`installed Cilium's CRDs (tests/harness/crds.ts): ${cilium.join(', ')}`);
    log(`${info.description}; server ${version}${info.hasNamespaceController ? '' : ' (no namespace controller: tests finalize namespaces)'}; ready after ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    await stop();
    throw error;
  }
  project.provide('floeCluster', info);

  return async () => {
    if (process.env.FLOE_TEST_KEEP_CLUSTER && info.provider !== 'kubeconfig') {
      log(`FLOE_TEST_KEEP_CLUSTER set; left running: export KUBECONFIG=${info.kubeconfig}`);
      return;
    }
    await stop();
    await rm(workDir, { recursive: true, force: true });
  };
}
