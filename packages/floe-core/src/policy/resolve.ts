import { InputError } from '../errors.js';
import { compareStrings } from '../util/compare.js';
import { externalEndpoint, hostEndpoint, type Endpoint } from './engine.js';
import { formatIp, parseIp } from './ip.js';
import type { ClusterModel, PodInfo } from './types.js';

export interface ResolvedEndpoint {
  endpoint: Endpoint;
  /** How the text was understood, e.g. `floe-jobs/a[Pod]`, `10.1.2.3 (pod floe-jobs/a)`. */
  name: string;
  /** When an endpoint stands for several pods that policies can tell apart, the one evaluated. */
  representative?: string;
}

const sameAddress = (a: string, b: string): boolean => {
  const x = parseIp(a);
  const y = parseIp(b);
  return x !== null && y !== null && x.family === y.family && x.value === y.value;
};

/**
 * `ns/pod`, `ns/name[Kind]`, an IP address or a host name → an endpoint. A pod's own IP is
 * that pod; any other address is external; a name with a dot and no slash is a host
 * outside the cluster (`*.example.com`: every name that pattern covers). Unknown names are exit 2 with the
 * endpoints of that namespace as hints.
 */
export function resolveEndpoint(model: ClusterModel, text: string): ResolvedEndpoint {
  const ip = parseIp(text);
  if (ip) {
    const owner = model.pods.find((p) => p.ips.some((x) => sameAddress(x, text)));
    if (owner) return { endpoint: { kind: 'pod', pod: owner }, name: `${owner.endpoint} (pod ${owner.namespace}/${owner.name} has ${formatIp(ip.family, ip.value)})` };
    return { endpoint: externalEndpoint(text) as Endpoint, name: `${formatIp(ip.family, ip.value)}[External]` };
  }
  const host = hostEndpoint(text);
  if (host) return { endpoint: host, name: host.kind === 'host' ? host.text : text };
  const m = /^([^/\s]+)\/([^/[\s]+)(?:\[([A-Za-z]+)\])?$/.exec(text);
  if (!m) throw new InputError(`"${text}" is not ns/pod, ns/name[Kind], an IP address or a host name (example.com, *.example.com)`);
  const [, ns = '', name = '', kind] = m;
  let members: PodInfo[];
  if (kind) members = model.pods.filter((p) => p.endpoint === text);
  else {
    const pod = model.pods.filter((p) => p.namespace === ns && p.name === name);
    members = pod.length > 0 ? pod : model.pods.filter((p) => p.endpoint.startsWith(`${ns}/${name}[`));
    const kinds = new Set(members.map((p) => p.endpoint));
    if (kinds.size > 1) throw new InputError(`"${text}" is ambiguous: ${[...kinds].sort(compareStrings).join(', ')}; name one with [Kind]`);
  }
  if (members.length === 0) {
    const inNs = [...new Set(model.pods.filter((p) => p.namespace === ns).map((p) => p.endpoint))].sort(compareStrings);
    const hint = inNs.length === 0 ? `namespace ${ns} has no pods or workloads in the input` : `${ns} has ${inNs.slice(0, 10).join(', ')}${inNs.length > 10 ? `, … (${inNs.length})` : ''}`;
    throw new InputError(`no pod or workload "${text}": ${hint}`);
  }
  const sorted = [...members].sort((a, b) => compareStrings(a.name, b.name));
  const first = sorted[0] as PodInfo;
  const distinct = new Set(sorted.map((p) => JSON.stringify([p.labels, p.ips.length > 0, p.ports]))).size > 1;
  // A pod named directly but reported as its workload says which pod it is.
  const shown = !kind && !first.template && first.name === name && first.endpoint !== `${ns}/${name}[Pod]` ? `${first.endpoint} (pod ${ns}/${name})` : first.endpoint;
  return { endpoint: { kind: 'pod', pod: first }, name: shown, ...(distinct && members.length > 1 ? { representative: `${first.namespace}/${first.name}` } : {}) };
}
