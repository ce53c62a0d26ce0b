import type { PluginCapability } from './plugin.js';

/**
 * The plugins floe ships: their package (resolved with Node's module
 * resolution, discovery.ts) and the capabilities they declare, so that a
 * refusal can name a plugin that renders what the selected one cannot
 * without loading every plugin. A contract test checks this table against
 * each plugin's own metadata.
 */
export const SHIPPED_PLUGINS: Readonly<Record<string, { packageName: string; capabilities: readonly PluginCapability[] }>> = {
  cilium: { packageName: '@floe/network-security-cilium', capabilities: ['fqdn-egress', 'api-server-entity'] },
  k8s: { packageName: '@floe/network-security-k8s', capabilities: [] },
};
