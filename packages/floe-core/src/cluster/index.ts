export * from './types.js';
export * from './resources.js';
export { parseDuration } from './duration.js';
export { ClusterError, type ClusterFault } from './errors.js';
export { connectCluster } from './connect.js';
