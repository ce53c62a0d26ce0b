/**
 * `floe network init`: what a starter manifest needs that only the cluster
 * knows, read with get and list only. discoverCluster is the I/O; every
 * decision is in the pure functions below and in render.ts.
 */
import { RESOURCES } from '../cluster/resources.js';
import type { ClusterClient, KubeObject, ResourceRef } from '../cluster/types.js';
import { detectCni } from '../cni/detect.js';
import { gatherCniSnapshot } from '../cni/gather.js';
import { parseKubernetesVersion } from '../cni/kubernetes-version.js';
import type { CniReport } from '../cni/types.js';

export const INGRESS_CLASSES: ResourceRef = { group: 'networking.k8s.io', version: 'v1', resource: 'ingressclasses', kind: 'IngressClass', namespaced: false };

/** A value read from the cluster and where it came from (written as a comment). */
export interface Found<T> {
  value: T;
  from: string;
}

export interface IngressFound {
  name: string;
  namespace: string;
  podLabels: Record<string, string>;
  from: string;
}

export interface ClusterFacts {
  server: string;
  kubernetes: { version: string; minor: number | null };
  apiEndpoints: Found<string[]>;
  apiServiceIp: Found<string> | null;
  dns: { namespace: string; podLabels: Record<string, string>; from: string } | null;
  nodeLocalDns: Found<string> | null;
  ingress: IngressFound[];
  services: Partial<Record<'polaris' | 'otel_collector' | 'minio' | 'dagster', Found<Record<string, string>> & { namespace: string }>>;
  cni: Pick<CniReport, 'verdict' | 'summary'>;
}

const hostCidr = (ip: string) => (ip.includes(':') ? `${ip}/128` : `${ip}/32`);
const where = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
type Spec = { spec?: Record<string, unknown> };
const templateLabels = (o: KubeObject): Record<string, string> =>
  ((((o as Spec).spec?.template as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata?.labels) ?? {}) as Record<string, string>;
const selectorLabels = (o: KubeObject): Record<string, string> => (((o as Spec).spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {}) as Record<string, string>;
const images = (o: KubeObject): string[] =>
  ((((o as Spec).spec?.template as { spec?: { containers?: { image?: string }[] } } | undefined)?.spec?.containers) ?? []).map((c) => c.image ?? '');

/** The ingress controllers floe recognises, by workload labels or image. */
const CONTROLLERS: { name: string; match: (o: KubeObject) => boolean; controller: string }[] = [
  { name: 'ingress-nginx', controller: 'k8s.io/ingress-nginx', match: (o) => templateLabels(o)['app.kubernetes.io/name'] === 'ingress-nginx' || images(o).some((i) => i.includes('ingress-nginx/controller')) },
  { name: 'traefik', controller: 'traefik.io/ingress-controller', match: (o) => templateLabels(o)['app.kubernetes.io/name'] === 'traefik' || images(o).some((i) => /(^|\/)traefik:/.test(i)) },
  { name: 'haproxy', controller: 'haproxy.org/ingress-controller', match: (o) => /haproxy-ingress|kubernetes-ingress/.test(templateLabels(o)['app.kubernetes.io/name'] ?? '') || images(o).some((i) => i.includes('haproxytech/kubernetes-ingress')) },
  { name: 'contour', controller: 'projectcontour.io/ingress-controller', match: (o) => templateLabels(o)['app.kubernetes.io/name'] === 'contour' || images(o).some((i) => i.includes('projectcontour/contour')) },
  { name: 'envoy-gateway', controller: 'gateway.envoyproxy.io/gatewayclass-controller', match: (o) => templateLabels(o)['app.kubernetes.io/name'] === 'envoy-gateway' || images(o).some((i) => i.includes('envoyproxy/gateway')) },
  { name: 'istio-ingressgateway', controller: 'istio.io/ingress-controller', match: (o) => templateLabels(o).istio === 'ingressgateway' },
];

/** Helm chart labels of the floe platform's services, and the labels floe's defaults select them by. */
const PLATFORM: { key: 'polaris' | 'otel_collector' | 'minio' | 'dagster'; match: (l: Record<string, string>) => boolean }[] = [
  { key: 'polaris', match: (l) => l['app.kubernetes.io/name'] === 'polaris' || l['app.kubernetes.io/component'] === 'polaris' },
  { key: 'otel_collector', match: (l) => /opentelemetry-collector|otel-collector/.test(l['app.kubernetes.io/name'] ?? '') || l['app.kubernetes.io/component'] === 'otel-collector' },
  { key: 'minio', match: (l) => l['app.kubernetes.io/name'] === 'minio' || l.app === 'minio' },
  { key: 'dagster', match: (l) => (l['app.kubernetes.io/name'] === 'dagster' && (l.component ?? l['app.kubernetes.io/component'] ?? 'dagster-webserver').includes('webserver')) || l.component === 'dagster-webserver' },
];

/** Only the labels that select the pods (a Deployment's selector), so the manifest never names a version label. */
export function ingressControllers(workloads: readonly KubeObject[], classes: readonly KubeObject[]): IngressFound[] {
  const out: IngressFound[] = [];
  for (const w of workloads) {
    const c = CONTROLLERS.find((x) => x.match(w));
    if (!c || out.some((o) => o.namespace === w.metadata.namespace && o.name === c.name)) continue;
    const cls = classes.find((k) => ((k as Spec).spec?.controller as string | undefined) === c.controller);
    out.push({ name: c.name, namespace: w.metadata.namespace as string, podLabels: selectorLabels(w), from: `${where(w)}${cls ? ` (IngressClass ${cls.metadata.name})` : ''}` });
  }
  // The default IngressClass's controller first: that is the one chosen.
  const defaultClass = classes.find((k) => k.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true');
  const chosen = defaultClass ? CONTROLLERS.find((c) => c.controller === (defaultClass as Spec).spec?.controller)?.name : undefined;
  return out.sort((a, b) => Number(b.name === chosen) - Number(a.name === chosen));
}

export async function discoverCluster(client: ClusterClient): Promise<ClusterFacts> {
  const [slices, apiService, dnsServices, daemonSets, deployments, classes, version, cniSnapshot] = await Promise.all([
    client.list(RESOURCES.endpointSlices, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=kubernetes' }),
    client.get(RESOURCES.services, 'kubernetes', 'default'),
    client.list(RESOURCES.services, { labelSelector: 'k8s-app=kube-dns' }),
    client.list(RESOURCES.daemonSets),
    client.list(RESOURCES.deployments),
    client.list(INGRESS_CLASSES, { optional: true }),
    client.version(),
    gatherCniSnapshot(client),
  ]);
  const endpoints = slices.flatMap((s) => ((s as { endpoints?: { addresses?: string[]; conditions?: { ready?: boolean } }[] }).endpoints ?? []).filter((e) => e.conditions?.ready !== false).flatMap((e) => e.addresses ?? []));
  const serviceIp = (apiService as (KubeObject & { spec?: { clusterIP?: string } }) | null)?.spec?.clusterIP;
  const dnsService = dnsServices.find((s) => s.metadata.namespace === 'kube-system') ?? dnsServices[0];
  const dnsSelector = ((dnsService as (KubeObject & { spec?: { selector?: Record<string, string> } }) | undefined)?.spec?.selector ?? {}) as Record<string, string>;
  const nodeLocal = daemonSets.find((d) => d.metadata.name === 'node-local-dns');
  const localIp = nodeLocal ? nodeLocalAddress(nodeLocal) : null;
  const v = parseKubernetesVersion(version);
  const services: ClusterFacts['services'] = {};
  for (const d of [...deployments, ...daemonSets]) {
    const labels = selectorLabels(d);
    const p = PLATFORM.find((x) => x.match(templateLabels(d)));
    if (p && !services[p.key] && Object.keys(labels).length) services[p.key] = { value: labels, from: where(d), namespace: d.metadata.namespace as string };
  }
  const cni = detectCni(cniSnapshot);
  return {
    server: client.server,
    kubernetes: { version: v.gitVersion, minor: Number.isNaN(v.minor) ? null : v.minor },
    apiEndpoints: { value: [...new Set(endpoints)].sort().map(hostCidr), from: 'EndpointSlice default/kubernetes' },
    apiServiceIp: serviceIp ? { value: hostCidr(serviceIp), from: 'Service default/kubernetes spec.clusterIP' } : null,
    dns: dnsService && Object.keys(dnsSelector).length ? { namespace: dnsService.metadata.namespace as string, podLabels: dnsSelector, from: `Service ${dnsService.metadata.namespace}/${dnsService.metadata.name} spec.selector` } : null,
    nodeLocalDns: localIp ? { value: hostCidr(localIp), from: `${where(nodeLocal as KubeObject)}` } : null,
    ingress: ingressControllers([...deployments, ...daemonSets], classes),
    services,
    cni: { verdict: cni.verdict, summary: cni.summary },
  };
}

/** NodeLocal DNSCache's address: its -localip argument, else the documented default 169.254.20.10. */
export function nodeLocalAddress(ds: KubeObject): string {
  const containers = (((ds as Spec).spec?.template as { spec?: { containers?: { args?: string[] }[] } } | undefined)?.spec?.containers ?? []);
  for (const c of containers) {
    const args = c.args ?? [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      const m = /^-?-localip[= ](.+)$/.exec(a);
      const value = m ? m[1] : a === '-localip' || a === '--localip' ? args[i + 1] : undefined;
      if (value) return (value.split(',')[0] as string).trim();
    }
  }
  return '169.254.20.10';
}
