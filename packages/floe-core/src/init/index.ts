/** @floe/core/init (internal): `floe network init`, a starter manifest from a live cluster. */
export { discoverCluster, ingressControllers, nodeLocalAddress, INGRESS_CLASSES, type ClusterFacts, type Found, type IngressFound } from './discover.js';
export { renderStarterManifest } from './render.js';
