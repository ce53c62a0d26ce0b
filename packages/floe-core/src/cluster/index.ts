export * from './types.js';
export * from './resources.js';
export { parseDuration } from './duration.js';
export { ClusterError, type ClusterFault } from './errors.js';
import type { Logger } from 'pino';
import type { ClusterClient, ClusterConnectionOptions } from './types.js';

/**
 * Loaded on first use: @kubernetes/client-node takes about 0.6 s to import,
 * and commands that never talk to a cluster (generate, schema) must not pay it.
 */
export async function connectCluster(options: ClusterConnectionOptions & { logger?: Logger }): Promise<ClusterClient> {
  const client = await import('./client.js');
  return client.connectCluster(options);
}
