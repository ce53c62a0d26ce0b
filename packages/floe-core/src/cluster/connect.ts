import type { Logger } from 'pino';
import type { KubeConfigLocations } from './kubeconfig.js';
import type { ClusterClient, ClusterConnectionOptions } from './types.js';

/**
 * A client for the kubeconfig context the options name. Nothing is sent until
 * the first call. Bad flags are exit 2, an unusable kubeconfig exit 3.
 *
 * @kubernetes/client-node takes 0.7 s to import, so it is loaded here, on first
 * use, and never by commands that do not talk to a cluster (generate).
 */
export async function connectCluster(options: ClusterConnectionOptions & { logger?: Logger; locations?: KubeConfigLocations }): Promise<ClusterClient> {
  const { createClusterClient } = await import('./client.js');
  return createClusterClient(options);
}
