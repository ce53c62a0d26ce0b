import type { FloeManifest, PodSecurityConfig } from '../config/schema.js';
import { InputError } from '../errors.js';
import { jobRunIntent } from '../intent/build.js';
import type { ManagedNamespace, NetworkIntent } from '../intent/types.js';
import type { KubernetesObject } from '../k8s/meta.js';
import { assertCapabilities, intentCapabilityNeeds, planCapabilityNeeds } from '../plugin/capabilities.js';
import type { NetworkPlan, NetworkSecurityPlugin, RenderedObject } from '../plugin/plugin.js';
import { renderNamespace, renderPodTemplate } from '../pss/render.js';
import { compareStrings } from '../util/compare.js';
import { lazyFile, type GeneratedFile, type Rendered } from './files.js';
import { namespacePodSecurity, planFromIntents, planNetwork, planSettings, type PlannedNetwork } from './plan.js';

// Where they were before the plan module existed; validate imports them from here.
export { enforceLevel, podSecurityFor } from './plan.js';
import { KUSTOMIZATION_FILE, renderKustomization } from './kustomization.js';
import { renderAdmissionGuard } from './admission-guard.js';
import { YamlRenderer } from './render.js';
import type { NamespaceReport } from './report.js';
import { renderGuardrails } from './guardrails.js';
import { renderSummary, SUMMARY_FILE } from './summary.js';
import { renderTemplated } from './template.js';

export type { NamespaceReport };

export type { GeneratedFile };

export interface GenerationResult {
  files: GeneratedFile[];
  namespaces: NamespaceReport[];
  warnings: string[];
  intents: NetworkIntent[];
  /** The plugin-neutral plan the plugin rendered. */
  plan: NetworkPlan;
  /** The cluster guardrails written (cluster-scoped; none unless security.network_policies.cluster_guardrails is on). */
  guardrails: { kind: string; name: string; tier: 'Admin' | 'Baseline'; file: string }[];
}

const PLAIN_YAML_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*\.yaml$/;

/**
 * Checks what a plugin returned before anything is written: plain, unique
 * file names that do not overwrite the core's files, objects with a kind and
 * a name, namespaced only into namespaces of the plan. A plugin bug becomes
 * one clear message naming the plugin, never a half-written tree.
 */
function checkPluginOutput(plugin: NetworkSecurityPlugin, plan: NetworkPlan, objects: readonly RenderedObject[], reserved: ReadonlySet<string>): void {
  const who = `plugin ${plugin.metadata.name}@${plugin.metadata.version}`;
  const managed = new Set(plan.namespaces.map((n) => n.name));
  const paths = new Set<string>();
  const names = new Set<string>();
  const problems: string[] = [];
  for (const r of objects) {
    const o = r?.object as Partial<KubernetesObject> | undefined;
    const label = `${r?.path ?? '(no path)'}`;
    if (typeof r?.path !== 'string' || !PLAIN_YAML_FILE.test(r.path)) problems.push(`${label}: the file name must be a plain name ending in .yaml`);
    else if (reserved.has(r.path)) problems.push(`${label}: the file name is the core's own`);
    else if (paths.has(r.path)) problems.push(`${label}: two objects for one file`);
    paths.add(r?.path);
    if (typeof o?.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string' || o.metadata.name === '') {
      problems.push(`${label}: the object needs apiVersion, kind and metadata.name`);
      continue;
    }
    const ns = o.metadata.namespace;
    if (ns !== undefined && !managed.has(ns)) problems.push(`${label}: namespace ${ns} is not one floe manages`);
    const id = `${o.apiVersion}/${o.kind}/${ns ?? ''}/${o.metadata.name}`;
    if (names.has(id)) problems.push(`${label}: ${o.kind} ${ns ? `${ns}/` : ''}${o.metadata.name} is rendered twice`);
    names.add(id);
  }
  if (problems.length) {
    const shown = problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : '');
    throw new InputError(`${who} returned objects floe cannot write: ${shown}`);
  }
}

/**
 * Renders a manifest into the files of target/network/: the core writes the
 * Namespaces, hardened PodTemplates and the summary, the plugin the network
 * objects of the plan. Pure: no I/O; the same manifest and plugin give
 * byte-identical files. Domains that differ only in their names are rendered
 * from one template (template.ts).
 */
export interface GeneratorOptions {
  /** Render domains that differ only by name once and instantiate them (default true); false renders each directly. */
  templateDomains?: boolean;
}

export class NetworkPolicyManifestGenerator {
  constructor(
    private readonly plugin: NetworkSecurityPlugin,
    private readonly options: GeneratorOptions = {},
  ) {}

  /** config -> intents -> plan, read from the manifest once; then everything from the plan. */
  generate(manifest: FloeManifest): GenerationResult {
    return this.generateFromPlan(planNetwork(manifest));
  }

  generateFromPlan(planned: PlannedNetwork): GenerationResult {
    const { intents, warnings, settings } = planned;
    // Named where the manifest asks for it, before any planning or rendering; renderDirect checks each plan too.
    assertCapabilities(this.plugin.metadata, intentCapabilityNeeds(intents));
    const renderDirect = (plan: NetworkPlan) => this.renderDirect(settings.podSecurity, plan);
    const rendered = (this.options.templateDomains !== false && renderTemplated(planned, renderDirect)) || renderDirect(planned.plan);
    const { files, policiesByNs, alike } = rendered;

    const namespaces: NamespaceReport[] = planned.namespaces.map((ns) => ({
      name: ns.name,
      role: ns.role,
      ...(ns.domain ? { domain: ns.domain } : {}),
      podSecurity: namespacePodSecurity(ns.role, settings.podSecurity),
      policies: (policiesByNs.get(ns.name) ?? []).sort(compareStrings),
    }));
    // Cluster-scoped, naming every managed namespace: rendered once, outside domain templating.
    const guardYaml = new YamlRenderer();
    for (const { path, object } of renderAdmissionGuard(settings.admissionGuard, settings.podSecurity, planned.namespaces)) {
      files.push(lazyFile(path, object.kind, null, object.metadata.name, guardYaml.render(object), () => object));
    }
    // Rendered when read (written, hashed): a dry run never pays for it (0.15 s at 10,000 domains).
    const plugin = this.plugin.metadata;
    let summaryText: string | undefined;
    // Cluster-scoped, so outside the per-namespace rendering and its templates; in the prune set like every object but the Namespaces.
    const guardrails = renderGuardrails(settings.guardrails, planned.namespaces);
    if (guardrails.length) {
      const yaml = new YamlRenderer();
      const taken = new Set(files.map((f) => f.path));
      for (const g of guardrails) {
        if (taken.has(g.path)) throw new InputError(`${g.path}: the cluster guardrail ${g.object.kind} ${g.object.metadata.name} and a namespace's file have one name; rename the namespace`);
        files.push(lazyFile(g.path, g.object.kind, null, g.object.metadata.name, yaml.render(g.object), () => g.object));
      }
    }
    const summary = () => (summaryText ??= renderSummary({ settings, namespaces, intents, warnings, plugin, ...(alike ? { alike } : {}), ...(guardrails.length ? { guardrails } : {}) }));
    files.push(lazyFile(SUMMARY_FILE, 'Summary', null, SUMMARY_FILE, summary, () => null));
    const objectFiles = files.map((f) => ({ path: f.path, kind: f.kind })).sort((a, b) => compareStrings(a.path, b.path));
    files.push(lazyFile(KUSTOMIZATION_FILE, 'Kustomization', null, KUSTOMIZATION_FILE, () => renderKustomization(objectFiles), () => null));
    files.sort((a, b) => compareStrings(a.path, b.path));
    const result = { files, namespaces, warnings, intents, guardrails: guardrails.map((g) => ({ kind: g.object.kind, name: g.object.metadata.name, tier: g.tier, file: g.path })) } as GenerationResult;
    Object.defineProperty(result, 'plan', { enumerable: true, get: () => planned.plan });
    return result;
  }

  /** Core files for the namespaces of `plan` and the plugin's objects, checked. */
  private renderDirect(ps: PodSecurityConfig, plan: NetworkPlan): Rendered {
    const yaml = new YamlRenderer();
    const files: GeneratedFile[] = [];
    const add = (path: string, obj: KubernetesObject) => {
      files.push(lazyFile(path, obj.kind, obj.metadata.namespace ?? null, obj.metadata.name, yaml.render(obj), () => obj));
    };
    for (const ns of plan.namespaces) {
      add(`00-${ns.name}-namespace.yaml`, renderNamespace(ns));
      add(`${ns.name}-pod-template.yaml`, renderPodTemplate(ns, ps));
    }
    const reserved = new Set([...files.map((f) => f.path), SUMMARY_FILE, KUSTOMIZATION_FILE]);
    assertCapabilities(this.plugin.metadata, planCapabilityNeeds(plan));
    const objects = this.plugin.render(plan);
    checkPluginOutput(this.plugin, plan, objects, reserved);
    const policiesByNs = new Map<string, string[]>();
    for (const r of objects) {
      add(r.path, r.object);
      const ns = r.object.metadata.namespace;
      if (ns !== undefined) {
        const list = policiesByNs.get(ns);
        if (list) list.push(r.object.metadata.name);
        else policiesByNs.set(ns, [r.object.metadata.name]);
      }
    }
    return { files, policiesByNs };
  }
}

/**
 * The objects that let the pods of one job run talk to each other: rendered
 * per run because a NetworkPolicy cannot say "the same label value as me"
 * (see specs/network-pod-security/spec.md). Apply them when the run starts,
 * delete them when it ends.
 */
export function generateJobRunPolicy(manifest: FloeManifest, plugin: NetworkSecurityPlugin, runId: string, source = 'the manifest'): { files: GeneratedFile[]; intent: NetworkIntent } {
  const cfg = manifest.security.network_policies.job_run_pod_to_pod;
  // Name the setting that enables it, and where: the built-in defaults have it off.
  if (!manifest.security.network_policies.enabled) {
    throw new InputError(`NetworkPolicies are off in ${source} (security.network_policies.enabled: false), so there is no job run policy: set it to true, and security.network_policies.job_run_pod_to_pod.enabled: true`);
  }
  if (!cfg.enabled) {
    throw new InputError(`pod-to-pod traffic of job runs is off in ${source}: set security.network_policies.job_run_pod_to_pod.enabled: true there (and run floe network generate) to enable it`);
  }
  const intent = jobRunIntent(manifest, runId);
  const jobs: ManagedNamespace = { name: manifest.namespaces.jobs, role: 'jobs' };
  // The run's policy only adds flows: no default-deny of its own.
  const plan = planFromIntents({ ...planSettings(manifest), mode: 'no-default-deny' }, [jobs], [intent]);
  for (const ns of plan.namespaces) ns.labels = { ...ns.labels, [cfg.label]: runId };
  assertCapabilities(plugin.metadata, planCapabilityNeeds(plan));
  const objects = plugin.render(plan);
  checkPluginOutput(plugin, plan, objects, new Set());
  const yaml = new YamlRenderer();
  const files = objects.map((r) => lazyFile(r.path, r.object.kind, r.object.metadata.namespace ?? null, r.object.metadata.name, yaml.render(r.object), () => r.object));
  return { files, intent };
}
