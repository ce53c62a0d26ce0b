// Kind provider (FLOE_TEST_CLUSTER=kind): a real multi-component cluster in
// Docker for developers who have it. Driven through the `kind` CLI (execFile, no
// shell) rather than testcontainers: kind already does the container wiring,
// kubeadm bootstrap and kubeconfig export, and a CLI adds no npm dependency.
//
// NetworkPolicy enforcement: kind >= v0.24.0 ships kindnet with
// sigs.k8s.io/kube-network-policies built in, on by default, so a plain cluster
// enforces policies without downloading a third-party CNI manifest at test time.
// Older kind versions are refused rather than silently run without enforcement.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const MIN_KIND = [0, 24, 0] as const;

export interface KindCluster {
  name: string;
  kubeconfig: string;
  created: boolean;
  teardown(): Promise<void>;
}

async function tool(cmd: string, args: string[], timeoutMs = 30_000): Promise<string> {
  const { stdout } = await execFileAsync(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

function firstLine(error: unknown): string {
  const e = error as { code?: string; stderr?: string; message?: string };
  if (e.code === 'ENOENT') return 'not found on PATH';
  return (e.stderr || e.message || String(error)).trim().split('\n')[0] ?? '';
}

export function parseKindVersion(output: string): [number, number, number] | undefined {
  const m = /\bv(\d+)\.(\d+)\.(\d+)/.exec(output);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function atLeast(v: readonly number[], min: readonly number[]): boolean {
  for (let i = 0; i < min.length; i++) {
    if ((v[i] ?? 0) !== (min[i] ?? 0)) return (v[i] ?? 0) > (min[i] ?? 0);
  }
  return true;
}

// kindnet (the default CNI) with its built-in network policy controller.
const KIND_CONFIG = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  disableDefaultCNI: false
`;

export async function startKind(workDir: string): Promise<KindCluster> {
  try {
    await tool('docker', ['info', '--format', '{{.ServerVersion}}']);
  } catch (error) {
    throw new Error(`FLOE_TEST_CLUSTER=kind needs a running Docker daemon: "docker info": ${firstLine(error)}`);
  }
  let versionOut: string;
  try {
    versionOut = await tool('kind', ['version']);
  } catch (error) {
    throw new Error(`FLOE_TEST_CLUSTER=kind needs the kind CLI >= v${MIN_KIND.join('.')} (https://kind.sigs.k8s.io): "kind version": ${firstLine(error)}`);
  }
  const version = parseKindVersion(versionOut);
  if (!version || !atLeast(version, MIN_KIND)) {
    throw new Error(
      `kind ${version ? `v${version.join('.')}` : `(unparsed: ${versionOut.trim()})`} is too old: ` +
        `v${MIN_KIND.join('.')}+ is needed for NetworkPolicy enforcement by kindnet`,
    );
  }

  const name = process.env.FLOE_KIND_CLUSTER_NAME ?? 'floe-test';
  const existing = (await tool('kind', ['get', 'clusters'])).split('\n').map((l) => l.trim());
  const created = !existing.includes(name);
  if (created) {
    const config = join(workDir, 'kind-config.yaml');
    await writeFile(config, KIND_CONFIG);
    const image = process.env.FLOE_KIND_NODE_IMAGE;
    try {
      await tool(
        'kind',
        ['create', 'cluster', '--name', name, '--config', config, '--wait', '180s', ...(image ? ['--image', image] : [])],
        300_000,
      );
    } catch (error) {
      throw new Error(`kind create cluster --name ${name} failed: ${firstLine(error)}`);
    }
  }
  const kubeconfig = join(workDir, 'kind-kubeconfig');
  await writeFile(kubeconfig, await tool('kind', ['get', 'kubeconfig', '--name', name]), { mode: 0o600 });

  return {
    name,
    kubeconfig,
    created,
    async teardown() {
      // A cluster the developer already had is theirs; one we created goes unless asked to keep it.
      if (created && !process.env.FLOE_TEST_KEEP_CLUSTER) {
        await tool('kind', ['delete', 'cluster', '--name', name], 120_000);
      }
    },
  };
}
