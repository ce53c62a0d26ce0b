import { domainNamespace } from '../config/schema.js';
import { renameIntents } from '../intent/build.js';
import type { ManagedNamespace } from '../intent/types.js';
import type { KubernetesObject } from '../k8s/meta.js';
import type { NetworkPlan } from '../plugin/plugin.js';
import { compareStrings } from '../util/compare.js';
import { yamlString } from '../util/yaml-emit.js';
import { lazyFile, type GeneratedFile, type Rendered } from './files.js';
import { planFromIntents, type PlannedNetwork } from './plan.js';

/**
 * Domain templating: domains whose objects differ only in their names (no
 * rule names them, the namespace is floe-<name>-domain) are rendered once, for
 * a stand-in domain, and the text is instantiated per domain. The first such
 * domain is also rendered directly and must come out byte-identical,
 * otherwise every domain is rendered directly; the plugin contract requires
 * that a plugin names a namespace only by its name.
 */

/** The stand-in domain whose objects become the template of every domain that differs only by name. */
const TEMPLATE_DOMAIN = 'floe0template0';

/**
 * Renders everything but the templatable domains directly (`renderDirect`),
 * the stand-in domain once, and instantiates it for each templatable domain.
 * Returns undefined when there is nothing to template or the first templated
 * domain's direct rendering differs from its instantiation.
 */
export function renderTemplated(planned: PlannedNetwork, renderDirect: (plan: NetworkPlan) => Rendered): Rendered | undefined {
  const all = planned.namespaces;
  const templated = templatableDomains(planned);
  if (templated.length === 0) return undefined;
  const first = templated[0] as ManagedNamespace;
  const skip = new Set(templated.slice(1).map((d) => d.name));
  let stand = TEMPLATE_DOMAIN;
  while (all.some((n) => n.domain === stand || n.name === domainNamespace(stand))) stand += '0';
  const standNs = domainNamespace(stand);
  // No rule names a templated domain, so the intents that touch it are its own.
  const own = planned.intents.filter((i) => i.from.namespace === first.name || (i.to.kind === 'pods' && i.to.namespace === first.name));
  const standIntents = renameIntents(own, first.name, standNs);
  const direct = planFromIntents(planned.settings, all.filter((n) => !skip.has(n.name)), planned.intents);
  const standIn = planFromIntents(planned.settings, [{ name: standNs, role: 'domain', domain: stand }], standIntents);
  const plan: NetworkPlan = { ...direct, namespaces: [...direct.namespaces, ...standIn.namespaces] };
  const { files, policiesByNs } = renderDirect(plan);

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

/**
 * Domains whose objects differ from every other such domain only by the
 * domain's name: the namespace is floe-<name>-domain, no allow rule names
 * the namespace, and the name is written as a plain YAML scalar. Worth it
 * from three domains on.
 */
function templatableDomains(planned: PlannedNetwork): ManagedNamespace[] {
  const named = new Set(planned.namedNamespaces);
  const out = planned.namespaces.filter(
    (n) => n.role === 'domain' && n.domain !== undefined && n.name === domainNamespace(n.domain) && !named.has(n.name) && yamlString(n.domain) === n.domain && !n.domain.includes(TEMPLATE_DOMAIN),
  );
  return out.length >= 3 ? out : [];
}
