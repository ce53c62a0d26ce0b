import type { FloeManifest } from '../config/schema.js';
import { FloeError } from '../errors.js';
import { buildIntents } from '../intent/build.js';
import { proveIntents } from '../policy/prove.js';
import { CILIUM_KINDS } from '../policy/cilium.js';
import type { LoadedObject } from './files.js';
import { problem, statusOf, type CheckResult } from './types.js';

/**
 * The kinds the engine evaluates: what any plugin writes for the network (Cilium's policies
 * included), and the cluster guardrails, whose tiers it evaluates, so the proof shows they
 * forbid nothing the intent allows.
 */
const PROVED_KINDS: ReadonlySet<string> = new Set(['Namespace', 'NetworkPolicy', ...CILIUM_KINDS, 'ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy']);

/**
 * The intent proof as a validate check: the policy engine evaluates the
 * directory's Namespaces, NetworkPolicies and CiliumNetworkPolicies with one stand-in pod per role
 * and service. Objects that break the API schema are left to the schema check.
 */
export function checkIntentProof(manifest: FloeManifest, objects: readonly LoadedObject[]): CheckResult {
  // Over objects of a kind the engine does not evaluate a proof would claim flows it cannot judge.
  const unevaluated = [...new Set(objects.filter((o) => !o.objectKind.evaluated).map((o) => o.kind))];
  if (unevaluated.length) {
    return { id: 'intent-proof', status: 'skip', summary: `not run: the policy engine does not evaluate ${unevaluated.join(', ')}, so floe claims no flow of this directory`, problems: [] };
  }
  const usable = objects.filter((o) => o.valid && PROVED_KINDS.has(o.kind)).map((o) => ({ object: o.value, source: o.file }));
  let results;
  try {
    results = proveIntents(buildIntents(manifest), usable);
  } catch (err) {
    if (!(err instanceof FloeError)) throw err;
    return { id: 'intent-proof', status: 'fail', summary: 'the policies could not be evaluated', problems: [problem({ message: err.message })] };
  }
  // With NetworkPolicies disabled the manifest forbids nothing: only the intended flows are claims to prove.
  const disabled = !manifest.security.network_policies.enabled;
  if (disabled) results = results.filter((r) => r.flow.expect === 'allowed');
  const failed = results.filter((r) => !r.ok);
  const problems = failed.map((r) => problem({ message: `${r.flow.id} (${r.flow.from} -> ${r.flow.to}) must be ${r.flow.expect}: ${r.why}` }));
  const intended = results.filter((r) => r.flow.expect === 'allowed').length;
  return {
    id: 'intent-proof',
    status: statusOf(problems),
    summary: failed.length
      ? `${failed.length} of ${results.length} flows are not as the manifest intends`
      : disabled
        ? `${intended} intended flows allowed end to end; none is forbidden (security.network_policies.enabled is false)`
        : `${intended} intended flows allowed end to end, ${results.length - intended} forbidden flows denied`,
    problems,
  };
}
