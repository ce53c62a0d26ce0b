/**
 * @floe/core/intent: the flows the platform needs, built from the manifest.
 * Listed by name: an internal helper never becomes API by accident.
 */

export { INTENT_PURPOSES } from './types.js';
export type { CidrPeer, FqdnPeer, IntentPlan, IntentPurpose, ManagedNamespace, NamespaceRole, NetworkIntent, Peer, PodsPeer, PortSpec } from './types.js';
export { buildIntents, externalHttpsBlocks, jobRunIntent, managedNamespaces, renameIntents } from './build.js';
