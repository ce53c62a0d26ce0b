import type { EgressAllowRule, FloeManifest, NetworkPoliciesConfig, ServiceKey } from '../config/schema.js';
import { domainNamespace, externalHttpsFqdns } from '../config/schema.js';
import { cidrContains, parseCidr } from '../util/cidr.js';
import { compareStrings } from '../util/compare.js';
import type { IntentPlan, ManagedNamespace, NetworkIntent, PodsPeer, PortSpec } from './types.js';

const tcp = (...ports: number[]): PortSpec[] => ports.map((port) => ({ protocol: 'TCP', port }));

export function managedNamespaces(m: FloeManifest): ManagedNamespace[] {
  return [
    { name: m.namespaces.platform, role: 'platform' },
    { name: m.namespaces.jobs, role: 'jobs' },
    ...m.domains.map((d): ManagedNamespace => ({ name: d.namespace ?? domainNamespace(d.name), role: 'domain', domain: d.name })),
  ];
}

/** The IPv4 and IPv6 "everything" blocks with the configured exclusions of each family. */
export function externalHttpsBlocks(m: FloeManifest): { cidr: string; except: string[] }[] {
  const except = m.security.network_policies.external_https_except;
  const family = (c: string) => {
    const parsed = parseCidr(c);
    return parsed.ok ? parsed.cidr.family : 0;
  };
  return [
    { cidr: '0.0.0.0/0', except: except.filter((c) => family(c) === 4) },
    { cidr: '::/0', except: except.filter((c) => family(c) === 6) },
  ];
}

function allowRulePorts(rule: EgressAllowRule): PortSpec[] {
  if (rule.ports) return rule.ports.map((port) => ({ protocol: rule.protocol, port }));
  const spec: PortSpec = { protocol: rule.protocol, port: rule.port as number };
  if (rule.end_port !== undefined && rule.end_port !== rule.port) spec.endPort = rule.end_port;
  return [spec];
}

/** Pods of `namespace` carrying `labels`; the whole namespace when there are none. */
function pods(namespace: string, labels: Record<string, string> | undefined, group: string): PodsPeer {
  return labels && Object.keys(labels).length > 0 ? { kind: 'pods', namespace, podLabels: labels, group } : { kind: 'pods', namespace };
}

function allowRuleIntent(from: PodsPeer, rule: EgressAllowRule, field: string, index: number): NetworkIntent {
  const to: NetworkIntent['to'] = rule.to_cidr
    ? { kind: 'cidr', cidr: rule.to_cidr, except: [] }
    : rule.to_fqdn
      ? { kind: 'fqdn', names: [...rule.to_fqdn].sort(compareStrings) }
      : pods(rule.to_namespace as string, rule.to_pod_labels, rule.name);
  return { id: `${from.namespace}->${rule.name}`, from, to, ports: allowRulePorts(rule), reason: `${field} rule "${rule.name}"`, purpose: 'egress-allow', source: `${field}[${index}] "${rule.name}"` };
}

const SERVICES: Record<ServiceKey, { group: string; what: string }> = {
  polaris: { group: 'polaris', what: 'the Polaris catalog' },
  otel_collector: { group: 'otel-collector', what: 'the OpenTelemetry collector' },
  minio: { group: 'minio', what: 'MinIO object storage' },
  dagster: { group: 'dagster', what: 'the Dagster webserver' },
};
/** What jobs and domain workloads use; Dagster is reached only through the ingress controller. */
const WORKLOAD_SERVICES: readonly ServiceKey[] = ['polaris', 'otel_collector', 'minio'];

/**
 * Turns the manifest into the flows the platform needs. Pure: the same
 * manifest always yields the same intents in the same order. Every intent
 * names its destination pods as narrowly as the manifest allows; the
 * generator renders exactly these at both ends.
 */
export function buildIntents(m: FloeManifest): IntentPlan {
  const np = m.security.network_policies;
  const namespaces = managedNamespaces(m);
  const namedNamespaces = namedByRules(np);
  const warnings: string[] = [];
  const intents: NetworkIntent[] = [];
  if (!np.enabled) {
    return { namespaces, intents, warnings: ['security.network_policies.enabled is false: no NetworkPolicies are generated, so floe restricts no traffic'], namedNamespaces };
  }

  const platformNs = m.namespaces.platform;
  const ic = np.ingress_controller;
  const ingressController = pods(np.ingress_controller_namespace, ic.pod_labels, 'ingress-controller');
  if (!ingressController.podLabels) {
    warnings.push(
      `security.network_policies.ingress_controller.pod_labels is empty: every pod of ${np.ingress_controller_namespace} is treated as the ingress controller`,
    );
  }
  const service = (key: ServiceKey) => pods(platformNs, np.services[key].pod_labels, SERVICES[key].group);
  const usedServices = new Set<ServiceKey>([...ic.platform_services, ...WORKLOAD_SERVICES]);
  for (const key of [...usedServices].sort()) {
    if (Object.keys(np.services[key].pod_labels).length === 0) {
      warnings.push(
        `security.network_policies.services.${key}.pod_labels is empty: ingress to ${SERVICES[key].what} on ${np.services[key].ports.join(', ')} is admitted to every pod of ${platformNs}, not only its pods`,
      );
    }
  }
  for (const e of ic.domain_endpoints) {
    if (Object.keys(e.pod_labels).length === 0 && m.domains.length > 0) {
      warnings.push(
        `security.network_policies.ingress_controller.domain_endpoints "${e.name}" has empty pod_labels: the ingress controller reaches every pod of each domain namespace on ${e.ports.join(', ')}`,
      );
    }
  }

  // One destination and one port list per service, shared by every namespace that uses it (read-only).
  const workload = WORKLOAD_SERVICES.map((key) => ({ key, to: service(key), ports: tcp(...np.services[key].ports) }));
  const toPlatformServices = (from: PodsPeer, who: string) => {
    for (const { key, to, ports } of workload) {
      intents.push({ id: `${from.namespace}->${SERVICES[key].group}`, from, to, ports, reason: `${who} use ${SERVICES[key].what}`, purpose: 'platform-service' });
    }
  };
  const external = externalHttpsBlocks(m);
  const externalFqdns = externalHttpsFqdns(np);
  if (np.allow_external_https === true) {
    const metadata = parseCidr('169.254.169.254/32');
    const covered = np.external_https_except.some((c) => {
      const parsed = parseCidr(c);
      return parsed.ok && metadata.ok && parsed.cidr.family === 4 && cidrContains(parsed.cidr, metadata.cidr);
    });
    if (!covered) {
      warnings.push(
        'security.network_policies.external_https_except does not exclude 169.254.169.254: external HTTPS can reach the cloud metadata service (instance credentials). Keep 169.254.0.0/16 in the list',
      );
    }
  }
  const externalHttps = (from: PodsPeer, who: string) => {
    if (externalFqdns) {
      intents.push({
        id: `${from.namespace}->external-https`,
        from,
        to: { kind: 'fqdn', names: [...externalFqdns].sort(compareStrings) },
        ports: tcp(443),
        reason: `${who} call external HTTPS services by name (allow_external_https.fqdns)`,
        purpose: 'external-https',
        source: 'allow_external_https.fqdns',
      });
      return;
    }
    external.forEach((block, i) => {
      intents.push({
        id: `${from.namespace}->external-https-ipv${i === 0 ? 4 : 6}`,
        from,
        to: { kind: 'cidr', cidr: block.cidr, except: block.except },
        ports: tcp(443),
        reason: `${who} call external HTTPS services (allow_external_https), except the external_https_except ranges`,
        purpose: 'external-https',
      });
    });
  };

  const dns = pods(np.dns.namespace, np.dns.pod_labels, 'dns');
  const dnsPorts: PortSpec[] = [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }];
  for (const ns of namespaces) {
    const self: PodsPeer = { kind: 'pods', namespace: ns.name };
    intents.push({
      id: `${ns.name}->dns`,
      from: self,
      to: dns,
      ports: dnsPorts,
      reason: 'DNS resolution (always allowed: blocking DNS breaks service discovery)',
      purpose: 'dns',
    });
    for (const c of np.dns.cidrs) {
      intents.push({ id: `${ns.name}->dns:${c}`, from: self, to: { kind: 'cidr', cidr: c, except: [] }, ports: dnsPorts, reason: 'DNS resolution by address (dns.cidrs: NodeLocal DNSCache on the node, which no pod selector matches)', purpose: 'dns' });
    }

    if (ns.role === 'platform') {
      for (const key of [...new Set(ic.platform_services)]) {
        intents.push({ id: `${ingressController.namespace}->${SERVICES[key].group}`, from: ingressController, to: service(key), ports: tcp(...np.services[key].ports), reason: `the ingress controller serves ${SERVICES[key].what}`, purpose: 'ingress-controller' });
      }
      intents.push({ id: `${ns.name}->${ns.name}`, from: self, to: self, ports: [], reason: 'platform services talk to each other', purpose: 'same-namespace' });
      if (np.kubernetes_api.cidrs.length === 0) {
        warnings.push(
          `${ns.name}: security.network_policies.kubernetes_api.cidrs is empty, so no egress to the Kubernetes API is generated; platform pods that call the API server (operators, Dagster) will be blocked. Set it to the API server's endpoint address(es) and its Service IP, e.g. [172.18.0.2/32, 10.96.0.1/32] (kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes): CNIs that filter after DNAT (Calico, Cilium) see the endpoint address, not the Service IP. \`floe network init\` writes them from the cluster, and \`floe network validate --server\` prints the exact list.`,
        );
      }
      for (const c of np.kubernetes_api.cidrs) {
        intents.push({ id: `${ns.name}->kubernetes-api:${c}`, from: self, to: { kind: 'cidr', cidr: c, except: [] }, ports: tcp(...np.kubernetes_api.ports), reason: 'platform controllers call the Kubernetes API server', purpose: 'api-server' });
      }
      if (np.allow_external_https !== false) externalHttps(self, 'platform services');
      np.platform_egress_allow.forEach((r, i) => intents.push(allowRuleIntent(self, r, 'platform_egress_allow', i)));
    } else if (ns.role === 'jobs') {
      toPlatformServices(self, 'jobs');
      if (np.allow_external_https !== false) externalHttps(self, 'jobs');
      np.jobs_egress_allow.forEach((r, i) => intents.push(allowRuleIntent(self, r, 'jobs_egress_allow', i)));
    } else {
      intents.push({ id: `${ns.name}->${ns.name}`, from: self, to: self, ports: [], reason: 'pods of the domain talk to each other', purpose: 'same-namespace' });
      for (const e of ic.domain_endpoints) {
        if (e.domains && !(ns.domain !== undefined && e.domains.includes(ns.domain))) continue;
        intents.push({ id: `${ingressController.namespace}->${ns.name}/${e.name}`, from: ingressController, to: pods(ns.name, e.pod_labels, e.name), ports: tcp(...e.ports), reason: `the ingress controller serves the domain endpoint "${e.name}"`, purpose: 'ingress-controller' });
      }
      toPlatformServices(self, 'domain workloads');
      np.domain_egress_allow.forEach((r, i) => intents.push(allowRuleIntent(self, r, 'domain_egress_allow', i)));
    }
  }
  if (!np.default_deny) {
    warnings.push(
      'security.network_policies.default_deny is false: no default-deny policies are written. Only the pods that an allow policy selects are isolated, and only in that policy\'s direction; every other pod (and every direction no policy covers) stays open',
    );
  }
  return { namespaces, intents, warnings, namedNamespaces };
}

function namedByRules(np: NetworkPoliciesConfig): string[] {
  const named = new Set<string>([np.dns.namespace, np.ingress_controller_namespace]);
  for (const r of [...np.jobs_egress_allow, ...np.platform_egress_allow, ...np.domain_egress_allow]) if (r.to_namespace) named.add(r.to_namespace);
  return [...named].sort(compareStrings);
}

/**
 * The intents of namespace `from` as buildIntents writes them for a namespace
 * named `to` with the same role and settings: the name replaced where
 * buildIntents puts it (either end, and the id it makes from them), nowhere
 * else. Only for a namespace that no rule names (not in `namedNamespaces`),
 * whose intents are its own.
 */
export function renameIntents(intents: readonly NetworkIntent[], from: string, to: string): NetworkIntent[] {
  const rename = (p: PodsPeer): PodsPeer => (p.namespace === from ? { ...p, namespace: to } : p);
  return intents.map((i) => {
    // Every id is `${from.namespace}->${what}`; `what` is the destination namespace itself, or `${namespace}/${endpoint}`.
    const sep = i.from.namespace.length;
    let what = i.id.slice(sep + 2);
    if (i.to.kind === 'pods' && i.to.namespace === from && (what === from || what.startsWith(`${from}/`))) what = to + what.slice(from.length);
    const source = i.from.namespace === from ? to : i.from.namespace;
    return { ...i, id: `${source}->${what}`, from: rename(i.from), to: i.to.kind === 'pods' ? rename(i.to) : i.to };
  });
}

/** The label value of a job run must be a Kubernetes label value; checked by the caller's schema. */
export function jobRunGroup(runId: string): string {
  return `job-run-${runId}`;
}

/**
 * The flow of one job run: its pods (those labelled `label=runId` in the jobs
 * namespace) may talk to each other, on the configured ports. Never across
 * runs, because both ends select the same label value.
 */
export function jobRunIntent(m: FloeManifest, runId: string): NetworkIntent {
  const cfg = m.security.network_policies.job_run_pod_to_pod;
  const run: PodsPeer = { kind: 'pods', namespace: m.namespaces.jobs, podLabels: { [cfg.label]: runId }, group: jobRunGroup(runId) };
  return { id: `${run.namespace}->${run.group}`, from: run, to: run, ports: cfg.ports ? tcp(...cfg.ports) : [], reason: `pods of job run ${runId} talk to each other (job_run_pod_to_pod)`, purpose: 'job-run' };
}
