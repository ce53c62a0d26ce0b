import { Option, type Command } from 'commander';
import { connectCluster, parseDuration, type ClusterClient } from '@floe/core/cluster';
import type { Logger } from '@floe/core/telemetry';

/** kubectl's connection flags, shared by every command that talks to a cluster. */
export interface KubeFlags {
  kubeconfig?: string;
  context?: string;
  requestTimeout: string;
}

export function addKubeFlags(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, several paths merged as kubectl does, else ~/.kube/config, else in-cluster)')
    .option('--context <name>', 'kubeconfig context to use (default: the current context)')
    .addOption(new Option('--request-timeout <duration>', 'give up on one API request after this long, retries included (30s, 1m, 0 = never)').default('30s'));
}

/** A read-only cluster client for `command`, from the flags; bad flags are exit 2, an unusable kubeconfig exit 3. */
export function clusterFromFlags(flags: KubeFlags, command: string, logger?: Logger): Promise<ClusterClient> {
  return connectCluster({
    ...(logger ? { logger } : {}),
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context ? { context: flags.context } : {}),
    requestTimeoutMs: parseDuration(flags.requestTimeout),
    command,
  });
}
