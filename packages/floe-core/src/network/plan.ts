import { externalHttpsFqdns, type AdmissionGuardConfig, type FloeManifest, type NetworkPoliciesConfig, type PodSecurityConfig, type PssLevel } from '../config/schema.js';
import { buildIntents } from '../intent/build.js';
import type { IntentPlan, ManagedNamespace, NetworkIntent, PodsPeer } from '../intent/types.js';
import type { Labels } from '../k8s/meta.js';
import type { GroupAllowance, NamespacePlan, NamespacePodSecurity, NetworkPlan } from '../plugin/plugin.js';
import { compareStrings } from '../util/compare.js';
import { sha256 } from '../util/hash.js';
import type { GuardrailSettings } from './guardrails.js';
import { floeLabels } from './labels.js';
import { labelsKey, mergeAllowances, type Allowance } from './merge.js';

/** The Pod Security level a namespace enforces, by its role. */
export function enforceLevel(role: ManagedNamespace['role'], ps: PodSecurityConfig): PssLevel {
  return role === 'platform' ? ps.platform_level : role === 'jobs' ? ps.jobs_level : ps.domain_level;
}

export function podSecurityFor(ns: ManagedNamespace, m: FloeManifest): NamespacePodSecurity | null {
  return namespacePodSecurity(ns.role, m.security.pod_security);
}

/** The Pod Security labels of a namespace with this role; null when pod security is disabled. */
export function namespacePodSecurity(role: ManagedNamespace['role'], ps: PodSecurityConfig): NamespacePodSecurity | null {
  if (!ps.enabled) return null;
  return { enforce: enforceLevel(role, ps), audit: ps.audit_level, warn: ps.warn_level, version: ps.version };
}

/** What the NetworkPolicies guarantee: default-deny everywhere, allow policies only, or none at all. */
export type NetworkMode = 'enforced' | 'no-default-deny' | 'disabled';

/**
 * What the stages after the plan (rendering, templating, the summary) need
 * from the manifest, read from it once by `planSettings`: they take the plan
 * and these, never the manifest.
 */
export interface PlanSettings {
  /** The manifest's `name`. */
  platform: string;
  mode: NetworkMode;
  /** security.pod_security: the levels per role and the hardened PodTemplate's settings. */
  podSecurity: PodSecurityConfig;
  /** The jobs namespace and its job-run pod-to-pod setting, which the summary states. */
  jobs: { namespace: string; jobRun: NetworkPoliciesConfig['job_run_pod_to_pod'] };
  /** Whether jobs and platform pods may call external HTTPS, and the ranges excepted. */
  externalHttps: { allowed: boolean; except: string[]; fqdns?: string[] };
  /** security.network_policies.cluster_guardrails and their priorities (guardrails.ts). */
  guardrails: GuardrailSettings;
  /** security.admission_guard: the ValidatingAdmissionPolicies generate adds (none when off). */
  admissionGuard: AdmissionGuardConfig;
}

export function planSettings(m: FloeManifest): PlanSettings {
  const np = m.security.network_policies;
  return {
    platform: m.name,
    mode: !np.enabled ? 'disabled' : np.default_deny ? 'enforced' : 'no-default-deny',
    podSecurity: m.security.pod_security,
    jobs: { namespace: m.namespaces.jobs, jobRun: np.job_run_pod_to_pod },
    externalHttps: externalHttpsSettings(np),
    guardrails: { mode: np.cluster_guardrails, priorities: np.cluster_guardrail_priorities },
    admissionGuard: m.security.admission_guard,
  };
}

function externalHttpsSettings(np: NetworkPoliciesConfig): PlanSettings['externalHttps'] {
  const fqdns = externalHttpsFqdns(np);
  return fqdns ? { allowed: true, except: [], fqdns: [...fqdns].sort(compareStrings) } : { allowed: np.allow_external_https !== false, except: np.external_https_except };
}

/** A pod group name that is a DNS label, so plugins can put it in object and file names. */
function slug(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return s || 'pods';
}

interface GroupBuild {
  labels: Labels;
  names: string[];
  allowances: Allowance[];
  intents: string[];
}

/** Allowances of one namespace in one direction, grouped by the local pod group (same labels = same group). */
class Side {
  private readonly groups = new Map<string, GroupBuild>();

  add(local: PodsPeer, peer: Allowance['peer'], intent: NetworkIntent): void {
    const labels = local.podLabels ?? {};
    const key = labelsKey(labels);
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { labels, names: [], allowances: [], intents: [] }));
    if (local.group && key !== '') g.names.push(local.group);
    g.allowances.push({ peer, ports: intent.ports, purpose: intent.purpose });
    g.intents.push(intent.id);
  }

  build(namespace: string): GroupAllowance[] {
    const taken = new Set<string>();
    const out: GroupAllowance[] = [];
    // Whole-namespace group first, then by labels: names do not depend on intent order.
    const keys = [...this.groups.keys()].sort(compareStrings);
    for (const key of keys) {
      const g = this.groups.get(key) as GroupBuild;
      let name: string | null = null;
      if (key !== '') {
        name = slug([...g.names].sort(compareStrings)[0] ?? 'pods');
        // Two label sets that want the same name: the second is told apart by a hash of its labels.
        if (taken.has(name)) name = `${name.slice(0, 33)}-${sha256(key).slice(0, 6)}`;
        taken.add(name);
      }
      out.push({ group: { name, podLabels: g.labels }, rules: mergeAllowances(g.allowances, namespace), intents: g.intents });
    }
    return out.sort((a, b) => compareStrings(a.group.name ?? '', b.group.name ?? ''));
  }
}

/** The manifest planned: what every stage after the plan takes, instead of the manifest. */
export interface PlannedNetwork extends IntentPlan {
  /**
   * The plugin-neutral plan of every managed namespace. Computed on first
   * read: a generate that renders alike domains from one template plans
   * only the namespaces it renders directly.
   */
  readonly plan: NetworkPlan;
  settings: PlanSettings;
}

/**
 * The plugin-neutral plan from a manifest: every intent's egress side in the
 * source namespace and its ingress side in the destination namespace, each
 * grouped by the exact pods it applies to there. Pure. The manifest is read
 * here, once; the later stages take the result.
 */
export function planNetwork(manifest: FloeManifest, intentPlan: IntentPlan = buildIntents(manifest)): PlannedNetwork {
  const settings = planSettings(manifest);
  let plan: NetworkPlan | undefined;
  const planned = { ...intentPlan, settings } as PlannedNetwork;
  Object.defineProperty(planned, 'plan', { enumerable: true, get: () => (plan ??= planFromIntents(settings, intentPlan.namespaces, intentPlan.intents)) });
  return planned;
}

/**
 * The plan for `namespaces` implementing exactly `intents`; also used for one
 * job run's policy (without default-deny: `mode` 'no-default-deny').
 */
export function planFromIntents(settings: PlanSettings, namespaces: readonly ManagedNamespace[], intents: readonly NetworkIntent[]): NetworkPlan {
  const defaultDeny = settings.mode === 'enforced';
  const egress = new Map<string, Side>();
  const ingress = new Map<string, Side>();
  for (const ns of namespaces) {
    egress.set(ns.name, new Side());
    ingress.set(ns.name, new Side());
  }
  for (const intent of intents) {
    egress.get(intent.from.namespace)?.add(intent.from, intent.to, intent);
    if (intent.to.kind === 'pods') ingress.get(intent.to.namespace)?.add(intent.to, intent.from, intent);
  }
  return {
    platform: settings.platform,
    networkPoliciesEnabled: settings.mode !== 'disabled',
    namespaces: namespaces.map(
      (ns): NamespacePlan => ({
        name: ns.name,
        role: ns.role,
        ...(ns.domain ? { domain: ns.domain } : {}),
        labels: floeLabels(ns),
        podSecurity: namespacePodSecurity(ns.role, settings.podSecurity),
        defaultDeny,
        egress: (egress.get(ns.name) as Side).build(ns.name),
        ingress: (ingress.get(ns.name) as Side).build(ns.name),
      }),
    ),
  };
}
