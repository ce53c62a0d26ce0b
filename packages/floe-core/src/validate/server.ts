import type { FloeManifest } from '../config/schema.js';
import { ClusterError } from '../cluster/errors.js';
import { RESOURCES, resourceForKind } from '../cluster/resources.js';
import type { ClusterClient, ResourceRef } from '../cluster/types.js';
import { ADMISSION_API_VERSION, ADMISSION_POLICY_MIN_MINOR } from '../k8s/admission.js';
import { isKubeObject, type KubeObject } from '../k8s/meta.js';
import type { CniVerdict } from '../cni/types.js';
import { cidrContains, parseCidr } from '../util/cidr.js';
import { sortProblems, type LoadedObject } from './files.js';
import { missingGuardrailCrds } from './guardrail-crds.js';
import type { PathSegment } from './source.js';
import { problem, statusOf, type CheckResult, type Problem } from './types.js';

export const FIELD_MANAGER = 'floe';

/**
 * Namespaces tried, in order, to dry-run an object whose own namespace does
 * not exist yet. They exist in every cluster, and a dry run stores nothing.
 */
export const STAND_IN_NAMESPACES = ['default', 'kube-public', 'kube-system'] as const;

/** The API server's field path (`spec.egress[0].to[1].ipBlock.cidr`, `metadata.labels[a/b]`) as segments. */
export function parseFieldPath(text: string): PathSegment[] {
  const out: PathSegment[] = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== undefined) out.push(m[1]);
    else out.push(/^\d+$/.test(m[2] as string) ? Number(m[2]) : (m[2] as string));
  }
  return out;
}

/** The first field an API server message names (`... is invalid: spec.x[0].y: Invalid value: ...`). */
export function fieldInMessage(message: string): string | undefined {
  const m = /(?:^|[\s[])((?:metadata|spec|template)(?:\.[A-Za-z0-9_]+|\[[^\]]*\])*):\s/.exec(message);
  return m?.[1];
}

/** Dry runs in flight at once: enough to hide the round trip, few enough not to be throttled. */
const DRY_RUN_CONCURRENCY = 8;

/** Runs `fn` over `items` with at most `limit` at a time; the first error stops new work and is thrown. */
async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** RBAC refusals are about the caller (exit 3); any other 403 is admission refusing the object. */
const RBAC_DENIAL = /cannot [a-z]+ resource/;

/** Does this failure say the object is wrong (a finding), rather than that talking to the cluster failed? */
function refusal(err: unknown): ClusterError | undefined {
  if (!(err instanceof ClusterError) || err.status === undefined) return undefined;
  if ([400, 404, 409, 422].includes(err.status)) return err;
  if (err.status === 403 && err.apiMessage && !RBAC_DENIAL.test(err.apiMessage)) return err;
  return undefined;
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 422: 'Invalid' };

/**
 * The `server-dry-run` check: a server-side apply with dryRun=All of every
 * object, Namespaces first. A dry-run-created namespace does not exist for
 * the next request, so an object whose namespace does not exist yet is sent
 * into a namespace that does (STAND_IN_NAMESPACES, one without an object of
 * that kind and name): validation and admission of NetworkPolicies and
 * PodTemplates do not depend on which namespace holds them, and nothing is
 * ever stored.
 */
export async function checkServerDryRun(client: ClusterClient, objects: readonly LoadedObject[]): Promise<CheckResult> {
  const problems: Problem[] = [];
  const namespaceExists = new Map<string, Promise<boolean>>();
  const exists = (ns: string) => {
    let p = namespaceExists.get(ns);
    if (!p) namespaceExists.set(ns, (p = client.get(RESOURCES.namespaces, ns).then((o) => o !== null)));
    return p;
  };
  let accepted = 0;
  let standIns = 0;
  const dryRun = async (obj: LoadedObject): Promise<void> => {
    const name = obj.value.metadata?.name;
    const namespace = obj.value.metadata?.namespace;
    const ref = resourceForKind(String(obj.value.apiVersion), obj.kind) as ResourceRef;
    if (typeof name !== 'string' || name === '' || (ref.namespaced && (typeof namespace !== 'string' || namespace === ''))) {
      problems.push(problem({ file: obj.file, line: 1, col: 1, message: `not sent: the object needs metadata.name${ref.namespaced ? ' and metadata.namespace' : ''} to be addressed` }));
      return;
    }
    if (!isKubeObject(obj.value)) {
      problems.push(problem({ file: obj.file, line: 1, col: 1, message: 'not sent: the object needs a string apiVersion to be addressed' }));
      return;
    }
    let body: KubeObject = obj.value;
    let note = '';
    if (ref.namespaced && !(await exists(namespace as string))) {
      let standIn: string | undefined;
      for (const candidate of STAND_IN_NAMESPACES) {
        if ((await exists(candidate)) && (await client.get(ref, name, candidate)) === null) {
          standIn = candidate;
          break;
        }
      }
      if (!standIn) {
        problems.push(problem({ file: obj.file, line: 1, col: 1, severity: 'warning', message: `not checked: namespace ${namespace} does not exist yet and ${STAND_IN_NAMESPACES.join(', ')} each hold a ${obj.kind} named ${name} or do not exist` }));
        return;
      }
      body = { ...body, metadata: { ...body.metadata, namespace: standIn } };
      note = ` (sent to namespace ${standIn}: ${namespace} does not exist yet)`;
      standIns++;
    }
    try {
      await client.dryRunApply(ref, body, FIELD_MANAGER);
      accepted++;
    } catch (err) {
      const refused = refusal(err);
      if (!refused) throw err;
      const said = refused.apiMessage ?? refused.message;
      const field = fieldInMessage(said);
      const at = field ? obj.source.position(parseFieldPath(field)) : { line: 1, col: 1 };
      problems.push(
        problem({
          file: obj.file,
          ...at,
          path: field ?? null,
          message: `the API server refused it (${refused.status} ${STATUS_TEXT[refused.status as number] ?? ''}): ${said}${note}`.replace(' ()', ''),
        }),
      );
    }
  };
  const tooOld = await admissionTooOld(client, objects);
  for (const obj of tooOld ? objects.filter((o) => o.value.apiVersion === ADMISSION_API_VERSION) : []) {
    problems.push(problem({ file: obj.file, line: 1, col: 1, message: `not sent: ${obj.kind} (the admission guard, security.admission_guard) needs Kubernetes >= 1.${ADMISSION_POLICY_MIN_MINOR}, where admissionregistration.k8s.io/v1 serves it; the API server at ${client.server} is ${tooOld}. Upgrade the cluster, or set security.admission_guard: off and regenerate` }));
  }
  const sendable = tooOld ? objects.filter((o) => o.value.apiVersion !== ADMISSION_API_VERSION) : objects;
  // Namespaces first (their dry runs come first in any apply), then the rest, a few requests at a time.
  // Guardrails whose CRD is missing are named as such, not sent.
  const crds = await missingGuardrailCrds(client, sendable);
  problems.push(...crds.problems);
  await inParallel(sendable.filter((o) => o.kind === 'Namespace'), DRY_RUN_CONCURRENCY, dryRun);
  await inParallel(sendable.filter((o) => o.kind !== 'Namespace' && !crds.unsendable.has(o)), DRY_RUN_CONCURRENCY, dryRun);
  const unsent = crds.unsendable.size;
  const refused = problems.filter((p) => p.severity === 'error').length - unsent;
  const noCrd = unsent ? `${unsent} of ${objects.length} objects not sent: the cluster lacks the CRD they need` : '';
  return {
    id: 'server-dry-run',
    status: statusOf(problems),
    summary:
      refused > 0 || unsent > 0
        ? [refused > 0 ? `the API server at ${client.server} refused ${refused} of ${objects.length} objects` : '', noCrd].filter(Boolean).join('; ')
        : `the API server at ${client.server} accepts ${accepted} of ${objects.length} objects${standIns ? ` (${standIns} sent to a stand-in namespace because theirs does not exist yet)` : ''}; nothing was stored`,
    problems: sortProblems(problems),
  };
}

/** The server's version when it is older than ValidatingAdmissionPolicy v1 and the directory holds one; else undefined. */
async function admissionTooOld(client: ClusterClient, objects: readonly LoadedObject[]): Promise<string | undefined> {
  if (!objects.some((o) => o.value.apiVersion === ADMISSION_API_VERSION)) return undefined;
  const v = await client.version();
  const minor = Number.parseInt(v.minor, 10);
  return v.major === '1' && Number.isFinite(minor) && minor < ADMISSION_POLICY_MIN_MINOR ? v.gitVersion : undefined;
}

/** What `floe network check-cni` concludes, reduced to what validate needs. */
export interface CniOutcome {
  verdict: CniVerdict;
  /** One line: which plugin(s), their version, what decided. */
  summary: string;
}

/** The hook through which validate asks for the check-cni verdict. */
export type CniCheck = (client: ClusterClient) => Promise<CniOutcome>;

/** The `cni` check: not enforced means every policy is inert (fail); unknown is a warning. */
export async function checkCni(client: ClusterClient, cni: CniCheck | undefined): Promise<CheckResult> {
  if (!cni) return { id: 'cni', status: 'skip', summary: 'not run: no CNI detection was given to validate', problems: [] };
  const outcome = await cni(client);
  if (outcome.verdict === 'enforced') return { id: 'cni', status: 'pass', summary: `NetworkPolicies are enforced: ${outcome.summary}`, problems: [] };
  const inert = outcome.verdict === 'not-enforced';
  return {
    id: 'cni',
    status: inert ? 'fail' : 'warn',
    summary: inert ? 'NetworkPolicies are NOT enforced: every policy would be inert' : 'cannot tell whether NetworkPolicies are enforced',
    problems: [
      problem({
        severity: inert ? 'error' : 'warning',
        // The summary says what it means; the problem says what was found.
        message: `${outcome.summary} (details: floe network check-cni)`,
      }),
    ],
  };
}

interface EndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: { addresses?: string[]; conditions?: { ready?: boolean | null } }[] | null;
  ports?: { port?: number | null; protocol?: string | null; name?: string | null }[] | null;
}

const API_CIDRS_PATH = 'security.network_policies.kubernetes_api.cidrs';
const API_PORTS_PATH = 'security.network_policies.kubernetes_api.ports';

function hostCidr(address: string): string {
  return address.includes(':') ? `${address}/128` : `${address}/32`;
}

/**
 * The `kubernetes-api-egress` check: the addresses and ports behind the
 * `kubernetes` Service (its EndpointSlices in default) are inside
 * kubernetes_api.cidrs and ports. CNIs that apply policy after DNAT (Calico,
 * Cilium) see the endpoint, not the ClusterIP; a rule for the ClusterIP alone
 * leaves operators unable to reach the API server once default-deny applies.
 */
export async function checkKubernetesApiEgress(client: ClusterClient, manifest: FloeManifest, byEntity = false): Promise<CheckResult> {
  const id = 'kubernetes-api-egress';
  const np = manifest.security.network_policies;
  if (!np.enabled) return { id, status: 'skip', summary: 'not run: the manifest generates no NetworkPolicies', problems: [] };
  if (byEntity) return apiEgressByEntity(client, manifest);
  const slices = (await client.list(RESOURCES.endpointSlices, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=kubernetes' })) as EndpointSlice[];
  const addresses = [
    ...new Set(slices.flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).flatMap((e) => e.addresses ?? []))),
  ].sort();
  const ports = [...new Set(slices.flatMap((s) => (s.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP' && typeof p.port === 'number').map((p) => p.port as number)))].sort((a, b) => a - b);
  const cidrs = np.kubernetes_api.cidrs.map((c) => parseCidr(c)).flatMap((p) => (p.ok ? [p.cidr] : []));
  // The Service sharpens the message (a ClusterIP that is allowed but not enough) and, without endpoints, is all
  // there is to check; it is not worth a permission.
  const service = await client.get(RESOURCES.services, 'kubernetes', 'default').catch((err: unknown) => {
    if (err instanceof ClusterError && err.fault === 'forbidden') return null;
    throw err;
  });
  const spec = service?.spec as { clusterIPs?: string[]; clusterIP?: string } | undefined;
  const clusterIps = (spec?.clusterIPs ?? (spec?.clusterIP ? [spec.clusterIP] : [])).filter((ip) => ip && ip !== 'None');
  const covered = (ip: string) => {
    const host = parseCidr(hostCidr(ip));
    return host.ok && cidrs.some((c) => cidrContains(c, host.cidr));
  };
  if (addresses.length === 0) {
    const listed = np.kubernetes_api.cidrs.length ? `[${np.kubernetes_api.cidrs.join(', ')}]` : 'empty';
    const outside = clusterIps.filter((ip) => !covered(ip));
    return {
      id,
      status: outside.length ? 'fail' : 'warn',
      summary: outside.length ? `kubernetes_api does not cover the kubernetes Service ClusterIP ${outside.join(', ')} (no ready endpoint to check)` : 'no ready endpoint of the kubernetes Service in namespace default',
      problems: [
        ...outside.map((ip) =>
          problem({ path: API_CIDRS_PATH, message: `the kubernetes Service ClusterIP ${ip} is not inside kubernetes_api.cidrs (${listed}): platform pods cannot reach the API server through it once default-deny applies; add ${hostCidr(ip)}` }),
        ),
        problem({ severity: 'warning', path: API_CIDRS_PATH, message: 'the EndpointSlices of service default/kubernetes list no ready address, so the endpoints behind the ClusterIP cannot be checked' }),
      ],
    };
  }
  const problems: Problem[] = [];
  const uncovered = addresses.filter((a) => !covered(a));
  if (uncovered.length > 0) {
    const listed = np.kubernetes_api.cidrs.length ? `[${np.kubernetes_api.cidrs.join(', ')}]` : 'empty';
    const viaClusterIp = clusterIps.filter(covered);
    const hint = viaClusterIp.length
      ? ` It covers the Service ClusterIP ${viaClusterIp.join(', ')}, but CNIs that apply policy after DNAT (Calico, Cilium) see the endpoint address.`
      : '';
    // The whole list that works here: every endpoint address, then the Service IP(s) pods dial.
    const exact = [...new Set([...addresses, ...clusterIps].map(hostCidr))].join(', ');
    for (const address of uncovered) {
      problems.push(
        problem({
          path: API_CIDRS_PATH,
          message: `the API server endpoint ${address} (EndpointSlice of default/kubernetes) is not inside kubernetes_api.cidrs (${listed}): platform pods cannot reach the API server once default-deny applies; add ${hostCidr(address)}.${hint} For this cluster: kubernetes_api.cidrs: [${exact}] (floe network init writes it).`,
        }),
      );
    }
  }
  for (const port of ports.filter((p) => !np.kubernetes_api.ports.includes(p))) {
    problems.push(
      problem({
        path: API_PORTS_PATH,
        message: `the API server endpoints listen on TCP ${port}, which is not in kubernetes_api.ports [${np.kubernetes_api.ports.join(', ')}]; add ${port}`,
      }),
    );
  }
  const where = `${addresses.join(', ')} on TCP ${ports.join(', ') || '(no port listed)'}`;
  return {
    id,
    status: statusOf(problems),
    summary: problems.length ? `kubernetes_api does not cover the API server endpoints ${where}` : `kubernetes_api covers the API server endpoints ${where}`,
    problems,
  };
}

/**
 * The plugin names the API server by identity (api-server-entity: Cilium's
 * toEntities [kube-apiserver]), so kubernetes_api.cidrs are not what admits
 * the traffic: only the ports are checked against the endpoints.
 */
async function apiEgressByEntity(client: ClusterClient, manifest: FloeManifest): Promise<CheckResult> {
  const id = 'kubernetes-api-egress';
  const api = manifest.security.network_policies.kubernetes_api;
  if (api.cidrs.length === 0) {
    return {
      id,
      status: 'warn',
      summary: 'no egress to the API server is generated (kubernetes_api.cidrs is empty)',
      problems: [problem({ severity: 'warning', path: API_CIDRS_PATH, message: 'kubernetes_api.cidrs is empty, so no platform pod may call the API server; the plugin renders that egress by identity (kube-apiserver), whatever addresses are listed: list the Service IP, e.g. [10.96.0.1/32]' })],
    };
  }
  const slices = (await client.list(RESOURCES.endpointSlices, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=kubernetes' })) as EndpointSlice[];
  const ports = [...new Set(slices.flatMap((s) => (s.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP' && typeof p.port === 'number').map((p) => p.port as number)))].sort((a, b) => a - b);
  const problems = ports
    .filter((p) => !api.ports.includes(p))
    .map((port) => problem({ path: API_PORTS_PATH, message: `the API server endpoints listen on TCP ${port}, which is not in kubernetes_api.ports [${api.ports.join(', ')}]; add ${port}` }));
  const on = ports.length ? `the endpoints' TCP ${ports.join(', ')}` : 'no port listed by the EndpointSlices';
  return {
    id,
    status: statusOf(problems),
    summary: `the plugin reaches the API server by identity (kube-apiserver), not by kubernetes_api.cidrs; kubernetes_api.ports ${problems.length ? 'miss' : 'cover'} ${on}`,
    problems,
  };
}
