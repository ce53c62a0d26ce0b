import type { ClusterClient, ClusterConnectionOptions } from './types.js';

export async function connectCluster(_options: ClusterConnectionOptions): Promise<ClusterClient> {
  throw new Error('connectCluster: being written');
}
