import { kindsOf, type PluginMetadata } from '../plugin/plugin.js';
import { CiliumNetworkPolicySchema } from './cilium-schema.js';
import { FLOE_KINDS, zodSchemaIssues, type SchemaIssue } from './k8s-schema.js';

/** One kind a generated directory may hold, and how its objects are checked. */
export interface ObjectKind {
  apiVersion: string;
  kind: string;
  schemaIssues(value: unknown): SchemaIssue[];
  /** The policy engine evaluates objects of this kind (validate's complete and intent-proof checks read them). */
  evaluated: boolean;
}

/** The kinds the core writes itself, whatever the plugin. */
const CORE_KINDS = ['Namespace', 'PodTemplate'] as const;

/**
 * The kinds the core writes when the manifest opts in, whatever the plugin: the cluster
 * guardrails (network/guardrails.ts; the engine evaluates their tiers) and the admission
 * guard's policies and bindings (network/admission-guard.ts; they decide no flow).
 */
const OPT_IN_CORE_KINDS = ['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'] as const;

/** Schemas the core knows for kinds a plugin may declare, by apiVersion/kind. */
const KNOWN: Record<string, { schema: Parameters<typeof zodSchemaIssues>[0]; evaluated: boolean }> = {
  'networking.k8s.io/v1/NetworkPolicy': { schema: FLOE_KINDS.NetworkPolicy.schema, evaluated: true },
  // policy/cilium.ts evaluates the subset floe writes; a CNP outside it makes the proof's verdicts undetermined (failed), never passed.
  'cilium.io/v2/CiliumNetworkPolicy': { schema: CiliumNetworkPolicySchema, evaluated: true },
};

/**
 * What a generated directory may hold with this plugin, by kind: the core's
 * Namespace and PodTemplate and the kinds the plugin declares (kindsOf), each
 * with the plugin's own schema check, else the one the core knows; a kind
 * with neither is checked for apiVersion and kind only.
 */
export function objectKinds(plugin: Pick<PluginMetadata, 'kinds'> = {}): ReadonlyMap<string, ObjectKind> {
  const out = new Map<string, ObjectKind>();
  for (const kind of CORE_KINDS) {
    const { apiVersion, schema } = FLOE_KINDS[kind];
    out.set(kind, { apiVersion, kind, schemaIssues: (v) => zodSchemaIssues(schema, v), evaluated: true });
  }
  for (const k of kindsOf(plugin)) {
    const known = KNOWN[`${k.apiVersion}/${k.kind}`];
    const own = k.schemaIssues;
    const schemaIssues = own
      ? (v: unknown) => own(v).map((i) => ({ path: i.path, atKey: false, message: i.message }))
      : known
        ? (v: unknown) => zodSchemaIssues(known.schema, v)
        : () => [];
    out.set(k.kind, { apiVersion: k.apiVersion, kind: k.kind, schemaIssues, evaluated: known?.evaluated ?? false });
  }
  for (const kind of OPT_IN_CORE_KINDS) {
    const { apiVersion, schema } = FLOE_KINDS[kind];
    out.set(kind, { apiVersion, kind, schemaIssues: (v) => zodSchemaIssues(schema, v), evaluated: true });
  }
  return out;
}
