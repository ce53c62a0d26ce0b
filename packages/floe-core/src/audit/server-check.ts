import { RESOURCES } from '../cluster/resources.js';
import type { ClusterClient } from '../cluster/types.js';
import { EnvironmentError } from '../errors.js';
import type { SourcedObject } from '../k8s/objects.js';
import { namespacePssPolicy, type PssDefaults } from '../pss/namespace-policy.js';
import { compareServerWarnings, expectedNamespaceWarnings, PssServerDisagreement, serverCheckTargets, type ServerCheckResult } from '../pss/server-check.js';
import { compareStrings } from '../util/compare.js';

/**
 * `--pss-server-check`: for each namespace in scope with pods, a server-side dry-run of
 * its enforce label set to each of its levels; the admission warnings the server returns
 * are compared with the ones floe's evaluator predicts for the same pods. A target that
 * cannot be checked is passed to `skipped` (one line each).
 */
export async function pssServerCheck(
  client: ClusterClient,
  namespaces: readonly { name: string; labels: Record<string, string> }[],
  objects: readonly SourcedObject[],
  defaults: PssDefaults,
  inScope: (ns: string) => boolean,
  skipped: (why: string) => void,
): Promise<ServerCheckResult[]> {
  const reported = await client.version();
  const serverMinor = Number.parseInt(reported.minor, 10);
  if (!Number.isFinite(serverMinor)) throw new EnvironmentError(`--pss-server-check: the API server reports minor version ${JSON.stringify(reported.minor)} (${reported.gitVersion}), which is not a number`);
  const podsByNs = new Map<string, { name: string; pod: { metadata?: Record<string, unknown>; spec: Record<string, unknown> } }[]>();
  for (const { object } of objects) {
    if (object.kind !== 'Pod') continue;
    const m = object.metadata as { name?: string; namespace?: string } | undefined;
    if (!m?.name || !m.namespace || typeof object.spec !== 'object' || object.spec === null) continue;
    const list = podsByNs.get(m.namespace) ?? [];
    list.push({ name: m.name, pod: { metadata: object.metadata as Record<string, unknown>, spec: object.spec as Record<string, unknown> } });
    podsByNs.set(m.namespace, list);
  }
  const results: ServerCheckResult[] = [];
  for (const ns of [...namespaces].sort((a, b) => compareStrings(a.name, b.name))) {
    const pods = podsByNs.get(ns.name);
    if (!pods || !inScope(ns.name)) continue;
    const { targets, unchecked } = serverCheckTargets(ns.name, namespacePssPolicy(ns.labels, defaults), serverMinor);
    for (const u of unchecked) skipped(u);
    for (const target of targets) {
      const warnings: string[] = [];
      const labels = { 'pod-security.kubernetes.io/enforce': target.asked.level, 'pod-security.kubernetes.io/enforce-version': target.asked.version };
      await client.dryRunApply(RESOURCES.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels } }, 'floe-pss-server-check', { force: true, warnings });
      results.push(compareServerWarnings(target, expectedNamespaceWarnings(ns.name, pods, target.asked), warnings));
    }
  }
  return results;
}

/**
 * The server check's verdict: a disagreement means floe's verdicts cannot be
 * trusted (PssServerDisagreement, exit 4); else the one line saying how much agreed.
 */
export function serverCheckVerdict(results: readonly ServerCheckResult[]): string {
  if (results.some((r) => r.onlyFloe.length > 0 || r.onlyServer.length > 0)) throw new PssServerDisagreement(results);
  const partial = results.filter((r) => !r.complete).length;
  const agreed = results.length - partial;
  return `floe: Pod Security: the API server agrees with floe on ${agreed} namespace check${agreed === 1 ? '' : 's'} (${results.reduce((n, r) => n + r.compared, 0)} server warnings compared)${partial ? ` (${partial} not compared: the server judged only some of the pods)` : ''}\n`;
}
