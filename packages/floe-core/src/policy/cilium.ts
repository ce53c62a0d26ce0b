import { InputError } from '../errors.js';
import { NAMESPACE_NAME_LABEL, type LabelSelector, type LabelSelectorRequirement } from '../k8s/meta.js';
import { isRecord } from '../util/shape.js';
import { compilePort, type CompiledPeer, type CompiledPolicy, type CompiledPort, type CompiledRule } from './compile.js';
import { nameMatcher } from './hostname.js';
import { compileIpBlock } from './ip.js';
import { compileSelector, type CompiledSelector } from './selector.js';
import type { CiliumPolicyObject, Direction, PolicyProtocol } from './types.js';

/**
 * cilium.io/v2 CiliumNetworkPolicy → the engine's compiled policies, for the
 * subset floe writes (docs/cilium-policies.md): endpointSelector; from/toEndpoints with
 * the namespace label; from/toCIDR and CIDRSet with except; from/toEntities;
 * toFQDNs as named external peers; toPorts with the DNS-proxy rule.
 *
 * Semantics relied on (Cilium docs, "Policy Enforcement Modes", default mode,
 * and api.Rule's enableDefaultDeny in pkg/policy/api/rule.go): policies are
 * additive with NetworkPolicies; an endpoint selected by a rule with a
 * non-empty ingress (egress) section is default-deny in that direction. So a
 * CNP compiles to a policy isolating the directions whose section is non-empty,
 * exactly as a NetworkPolicy with those policyTypes, and the engine's union of
 * allowances stays right. A peer selector of a namespaced policy without the
 * `io.kubernetes.pod.namespace` label means the policy's own namespace
 * (pkg/k8s/apis/cilium.io/utils/utils.go injects it); a rule with toPorts and
 * no L3 field admits every peer on those ports ("Layer 4 Policies"); an empty
 * rule `{}` admits nothing; CIDR rules never match addresses of pods or nodes.
 *
 * Anything outside the subset (L7 rules other than dns, toServices, toGroups,
 * toNodes, nodeSelector, ingressDeny/egressDeny, toRequires, ICMP, TLS and
 * auth, enableDefaultDeny: false, clusterwide policies) makes the whole object
 * "not evaluated": it is listed with the pods it selects, and verdicts for
 * those pods say they are undetermined.
 */

export const CILIUM_KINDS = ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'] as const;

/** A Cilium policy floe does not evaluate, with why and whom it selects. */
export interface NotEvaluatedPolicy {
  /** `ns/name[CiliumNetworkPolicy]` or `name[CiliumClusterwideNetworkPolicy]`. */
  id: string;
  kind: CiliumPolicyObject['kind'];
  namespace: string | null;
  name: string;
  /** The fields outside floe's subset, by path (`spec.egress[0].toServices`). */
  reasons: string[];
  /** The pods it selects: a namespace selector (null: its own namespace) and a pod selector; null when floe cannot tell (every pod of its scope counts). */
  selects: { namespaces: CompiledSelector | null; pods: CompiledSelector } | null;
  /** The directions it may decide (those with a section of any kind). */
  directions: Direction[];
}

export interface CompiledCilium {
  policies: CompiledPolicy[];
  notEvaluated: NotEvaluatedPolicy | null;
}

export const ciliumPolicyId = (p: Pick<CiliumPolicyObject, 'kind' | 'namespace' | 'name'>): string => `${p.namespace === null ? '' : `${p.namespace}/`}${p.name}[${p.kind}]`;

const POD_NAMESPACE = 'io.kubernetes.pod.namespace';
const NAMESPACE_LABELS = 'io.cilium.k8s.namespace.labels.';
const WORLD = [
  ['0.0.0.0/0', 'world-ipv4'],
  ['::/0', 'world-ipv6'],
] as const;
/** Entities floe cannot place on a pod or address it lists: matched by nothing it is asked about. */
const UNMODELLED_ENTITIES = new Set(['health', 'init', 'ingress', 'unmanaged', 'none']);
const RULE_KEYS: Record<Direction, ReadonlySet<string>> = {
  ingress: new Set(['fromEndpoints', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'toPorts']),
  egress: new Set(['toEndpoints', 'toCIDR', 'toCIDRSet', 'toEntities', 'toFQDNs', 'toPorts']),
};
const SPEC_KEYS = new Set(['endpointSelector', 'ingress', 'egress', 'enableDefaultDeny', 'description', 'labels']);

type Target = { side: 'pod' | 'ns'; key: string; nsName: boolean } | { unsupported: string };

/** A Cilium selector key (`k8s:app`, `any:app`, `app`, `k8s:io.kubernetes.pod.namespace`, ...) → the pod or namespace label it reads. */
function targetOf(raw: string): Target {
  let key = raw;
  const colon = key.indexOf(':');
  if (colon >= 0) {
    const source = key.slice(0, colon);
    if (source !== 'k8s' && source !== 'any') return { unsupported: `label source "${source}:" (${raw})` };
    key = key.slice(colon + 1);
  }
  if (key === POD_NAMESPACE) return { side: 'ns', key: NAMESPACE_NAME_LABEL, nsName: true };
  if (key.startsWith(NAMESPACE_LABELS)) return { side: 'ns', key: key.slice(NAMESPACE_LABELS.length), nsName: false };
  if (key.startsWith('io.cilium.k8s.policy.') || key.startsWith('io.kubernetes.pod.') || key.startsWith('io.cilium.')) return { unsupported: `label ${raw} (service account, cluster or other Cilium identity label)` };
  return { side: 'pod', key, nsName: false };
}

interface Split {
  pods: LabelSelector;
  ns: LabelSelector;
  /** The selector names the namespace itself (so Cilium does not add the policy's). */
  nsName: boolean;
}

function splitSelector(sel: unknown, at: string, unsupported: string[]): Split {
  const out: Split = { pods: {}, ns: {}, nsName: false };
  if (sel === undefined || sel === null) return out;
  if (!isRecord(sel)) throw new InputError(`${at}: expected a label selector (a mapping)`);
  const add = (raw: string, put: (side: LabelSelector, key: string) => void) => {
    const t = targetOf(raw);
    if ('unsupported' in t) {
      unsupported.push(`${at}: ${t.unsupported}`);
      return;
    }
    if (t.nsName) out.nsName = true;
    put(t.side === 'pod' ? out.pods : out.ns, t.key);
  };
  if (sel.matchLabels !== undefined) {
    if (!isRecord(sel.matchLabels)) throw new InputError(`${at}.matchLabels: expected a mapping`);
    for (const [k, v] of Object.entries(sel.matchLabels)) {
      if (v !== null && typeof v === 'object') throw new InputError(`${at}.matchLabels.${k}: expected a string`);
      add(k, (side, key) => {
        side.matchLabels = { ...side.matchLabels, [key]: String(v ?? '') };
      });
    }
  }
  if (sel.matchExpressions !== undefined) {
    if (!Array.isArray(sel.matchExpressions)) throw new InputError(`${at}.matchExpressions: expected a list`);
    sel.matchExpressions.forEach((e: unknown, i) => {
      if (!isRecord(e) || typeof e.key !== 'string' || typeof e.operator !== 'string') throw new InputError(`${at}.matchExpressions[${i}]: expected key and operator`);
      const values = Array.isArray(e.values) ? e.values.map(String) : undefined;
      add(e.key, (side, key) => {
        const req: LabelSelectorRequirement = { key, operator: e.operator as LabelSelectorRequirement['operator'], ...(values ? { values } : {}) };
        side.matchExpressions = [...(side.matchExpressions ?? []), req];
      });
    });
  }
  return out;
}

const list = (v: unknown, at: string): unknown[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new InputError(`${at}: expected a list`);
  return v;
};

function describeEndpoints(namespaces: CompiledSelector | null, pods: CompiledSelector, policyNs: string): string {
  const who = pods.empty ? 'all endpoints' : `endpoints with ${pods.key}`;
  if (!namespaces) return `${who} in namespace ${policyNs}`;
  if (namespaces.empty) return `${who} in every namespace`;
  return `${who} in namespaces with ${namespaces.key}`;
}

function endpointsPeer(sel: unknown, index: number, policyNs: string, at: string, unsupported: string[]): CompiledPeer {
  const s = splitSelector(sel, at, unsupported);
  const hasNs = (s.ns.matchLabels && Object.keys(s.ns.matchLabels).length > 0) || (s.ns.matchExpressions?.length ?? 0) > 0;
  let nsSel: LabelSelector | null = null;
  if (s.nsName) nsSel = s.ns;
  else if (hasNs) nsSel = { ...s.ns, matchLabels: { ...s.ns.matchLabels, [NAMESPACE_NAME_LABEL]: policyNs } };
  const namespaces = nsSel ? compileSelector(nsSel, `${at} (namespace labels)`) : null;
  const pods = compileSelector(s.pods, `${at} (pod labels)`);
  return { kind: 'pods', index, namespaces, pods, text: describeEndpoints(namespaces, pods, policyNs) };
}

function entityPeers(entity: string, index: number, at: string, unsupported: string[]): CompiledPeer[] {
  const world = (which: readonly (typeof WORLD)[number][]) =>
    which.map(([cidr]) => ({ kind: 'ipBlock' as const, index, block: compileIpBlock({ cidr }, at), text: `entity ${entity} (${cidr}, outside the cluster)`, pods: false as const }));
  const everyPod = (): CompiledPeer => {
    const all = compileSelector({}, at);
    return { kind: 'pods', index, namespaces: all, pods: all, text: `entity ${entity} (every pod)` };
  };
  const entityPeer = (e: string): CompiledPeer => ({ kind: 'entity', index, entity: e, text: `entity ${e}` });
  switch (entity) {
    case 'world':
      return world(WORLD);
    case 'world-ipv4':
      return world([WORLD[0]]);
    case 'world-ipv6':
      return world([WORLD[1]]);
    case 'cluster':
      return [everyPod(), entityPeer('host'), entityPeer('remote-node'), entityPeer('kube-apiserver')];
    case 'all':
      return [everyPod(), ...world(WORLD), entityPeer('host'), entityPeer('remote-node'), entityPeer('kube-apiserver')];
    case 'host':
    case 'remote-node':
    case 'kube-apiserver':
      return [entityPeer(entity)];
    default:
      if (UNMODELLED_ENTITIES.has(entity)) return [entityPeer(entity)];
      unsupported.push(`${at}: entity "${entity}" is not one Cilium defines`);
      return [];
  }
}

function cidrPeers(v: unknown, withExcept: boolean, index: () => number, at: string, unsupported: string[]): CompiledPeer[] {
  return list(v, at).flatMap((c, i): CompiledPeer[] => {
    const where = `${at}[${i}]`;
    if (!withExcept) {
      if (typeof c !== 'string') throw new InputError(`${where}: expected a CIDR string`);
      const block = compileIpBlock({ cidr: c }, where);
      return [{ kind: 'ipBlock', index: index(), block, text: `CIDR ${block.text}`, pods: false }];
    }
    if (!isRecord(c)) throw new InputError(`${where}: expected a mapping with cidr`);
    if (c.cidr === undefined) {
      unsupported.push(`${where}: ${c.cidrGroupRef !== undefined ? 'cidrGroupRef' : c.cidrGroupSelector !== undefined ? 'cidrGroupSelector' : 'a CIDR set without cidr'}`);
      return [];
    }
    if (typeof c.cidr !== 'string') throw new InputError(`${where}.cidr: expected a string`);
    const except = list(c.except, `${where}.except`).map(String);
    const block = compileIpBlock({ cidr: c.cidr, except }, where);
    return [{ kind: 'ipBlock', index: index(), block, text: `CIDR ${block.text}`, pods: false }];
  });
}

const ANY: readonly PolicyProtocol[] = ['TCP', 'UDP', 'SCTP'];

/** toPorts → ports (null: every port); `rules.dns` is the DNS proxy (it filters queries, not connections) and stays evaluated. */
function compileToPorts(v: unknown, direction: Direction, at: string, unsupported: string[]): CompiledPort[] | null {
  const rules = list(v, at);
  if (rules.length === 0) return null;
  const out: CompiledPort[] = [];
  rules.forEach((r, i) => {
    const where = `${at}[${i}]`;
    if (!isRecord(r)) throw new InputError(`${where}: expected a mapping`);
    for (const k of Object.keys(r)) {
      if (k === 'ports') continue;
      if (k === 'rules' && isRecord(r.rules)) {
        for (const l7 of Object.keys(r.rules)) if (l7 !== 'dns' || direction !== 'egress') unsupported.push(`${where}.rules.${l7} (L7 policy)`);
        continue;
      }
      unsupported.push(`${where}.${k}`);
    }
    const ports = list(r.ports, `${where}.ports`);
    if (ports.length === 0) unsupported.push(`${where}: a port rule without ports`);
    ports.forEach((p, j) => {
      const pat = `${where}.ports[${j}]`;
      if (!isRecord(p)) throw new InputError(`${pat}: expected a mapping`);
      const protocol = p.protocol === undefined || p.protocol === null || p.protocol === '' ? 'ANY' : String(p.protocol).toUpperCase();
      if (protocol !== 'ANY' && !(ANY as readonly string[]).includes(protocol)) {
        unsupported.push(`${pat}: protocol ${protocol}`);
        return;
      }
      const raw = p.port === undefined || p.port === null ? '0' : String(p.port);
      const numeric = /^\d+$/.test(raw);
      const port = numeric ? (Number(raw) === 0 ? undefined : Number(raw)) : raw;
      const endPort = typeof p.endPort === 'number' && p.endPort > 0 && numeric ? p.endPort : undefined;
      for (const proto of protocol === 'ANY' ? ANY : [protocol as PolicyProtocol]) out.push(compilePort({ protocol: proto, ...(port !== undefined ? { port } : {}), ...(endPort !== undefined ? { endPort } : {}) }, pat));
    });
  });
  return out;
}

function compileRule(policy: CompiledPolicy, direction: Direction, raw: unknown, index: number, at: string, unsupported: string[]): CompiledRule | null {
  if (!isRecord(raw)) throw new InputError(`${at}: expected a mapping`);
  for (const k of Object.keys(raw)) if (!RULE_KEYS[direction].has(k)) unsupported.push(`${at}.${k}`);
  const ns = policy.namespace;
  const peers: CompiledPeer[] = [];
  let n = 0;
  const next = () => n++;
  const from = direction === 'ingress' ? 'from' : 'to';
  let l3 = false;
  const endpoints = list(raw[`${from}Endpoints`], `${at}.${from}Endpoints`);
  if (raw[`${from}Endpoints`] !== undefined) l3 = true;
  endpoints.forEach((sel, i) => peers.push(endpointsPeer(sel, next(), ns, `${at}.${from}Endpoints[${i}]`, unsupported)));
  for (const [key, withExcept] of [[`${from}CIDR`, false], [`${from}CIDRSet`, true]] as const) {
    if (raw[key] === undefined) continue;
    l3 = true;
    peers.push(...cidrPeers(raw[key], withExcept, next, `${at}.${key}`, unsupported));
  }
  if (raw[`${from}Entities`] !== undefined) {
    l3 = true;
    list(raw[`${from}Entities`], `${at}.${from}Entities`).forEach((e, i) => {
      const idx = next();
      peers.push(...entityPeers(String(e), idx, `${at}.${from}Entities[${i}]`, unsupported));
    });
  }
  if (direction === 'egress' && raw.toFQDNs !== undefined) {
    l3 = true;
    const names = list(raw.toFQDNs, `${at}.toFQDNs`).map((s, i) => {
      if (!isRecord(s) || (typeof s.matchName !== 'string' && typeof s.matchPattern !== 'string')) throw new InputError(`${at}.toFQDNs[${i}]: expected matchName or matchPattern`);
      return nameMatcher({ ...(typeof s.matchName === 'string' ? { matchName: s.matchName } : {}), ...(typeof s.matchPattern === 'string' ? { matchPattern: s.matchPattern } : {}) });
    });
    if (names.length > 0) peers.push({ kind: 'fqdn', index: next(), names, text: `names ${names.map((m) => m.text).join(', ')}` });
  }
  const ports = compileToPorts(raw.toPorts, direction, `${at}.toPorts`, unsupported);
  // An empty rule selects no peer: it only makes the section non-empty (default deny).
  if (!l3 && !ports) return null;
  return { policy, direction, index, peers: l3 ? peers : null, ports, hasNamedPorts: ports?.some((p) => p.kind === 'named') ?? false, ref: `${policy.id} ${direction}[${index}]` };
}

function compileRuleSet(p: CiliumPolicyObject, spec: unknown, at: string, id: string, unsupported: string[]): { policy: CompiledPolicy; selects: Split } {
  if (!isRecord(spec)) throw new InputError(`${ciliumPolicyId(p)}: ${at} is not a mapping`);
  for (const k of Object.keys(spec)) {
    if (SPEC_KEYS.has(k)) continue;
    if (k === 'ingressDeny' || k === 'egressDeny') unsupported.push(`${at}.${k} (deny policy)`);
    else unsupported.push(`${at}.${k}`);
  }
  if (spec.endpointSelector === undefined) unsupported.push(`${at}: no endpointSelector`);
  const selects = splitSelector(spec.endpointSelector, `${at}.endpointSelector`, unsupported);
  const ns = p.namespace ?? '';
  const nsReqs = [...Object.entries(selects.ns.matchLabels ?? {}).filter(([k, v]) => !(k === NAMESPACE_NAME_LABEL && v === ns)), ...(selects.ns.matchExpressions ?? [])];
  if (p.namespace !== null && nsReqs.length > 0) unsupported.push(`${at}.endpointSelector: namespace labels in the selector of a namespaced policy`);
  const policy: CompiledPolicy = {
    id,
    namespace: ns,
    name: p.name,
    podSelector: compileSelector(selects.pods, `${ciliumPolicyId(p)} ${at}.endpointSelector`),
    ingress: null,
    egress: null,
    policyTypes: [],
    policyTypesDefaulted: false,
    kind: 'CiliumNetworkPolicy',
  };
  const dd = spec.enableDefaultDeny;
  if (dd !== undefined && !isRecord(dd)) throw new InputError(`${ciliumPolicyId(p)}: ${at}.enableDefaultDeny is not a mapping`);
  for (const direction of ['ingress', 'egress'] as const) {
    const rules = list(spec[direction], `${ciliumPolicyId(p)} ${at}.${direction}`);
    const deny = isRecord(dd) ? dd[direction] : undefined;
    if (deny === false && rules.length > 0) unsupported.push(`${at}.enableDefaultDeny.${direction}: false (allow rules without default deny)`);
    if (rules.length === 0 && deny !== true) continue;
    policy[direction] = rules.map((r, i) => compileRule(policy, direction, r, i, `${at}.${direction}[${i}]`, unsupported)).filter((r): r is CompiledRule => r !== null);
    policy.policyTypes.push(direction);
  }
  return { policy, selects };
}

/** One Cilium policy object compiled; malformed input is an InputError naming the object and the field. */
export function compileCiliumPolicy(p: CiliumPolicyObject): CompiledCilium {
  const id = ciliumPolicyId(p);
  const unsupported: string[] = [];
  if (p.kind === 'CiliumClusterwideNetworkPolicy') unsupported.push('a clusterwide policy (CiliumClusterwideNetworkPolicy)');
  const sets: { spec: unknown; at: string }[] = [];
  if (p.spec !== undefined && p.spec !== null) sets.push({ spec: p.spec, at: 'spec' });
  list(p.specs, `${id}: specs`).forEach((s, i) => sets.push({ spec: s, at: `specs[${i}]` }));
  if (sets.length === 0) throw new InputError(`${id}: has neither spec nor specs`);
  const compiled = sets.map((s) => compileRuleSet(p, s.spec, s.at, sets.length === 1 ? id : `${id} ${s.at}`, unsupported));
  if (unsupported.length === 0) return { policies: compiled.map((c) => c.policy), notEvaluated: null };
  const first = compiled.length === 1 ? compiled[0] : undefined;
  let selects: NotEvaluatedPolicy['selects'] = null;
  if (first) {
    const dropped: string[] = [];
    const s = splitSelector((isRecord(p.spec) ? p.spec : {}).endpointSelector, 'endpointSelector', dropped);
    const nsSel = p.namespace === null ? compileSelector(s.ns, `${id} endpointSelector`) : null;
    if (dropped.length === 0) selects = { namespaces: nsSel, pods: compileSelector(s.pods, `${id} endpointSelector`) };
  }
  const directions = (['ingress', 'egress'] as const).filter((d) =>
    sets.some(({ spec }) => isRecord(spec) && (list(spec[d], id).length > 0 || list(spec[`${d}Deny`], id).length > 0 || (isRecord(spec.enableDefaultDeny) && spec.enableDefaultDeny[d] === true))),
  );
  return { policies: [], notEvaluated: { id, kind: p.kind, namespace: p.namespace, name: p.name, reasons: [...new Set(unsupported)], selects, directions } };
}

/** Does a not-evaluated policy select this pod (when floe cannot tell which pods it selects: every pod of its scope)? */
export function notEvaluatedSelects(n: NotEvaluatedPolicy, pod: { namespace: string; labels: Record<string, string> }, namespaceLabels: Record<string, string>): boolean {
  if (n.namespace !== null && n.namespace !== pod.namespace) return false;
  if (!n.selects) return true;
  if (n.selects.namespaces && !n.selects.namespaces.matches(namespaceLabels)) return false;
  return n.selects.pods.matches(pod.labels);
}
