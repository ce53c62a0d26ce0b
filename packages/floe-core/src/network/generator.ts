import type { FloeManifest } from '../config/schema.js';
import { InputError } from '../errors.js';
import { jobRunIntent } from '../intent/build.js';
import type { ManagedNamespace, NetworkIntent } from '../intent/types.js';
import type { KubernetesObject, NamespacePodSecurity, NetworkPlan, NetworkSecurityPlugin, RenderedObject } from '../plugin/plugin.js';
import { renderNamespace, renderPodTemplate } from '../podsecurity/render.js';
import { compareStrings } from '../util/compare.js';
import { sha256 } from '../util/hash.js';
import { planFromIntents, planNetwork } from './plan.js';
import { YamlRenderer } from './render.js';
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

export interface NamespaceReport {
  name: string;
  role: ManagedNamespace['role'];
  domain?: string;
  podSecurity: NamespacePodSecurity | null;
  /** Names of the network objects the plugin rendered in this namespace, sorted. */
  policies: string[];
}

export interface GenerationResult {
  files: GeneratedFile[];
  namespaces: NamespaceReport[];
  warnings: string[];
  intents: NetworkIntent[];
  /** The plugin-neutral plan the plugin rendered. */
  plan: NetworkPlan;
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
 * byte-identical files.
 */
export class NetworkPolicyManifestGenerator {
  constructor(private readonly plugin: NetworkSecurityPlugin) {}

  generate(manifest: FloeManifest): GenerationResult {
    const { plan, intents, warnings } = planNetwork(manifest);
    const yaml = new YamlRenderer();
    const files: GeneratedFile[] = [];
    const add = (path: string, obj: KubernetesObject) => {
      const content = yaml.render(obj);
      files.push({ path, kind: obj.kind, namespace: obj.metadata.namespace ?? null, name: obj.metadata.name, content, sha256: sha256(content), object: obj });
    };

    const ps = manifest.security.pod_security;
    for (const ns of plan.namespaces) {
      add(`00-${ns.name}-namespace.yaml`, renderNamespace(ns));
      add(`${ns.name}-pod-template.yaml`, renderPodTemplate(ns, ps));
    }
    const reserved = new Set([...files.map((f) => f.path), SUMMARY_FILE]);
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

    const namespaces: NamespaceReport[] = plan.namespaces.map((ns) => ({
      name: ns.name,
      role: ns.role,
      ...(ns.domain ? { domain: ns.domain } : {}),
      podSecurity: ns.podSecurity,
      policies: (policiesByNs.get(ns.name) ?? []).sort(compareStrings),
    }));
    const summary = renderSummary({ manifest, plan, namespaces, intents, warnings, plugin: this.plugin.metadata });
    files.push({ path: SUMMARY_FILE, kind: 'Summary', namespace: null, name: SUMMARY_FILE, content: summary, sha256: sha256(summary), object: null });
    files.sort((a, b) => compareStrings(a.path, b.path));
    return { files, namespaces, warnings, intents, plan };
  }
}

/**
 * The objects that let the pods of one job run talk to each other: rendered
 * per run because a NetworkPolicy cannot say "the same label value as me"
 * (see specs/network-pod-security/spec.md). Apply them when the run starts,
 * delete them when it ends.
 */
export function generateJobRunPolicy(manifest: FloeManifest, plugin: NetworkSecurityPlugin, runId: string): { files: GeneratedFile[]; intent: NetworkIntent } {
  const cfg = manifest.security.network_policies.job_run_pod_to_pod;
  if (!manifest.security.network_policies.enabled || !cfg.enabled) {
    throw new InputError('security.network_policies.job_run_pod_to_pod.enabled is false in the manifest: pod-to-pod traffic of job runs is not allowed');
  }
  const intent = jobRunIntent(manifest, runId);
  const jobs: ManagedNamespace = { name: manifest.namespaces.jobs, role: 'jobs' };
  const plan = planFromIntents(manifest, [jobs], [intent], false);
  for (const ns of plan.namespaces) ns.labels = { ...ns.labels, [cfg.label]: runId };
  const objects = plugin.render(plan);
  checkPluginOutput(plugin, plan, objects, new Set());
  const yaml = new YamlRenderer();
  const files = objects.map((r) => {
    const content = yaml.render(r.object);
    return { path: r.path, kind: r.object.kind, namespace: r.object.metadata.namespace ?? null, name: r.object.metadata.name, content, sha256: sha256(content), object: r.object };
  });
  return { files, intent };
}
