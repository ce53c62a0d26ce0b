import { WORKLOAD_KINDS, flattenLists, type SourcedObject } from '../k8s/objects.js';
import { InputError } from '../errors.js';
import type { FindingSeverity, PolicyFinding } from '../policy/findings.js';
import type { NamespaceInfo } from '../policy/types.js';
import { compareStrings } from '../util/compare.js';
import { isRecord } from '../util/shape.js';
import { evaluatePod } from './evaluate.js';
import { formatLevelVersion, type LevelVersion } from './level.js';
import { namespacePssPolicy, PSS_MODES, type ModePolicy, type PssAdmissionMode, type PssDefaults } from './namespace-policy.js';
import { podShapeProblems } from './shape.js';
import type { PodLike } from './types.js';
import { podOf, type PodSource } from './workloads.js';
import { controllerOf, WorkloadIdentity, workloadName, type OwnerRef } from '../workloads/identity.js';

/** One pod or workload to judge, reported as `object` (the audit's endpoint, `ns/name[Kind]`). */
export interface PssSubject {
  namespace: string;
  object: string;
  /** `Pod`, or the workload kind whose pod template is judged. */
  kind: string;
  /** The pods this subject stands for (their names), empty for a workload's template. */
  pods: string[];
  pod: PodLike;
  /** A workload's pod template: judged as it is, as the API server's workload warnings judge it. */
  template: boolean;
}

type Obj = Record<string, unknown>;
const isObj = isRecord;
const WORKLOADS = new Set<string>(WORKLOAD_KINDS);

function metaOf(o: Obj): { name: string; namespace: string; labels: Record<string, string>; controller: OwnerRef | null } | undefined {
  const m = o.metadata;
  if (!isObj(m) || typeof m.name !== 'string' || m.name === '') return undefined;
  const labels: Record<string, string> = {};
  if (isObj(m.labels)) for (const [k, v] of Object.entries(m.labels)) if (typeof v === 'string') labels[k] = v;
  return { name: m.name, namespace: typeof m.namespace === 'string' && m.namespace !== '' ? m.namespace : 'default', labels, controller: controllerOf(m) };
}

/**
 * What Pod Security judges in the input, one subject per endpoint of the audit (named by
 * workloads/identity.ts, as buildInventory names them): when a pod's workload is in the
 * input its pod template is judged once (not each of its pods), otherwise the pods
 * themselves are. Workloads owned by a workload in the input are covered by their owner.
 */
export function pssSubjects(input: readonly SourcedObject[]): PssSubject[] {
  const sourced = flattenLists(input);
  const objects = sourced.map((o) => o.object);
  const where = new Map(sourced.map((o) => [o.object, o.source]));
  /** The pod to judge; a malformed one is bad input (exit 2), named by file and path, never judged. */
  const judgeable = (o: Obj, object: string): PodSource | undefined => {
    const source = podOf(o);
    if (!source) return undefined;
    const problems = podShapeProblems(source.pod, source.templatePath);
    if (problems.length > 0) {
      throw new InputError(`${where.get(o) ?? 'input'}: ${object}: ${problems.slice(0, 3).map((p) => `${p.path} ${p.message}`).join('; ')}`);
    }
    return source;
  };
  const workloads = new Map<string, { o: Obj; m: NonNullable<ReturnType<typeof metaOf>> }>();
  const pods: { o: Obj; m: NonNullable<ReturnType<typeof metaOf>> }[] = [];
  for (const o of objects) {
    const kind = typeof o.kind === 'string' ? o.kind : '';
    if (kind !== 'Pod' && !WORKLOADS.has(kind)) continue;
    const m = metaOf(o);
    if (!m) continue;
    if (kind === 'Pod') pods.push({ o, m });
    else workloads.set(`${kind}\u0000${m.namespace}/${m.name}`, { o, m });
  }
  const identity = new WorkloadIdentity([...pods.map(({ m }) => ({ kind: 'Pod', ...m })), ...[...workloads].map(([k, { m }]) => ({ kind: k.slice(0, k.indexOf('\u0000')), ...m }))]);
  const out = new Map<string, PssSubject>();
  for (const [key, { o, m }] of workloads) {
    const kind = key.slice(0, key.indexOf('\u0000'));
    if (identity.ownedInInput({ kind, ...m })) continue;
    const object = workloadName(identity.ofWorkload({ kind, ...m }));
    const source = judgeable(o, object);
    if (!source) continue;
    // Several objects standing for one workload (the ReplicaSets of a Rollout floe does not read): the first is judged.
    if (!out.has(object)) out.set(object, { namespace: m.namespace, object, kind, pods: [], pod: source.pod, template: true });
  }
  const podSubjects = new Map<string, PssSubject[]>();
  for (const { o, m } of pods) {
    const object = workloadName(identity.ofPod({ kind: 'Pod', ...m }));
    if (out.has(object)) continue;
    const source = judgeable(o, `${m.namespace}/${m.name}[Pod]`);
    if (!source) continue;
    const list = podSubjects.get(object) ?? [];
    list.push({ namespace: m.namespace, object, kind: 'Pod', pods: [m.name], pod: source.pod, template: false });
    podSubjects.set(object, list);
  }
  const subjects = [...out.values()];
  for (const list of podSubjects.values()) subjects.push(...list);
  return subjects.sort((a, b) => compareStrings(a.object, b.object) || compareStrings(a.pods[0] ?? '', b.pods[0] ?? ''));
}

/** An audit finding `pss-violation`: one failed check, in the strongest mode that fails it. */
export interface PssViolationFinding extends PolicyFinding {
  id: 'pss-violation';
  /** Upstream check ID, e.g. `allowPrivilegeEscalation`. */
  check: string;
  level: LevelVersion['level'];
  version: string;
  mode: PssAdmissionMode;
  /** Every mode that fails this check with the same message, strongest first (`mode` is the first). */
  modes: PssAdmissionMode[];
  /** Whether the level came from the namespace's label or from the cluster default (`--pss-level`). */
  levelFrom: 'label' | 'default';
  /** The pods the finding stands for; empty when a workload's pod template was judged. */
  pods: string[];
}

/** enforce rejects pods (error); audit and warn only record or warn (warning). */
export const PSS_MODE_SEVERITY: Readonly<Record<PssAdmissionMode, FindingSeverity>> = { enforce: 'error', audit: 'warning', warn: 'warning' };

export interface PssFindingOptions {
  /** The cluster defaults for namespaces without labels (`--pss-level` sets `enforce`). */
  defaults?: PssDefaults;
}

/**
 * `pss-violation` findings: every subject judged at its namespace's enforce, audit and warn
 * levels (labels, else the defaults). A check failed in several modes with the same message
 * is one finding, in the strongest mode (enforce, then audit, then warn), listing the others
 * in `modes`; pods of one endpoint that fail alike are one finding listing the pods.
 * Namespaces absent from `namespaces` have no labels. Sorted by namespace, object, mode, check.
 */
export function pssViolationFindings(namespaces: readonly NamespaceInfo[], subjects: readonly PssSubject[], options: PssFindingOptions = {}): PssViolationFinding[] {
  const labelsOf = new Map(namespaces.map((n) => [n.name, n.labels]));
  const policies = new Map<string, ModePolicy[]>();
  const policyOf = (ns: string) => {
    let p = policies.get(ns);
    if (!p) policies.set(ns, (p = namespacePssPolicy(labelsOf.get(ns) ?? {}, options.defaults)));
    return p;
  };
  const byKey = new Map<string, PssViolationFinding>();
  for (const s of subjects) {
    const judged = new Map<string, ReturnType<typeof evaluatePod>>();
    for (const mp of policyOf(s.namespace)) {
      if (mp.level === 'privileged') continue;
      const lvKey = formatLevelVersion(mp);
      let result = judged.get(lvKey);
      if (!result) judged.set(lvKey, (result = evaluatePod(s.pod, mp, { template: s.template })));
      for (const v of result.violations) {
        const text = v.detail ? `${v.reason} (${v.detail})` : v.reason;
        const key = `${s.object}\u0000${v.check}\u0000${text}`;
        const seen = byKey.get(key);
        if (seen) {
          if (!seen.modes.includes(mp.mode)) seen.modes.push(mp.mode);
          for (const p of s.pods) if (!seen.pods.includes(p)) seen.pods.push(p);
          continue;
        }
        const verb = mp.mode === 'enforce' && !s.template ? 'violates' : 'would violate';
        const invalid = mp.invalid.length ? ` (unparseable label ${mp.invalid.join(', ')}: judged as ${lvKey}, as the API server judges it)` : mp.newer ? ` (${mp.newer})` : '';
        const by = mp.from === 'default' ? ` (cluster default ${mp.mode} level: the namespace has no pod-security.kubernetes.io/${mp.mode} label)` : '';
        byKey.set(key, {
          id: 'pss-violation',
          severity: PSS_MODE_SEVERITY[mp.mode],
          namespace: s.namespace,
          object: s.object,
          message: `${s.template ? `pod template of ${s.kind} ${s.object.slice(s.namespace.length + 1, s.object.lastIndexOf('['))}` : 'pod'} ${verb} PodSecurity ${JSON.stringify(lvKey)}: ${text}${by}${invalid}`,
          remedy: pssRemedy(v.check, v.detail, s.template),
          rule: `${mp.mode} ${v.check}`,
          check: v.check,
          level: mp.level,
          version: mp.version,
          mode: mp.mode,
          modes: [mp.mode],
          levelFrom: mp.from,
          pods: [...s.pods],
        });
      }
    }
  }
  const modeRank = (m: PssAdmissionMode) => PSS_MODES.indexOf(m);
  const out = [...byKey.values()];
  for (const f of out) {
    f.modes.sort((a, b) => modeRank(a) - modeRank(b));
    f.pods.sort(compareStrings);
    // With several pods, one pod's message stands for all of them.
    if (f.pods.length > 1) f.message = `${f.message}; pods ${f.pods.join(', ')}`;
  }
  return out.sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.object, b.object) || modeRank(a.mode) - modeRank(b.mode) || compareStrings(a.check, b.check) || compareStrings(a.message, b.message));
}

/** `container "a"` / `pod or containers "a", "b"` / `pod and container "a"`: who a detail clause names. */
const CLAUSE = /^(.*?) must (not )?(set|include) (.*)$/;

/** One clause of an API server detail (`container "c" must set X`) turned into what to do. */
function clauseRemedy(clause: string): string {
  const m = CLAUSE.exec(clause);
  if (!m) return clause;
  const [, who = '', not, verb, what = ''] = m;
  if (verb === 'include') {
    // `must not include "NET_RAW" in securityContext.capabilities.add`
    const [caps = what, field = 'securityContext.capabilities.add'] = what.split(' in ');
    return `remove ${caps} from ${field} in ${who}`;
  }
  return not ? `do not set ${what} in ${who}` : `set ${what} in ${who}`;
}

/**
 * What to change so the check passes, from the check and the API server's detail
 * (which names the containers, volumes and fields concerned).
 */
export function pssRemedy(check: string, detail: string, template = false): string {
  const where = template ? ' of the pod template' : '';
  const clauses = () => detail.split('; ').map(clauseRemedy).join('; ');
  switch (check) {
    case 'hostNamespaces':
      return `set ${detail.replaceAll('=true', '=false')} (or leave unset) in the pod spec${where}`;
    case 'hostPathVolumes':
      return `replace hostPath ${detail}${where} with another volume type (emptyDir, a persistentVolumeClaim, a configMap or secret)`;
    case 'hostPorts':
      return `remove the hostPort fields (${detail})${where}; expose the pod through a Service instead`;
    case 'hostProbesAndHostLifecycle':
      return `remove the host field of the probes and lifecycle handlers (${detail})${where}; they then target the pod's own IP`;
    case 'sysctls':
      return `remove the sysctls ${detail} from spec.securityContext.sysctls${where}; only the safe set is allowed`;
    case 'restrictedVolumes':
      return `replace ${detail}${where} with an allowed type: configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret`;
    case 'seLinuxOptions':
      return `remove the forbidden seLinuxOptions (${detail})${where}: type may only be container_t, container_init_t, container_kvm_t or container_engine_t, user and role must be unset`;
    case 'seccompProfile_baseline':
      return detail.startsWith('forbidden annotation') ? `remove the ${detail}${where}` : `${clauses()}${where}; use RuntimeDefault or Localhost`;
    case 'appArmorProfile':
      return `${clauses()}${where}; use RuntimeDefault or Localhost`;
    case 'runAsUser':
      return `${clauses()}${where}; run as a non-zero UID`;
    default:
      return `${clauses()}${where}`;
  }
}

// The server cross-check only serves these findings; one export line in src/index.ts covers both.
