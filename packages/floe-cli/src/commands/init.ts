import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { EnvironmentError, InputError } from '@floe/core/errors';
import { discoverCluster, renderStarterManifest } from '@floe/core/init';
import type { GlobalOptions } from '../context.js';
import { addKubeFlags, clusterFromFlags, type KubeFlags } from '../kube-flags.js';
import { runCommand } from '../run-command.js';

interface InitOptions extends KubeFlags {
  output: string;
  force?: boolean;
}

const COMMAND = 'floe network init';

export function initCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('init')
    .description('Write a starter manifest.yaml from a live cluster: API server addresses, DNS, NodeLocal DNSCache, the ingress controller, running platform services, each value saying where it came from')
    .option('-o, --output <path>', 'the manifest file to write', 'manifest.yaml')
    .option('--force', 'overwrite the file if it exists');
  return addKubeFlags(cmd)
    .addHelpText(
      'after',
      `
Reads (get and list only; examples/rbac/floe-network-reader.yaml grants it):
the kubernetes EndpointSlices and Service in default (kubernetes_api.cidrs: the
endpoint addresses and the Service IP), Services labelled k8s-app=kube-dns (dns:
the namespace and the Service's selector), DaemonSets and Deployments in all
namespaces (NodeLocal DNSCache's node-local-dns -> dns.cidrs; the ingress
controller: ingress-nginx, Traefik, HAProxy, Contour/Envoy Gateway, Istio's
ingress gateway; Polaris, the OTel collector, MinIO and Dagster by their Helm
labels), IngressClasses (the default class picks the controller; others are
listed, commented out), what check-cni reads (the verdict, in a comment) and
the server version (pod_security.version is pinned to the cluster's minor).

Never overwrites a file unless --force. The file it writes passes
\`floe network validate --server\` on the same cluster.

Exit codes: 0 written, 2 the file exists (without --force) or bad flags,
3 cluster unreachable, credentials rejected, forbidden or timed out, or the
file cannot be written.

Examples:
  floe network init
  floe network init --context prod -o platform/manifest.yaml
  floe network init -o m.yaml && floe network generate -m m.yaml && floe network validate -m m.yaml --server`,
    )
    .action(async (opts: InitOptions) => {
      await runCommand(globals(), { operation: 'network.init', attributes: {} }, async (run) => {
        if (existsSync(opts.output) && !opts.force) throw new InputError(`${opts.output} exists; floe network init never overwrites a file: pass --force, or -o another path`, { code: 'input.exists' });
        const client = await clusterFromFlags(opts, COMMAND, run.log);
        run.note({ server: client.server });
        try {
          const facts = await discoverCluster(client);
          try {
            await writeFile(opts.output, renderStarterManifest(facts, opts.output), { encoding: 'utf8', flag: opts.force ? 'w' : 'wx' });
          } catch (err) {
            throw new EnvironmentError(`cannot write ${opts.output}: ${(err as Error).message}`, { cause: err });
          }
          process.stdout.write(`wrote ${opts.output} from ${client.server} (Kubernetes ${facts.kubernetes.version}; check-cni: ${facts.cni.verdict}${facts.ingress.length ? `; ingress controller: ${facts.ingress.map((i) => i.name).join(', ')}` : ''})\n`);
          return { audit: { context: client.context, output: opts.output, verdict: facts.cni.verdict, ingress: facts.ingress.map((i) => i.name) } };
        } finally {
          await client.close();
        }
      });
    });
}
