/**
 * @floe/core/network: generation — the plan, Pod Security objects, rendering, the summary, writing the output directory.
 * Listed by name: an internal helper never becomes API by accident.
 */

export { generateJobRunPolicy, NetworkPolicyManifestGenerator, type GeneratedFile, type GenerationResult, type GeneratorOptions, type NamespaceReport } from './generator.js';
export { enforceLevel, namespacePodSecurity, planFromIntents, planNetwork, planSettings, podSecurityFor, type NetworkMode, type PlannedNetwork, type PlanSettings } from './plan.js';
export { mergeAllowances, normalizePorts, type Allowance } from './merge.js';
export { COMPONENT_LABEL, floeLabels, MANAGED_BY_LABEL } from './labels.js';
export { GENERATED_HEADER, renderObjectYaml } from './render.js';
export { describePeer, describePorts, renderSummary, SUMMARY_FILE } from './summary.js';
export { filesRemovedBy, OWNERSHIP_FILE, replaceOutputDir, type FileToWrite } from './writer.js';
export { PLACEHOLDER_IMAGE, POD_TEMPLATE_NAME, renderNamespace, renderPodTemplate } from '../pss/render.js';
export { KUSTOMIZATION_FILE, renderKustomization } from './kustomization.js';
export { DOMAIN_LABEL, GUARDRAIL_LABEL, guardrailPath, renderGuardrails, type ClusterScopedPolicy, type GuardrailSettings, type RenderedGuardrail } from './guardrails.js';
