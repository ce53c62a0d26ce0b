import { clusterPolicyReport } from './cluster-policies.js';
import { cniAdvice } from './advice.js';
import { kubernetesVersionFindings, parseKubernetesVersion } from './kubernetes-version.js';
import { compareStrings } from '../util/compare.js';
import { containerField, workloadEvidence } from './components.js';
import { parseImage } from './image.js';
import { detectAwsVpcCni } from './detectors/aws-vpc-cni.js';
import { detectCalico } from './detectors/calico.js';
import { detectCilium } from './detectors/cilium.js';
import { detectFlannel } from './detectors/flannel.js';
import { detectK3s } from './detectors/k3s.js';
import { detectKindnet } from './detectors/kindnet.js';
import { detectKubeRouter } from './detectors/kube-router.js';
import { detectAlwaysEnforcing } from './detectors/always-enforcing.js';
import { detectWeave } from './detectors/weave.js';
import type { CniEvidence, CniPlugin, CniReport, CniSnapshot, CniVerdict, ContainerInfo } from './types.js';
import { failedChecks } from './verify.js';

/** One rule per plugin family; each reads the whole snapshot and reports what it recognises. */
const RULES: ((s: CniSnapshot) => CniPlugin[])[] = [
  detectCalico,
  detectCilium,
  detectAlwaysEnforcing,
  detectKubeRouter,
  detectWeave,
  detectKindnet,
  detectFlannel,
  detectAwsVpcCni,
  detectK3s,
];

const CALICO = ['calico', 'canal'];
const CILIUM = ['cilium', 'azure-cni-cilium', 'gke-dataplane-v2'];

interface Supporting {
  /** Plugin names this signal belongs to; it is attached to the first one detected. */
  plugins: string[];
  title: string;
}

/** Control-plane Deployments: they support a detection, but enforcement happens in the node agent. */
function controlPlaneOf(c: ContainerInfo): Supporting | undefined {
  const { repository, name } = parseImage(c.image);
  if (c.name === 'tigera-operator' || repository.endsWith('tigera/operator')) return { plugins: CALICO, title: 'the Tigera operator (Calico)' };
  if (c.name === 'calico-kube-controllers' || (name === 'kube-controllers' && repository.includes('calico'))) return { plugins: CALICO, title: 'Calico kube-controllers' };
  if (c.name === 'cilium-operator' || (repository.includes('cilium/') && name.startsWith('operator'))) return { plugins: CILIUM, title: 'the Cilium operator' };
  if (c.name === 'antrea-controller') return { plugins: ['antrea'], title: 'the Antrea controller' };
  if (['ovnkube-cluster-manager', 'ovnkube-master', 'ovnkube-control-plane'].includes(c.name)) return { plugins: ['ovn-kubernetes'], title: 'the OVN-Kubernetes control plane' };
  return undefined;
}

/** CRDs a plugin installs: left behind after an uninstall, so never enough on their own. */
export const CNI_CRDS: Record<string, Supporting> = {
  'installations.operator.tigera.io': { plugins: CALICO, title: 'the Tigera operator (Calico)' },
  'felixconfigurations.crd.projectcalico.org': { plugins: CALICO, title: 'Calico' },
  'ciliumnetworkpolicies.cilium.io': { plugins: CILIUM, title: 'Cilium' },
  'antreaagentinfos.crd.antrea.io': { plugins: ['antrea'], title: 'Antrea' },
  'policyendpoints.networking.k8s.aws': { plugins: ['aws-vpc-cni'], title: 'the Amazon VPC CNI network policy controller' },
  'egressfirewalls.k8s.ovn.org': { plugins: ['ovn-kubernetes'], title: 'OVN-Kubernetes' },
};

const byPlace = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name);

/** Same input in any order, same report. */
function sorted(s: CniSnapshot): CniSnapshot {
  return {
    ...s,
    daemonSets: [...s.daemonSets].sort(byPlace),
    deployments: [...s.deployments].sort(byPlace),
    configMaps: [...s.configMaps].sort(byPlace),
    crds: [...s.crds].sort(compareStrings),
    nodes: [...s.nodes].sort((a, b) => compareStrings(a.name, b.name)),
    customObjects: [...s.customObjects].sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.namespace ?? '', b.namespace ?? '') || compareStrings(a.name, b.name)),
  };
}

const unique = <T>(xs: T[]) => [...new Set(xs)];

/** Instances of one plugin (two DaemonSets, a DaemonSet and an Installation) become one entry. */
function merge(found: CniPlugin[]): CniPlugin[] {
  const byName = new Map<string, CniPlugin[]>();
  for (const p of found) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  return [...byName.values()].map((group) => {
    const first = group[0] as CniPlugin;
    if (group.length === 1) return first;
    const enforces = group.some((p) => p.enforcesPolicy === true) ? true : group.some((p) => p.enforcesPolicy === null) ? null : false;
    const versions = unique(group.flatMap((p) => (p.version ? p.version.split(', ') : []))).sort(compareStrings);
    return {
      name: first.name,
      title: first.title,
      version: versions.length ? versions.join(', ') : null,
      enforcesPolicy: enforces,
      reason: unique(group.filter((p) => p.enforcesPolicy === enforces).map((p) => p.reason)).join('; '),
      evidence: group.flatMap((p) => p.evidence),
      unverified: group.flatMap((p) => p.unverified ?? []),
    };
  });
}

const isUnverified = (p: CniPlugin) => (p.unverified?.length ?? 0) > 0;

/**
 * A match that is no plausible install decides nothing. Beside a verified
 * install of the same plugin it is left out, with a note; alone it stays, as
 * "cannot tell", saying which checks it failed.
 */
function countable(found: CniPlugin[], notes: string[]): CniPlugin[] {
  const verified = new Set(found.filter((p) => !isUnverified(p)).map((p) => p.name));
  return found.filter((p) => {
    if (!isUnverified(p) || !verified.has(p.name)) return true;
    const first = p.unverified?.[0];
    const where = first ? `${first.kind} ${first.namespace ? `${first.namespace}/` : ''}${first.name}` : p.title;
    notes.push(`${where} looks like ${p.title} but is not counted: it fails ${failedChecks(p.unverified ?? [])} of an install (${(p.unverified ?? []).map((u) => `${u.check}: ${u.message}`).join('; ')}).`);
    return false;
  });
}

const RANK = (p: CniPlugin) => (p.enforcesPolicy === true ? 0 : p.enforcesPolicy === null ? 1 : 2);

function named(p: CniPlugin): string {
  return p.version ? `${p.title} ${p.version}` : p.title;
}

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function summarise(verdict: CniVerdict, plugins: CniPlugin[]): string {
  if (verdict === 'enforced') return `NetworkPolicies are enforced by ${list(plugins.filter((p) => p.enforcesPolicy === true).map(named))}.`;
  if (verdict === 'not-enforced') {
    const many = plugins.length > 1;
    return `NetworkPolicies are NOT enforced: ${list(plugins.map(named))} ${many ? 'are' : 'is'} installed and ${many ? 'do' : 'does'} not enforce them, so policies are stored but have no effect.`;
  }
  const undecided = plugins.filter((p) => p.enforcesPolicy === null);
  if (undecided.length) return `Cannot tell whether NetworkPolicies are enforced: ${undecided.map((p) => `${named(p)}: ${p.reason}`).join('; ')}.`;
  return 'No known network plugin was found, so NetworkPolicies may be stored without being enforced.';
}

/**
 * Will NetworkPolicies be enforced here? Any plugin that enforces decides
 * "enforced" (flannel with Calico is enforced by Calico); otherwise one that
 * cannot be judged makes it "unknown"; plugins that all do not enforce make
 * it "not-enforced"; nothing recognised is "unknown".
 */
export function detectCni(snapshot: CniSnapshot): CniReport {
  const s = sorted(snapshot);
  const notes: string[] = [];
  const plugins = merge(countable(RULES.flatMap((rule) => rule(s)), notes));
  const attach = (support: Supporting, evidence: CniEvidence, orphan: string) => {
    const target = plugins.find((p) => support.plugins.includes(p.name));
    if (target) target.evidence.push(evidence);
    else notes.push(orphan);
  };

  for (const d of s.deployments) {
    for (const c of d.containers) {
      const support = controlPlaneOf(c);
      if (!support) continue;
      attach(
        support,
        workloadEvidence(d, containerField(c, 'image'), c.image, `${support.title}: control plane only; policies are enforced by the node agent`),
        `Deployment ${d.namespace}/${d.name} runs ${support.title}, but no node agent of it was found: the control plane alone enforces nothing.`,
      );
      break;
    }
  }
  for (const crd of s.crds) {
    const support = CNI_CRDS[crd];
    if (!support) continue;
    attach(
      support,
      { kind: 'CustomResourceDefinition', name: crd, field: 'metadata.name', value: crd, meaning: `installed by ${support.title}` },
      `CustomResourceDefinition ${crd} (${support.title}) exists, but no node agent of it was found: CRDs stay behind after an uninstall and enforce nothing.`,
    );
  }

  plugins.sort((a, b) => RANK(a) - RANK(b) || compareStrings(a.name, b.name));
  const enforcing = plugins.filter((p) => p.enforcesPolicy === true);
  const verdict: CniVerdict = enforcing.length ? 'enforced' : plugins.some((p) => p.enforcesPolicy === null) || plugins.length === 0 ? 'unknown' : 'not-enforced';

  // How the plugins combine comes first; orphan signals after.
  const combined: string[] = [];
  if (enforcing.length > 1) {
    combined.push(`More than one plugin enforces NetworkPolicy (${list(enforcing.map((e) => e.title))}): traffic must pass each of them. Outside a migration this is rarely intended.`);
  }
  if (enforcing.length) {
    const others = `${list(enforcing.map((e) => e.title))} ${enforcing.length > 1 ? 'do' : 'does'}, so policies are enforced.`;
    for (const p of plugins.filter((x) => x.enforcesPolicy !== true)) {
      combined.push(isUnverified(p) ? `${p.title} is not counted (${p.reason}); ${others}` : `${p.title} does not enforce NetworkPolicy here (${p.reason}); ${others}`);
    }
  }
  notes.unshift(...combined);

  return {
    verdict,
    summary: summarise(verdict, plugins),
    enforcedBy: enforcing.map((p) => p.name),
    plugins,
    evidence: plugins.flatMap((p) => p.evidence),
    notes,
    lookedAt: s.lookedAt,
    advice: cniAdvice({ verdict, plugins }, s),
    kubernetes: kubernetesOf(snapshot),
    clusterPolicies: clusterPolicyReport(plugins, s.crds),
  };
}

function kubernetesOf(snapshot: CniSnapshot): CniReport['kubernetes'] {
  if (!snapshot.serverVersion) return null;
  const v = parseKubernetesVersion(snapshot.serverVersion);
  return { version: v.gitVersion, minor: Number.isNaN(v.minor) ? null : v.minor, findings: kubernetesVersionFindings(v) };
}
