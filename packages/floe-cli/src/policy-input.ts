import { Option, type Command } from 'commander';
import { loadObjectsFromDir, readLiveInput, type ClusterPolicyApis } from '@floe/core/inventory';
import { applyDefaults, type SourcedObject } from '@floe/core/k8s';
import { buildInventory, type Inventory, type IpBlockPodIps, type PolicyEngine } from '@floe/core/policy';
import type { Logger } from '@floe/core/telemetry';
import { InputError } from '@floe/core/errors';
import { compareStrings } from '@floe/core/util';
import { addKubeFlags, clusterFromFlags, type KubeFlags } from './kube-flags.js';

/** The input flags of every command on the policy engine: files or the live cluster, and the ipBlock treatment of pod IPs. */
export interface PolicyInputFlags extends KubeFlags {
  fromDir?: string;
  ipblockPodIps: IpBlockPodIps;
}

export function addPolicyInputFlags(cmd: Command): Command {
  cmd
    .option('--from-dir <dir>', 'read namespaces, pods, workloads, NetworkPolicies and cluster-scoped policies (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy) from YAML/JSON files below DIR instead of the cluster')
    .addOption(
      new Option('--ipblock-pod-ips <mode>', 'whether ipBlocks match pod IPs: match (as the upstream conformance tests expect) or ignore (CNIs that never match them)')
        .choices(['match', 'ignore'])
        .default('match'),
    );
  return addKubeFlags(cmd);
}

export interface PolicyInput {
  inventory: Inventory;
  /** The objects the inventory was built from (audit judges their pod specs for Pod Security). */
  objects: SourcedObject[];
  /** `DIR` or `cluster CONTEXT (SERVER)`, for messages and the audit event. */
  source: string;
  /** Live reads only: which cluster-scoped policy APIs the cluster serves (a missing CRD is skipped quietly). */
  clusterPolicyApis?: ClusterPolicyApis;
}

/**
 * Loads the inventory; says on stderr how many objects of other kinds were skipped.
 * `namespaces` limits the live read of namespaced objects (namespaces themselves are always read, for their labels).
 */
export async function loadPolicyInput(flags: PolicyInputFlags, command: string, log: Logger, namespaces?: readonly string[]): Promise<PolicyInput> {
  let result: PolicyInput;
  if (flags.fromDir) {
    // Judged as the API server would judge what it stores: its defaults first (a cluster's objects have them already).
    const objects = (await loadObjectsFromDir(flags.fromDir)).objects.map((o) => ({ ...o, object: applyDefaults(o.object) }));
    result = { inventory: buildInventory(objects), objects, source: flags.fromDir };
  } else {
    const client = await clusterFromFlags(flags, command, log);
    try {
      const { objects, clusterPolicyApis } = await readLiveInput(client, namespaces);
      result = { inventory: buildInventory(objects), objects, source: `cluster ${client.context} (${client.server})`, clusterPolicyApis };
      const forbidden = clusterPolicyApis.forbidden;
      if (forbidden.length > 0) {
        process.stderr.write(
          `floe: warning: not allowed to list ${forbidden.join(', ')} (policy.networking.k8s.io, cluster-scoped): they were not evaluated, so a verdict they would change is not seen; grant "list" on them for a complete answer\n`,
        );
      }
    } finally {
      await client.close();
    }
  }
  const skipped = Object.entries(result.inventory.skipped).sort(([a], [b]) => compareStrings(a, b));
  if (skipped.length > 0) {
    const total = skipped.reduce((n, [, c]) => n + c, 0);
    process.stderr.write(`floe: skipped ${total} object${total === 1 ? '' : 's'} that do not affect NetworkPolicy (${skipped.map(([k, c]) => `${k} ${c}`).join(', ')})\n`);
  }
  return result;
}

/**
 * The `clusterPolicies` object of explain's and audit's JSON: the cluster-scoped policies the
 * engine evaluated (`found: 0` says there were none) and, from a live cluster, which of their
 * APIs it serves (`unavailable`: the CRD is not installed, so they were skipped).
 */
export function clusterPoliciesJson(engine: PolicyEngine, apis: ClusterPolicyApis | undefined) {
  const policies = engine.tiers?.policies ?? [];
  return {
    found: policies.length,
    policies: policies.map((p) => ({ kind: p.kind, name: p.name, tier: p.tier, priority: p.priority })),
    ...(apis ? { served: apis.served, unavailable: apis.unavailable, forbidden: apis.forbidden } : {}),
  };
}

const LISTED_NAMESPACES = 20;

/**
 * `-n NS` must name a namespace of the input: a mistyped one in a CI gate would
 * otherwise pass with 0 findings. Exit 2, naming it and the namespaces there are.
 */
export function requireNamespaces(input: PolicyInput, wanted: readonly string[]): void {
  const { namespaces, pods, policies } = input.inventory.model;
  const known = new Set([...namespaces.map((n) => n.name), ...pods.map((p) => p.namespace), ...policies.map((p) => p.namespace)]);
  const missing = wanted.filter((n) => !known.has(n));
  if (missing.length === 0) return;
  const all = [...known].sort(compareStrings);
  const listed = all.length === 0 ? 'it has none' : `its namespaces: ${all.slice(0, LISTED_NAMESPACES).join(', ')}${all.length > LISTED_NAMESPACES ? ` and ${all.length - LISTED_NAMESPACES} more` : ''}`;
  throw new InputError(`namespace${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in ${input.source} (${listed})`, { code: 'input.unknown_namespace' });
}

/** One overwritten status line on stderr while long work runs, only when stderr is a terminal (never in logs or CI). */
export function progress(): { step(text: string): void; done(): void } {
  const tty = Boolean(process.stderr.isTTY);
  let shown = false;
  return {
    step(text) {
      if (!tty) return;
      process.stderr.write(`\r\x1b[K${text}`);
      shown = true;
    },
    done() {
      if (tty && shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}
