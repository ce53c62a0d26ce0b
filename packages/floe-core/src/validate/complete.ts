import { PSS_LEVELS, type FloeManifest, type PssLevel } from '../config/schema.js';
import { managedNamespaces } from '../intent/build.js';
import { podSecurityFor } from '../network/generator.js';
import { sortProblems, type LoadedObject } from './files.js';
import { InputError } from '../errors.js';
import { NAMESPACE_NAME_LABEL } from '../k8s/meta.js';
import type { NetworkPolicySpec } from '../k8s/networking.js';
import { ruleAdmitsPod, ruleAdmitsPort } from '../policy/admit.js';
import { compilePolicy, type CompiledPolicy } from '../policy/compile.js';
import { compileCiliumPolicy } from '../policy/cilium.js';
import { compileSelector } from '../policy/selector.js';
import { isRecord } from '../util/shape.js';
import { formatPath } from './source.js';
import { problem, statusOf, type CheckResult, type Problem } from './types.js';
import { templatePassesEnforce } from '../pss/evaluate.js';
import type { PodLike } from '../pss/types.js';

const PSS_PREFIX = 'pod-security.kubernetes.io/';
const MODES = ['enforce', 'audit', 'warn'] as const;

/**
 * A policy that isolates every pod in `direction` and allows nothing there: default-deny, by content.
 * What the policy means is the engine's (compilePolicy: selection, policyTypes defaulting, rules).
 */
function deniesAll(policy: CompiledPolicy, direction: 'ingress' | 'egress'): boolean {
  const rules = policy[direction];
  return policy.podSelector.empty && rules !== null && rules.length === 0;
}

/** Does some policy let every pod of the namespace reach the DNS pods on `protocol`/53? The DNS namespace is judged by its name label only. */
function allowsDns(policies: readonly CompiledPolicy[], dns: { namespace: string; pod_labels: Record<string, string> }, protocol: 'UDP' | 'TCP'): boolean {
  const pod = { namespace: dns.namespace, namespaceLabels: { [NAMESPACE_NAME_LABEL]: dns.namespace }, labels: dns.pod_labels };
  return policies.some((p) => p.podSelector.empty && (p.egress ?? []).some((rule) => ruleAdmitsPod(rule, pod) && ruleAdmitsPort(rule, protocol, 53)));
}

/** The namespace an object names; '' when it names none (no managed namespace is ''). */
const namespaceOf = (obj: LoadedObject): string => (typeof obj.value.metadata?.namespace === 'string' ? obj.value.metadata.namespace : '');

/**
 * The engine's reading of a NetworkPolicy that passed the schema check, for the policies that can
 * count here: only one that selects every pod of its namespace can be its default-deny or its DNS
 * allowance, so selection is asked first and other policies are not compiled ('partial'). `refused`
 * when the engine refuses it too: it then does not count, like one that breaks the schema.
 */
function compiled(obj: LoadedObject): CompiledPolicy | 'partial' | 'refused' {
  const metadata = obj.value.metadata;
  const spec = obj.value.spec;
  if (!isRecord(spec) || typeof metadata?.name !== 'string' || typeof metadata.namespace !== 'string') return 'refused';
  // The schema check passed, and the engine checks the shape of every field it reads again.
  const policy = { namespace: metadata.namespace, name: metadata.name, spec: spec as NetworkPolicySpec };
  try {
    if (!compileSelector(policy.spec.podSelector, `NetworkPolicy ${metadata.namespace}/${metadata.name} podSelector`).empty) return 'partial';
    return compilePolicy(policy);
  } catch (err) {
    if (err instanceof InputError) return 'refused';
    throw err;
  }
}

/**
 * A CiliumNetworkPolicy compiled by the engine: the policies selecting every pod of its namespace
 * (the only ones default deny and DNS egress can rest on), or why floe does not evaluate it.
 */
function compiledCilium(obj: LoadedObject): CompiledPolicy[] | { notEvaluated: string } | 'refused' {
  const metadata = obj.value.metadata;
  if (typeof metadata?.name !== 'string' || typeof metadata.namespace !== 'string') return 'refused';
  try {
    const c = compileCiliumPolicy({ kind: 'CiliumNetworkPolicy', namespace: metadata.namespace, name: metadata.name, spec: obj.value.spec, specs: obj.value.specs });
    if (c.notEvaluated) return { notEvaluated: `${c.notEvaluated.id} uses ${c.notEvaluated.reasons.join('; ')}` };
    return c.policies.filter((p) => p.podSelector.empty);
  } catch (err) {
    if (err instanceof InputError) return 'refused';
    throw err;
  }
}

/** `latest` is the newest; `v1.N` compares by N. Null when the text is neither. */
function versionRank(v: string): number | null {
  if (v === 'latest') return Number.POSITIVE_INFINITY;
  const m = /^v1\.(\d+)$/.exec(v);
  return m ? Number(m[1]) : null;
}

function podSecurityProblems(obj: LoadedObject | undefined, ns: string, want: NonNullable<ReturnType<typeof podSecurityFor>>): Problem[] {
  if (!obj) return [problem({ message: `${ns}: no Namespace object in the directory, so nothing sets its Pod Security labels (floe writes 00-${ns}-namespace.yaml)` })];
  const metadata: unknown = obj.value.metadata;
  const raw = isRecord(metadata) ? metadata.labels : undefined;
  const labels: Record<string, string> = {};
  if (isRecord(raw)) for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') labels[k] = v;
  const out: Problem[] = [];
  const at = (key: string, exists: boolean) => ({
    file: obj.file,
    ...(exists ? obj.source.position(['metadata', 'labels', key]) : obj.source.position(['metadata', 'labels'], true)),
    path: formatPath(['metadata', 'labels', key]),
  });
  for (const mode of MODES) {
    const key = `${PSS_PREFIX}${mode}`;
    const level = labels[key];
    const wanted = want[mode];
    if (level === undefined) {
      // No label means privileged (the admission default), which only a privileged configuration accepts.
      if (wanted !== 'privileged') out.push(problem({ ...at(key, false), message: `${ns}: label ${key} is missing; the manifest configures ${wanted}` }));
    } else if (!(PSS_LEVELS as readonly string[]).includes(level)) {
      out.push(problem({ ...at(key, true), message: `${ns}: "${level}" is not a Pod Security level (privileged, baseline, restricted); the manifest configures ${wanted}` }));
    } else if (PSS_LEVELS.indexOf(level as PssLevel) < PSS_LEVELS.indexOf(wanted)) {
      out.push(problem({ ...at(key, true), message: `${ns}: ${mode} level ${level} is weaker than the configured ${wanted}` }));
    }
    const vkey = `${key}-version`;
    const version = labels[vkey];
    // No version label means latest: never weaker than what was configured.
    if (version === undefined) continue;
    const have = versionRank(version);
    const need = versionRank(want.version);
    if (have === null) out.push(problem({ ...at(vkey, true), message: `${ns}: "${version}" is not a Pod Security version (latest or v1.N)` }));
    else if (need !== null && have < need) {
      out.push(problem({ ...at(vkey, true), message: `${ns}: ${mode} version ${version} is older (checks less) than the configured ${want.version}` }));
    }
  }
  return out;
}

/**
 * A hardened template that its own namespace would refuse is worse than none:
 * every workload copied from it fails admission. Judged offline by the Pod
 * Security evaluator at every version from v1.25 to latest.
 */
function templateProblems(templates: readonly LoadedObject[], ns: string, enforce: PssLevel): Problem[] {
  const out: Problem[] = [];
  for (const obj of templates) {
    const template = (obj.value as { template?: PodLike }).template;
    if (!template) continue;
    const { failures } = templatePassesEnforce(template, enforce);
    if (failures.length === 0) continue;
    const first = failures[0] as (typeof failures)[number];
    const versions = failures.map((f) => f.version);
    out.push(
      problem({
        file: obj.file,
        ...obj.source.position(['template', 'spec']),
        path: 'template.spec',
        message: `${ns}: PodTemplate ${String(obj.value.metadata?.name)} would be refused by its namespace's enforce level ${enforce} at ${versions.length === 1 ? versions[0] : `${versions.length} versions (${versions[0]} to ${versions[versions.length - 1]})`}: ${first.violations.map((v) => `${v.reason} (${v.detail})`).join('; ')}`,
      }),
    );
  }
  return out;
}

/**
 * The `complete` check, judged by content, never by file or object name:
 * for every namespace the manifest manages, default-deny for ingress and
 * egress, DNS egress for every pod, and Pod Security labels at least as
 * strict as configured. Only objects that passed the schema check count.
 */
export function checkComplete(manifest: FloeManifest, objects: readonly LoadedObject[]): CheckResult {
  const namespaces = managedNamespaces(manifest);
  const np = manifest.security.network_policies;
  const problems: Problem[] = [];
  if (!np.enabled) {
    problems.push(problem({ severity: 'warning', path: 'security.network_policies.enabled', message: 'the manifest disables NetworkPolicies: no namespace is default-deny' }));
  } else if (!np.default_deny) {
    problems.push(problem({ severity: 'warning', path: 'security.network_policies.default_deny', message: 'the manifest disables default-deny: pods not selected by an allow policy are not isolated' }));
  }
  if (!manifest.security.pod_security.enabled) {
    problems.push(problem({ severity: 'warning', path: 'security.pod_security.enabled', message: 'the manifest disables Pod Security labels: admission applies the cluster default (usually privileged)' }));
  }
  // One pass over the objects: thousands of namespaces must not mean namespaces x objects.
  const policiesIn = new Map<string, CompiledPolicy[]>();
  const brokenIn = new Map<string, string[]>();
  const namespaceObjects = new Map<string, LoadedObject>();
  const templatesIn = new Map<string, LoadedObject[]>();
  // Policies of a kind the engine does not evaluate (CiliumNetworkPolicy): their namespace's network checks are not claimed.
  const unevaluatedIn = new Map<string, string>();
  // CiliumNetworkPolicies outside the subset the engine evaluates: their namespace's network checks are not claimed either.
  const notEvaluatedIn = new Map<string, string>();
  for (const obj of objects) {
    if (!obj.objectKind.evaluated) unevaluatedIn.set(namespaceOf(obj), obj.kind);
    if (obj.kind === 'PodTemplate' && obj.valid) {
      const key = namespaceOf(obj);
      templatesIn.set(key, [...(templatesIn.get(key) ?? []), obj]);
    }
    if (obj.kind === 'Namespace' && obj.valid && typeof obj.value.metadata?.name === 'string') namespaceObjects.set(obj.value.metadata.name, obj);
    if (obj.kind === 'CiliumNetworkPolicy' && obj.valid) {
      const key = namespaceOf(obj);
      const c = compiledCilium(obj);
      if (c === 'refused') brokenIn.set(key, [...(brokenIn.get(key) ?? []), obj.file]);
      else if ('notEvaluated' in c) notEvaluatedIn.set(key, c.notEvaluated);
      else policiesIn.set(key, [...(policiesIn.get(key) ?? []), ...c]);
      continue;
    }
    if (obj.kind !== 'NetworkPolicy') continue;
    const key = namespaceOf(obj);
    const policy = obj.valid ? compiled(obj) : 'refused';
    if (policy === 'refused') brokenIn.set(key, [...(brokenIn.get(key) ?? []), obj.file]);
    else if (policy !== 'partial') policiesIn.set(key, [...(policiesIn.get(key) ?? []), policy]);
  }
  for (const ns of namespaces) {
    const policies = policiesIn.get(ns.name) ?? [];
    const broken = brokenIn.get(ns.name) ?? [];
    const kindUnevaluated = unevaluatedIn.get(ns.name);
    const policyUnevaluated = notEvaluatedIn.get(ns.name);
    const unevaluated = kindUnevaluated ?? policyUnevaluated;
    if (kindUnevaluated !== undefined && np.enabled) {
      problems.push(problem({ severity: 'warning', message: `${ns.name}: default-deny and DNS egress not checked: its policies are ${kindUnevaluated} objects, which this check does not evaluate yet (the API server's schema is checked with --server)` }));
    } else if (policyUnevaluated !== undefined && np.enabled) {
      problems.push(problem({ severity: 'warning', message: `${ns.name}: default-deny and DNS egress not checked: ${policyUnevaluated}, outside the subset floe evaluates (docs/cilium-policies.md)` }));
    }
    const uncounted = broken.length ? ` (${broken.join(', ')} ${broken.length === 1 ? 'breaks' : 'break'} the API schema and ${broken.length === 1 ? 'does' : 'do'} not count)` : '';
    if (np.enabled && np.default_deny && unevaluated === undefined) {
      for (const direction of ['Ingress', 'Egress'] as const) {
        if (!policies.some((p) => deniesAll(p, direction === 'Ingress' ? 'ingress' : 'egress'))) {
          problems.push(
            problem({
              message: `${ns.name}: no default-deny for ${direction.toLowerCase()}: no NetworkPolicy selects every pod (podSelector {}), lists ${direction} in policyTypes and has no ${direction.toLowerCase()} rules${uncounted}`,
            }),
          );
        }
      }
    }
    if (np.enabled && unevaluated === undefined) {
      for (const protocol of ['UDP', 'TCP'] as const) {
        if (!allowsDns(policies, np.dns, protocol)) {
          const labels = Object.entries(np.dns.pod_labels).map(([k, v]) => `${k}=${v}`).join(',');
          problems.push(
            problem({
              message: `${ns.name}: no DNS egress on ${protocol} 53: no NetworkPolicy selecting every pod allows egress to the pods ${labels} in namespace ${np.dns.namespace} on ${protocol} 53${uncounted}`,
            }),
          );
        }
      }
    }
    const wantPss = podSecurityFor(ns, manifest);
    if (wantPss) {
      problems.push(...podSecurityProblems(namespaceObjects.get(ns.name), ns.name, wantPss));
      problems.push(...templateProblems(templatesIn.get(ns.name) ?? [], ns.name, wantPss.enforce));
    }
  }
  const status = statusOf(problems);
  const errors = problems.filter((p) => p.severity === 'error').length;
  return {
    id: 'complete',
    status,
    summary:
      status === 'fail'
        ? `${errors} gap${errors === 1 ? '' : 's'} in ${namespaces.length} managed namespaces`
        : `${namespaces.length} managed namespaces: default-deny, DNS egress and Pod Security labels in place${status === 'warn' ? ' as far as the manifest asks' : ''}`,
    problems: sortProblems(problems),
  };
}
