import type { IntentPlan, NetworkIntent, PodsPeer } from '../intent/types.js';
import type { SourcedObject } from '../k8s/objects.js';
import { buildInventory } from './inventory.js';
import { compareStrings } from '../util/compare.js';
import { PolicyEngine, endpointName, externalEndpoint, hostEndpoint, type Endpoint, type PortQuery, type SideVerdict, type Verdict } from './engine.js';
import { compileIpBlock, formatIp, ipBlockContains, parseIp } from './ip.js';
import { ipBlockCoversHost, nameMatcher } from './hostname.js';
import type { PodInfo, PolicyProtocol } from './types.js';
import { workloadName } from '../workloads/identity.js';

/** One flow the proof checks: intended (must be allowed) or forbidden (must be denied). */
export interface ProofFlow {
  /** `floe-jobs->polaris TCP/8181`, `forbidden: floe-jobs -> floe-jobs TCP/8080`. */
  id: string;
  expect: 'allowed' | 'denied';
  from: string;
  to: string;
  port: PortQuery;
  reason: string;
}

export interface ProofResult {
  flow: ProofFlow;
  ok: boolean;
  /** When not ok: the side and rule that break the flow, in one line. */
  why: string | null;
}

const STAND_IN = 'floe.dev/stand-in';
/** Samples for "every port": what an open rule must admit. */
const ANY_PORTS: PortQuery[] = [{ protocol: 'TCP', port: 8080 }];
const NON_SERVICE_CANDIDATES = [8080, 8443, 5432, 22, 3306];
/** RFC 5737 / RFC 3849 documentation addresses. */
const SAMPLE_ADDRESSES = ['203.0.113.10', '2001:db8::10'];
/** The cloud metadata endpoints (AWS, GCP, Azure; AWS over IPv6). */
const METADATA_ADDRESSES = ['169.254.169.254', 'fd00:ec2::254'];

const portText = (q: PortQuery) => `${q.protocol}/${q.port}`;

/** The one line that says why a side decided as it did. */
function blame(v: Verdict, expect: 'allowed' | 'denied'): string {
  const sides: SideVerdict[] = [v.egress, v.ingress];
  if (expect === 'allowed') {
    const denying = sides.filter((s) => !s.allowed);
    return denying
      .map((s) => {
        if (s.closest) return `${s.direction} at ${s.subject} is denied: closest rule ${s.closest.rule} (${s.closest.reasons.join('; ')})`;
        return `${s.direction} at ${s.subject} is denied: ${s.isolatedBy.join(', ')} isolate${s.isolatedBy.length === 1 ? 's' : ''} it with no ${s.direction} rule`;
      })
      .join('; ');
  }
  return sides
    .map((s) => (s.isolated ? `${s.direction} at ${s.subject} admitted by ${s.allowedBy.map((r) => r.rule).join(', ')}` : `${s.direction} at ${s.subject} is not isolated`))
    .join('; ');
}

/**
 * The intent proof: over the generated objects plus one stand-in pod per
 * role and service, every intended flow is allowed end to end and every
 * forbidden one is denied (job ↔ job, domain ↔ domain, jobs → platform on a
 * port no service listens on, jobs → 10.0.0.0/8 on 443, anything →
 * kube-system but DNS). Pure: objects and plan in, one result per flow out.
 */
export function proveIntents(plan: IntentPlan, generated: readonly SourcedObject[]): ProofResult[] {
  const pods: PodInfo[] = [];
  const byKey = new Map<string, PodInfo>();
  const standIn = (namespace: string, labels: Record<string, string>, tag: string): PodInfo => {
    const key = `${namespace}\u0000${tag}`;
    let pod = byKey.get(key);
    if (!pod) {
      const name = `stand-in-${tag}`;
      pod = { namespace, name, labels: { ...labels, [STAND_IN]: tag }, ips: [], ports: [], endpoint: workloadName({ namespace, kind: 'Pod', name }) };
      byKey.set(key, pod);
      pods.push(pod);
    }
    return pod;
  };
  // One stand-in per service (namespace and pod labels); generic pods a and b per namespace.
  const serviceTags = new Map<string, string>();
  const peerPod = (p: PodsPeer, role: 'a' | 'b' = 'a'): PodInfo => {
    if (!p.podLabels || Object.keys(p.podLabels).length === 0) return standIn(p.namespace, {}, role);
    const key = `${p.namespace}\u0000${JSON.stringify(Object.entries(p.podLabels).sort(([a], [b]) => compareStrings(a, b)))}`;
    let tag = serviceTags.get(key);
    if (!tag) {
      // Named after the service's label values (`stand-in-polaris`), so failures read as the flow.
      const base = Object.values(p.podLabels).join('-').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'svc';
      const taken = new Set(serviceTags.values());
      tag = taken.has(base) || base === 'a' || base === 'b' ? `${base}-${serviceTags.size}` : base;
      serviceTags.set(key, tag);
    }
    return standIn(p.namespace, p.podLabels, tag);
  };

  // Stand-ins first, so the engine sees every pod of the proof.
  const flows: { flow: ProofFlow; from: PodInfo; to: PodInfo | Endpoint }[] = [];
  const intended = (i: NetworkIntent) => {
    const from = peerPod(i.from);
    const queries: PortQuery[] = i.ports.length === 0 ? ANY_PORTS : i.ports.flatMap((p) => [{ protocol: p.protocol as PolicyProtocol, port: p.port }, ...(p.endPort !== undefined && p.endPort !== p.port ? [{ protocol: p.protocol as PolicyProtocol, port: p.endPort }] : [])]);
    let to: PodInfo | Endpoint;
    let toName: string;
    if (i.to.kind === 'fqdn') {
      // Host names are endpoints of the engine (a `*.` pattern stands for every name under it): one flow per name.
      for (const name of i.to.names) {
        const host = hostEndpoint(name) as Endpoint;
        for (const q of queries) flows.push({ flow: { id: `${i.id} ${name} ${portText(q)}`, expect: 'allowed', from: from.endpoint, to: endpointName(host), port: q, reason: i.reason }, from, to: host });
      }
      return;
    } else if (i.to.kind === 'pods') {
      // A namespace talking to itself is two pods of it, not one pod to itself.
      const self = i.to.namespace === i.from.namespace && !i.to.podLabels && !i.from.podLabels;
      const pod = peerPod(i.to, self ? 'b' : 'a');
      to = pod;
      toName = pod.endpoint;
    } else {
      const block = compileIpBlock({ cidr: i.to.cidr, except: i.to.except }, `intent ${i.id}`);
      // A documentation address when the block holds one (reads as "somewhere on the internet"), else its first usable one.
      const first = block.ranges[0];
      const documented = SAMPLE_ADDRESSES.map(parseIp).find((ip) => ip !== null && ipBlockContains(block, ip.family, ip.value));
      const sample = documented ? formatIp(documented.family, documented.value) : first ? formatIp(block.family, first.first + (first.last > first.first ? 1n : 0n)) : (i.to.cidr.split('/')[0] ?? '');
      to = externalEndpoint(sample) as Endpoint;
      toName = `${sample}[External]`;
      // The cloud metadata endpoints too, when the block holds them: the address a guardrail (or an ipBlock except) most often singles out.
      for (const text of METADATA_ADDRESSES) {
        const ip = parseIp(text);
        if (!ip || text === sample || !ipBlockContains(block, ip.family, ip.value)) continue;
        const endpoint = externalEndpoint(text) as Endpoint;
        for (const q of queries) flows.push({ flow: { id: `${i.id} ${text} ${portText(q)}`, expect: 'allowed', from: from.endpoint, to: `${text}[External]`, port: q, reason: i.reason }, from, to: endpoint });
      }
    }
    for (const q of queries) flows.push({ flow: { id: `${i.id} ${portText(q)}`, expect: 'allowed', from: from.endpoint, to: toName, port: q, reason: i.reason }, from, to });
  };
  plan.intents.forEach(intended);

  /** Whether the manifest itself intends `from` -> `to` on `port` (a custom egress rule may): then it is not forbidden. */
  // Indexed by source namespace: a forbidden flow looks only at its own namespace's intents (at 10,000 domains, 5 instead of 50,000).
  const intentsFrom = new Map<string, NetworkIntent[]>();
  for (const i of plan.intents) {
    const list = intentsFrom.get(i.from.namespace);
    if (list) list.push(i);
    else intentsFrom.set(i.from.namespace, [i]);
  }
  const intendedByManifest = (from: PodInfo, to: PodInfo | Endpoint, port: PortQuery): boolean =>
    (intentsFrom.get(from.namespace) ?? []).some((i) => {
      const portOk = i.ports.length === 0 || i.ports.some((p) => p.protocol === port.protocol && p.port <= port.port && port.port <= (p.endPort ?? p.port));
      if (!portOk) return false;
      if ('kind' in to) {
        if (to.kind === 'host') {
          if (i.to.kind === 'fqdn') return i.to.names.some((n) => nameMatcher(n.startsWith('*') ? { matchPattern: n } : { matchName: n }).matches(to.name));
          return i.to.kind === 'cidr' && ipBlockCoversHost(compileIpBlock({ cidr: i.to.cidr, except: i.to.except }, `intent ${i.id}`)) !== 'none';
        }
        if (to.kind !== 'external' || i.to.kind !== 'cidr') return false;
        return ipBlockContains(compileIpBlock({ cidr: i.to.cidr, except: i.to.except }, `intent ${i.id}`), to.family, to.value);
      }
      return i.to.kind === 'pods' && i.to.namespace === to.namespace && Object.entries(i.to.podLabels ?? {}).every(([k, v]) => to.labels[k] === v);
    });
  const forbid = (id: string, from: PodInfo, to: PodInfo | Endpoint, port: PortQuery, reason: string) =>
    !intendedByManifest(from, to, port) &&
    flows.push({ flow: { id: `forbidden: ${id} ${portText(port)}`, expect: 'denied', from: from.endpoint, to: 'kind' in to ? endpointName(to) : to.endpoint, port, reason }, from, to });
  const jobs = plan.namespaces.filter((n) => n.role === 'jobs');
  const domains = plan.namespaces.filter((n) => n.role === 'domain');
  const platform = plan.namespaces.filter((n) => n.role === 'platform');
  for (const j of jobs) {
    forbid(`${j.name} -> ${j.name}`, standIn(j.name, {}, 'a'), standIn(j.name, {}, 'b'), { protocol: 'TCP', port: 8080 }, 'jobs never talk to each other');
    forbid(`${j.name} -> 10.0.0.0/8`, standIn(j.name, {}, 'a'), externalEndpoint('10.1.2.3') as Endpoint, { protocol: 'TCP', port: 443 }, 'external HTTPS excludes private ranges');
    // Egress by host name admits the names listed, no other (RFC 2606 reserves example.com: no manifest means it).
    forbid(`${j.name} -> example.com`, standIn(j.name, {}, 'a'), hostEndpoint('example.com') as Endpoint, { protocol: 'TCP', port: 443 }, 'external egress reaches the names and ranges the manifest lists');
    for (const p of platform) {
      const servicePorts = new Set(plan.intents.filter((i) => i.from.namespace === j.name && i.to.kind === 'pods' && i.to.namespace === p.name).flatMap((i) => i.ports.map((x) => x.port)));
      const port = NON_SERVICE_CANDIDATES.find((x) => !servicePorts.has(x)) ?? 1;
      const targets = plan.intents.filter((i) => i.from.namespace === j.name && i.to.kind === 'pods' && i.to.namespace === p.name).map((i) => peerPod(i.to as PodsPeer));
      for (const t of new Set(targets)) forbid(`${j.name} -> ${t.endpoint}`, standIn(j.name, {}, 'a'), t, { protocol: 'TCP', port }, 'jobs reach platform services on their service ports only');
    }
  }
  domains.forEach((d, i) => {
    const next = domains[(i + 1) % domains.length];
    if (next && next.name !== d.name) forbid(`${d.name} -> ${next.name}`, standIn(d.name, {}, 'a'), standIn(next.name, {}, 'a'), { protocol: 'TCP', port: 8080 }, 'domains are isolated from each other');
  });
  const dns = plan.intents.find((i) => i.id.endsWith('->dns'))?.to;
  const kubeSystem = dns && dns.kind === 'pods' ? dns.namespace : 'kube-system';
  for (const n of plan.namespaces) {
    const from = standIn(n.name, {}, 'a');
    if (dns && dns.kind === 'pods') forbid(`${n.name} -> ${kubeSystem} DNS pods, not DNS`, from, peerPod(dns), { protocol: 'TCP', port: 443 }, 'only DNS may reach kube-system');
    forbid(`${n.name} -> ${kubeSystem} other pods`, from, standIn(kubeSystem, {}, 'a'), { protocol: 'UDP', port: 53 }, 'only the DNS pods of kube-system are reachable');
  }

  const inventory = buildInventory(generated);
  // A plugin may render API-server egress as Cilium's kube-apiserver entity: it stands for the addresses the manifest gives.
  const kubeApiserverCidrs = plan.intents.flatMap((i) => (i.purpose === 'api-server' && i.to.kind === 'cidr' ? [i.to.cidr] : []));
  const engine = new PolicyEngine({ ...inventory.model, pods: [...inventory.model.pods, ...pods] }, { kubeApiserverCidrs });
  const asEndpoint = (x: PodInfo | Endpoint): Endpoint => ('kind' in x ? x : { kind: 'pod', pod: x });
  return flows.map(({ flow, from, to }) => {
    const verdict = engine.evaluate({ kind: 'pod', pod: from as PodInfo }, asEndpoint(to), flow.port);
    // A verdict floe cannot stand behind proves nothing either way.
    const ok = verdict.determined && verdict.allowed === (flow.expect === 'allowed');
    const unknown = [verdict.egress, verdict.ingress].flatMap((x) => x.undetermined);
    return { flow, ok, why: ok ? null : verdict.determined ? blame(verdict, flow.expect) : `not determined: ${unknown.join('; ')}` };
  });
}
