import { InputError } from '../errors.js';
import type { NetworkIntent, Peer } from '../intent/types.js';
import { compareStrings } from '../util/compare.js';
import { capabilitiesOf, type NetworkPlan, type PluginCapability, type PluginMetadata, type RulePeer } from './plugin.js';
import { SHIPPED_PLUGINS } from './shipped.js';

/** One place that needs a capability, and how a message names it. */
export interface CapabilityNeed {
  capability: PluginCapability;
  namespace: string;
  /**
   * The rule, for messages: where the manifest asks for it
   * (`egress rule jobs_egress_allow[2] "snowflake" (to_fqdn)`), or its place
   * in the plan (`egress rule 3 of floe-jobs (to_fqdn *.example.com)`).
   */
  rule: string;
}

function capabilityOf(peer: RulePeer | Peer): PluginCapability | undefined {
  return peer.kind === 'fqdn' ? 'fqdn-egress' : undefined;
}

/** Every rule of `plan` that needs a capability, in plan order. Pure. */
export function planCapabilityNeeds(plan: NetworkPlan): CapabilityNeed[] {
  const needs: CapabilityNeed[] = [];
  for (const ns of plan.namespaces) {
    for (const direction of ['egress', 'ingress'] as const) {
      for (const allowance of ns[direction]) {
        allowance.rules.forEach((rule, i) => {
          for (const peer of rule.peers) {
            const capability = capabilityOf(peer);
            if (!capability) continue;
            const group = allowance.group.name ? ` pod group ${allowance.group.name}` : '';
            const what = peer.kind === 'fqdn' ? `to_fqdn ${peer.names.join(', ')}` : capability;
            needs.push({ capability, namespace: ns.name, rule: `${direction} rule ${i + 1} of ${ns.name}${group} (${what})` });
          }
        });
      }
    }
  }
  return needs;
}

/** Every intent that needs a capability, named where the manifest asks for it. Pure. */
export function intentCapabilityNeeds(intents: readonly NetworkIntent[]): CapabilityNeed[] {
  const needs: CapabilityNeed[] = [];
  for (const i of intents) {
    const capability = capabilityOf(i.to);
    if (!capability) continue;
    const field = i.to.kind === 'fqdn' ? 'to_fqdn' : capability;
    needs.push({ capability, namespace: i.from.namespace, rule: `egress rule ${i.source ?? i.id} (${field})` });
  }
  return needs;
}

/** The plugins floe ships that declare `capability`, sorted. */
export function shippedPluginsWith(capability: PluginCapability): string[] {
  return Object.entries(SHIPPED_PLUGINS)
    .filter(([, p]) => p.capabilities.includes(capability))
    .map(([name]) => name)
    .sort(compareStrings);
}

/**
 * Refuses (InputError, exit 2, code input.capability) needs the plugin does
 * not declare a capability for, before anything is rendered or written: each
 * rule once (a domain rule counts once for every domain), the plugin, and
 * the plugins floe ships that have it.
 */
export function assertCapabilities(plugin: PluginMetadata, needs: readonly CapabilityNeed[]): void {
  const has = capabilitiesOf(plugin);
  const lines = new Set<string>();
  for (const need of needs) {
    if (has.has(need.capability)) continue;
    const others = shippedPluginsWith(need.capability).filter((n) => n !== plugin.name);
    const hint = others.length ? `try --plugin ${others.join(' or --plugin ')}` : 'no plugin floe ships has it';
    lines.add(`${need.rule} needs a plugin with ${need.capability}, which plugin ${plugin.name} does not have: ${hint}`);
  }
  if (lines.size === 0) return;
  const all = [...lines];
  const shown = all.slice(0, 5).join('; ') + (all.length > 5 ? `; and ${all.length - 5} more` : '');
  throw new InputError(shown, { code: 'input.capability' });
}
