import { PolicyEngine, externalEndpoint, type Endpoint, type Verdict } from '../../src/policy/engine.js';
import type { ClusterModel, ContainerPort, EngineOptions, NetworkPolicySpec, PodInfo, PolicyObject, PolicyProtocol } from '../../src/policy/types.js';

export function pod(ref: string, labels: Record<string, string> = {}, extra: { ips?: string[]; ports?: ContainerPort[] } = {}): PodInfo {
  const [namespace = '', name = ''] = ref.split('/');
  return { namespace, name, labels, ips: extra.ips ?? [], ports: extra.ports ?? [], endpoint: `${namespace}/${name}[Pod]` };
}

export function np(ref: string, spec: NetworkPolicySpec): PolicyObject {
  const [namespace = '', name = ''] = ref.split('/');
  return { namespace, name, spec };
}

export function model(parts: Partial<ClusterModel>): ClusterModel {
  return { namespaces: parts.namespaces ?? [], pods: parts.pods ?? [], policies: parts.policies ?? [] };
}

/** `ns/pod` names a pod of the model, anything else is an IP address. */
export function endpoint(m: ClusterModel, ref: string): Endpoint {
  const p = m.pods.find((x) => `${x.namespace}/${x.name}` === ref);
  if (p) return { kind: 'pod', pod: p };
  const e = externalEndpoint(ref);
  if (!e) throw new Error(`no pod or IP ${ref}`);
  return e;
}

/** The verdict for `from` → `to` on `port` (`8080`, `53/UDP`), or on any port when omitted. */
export function check(m: ClusterModel, from: string, to: string, port?: string, options?: EngineOptions): Verdict {
  const engine = new PolicyEngine(m, options);
  let query: { protocol: PolicyProtocol; port: number } | undefined;
  if (port) {
    const [n, proto = 'TCP'] = port.split('/');
    query = { protocol: proto as PolicyProtocol, port: Number(n) };
  }
  return engine.evaluate(endpoint(m, from), endpoint(m, to), query);
}

export const allowed = (m: ClusterModel, from: string, to: string, port?: string, options?: EngineOptions): boolean => check(m, from, to, port, options).allowed;
