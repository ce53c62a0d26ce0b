// CustomResourceDefinitions from Cilium's own release, installed on the test
// cluster so that CiliumNetworkPolicies can be created, dry-run and read back
// exactly as a cluster running Cilium would. build-cilium.sh writes them from
// the CRDs embedded in github.com/cilium/cilium (pinned in go/versions.env);
// nothing here is hand-written.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitCrdsEstablished, type Kubectl } from './kube.ts';

const execFileAsync = promisify(execFile);
const BUILD_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'build-cilium.sh');

/** The CRDs installed, by file (as the release names them) and the CRD's own name. */
export const CILIUM_CRDS = [
  { file: 'ciliumnetworkpolicies.yaml', name: 'ciliumnetworkpolicies.cilium.io' },
  { file: 'ciliumclusterwidenetworkpolicies.yaml', name: 'ciliumclusterwidenetworkpolicies.cilium.io' },
] as const;

/** The cache directory of the Cilium helpers: cilium-sanitize and crds/. */
export async function ciliumDir(): Promise<string> {
  const { stdout } = await execFileAsync('bash', [BUILD_SCRIPT, '--print-dir']);
  return stdout.trim();
}

/** Cilium's rule validator (pkg/policy/api Rule.Sanitize), built by build-cilium.sh. */
export async function ciliumSanitizer(): Promise<string> {
  const path = join(await ciliumDir(), 'cilium-sanitize');
  if (!existsSync(path)) throw new Error(`${path} is missing: build it with \`./pnpmw cluster:build\` (tests/harness/build-cilium.sh)`);
  return path;
}

/**
 * Creates the Cilium CRDs that the cluster does not have yet and waits until
 * each is Established (served). A CRD the cluster already has (a real Cilium
 * install behind FLOE_TEST_KUBECONFIG) is left as it is. Returns the names created.
 */
export async function installCiliumCrds(kubectl: Kubectl, timeoutSeconds = 60): Promise<string[]> {
  const dir = join(await ciliumDir(), 'crds');
  const created: string[] = [];
  for (const crd of CILIUM_CRDS) {
    const file = join(dir, crd.file);
    if (!existsSync(file)) throw new Error(`${file} is missing: write Cilium's CRDs with \`./pnpmw cluster:build\` (tests/harness/build-cilium.sh)`);
    const present = await kubectl.run(['get', 'crd', crd.name, '-o', 'name']);
    if (present.code === 0) continue;
    // create, not apply: a client-side apply would store the 390 KB CRD in an annotation (limit 256 KB).
    await kubectl.ok(['create', '-f', file]);
    created.push(crd.name);
  }
  await waitCrdsEstablished(kubectl, CILIUM_CRDS.map((c) => c.name), timeoutSeconds);
  return created;
}
