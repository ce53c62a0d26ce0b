// The network-policy-api CRDs on a test cluster: ClusterNetworkPolicy (v1beta1 and
// v1alpha2, from NETWORK_POLICY_API_VERSION) and AdminNetworkPolicy and
// BaselineAdminNetworkPolicy (v1alpha1, from NETWORK_POLICY_API_V1ALPHA1_VERSION),
// fetched from the Go module proxy by fetch-network-policy-api.sh (`pnpm cluster:build`).
// The standard and experimental channels define the same CRD name; the experimental one
// is a superset (named ports, nodes, domain names), so that is the one installed.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitCrdsEstablished, type Kubectl } from './kube.ts';

export const NETWORK_POLICY_API_CRDS = [
  'clusternetworkpolicies.policy.networking.k8s.io',
  'adminnetworkpolicies.policy.networking.k8s.io',
  'baselineadminnetworkpolicies.policy.networking.k8s.io',
] as const;

/** Where fetch-network-policy-api.sh keeps the CRDs (and the conformance suite), keyed by the pinned versions. */
export async function networkPolicyApiDir(): Promise<string> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'fetch-network-policy-api.sh');
  const { stdout } = await promisify(execFile)('bash', [script, '--print-dir']);
  return stdout.trim();
}

/** The CRD files to install, failing with the command that fetches them when they are missing. */
export async function networkPolicyApiCrdFiles(): Promise<string[]> {
  const dir = await networkPolicyApiDir();
  if (!existsSync(join(dir, '.complete'))) {
    throw new Error(`network-policy-api CRDs not fetched (${dir}): run \`./pnpmw cluster:build\` (tests/harness/fetch-network-policy-api.sh)`);
  }
  const files: string[] = [];
  for (const sub of ['experimental', 'v1alpha1']) {
    for (const name of (await readdir(join(dir, sub))).sort()) if (name.endsWith('.yaml')) files.push(join(dir, sub, name));
  }
  return files;
}

/**
 * Installs the CRDs (server-side apply, idempotent) and waits until each is Established, so
 * a test can create the objects at once. `onlyMissing` leaves a CRD a cluster already has
 * alone (an external cluster may run its own version).
 */
export async function installNetworkPolicyApiCrds(kubectl: Kubectl, options: { onlyMissing?: boolean } = {}): Promise<string[]> {
  let files = await networkPolicyApiCrdFiles();
  if (options.onlyMissing) {
    const present = await kubectl.ok(['get', 'crd', '--ignore-not-found', '-o', 'name', ...NETWORK_POLICY_API_CRDS]);
    const have = new Set(present.split('\n').map((l) => l.replace(/^customresourcedefinition\.apiextensions\.k8s\.io\//, '').trim()));
    files = files.filter((f) => !NETWORK_POLICY_API_CRDS.some((crd) => have.has(crd) && f.endsWith(`_${crd.split('.')[0]}.yaml`)));
  }
  if (files.length === 0) return [];
  await kubectl.ok(['apply', '--server-side', '--force-conflicts', '--field-manager=floe-test-harness', ...files.flatMap((f) => ['-f', f])]);
  await waitCrdsEstablished(kubectl, NETWORK_POLICY_API_CRDS);
  return files;
}
