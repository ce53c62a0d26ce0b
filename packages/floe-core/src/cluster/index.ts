export type { ClusterClient, ClusterConnectionOptions, DryRunOptions, KubeObject, KubeObjectMeta, ListOptions, ResourceRef, ServerVersion } from './types.js';
export { resourceForKind, resourceName, RESOURCES } from './resources.js';
export { parseDuration } from './duration.js';
export { ClusterError, type ClusterFault } from './errors.js';
export { connectCluster } from './connect.js';
