/**
 * The dependency rules of ARCHITECTURE.md ("Layers and the rules between
 * them"), checked by dependency-cruiser: `pnpm lint:deps`, part of `pnpm lint`
 * and of `pnpm test`. Layers of @floe/core, bottom first; a layer imports only
 * the layers listed as allowed for it (and npm packages, within the rules
 * below them).
 */
const SRC = '^packages/floe-core/src/';
const area = (...names) => `${SRC}(${names.join('|')})(/|\\.ts$)`;

/** Each area of the core and the areas of the core it may import (besides itself). */
const LAYERS = {
  // Bottom: the Kubernetes object types, small helpers, typed errors, the one object reader, logging, report formats.
  k8s: ['util', 'errors'],
  util: [],
  errors: [],
  manifests: ['util', 'errors'],
  telemetry: [],
  report: [],
  // The one place that names a workload (ns/name[Kind]) from pods and owners.
  workloads: ['util'],
  // The model, pure: manifest -> intents -> plan -> objects.
  config: ['k8s', 'util', 'errors', 'manifests'],
  intent: ['k8s', 'util', 'errors', 'config'],
  plugin: ['k8s', 'util', 'errors', 'config', 'intent'],
  policy: ['k8s', 'util', 'errors', 'config', 'intent', 'report', 'workloads'],
  pss: ['k8s', 'util', 'errors', 'manifests', 'config', 'plugin', 'policy', 'workloads'],
  // network reads its own lock and ownership record through the one safe reader.
  network: ['k8s', 'util', 'errors', 'manifests', 'config', 'intent', 'plugin', 'pss'],
  // The edge to the Kubernetes API.
  cluster: ['k8s', 'util', 'errors'],
  // Objects for the engine from files or a cluster.
  inventory: ['k8s', 'util', 'errors', 'manifests', 'cluster'],
  // The commands' logic over the model: they ask policy/ and pss/, never re-implement them.
  cni: ['k8s', 'util', 'errors', 'cluster'],
  // floe network init: reads the cluster (and asks cni/), writes a starter manifest.
  init: ['k8s', 'util', 'errors', 'config', 'cluster', 'cni'],
  diff: ['k8s', 'util', 'errors', 'manifests', 'config', 'intent', 'plugin', 'network', 'policy', 'pss', 'cluster'],
  validate: ['k8s', 'util', 'errors', 'manifests', 'config', 'intent', 'plugin', 'network', 'policy', 'pss', 'cluster', 'cni', 'report'],
  audit: ['k8s', 'util', 'errors', 'config', 'intent', 'network', 'policy', 'pss', 'cluster'],
  // floe network harden: the user's workloads with pss/'s hardened context merged in, judged by pss/; intent/ names the namespaces' roles.
  harden: ['k8s', 'util', 'errors', 'manifests', 'config', 'intent', 'pss'],
  testing: ['k8s', 'util', 'errors', 'config', 'intent', 'plugin', 'network'],
};

const layerRules = Object.entries(LAYERS).map(([name, allowed]) => ({
  name: `layer-${name}`,
  severity: 'error',
  comment: `${name}/ imports only ${allowed.length ? allowed.join(', ') : 'nothing else of floe'} (ARCHITECTURE.md, Layers)`,
  from: { path: area(name) },
  to: { path: SRC, pathNot: [area(name, ...allowed)] },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'no cycle between files', from: {}, to: { circular: true } },
    { name: 'no-folder-cycle', severity: 'error', comment: 'no cycle between folders', scope: 'folder', from: {}, to: { circular: true } },
    ...layerRules,
    {
      name: 'unknown-area',
      severity: 'error',
      comment: 'every folder of the core has a place in the layers above (add a new one there)',
      from: { path: SRC, pathNot: [area(...Object.keys(LAYERS)), `${SRC}index\\.ts$`] },
      to: {},
    },
    {
      name: 'network-loads-no-pss-evaluator',
      severity: 'error',
      comment: 'generate renders Pod Security (pss/render.ts) and must not load the evaluator',
      from: { path: area('network') },
      to: { path: area('pss'), pathNot: [`${SRC}pss/render\\.ts$`] },
    },
    {
      name: 'only-cluster-imports-the-client',
      severity: 'error',
      comment: 'only src/cluster/ imports @kubernetes/client-node',
      from: { pathNot: `${SRC}cluster/` },
      to: { path: '@kubernetes/client-node' },
    },
    {
      name: 'one-yaml-reader',
      severity: 'error',
      comment: "only src/manifests/yaml.ts imports the YAML parser (util/yaml-emit.ts writes YAML without it)",
      from: { pathNot: `${SRC}manifests/yaml\\.ts$` },
      to: { path: '/node_modules/yaml/' },
    },
    {
      name: 'core-imports-no-plugin-or-cli',
      severity: 'error',
      comment: 'the core finds plugins at run time and never imports a plugin or the CLI',
      from: { path: '^packages/floe-core/' },
      to: { path: '^(plugins/|packages/floe-cli/)' },
    },
    {
      name: 'plugins-use-the-stable-api',
      severity: 'error',
      comment: 'a plugin imports @floe/core/plugin or /k8s (stable), nothing internal, no other plugin and not the CLI',
      from: { path: '^plugins/([^/]+)/' },
      to: { path: '^(packages/|plugins/)', pathNot: [`${SRC}(plugin|k8s)/index\\.ts$`, '^plugins/$1/'] },
    },
    {
      name: 'cli-uses-entry-points',
      severity: 'error',
      comment: '@floe/cli imports @floe/core by its package subpaths (an area index), never a file inside an area',
      from: { path: '^packages/floe-cli/' },
      to: { path: SRC, pathNot: [`${SRC}[^/]+/index\\.ts$`, `${SRC}(index|errors)\\.ts$`] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too: a layer may not even name a type of a layer above it.
    tsPreCompilationDeps: true,
    // Workspace packages resolve to their sources, as in the tests (the "floe-source" export condition).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['floe-source', 'import', 'default'],
      extensions: ['.ts', '.js'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
