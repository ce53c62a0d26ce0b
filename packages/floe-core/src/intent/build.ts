import type { EgressAllowRule, FloeManifest } from '../config/schema.js';
import { domainNamespace } from '../config/schema.js';
import type { IntentPlan, ManagedNamespace, NetworkIntent, PodsPeer, PortSpec } from './types.js';

/** Everything but private, link-local (incl. the 169.254.169.254 metadata service) and loopback ranges. */
export const EXTERNAL_IPV4 = { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] };
export const EXTERNAL_IPV6 = { cidr: '::/0', except: ['::1/128', 'fc00::/7', 'fe80::/10'] };

const tcp = (...ports: number[]): PortSpec[] => ports.map((port) => ({ protocol: 'TCP', port }));

export function managedNamespaces(m: FloeManifest): ManagedNamespace[] {
  return [
    { name: m.namespaces.platform, role: 'platform' },
    { name: m.namespaces.jobs, role: 'jobs' },
    ...m.domains.map((d): ManagedNamespace => ({ name: d.namespace ?? domainNamespace(d.name), role: 'domain', domain: d.name })),
  ];
}

function allowRulePorts(rule: EgressAllowRule): PortSpec[] {
  if (rule.ports) return rule.ports.map((port) => ({ protocol: rule.protocol, port }));
  const spec: PortSpec = { protocol: rule.protocol, port: rule.port as number };
  if (rule.end_port !== undefined && rule.end_port !== rule.port) spec.endPort = rule.end_port;
  return [spec];
}

function allowRuleIntent(from: PodsPeer, rule: EgressAllowRule, field: string): NetworkIntent {
  const to: NetworkIntent['to'] = rule.to_cidr
    ? { kind: 'cidr', cidr: rule.to_cidr, except: [] }
    : { kind: 'pods', namespace: rule.to_namespace as string, ...(rule.to_pod_labels ? { podLabels: rule.to_pod_labels } : {}) };
  return { id: `${from.namespace}->${rule.name}`, from, to, ports: allowRulePorts(rule), reason: `${field} rule "${rule.name}"` };
}

/**
 * Turns the manifest into the flows the platform needs. Pure: the same
 * manifest always yields the same intents in the same order.
 */
export function buildIntents(m: FloeManifest): IntentPlan {
  const np = m.security.network_policies;
  const namespaces = managedNamespaces(m);
  const warnings: string[] = [];
  const intents: NetworkIntent[] = [];
  if (!np.enabled) return { namespaces, intents, warnings: ['security.network_policies.enabled is false: no NetworkPolicies are generated'] };

  const platform: PodsPeer = { kind: 'pods', namespace: m.namespaces.platform };
  const ingressController: PodsPeer = { kind: 'pods', namespace: np.ingress_controller_namespace };
  const services = [
    { key: 'polaris', what: 'the Polaris catalog', cfg: np.services.polaris },
    { key: 'otel-collector', what: 'the OpenTelemetry collector', cfg: np.services.otel_collector },
    { key: 'minio', what: 'MinIO object storage', cfg: np.services.minio },
  ];
  const toPlatformServices = (from: PodsPeer, who: string) => {
    for (const s of services) {
      intents.push({
        id: `${from.namespace}->${s.key}`,
        from,
        to: { ...platform, ...(s.cfg.pod_labels ? { podLabels: s.cfg.pod_labels } : {}) },
        ports: tcp(...s.cfg.ports),
        reason: `${who} use ${s.what}`,
      });
    }
  };
  const externalHttps = (from: PodsPeer, who: string) => {
    for (const block of [EXTERNAL_IPV4, EXTERNAL_IPV6]) {
      intents.push({
        id: `${from.namespace}->external-https-ipv${block === EXTERNAL_IPV4 ? 4 : 6}`,
        from,
        to: { kind: 'cidr', cidr: block.cidr, except: block.except },
        ports: tcp(443),
        reason: `${who} call external HTTPS services (allow_external_https); private, link-local and loopback ranges excluded`,
      });
    }
  };

  for (const ns of namespaces) {
    const self: PodsPeer = { kind: 'pods', namespace: ns.name };
    intents.push({
      id: `${ns.name}->dns`,
      from: self,
      to: { kind: 'pods', namespace: np.dns.namespace, podLabels: np.dns.pod_labels },
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      reason: 'DNS resolution (always allowed: blocking DNS breaks service discovery)',
    });

    if (ns.role === 'platform') {
      intents.push({ id: `${ingressController.namespace}->${ns.name}`, from: ingressController, to: self, ports: [], reason: 'the ingress controller serves platform UIs and APIs' });
      intents.push({ id: `${ns.name}->${ns.name}`, from: self, to: self, ports: [], reason: 'platform services talk to each other' });
      if (np.kubernetes_api.cidrs.length === 0) {
        warnings.push(
          `${ns.name}: security.network_policies.kubernetes_api.cidrs is empty, so no egress to the Kubernetes API is generated; platform pods that call the API server (operators, Dagster) will be blocked. Set it to the API server's address(es), e.g. [10.96.0.1/32, 172.18.0.2/32].`,
        );
      }
      for (const c of np.kubernetes_api.cidrs) {
        intents.push({ id: `${ns.name}->kubernetes-api:${c}`, from: self, to: { kind: 'cidr', cidr: c, except: [] }, ports: tcp(...np.kubernetes_api.ports), reason: 'platform controllers call the Kubernetes API server' });
      }
      if (np.allow_external_https) externalHttps(self, 'platform services');
      np.platform_egress_allow.forEach((r) => intents.push(allowRuleIntent(self, r, 'platform_egress_allow')));
    } else if (ns.role === 'jobs') {
      toPlatformServices(self, 'jobs');
      if (np.allow_external_https) externalHttps(self, 'jobs');
      np.jobs_egress_allow.forEach((r) => intents.push(allowRuleIntent(self, r, 'jobs_egress_allow')));
    } else {
      intents.push({ id: `${ns.name}->${ns.name}`, from: self, to: self, ports: [], reason: 'pods of the domain talk to each other' });
      intents.push({ id: `${ingressController.namespace}->${ns.name}`, from: ingressController, to: self, ports: [], reason: "the ingress controller serves the domain's endpoints" });
      toPlatformServices(self, 'domain workloads');
      np.domain_egress_allow.forEach((r) => intents.push(allowRuleIntent(self, r, 'domain_egress_allow')));
    }
  }
  if (!np.default_deny) {
    warnings.push('security.network_policies.default_deny is false: no default-deny policies are written; pods selected by the allow policies are still isolated, other traffic rules depend on what else is in the cluster');
  }
  return { namespaces, intents, warnings };
}
