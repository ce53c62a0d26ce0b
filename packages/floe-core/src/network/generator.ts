import type { FloeManifest } from '../config/schema.js';
import { InputError } from '../errors.js';
import { domainNamespace } from '../config/schema.js';
import { buildIntents, jobRunIntent } from '../intent/build.js';
import type { ManagedNamespace, NetworkIntent } from '../intent/types.js';
import type { KubernetesObject } from '../k8s/meta.js';
import type { NetworkPlan, NetworkSecurityPlugin, RenderedObject } from '../plugin/plugin.js';
import { renderNamespace, renderPodTemplate } from '../pss/render.js';
import { compareStrings } from '../util/compare.js';
import { sha256 } from '../util/hash.js';
import { yamlString } from '../util/yaml-emit.js';
import { planFromIntents, podSecurityFor } from './plan.js';

// Where they were before the plan module existed; validate imports them from here.
export { enforceLevel, podSecurityFor } from './plan.js';
import { YamlRenderer } from './render.js';
import type { NamespaceReport } from './report.js';
import { renderSummary, SUMMARY_FILE } from './summary.js';

export type { NamespaceReport };

/**
 * One output file. `content`, `sha256` and `object` may be computed when read
 * (getters): read the fields, do not spread the object.
 */
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
 * A file whose sha256 and object are computed on first use: at 10,000 domains
 * most callers read neither. A templated domain's content is also made on
 * each read, so a dry run never holds the 50 MB of text and a real run holds
 * each file only while writing it. They are getters on the prototype, so a
 * spread copy (`{ ...file }`) does not carry them.
 */
class LazyFile implements GeneratedFile {
  #hash: string | undefined;
  #object: KubernetesObject | null | undefined;
  constructor(
    readonly path: string,
    readonly kind: string,
    readonly namespace: string | null,
    readonly name: string,
    private readonly text: string | (() => string),
    private readonly makeObject: () => KubernetesObject | null,
  ) {}

  get content(): string {
    return typeof this.text === 'string' ? this.text : this.text();
  }

  get sha256(): string {
    return (this.#hash ??= sha256(this.content));
  }

  get object(): KubernetesObject | null {
    if (this.#object === undefined) this.#object = this.makeObject();
    return this.#object;
  }
}

function lazyFile(path: string, kind: string, namespace: string | null, name: string, content: string | (() => string), object: () => KubernetesObject | null): GeneratedFile {
  return new LazyFile(path, kind, namespace, name, content, object);
}

/** The stand-in domain whose objects become the template of every domain that differs only by name. */
const TEMPLATE_DOMAIN = 'floe0template0';

interface Rendered {
  files: GeneratedFile[];
  policiesByNs: Map<string, string[]>;
  /** Templated domain namespace -> the domain namespace it was instantiated like. */
  alike?: Map<string, string>;
}

/**
 * Renders a manifest into the files of target/network/: the core writes the
 * Namespaces, hardened PodTemplates and the summary, the plugin the network
 * objects of the plan. Pure: no I/O; the same manifest and plugin give
 * byte-identical files.
 *
 * Domains whose objects differ only in their names (no rule names them, the
 * namespace is floe-<name>-domain) are rendered once, for a stand-in domain,
 * and the text is instantiated per domain. The first such domain is also
 * rendered directly and must come out byte-identical, otherwise every domain
 * is rendered directly; the plugin contract requires that a plugin names a
 * namespace only by its name.
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

  generate(manifest: FloeManifest): GenerationResult {
    const intentPlan = buildIntents(manifest);
    const { intents, warnings } = intentPlan;
    const np = manifest.security.network_policies;
    const defaultDeny = np.enabled && np.default_deny;
    let fullPlan: NetworkPlan | undefined;
    const planAll = () => (fullPlan ??= planFromIntents(manifest, intentPlan.namespaces, intents, defaultDeny));

    const templated = this.options.templateDomains === false ? [] : templatableDomains(manifest, intentPlan.namespaces);
    const rendered = (templated.length > 0 && this.renderTemplated(manifest, intentPlan.namespaces, intents, templated, defaultDeny)) || this.renderDirect(manifest, planAll());
    const { files, policiesByNs, alike } = rendered;

    const namespaces: NamespaceReport[] = intentPlan.namespaces.map((ns) => ({
      name: ns.name,
      role: ns.role,
      ...(ns.domain ? { domain: ns.domain } : {}),
      podSecurity: podSecurityFor(ns, manifest),
      policies: (policiesByNs.get(ns.name) ?? []).sort(compareStrings),
    }));
    // Rendered when read (written, hashed): a dry run never pays for it (0.15 s at 10,000 domains).
    const plugin = this.plugin.metadata;
    let summaryText: string | undefined;
    const summary = () => (summaryText ??= renderSummary({ manifest, namespaces, intents, warnings, plugin, ...(alike ? { alike } : {}) }));
    files.push(lazyFile(SUMMARY_FILE, 'Summary', null, SUMMARY_FILE, summary, () => null));
    files.sort((a, b) => compareStrings(a.path, b.path));
    const result = { files, namespaces, warnings, intents } as GenerationResult;
    Object.defineProperty(result, 'plan', { enumerable: true, get: planAll });
    return result;
  }

  /** Core files for the namespaces of `plan` and the plugin's objects, checked. */
  private renderDirect(manifest: FloeManifest, plan: NetworkPlan): Rendered {
    const yaml = new YamlRenderer();
    const files: GeneratedFile[] = [];
    const add = (path: string, obj: KubernetesObject) => {
      files.push(lazyFile(path, obj.kind, obj.metadata.namespace ?? null, obj.metadata.name, yaml.render(obj), () => obj));
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
    return { files, policiesByNs };
  }

  /**
   * Renders everything but `templated` directly, the stand-in domain once,
   * and instantiates it for each templated domain. Returns undefined when the
   * first templated domain's direct rendering differs from its instantiation.
   */
  private renderTemplated(
    manifest: FloeManifest,
    all: readonly ManagedNamespace[],
    intents: readonly NetworkIntent[],
    templated: readonly ManagedNamespace[],
    defaultDeny: boolean,
  ): Rendered | undefined {
    const skip = new Set(templated.slice(1).map((d) => d.name));
    let stand = TEMPLATE_DOMAIN;
    while (all.some((n) => n.domain === stand || n.name === domainNamespace(stand))) stand += '0';
    const standNs = domainNamespace(stand);
    const standIntents = buildIntents({ ...manifest, domains: [{ name: stand }] }).intents.filter(
      (i) => i.from.namespace === standNs || (i.to.kind === 'pods' && i.to.namespace === standNs),
    );
    const direct = planFromIntents(manifest, all.filter((n) => !skip.has(n.name)), intents, defaultDeny);
    const standIn = planFromIntents(manifest, [{ name: standNs, role: 'domain', domain: stand }], standIntents, defaultDeny);
    const plan: NetworkPlan = { ...direct, namespaces: [...direct.namespaces, ...standIn.namespaces] };
    const { files, policiesByNs } = this.renderDirect(manifest, plan);

    // A namespace's files: its namespaced objects and its Namespace object.
    const belongs = (f: GeneratedFile, ns: string) => f.namespace === ns || (f.namespace === null && f.kind === 'Namespace' && f.name === ns);
    const template: GeneratedFile[] = [];
    const out: GeneratedFile[] = [];
    for (const f of files) {
      if (belongs(f, standNs)) template.push(f);
      else if (f.content.includes(stand) || f.path.includes(stand)) return undefined;
      else out.push(f);
    }
    // Each domain's files must be told apart by their names, or instantiations would collide.
    if (template.some((f) => !f.path.includes(stand))) return undefined;
    const standPolicies = policiesByNs.get(standNs) ?? [];
    policiesByNs.delete(standNs);
    const parts = template.map((f) => ({ f, path: f.path.split(stand), name: f.name.split(stand), content: f.content.split(stand) }));
    const instantiate = (domain: string, ns: string) =>
      parts.map(({ f, path, name, content }) =>
        lazyFile(path.join(domain), f.kind, f.namespace === null ? null : ns, name.join(domain), () => content.join(domain), () => JSON.parse(JSON.stringify(f.object).split(stand).join(domain)) as KubernetesObject),
      );

    // The check: the first templated domain, rendered directly above, equals its instantiation.
    const first = templated[0] as ManagedNamespace;
    const expected = out.filter((f) => belongs(f, first.name)).map((f) => `${f.path}
${f.content}`).sort(compareStrings);
    const actual = instantiate(first.domain as string, first.name).map((f) => `${f.path}
${f.content}`).sort(compareStrings);
    if (expected.length !== actual.length || expected.some((e, i) => e !== actual[i])) return undefined;

    const alike = new Map<string, string>();
    for (const d of templated.slice(1)) {
      out.push(...instantiate(d.domain as string, d.name));
      policiesByNs.set(d.name, standPolicies.map((n) => n.split(stand).join(d.domain as string)));
      alike.set(d.name, first.name);
    }
    return { files: out, policiesByNs, alike };
  }
}

/**
 * Domains whose objects differ from every other such domain only by the
 * domain's name: the namespace is floe-<name>-domain, no allow rule names
 * the namespace, and the name is written as a plain YAML scalar. Worth it
 * from three domains on.
 */
function templatableDomains(manifest: FloeManifest, namespaces: readonly ManagedNamespace[]): ManagedNamespace[] {
  const np = manifest.security.network_policies;
  const named = new Set<string>();
  for (const r of [...np.jobs_egress_allow, ...np.platform_egress_allow, ...np.domain_egress_allow]) if (r.to_namespace) named.add(r.to_namespace);
  named.add(np.dns.namespace);
  named.add(np.ingress_controller_namespace);
  const out = namespaces.filter(
    (n) => n.role === 'domain' && n.domain !== undefined && n.name === domainNamespace(n.domain) && !named.has(n.name) && yamlString(n.domain) === n.domain && !n.domain.includes(TEMPLATE_DOMAIN),
  );
  return out.length >= 3 ? out : [];
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
  const plan = planFromIntents(manifest, [jobs], [intent], false);
  for (const ns of plan.namespaces) ns.labels = { ...ns.labels, [cfg.label]: runId };
  const objects = plugin.render(plan);
  checkPluginOutput(plugin, plan, objects, new Set());
  const yaml = new YamlRenderer();
  const files = objects.map((r) => lazyFile(r.path, r.object.kind, r.object.metadata.namespace ?? null, r.object.metadata.name, yaml.render(r.object), () => r.object));
  return { files, intent };
}
