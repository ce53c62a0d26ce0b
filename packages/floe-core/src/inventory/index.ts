/**
 * @floe/core/inventory: objects for the policy engine and the Pod Security audit, read
 * from a directory of manifests (through the one reader, src/manifests/) or a live
 * cluster (through src/cluster/). The edge of the engine: policy/ turns the objects
 * into its model (buildInventory) and never reads files or the cluster itself.
 */

export { loadObjectsFromDir, parseObjects } from './load-dir.js';
export { LIVE_CLUSTER_POLICY_RESOURCES, LIVE_RESOURCES, readLiveInput, readLiveObjects, type ClusterPolicyApis } from './live.js';
