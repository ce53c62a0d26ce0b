import { INSTALLS, isImageOf, type Component, type Operator } from './components.js';
import { parseImage } from './image.js';
import type { CniEvidence, CniPlugin, CniSnapshot, ContainerInfo, CustomObjectInfo, UnverifiedCheck, WorkloadInfo } from './types.js';

/** One container of a DaemonSet that a detector recognised as an agent. */
export interface Agent {
  container: ContainerInfo;
  component: Component;
}

const list = (items: readonly string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/** The operator's custom resource that owns the DaemonSet as its controller, matched by uid (an ownerReference alone is only text). */
function owningResource(s: CniSnapshot, ds: WorkloadInfo, operator: Operator | undefined): CustomObjectInfo | undefined {
  if (!operator) return undefined;
  for (const ref of ds.owners ?? []) {
    if (!ref.controller || ref.kind !== operator.kind || !ref.apiVersion.startsWith(`${operator.apiGroup}/`)) continue;
    const owner = s.customObjects.find((o) => o.kind === operator.kind && o.apiVersion.startsWith(`${operator.apiGroup}/`) && o.uid !== undefined && o.uid === ref.uid && o.name === ref.name);
    if (owner) return owner;
  }
  return undefined;
}

/** An operator that moved the image to a private registry names it <registry>/<imagePath>/<imagePrefix><name>. */
function imageOfOperator(owner: CustomObjectInfo, operator: Operator, image: string): boolean {
  const prefix = typeof owner.spec.imagePrefix === 'string' ? owner.spec.imagePrefix : '';
  const { name } = parseImage(image);
  return name.startsWith(prefix) && operator.imageNames.includes(name.slice(prefix.length));
}

function statusCheck(s: CniSnapshot, ds: WorkloadInfo): { ok: CniEvidence } | { failed: string } {
  const desired = ds.status?.desiredNumberScheduled ?? 0;
  const ready = ds.status?.numberReady ?? 0;
  const nodes = s.nodes.length;
  const at = (field: string, value: number, meaning: string): CniEvidence => ({ kind: ds.kind, namespace: ds.namespace, name: ds.name, field, value: String(value), meaning });
  if (ready > 0) return { ok: at('status.numberReady', ready, `${ready} of ${desired} scheduled pods are ready`) };
  if (desired > 0 && desired === nodes) return { ok: at('status.desiredNumberScheduled', desired, `scheduled on all ${nodes} nodes (no pod ready yet)`) };
  const scheduled = nodes > 0 ? `${desired} of ${nodes} nodes (status.desiredNumberScheduled ${desired})` : `${desired} nodes (status.desiredNumberScheduled ${desired}; nodes: 0 found)`;
  return { failed: `no pod of it is ready (status.numberReady ${ready}) and it is scheduled on ${scheduled}` };
}

/**
 * Does this DaemonSet look like an install of the plugin: in a namespace its
 * installs use (or owned by its operator's custom resource), running its
 * images, with pods ready (or scheduled on every node)? Returns the checks it
 * fails, and the evidence of the ones it passes.
 */
export function verifyAgent(s: CniSnapshot, ds: WorkloadInfo, agents: readonly Agent[], title: string): { failed: UnverifiedCheck[]; evidence: CniEvidence[] } {
  const failed: UnverifiedCheck[] = [];
  const evidence: CniEvidence[] = [];
  const fail = (check: UnverifiedCheck['check'], message: string) => failed.push({ kind: ds.kind, namespace: ds.namespace, name: ds.name, check, message });
  const primary = agents[0];
  if (!primary) return { failed, evidence };
  const install = INSTALLS[primary.component];
  const owner = owningResource(s, ds, install.operator);
  if (owner && install.operator) {
    evidence.push({ kind: ds.kind, namespace: ds.namespace, name: ds.name, field: `metadata.ownerReferences[${owner.kind}]`, value: owner.name, meaning: `managed by the ${install.operator.title} ${owner.name}` });
  } else if (!install.namespaces.includes(ds.namespace)) {
    const operator = install.operator ? `, and no ${install.operator.title} owns the DaemonSet` : '';
    fail('namespace', `${ds.namespace} is not a namespace ${title} runs ${primary.component} in (${install.namespaces.join(', ')})${operator}`);
  }
  for (const { container, component } of agents) {
    const accepted = isImageOf(component, container.image) || (owner !== undefined && install.operator !== undefined && imageOfOperator(owner, install.operator, container.image));
    if (!accepted) {
      const repositories = INSTALLS[component].images;
      fail('image', `${container.image} (container ${container.name}) is not an image of ${component} (repository ${list(repositories)}, from any registry)`);
    }
  }
  const status = statusCheck(s, ds);
  if ('failed' in status) fail('status', status.failed);
  else evidence.push(status.ok);
  return { failed, evidence };
}

/** "the namespace, image and status checks", "the image check" */
export function failedChecks(checks: readonly UnverifiedCheck[]): string {
  const names = [...new Set(checks.map((c) => c.check))];
  return `the ${list(names)} check${names.length > 1 ? 's' : ''}`;
}

/**
 * A detector's finding about one DaemonSet, checked for plausibility: when
 * verified it gains the evidence of the checks; otherwise it decides nothing
 * (enforcesPolicy null) and says which checks failed. A version read from an
 * image that is not the plugin's is no version of it.
 */
export function checkedAgentPlugin(s: CniSnapshot, ds: WorkloadInfo, agents: readonly Agent[], plugin: CniPlugin): CniPlugin {
  const { failed, evidence } = verifyAgent(s, ds, agents, plugin.title);
  if (failed.length === 0) return { ...plugin, evidence: [...plugin.evidence, ...evidence], unverified: [] };
  return {
    ...plugin,
    version: failed.some((f) => f.check === 'image') ? null : plugin.version,
    enforcesPolicy: null,
    reason: `${ds.kind} ${ds.namespace}/${ds.name} is unverified: it fails ${failedChecks(failed)} of a ${plugin.title} install, so it decides nothing`,
    unverified: failed,
  };
}
