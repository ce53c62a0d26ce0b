import type { FloeManifest, PodSecurityConfig, PssLevel } from '../config/schema.js';
import { buildIntents } from '../intent/build.js';
import type { ManagedNamespace, NetworkIntent } from '../intent/types.js';
import type { KubernetesObject } from '../plugin/k8s-types.js';
import type { NetworkPolicyConfig, NetworkSecurityPlugin } from '../plugin/plugin.js';
import { sha256 } from '../util/hash.js';
import { floeLabels } from './labels.js';
import { mergeAllowances, type Allowance } from './merge.js';
import { renderObjectYaml } from './render.js';
import { renderSummary, SUMMARY_FILE } from './summary.js';

export interface GeneratedFile {
  /** Relative to the output directory. */
  path: string;
  kind: string;
  namespace: string | null;
  name: string;
  content: string;
  sha256: string;
  /** The object `content` holds (null for the summary), so in-memory callers need not parse YAML back. */
  object: KubernetesObject | null;
}

export interface NamespacePodSecurity {
  enforce: PssLevel;
  audit: PssLevel;
  warn: PssLevel;
  version: string;
}

export interface NamespaceReport {
  name: string;
  role: ManagedNamespace['role'];
  domain?: string;
  podSecurity: NamespacePodSecurity | null;
  /** Names of the NetworkPolicies written for this namespace. */
  policies: string[];
}

export interface GenerationResult {
  files: GeneratedFile[];
  namespaces: NamespaceReport[];
  warnings: string[];
  intents: NetworkIntent[];
}

export const POLICY_NAMES = {
  defaultDeny: 'floe-default-deny',
  allowEgress: 'floe-allow-egress',
  allowIngress: 'floe-allow-ingress',
} as const;

/** The Pod Security level a namespace enforces, by its role. */
export function enforceLevel(role: ManagedNamespace['role'], ps: PodSecurityConfig): PssLevel {
  return role === 'platform' ? ps.platform_level : role === 'jobs' ? ps.jobs_level : ps.domain_level;
}

export function podSecurityFor(ns: ManagedNamespace, m: FloeManifest): NamespacePodSecurity | null {
  const ps = m.security.pod_security;
  if (!ps.enabled) return null;
  return { enforce: enforceLevel(ns.role, ps), audit: ps.audit_level, warn: ps.warn_level, version: ps.version };
}

/**
 * Renders a manifest into the files of target/network/ with a plugin.
 * Pure: no I/O; the same manifest and plugin give byte-identical files.
 */
export class NetworkPolicyManifestGenerator {
  constructor(private readonly plugin: NetworkSecurityPlugin) {}

  generate(manifest: FloeManifest): GenerationResult {
    const plan = buildIntents(manifest);
    const np = manifest.security.network_policies;
    const egressBy = new Map<string, Allowance[]>();
    const ingressBy = new Map<string, Allowance[]>();
    const push = (map: Map<string, Allowance[]>, ns: string, a: Allowance) => {
      const list = map.get(ns);
      if (list) list.push(a);
      else map.set(ns, [a]);
    };
    for (const intent of plan.intents) {
      push(egressBy, intent.from.namespace, { peer: intent.to, ports: intent.ports });
      if (intent.to.kind === 'pods') push(ingressBy, intent.to.namespace, { peer: intent.from, ports: intent.ports });
    }

    const files: GeneratedFile[] = [];
    const add = (path: string, obj: KubernetesObject) => {
      const content = renderObjectYaml(obj);
      files.push({ path, kind: obj.kind, namespace: obj.metadata.namespace ?? null, name: obj.metadata.name, content, sha256: sha256(content), object: obj });
    };

    const namespaces: NamespaceReport[] = [];
    for (const ns of plan.namespaces) {
      const labels = floeLabels(ns);
      const ps = manifest.security.pod_security;
      add(`00-${ns.name}-namespace.yaml`, this.plugin.renderNamespace(ns, labels, ps));
      add(`${ns.name}-pod-template.yaml`, this.plugin.renderPodTemplate(ns, labels, ps));
      const policies: string[] = [];
      if (np.enabled) {
        if (np.default_deny) {
          add(`${ns.name}-default-deny.yaml`, this.plugin.renderDefaultDeny(ns, labels));
          policies.push(POLICY_NAMES.defaultDeny);
        }
        const base = { namespace: ns.name, labels, podSelector: {}, ingress: [], egress: [] };
        const egress = mergeAllowances(egressBy.get(ns.name) ?? [], ns.name);
        if (egress.length > 0) {
          const cfg: NetworkPolicyConfig = { ...base, name: POLICY_NAMES.allowEgress, policyTypes: ['Egress'], egress };
          add(`${ns.name}-allow-egress.yaml`, this.plugin.renderNetworkPolicy(cfg));
          policies.push(POLICY_NAMES.allowEgress);
        }
        const ingress = mergeAllowances(ingressBy.get(ns.name) ?? [], ns.name);
        if (ingress.length > 0) {
          const cfg: NetworkPolicyConfig = { ...base, name: POLICY_NAMES.allowIngress, policyTypes: ['Ingress'], ingress };
          add(`${ns.name}-allow-ingress.yaml`, this.plugin.renderNetworkPolicy(cfg));
          policies.push(POLICY_NAMES.allowIngress);
        }
      }
      namespaces.push({ name: ns.name, role: ns.role, ...(ns.domain ? { domain: ns.domain } : {}), podSecurity: podSecurityFor(ns, manifest), policies });
    }

    const summary = renderSummary({ manifest, namespaces, intents: plan.intents, warnings: plan.warnings, plugin: this.plugin.metadata });
    files.push({ path: SUMMARY_FILE, kind: 'Summary', namespace: null, name: SUMMARY_FILE, content: summary, sha256: sha256(summary), object: null });
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { files, namespaces, warnings: plan.warnings, intents: plan.intents };
  }
}
