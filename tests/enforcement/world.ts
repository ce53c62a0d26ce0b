// The pods and outside hosts of the enforcement suite for examples/manifest.yaml,
// and what the manifest intends between them (written from the manifest, not from
// the generator or the policy engine, so that both are checked against it).
import type { PortSpec, Protocol } from '../harness/sandbox.ts';

export interface Workload {
  name: string;
  /** Kubernetes namespace; undefined for a host outside the cluster. */
  namespace?: string;
  labels: Record<string, string>;
  ip: string;
  ports: PortSpec[];
}

export const PLATFORM = 'floe-platform';
export const JOBS = 'floe-jobs';
export const SALES = 'floe-sales-domain';
export const MARKETING = 'floe-marketing-domain';
export const MANAGED = [PLATFORM, JOBS, SALES, MARKETING];
/** Namespaces the suite creates besides the generated ones (kube-system already exists). */
export const EXTRA_NAMESPACES = ['ingress-nginx', 'kafka'];

const tcp = (...ports: number[]): PortSpec[] => ports.map((port) => ({ port, protocol: 'TCP' as Protocol }));
const udp = (...ports: number[]): PortSpec[] => ports.map((port) => ({ port, protocol: 'UDP' as Protocol }));
// 9090 is a metrics port no rule names: "platform on a non-service port".
const pods: Omit<Workload, 'ip'>[] = [
  { name: 'polaris', namespace: PLATFORM, labels: { 'app.kubernetes.io/component': 'polaris' }, ports: tcp(8181, 9090) },
  { name: 'otel-collector', namespace: PLATFORM, labels: { 'app.kubernetes.io/component': 'otel-collector' }, ports: tcp(4317, 4318, 9090) },
  { name: 'minio', namespace: PLATFORM, labels: { 'app.kubernetes.io/name': 'minio' }, ports: tcp(9000, 9090) },
  { name: 'dagster', namespace: PLATFORM, labels: { 'app.kubernetes.io/name': 'dagster' }, ports: tcp(3000, 9090) },
  { name: 'job-a', namespace: JOBS, labels: { 'floe.dev/job': 'a' }, ports: tcp(8080) },
  { name: 'job-b', namespace: JOBS, labels: { 'floe.dev/job': 'b' }, ports: tcp(8080) },
  { name: 'feature-api', namespace: SALES, labels: { app: 'feature-api' }, ports: tcp(8080, 8443) },
  { name: 'sales-worker', namespace: SALES, labels: { app: 'worker' }, ports: tcp(8080) },
  { name: 'sales-unlabelled', namespace: SALES, labels: {}, ports: tcp(8080) },
  { name: 'marketing-worker', namespace: MARKETING, labels: { app: 'worker' }, ports: tcp(8080) },
  { name: 'marketing-unlabelled', namespace: MARKETING, labels: {}, ports: tcp(8080) },
  { name: 'ingress-controller', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, ports: tcp(80) },
  { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ports: [...udp(53), ...tcp(53, 9153)] },
  { name: 'metrics-server', namespace: 'kube-system', labels: { 'k8s-app': 'metrics-server' }, ports: tcp(443) },
  { name: 'kafka', namespace: 'kafka', labels: { 'app.kubernetes.io/name': 'kafka' }, ports: tcp(9092, 9093, 9094, 9095) },
];

export const POD_WORKLOADS: Workload[] = pods.map((p, i) => ({ ...p, ip: `10.244.0.${10 + i}` }));
export const EXTERNAL_WORKLOADS: Workload[] = [
  { name: 'external-https', labels: {}, ip: '203.0.113.10', ports: tcp(443) },
  { name: 'private-10x', labels: {}, ip: '10.20.0.10', ports: tcp(443, 5432) },
  { name: 'ldap', labels: {}, ip: '10.30.4.10', ports: tcp(389, 636) },
];
export const WORKLOADS = [...POD_WORKLOADS, ...EXTERNAL_WORKLOADS];

const isPrivate = (ip: string) => /^(10\.|172\.(1[6-9]|2\d|3[01])\.|192\.168\.|127\.|169\.254\.|0\.)/.test(ip) || /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./.test(ip);
const managed = (w: Workload) => w.namespace !== undefined && MANAGED.includes(w.namespace);

function platformService(dst: Workload, port: number): boolean {
  if (dst.namespace !== PLATFORM) return false;
  const l = dst.labels;
  return (
    (l['app.kubernetes.io/component'] === 'polaris' && port === 8181) ||
    (l['app.kubernetes.io/component'] === 'otel-collector' && (port === 4317 || port === 4318)) ||
    (l['app.kubernetes.io/name'] === 'minio' && port === 9000)
  );
}

function egressIntended(src: Workload, dst: Workload, port: number, protocol: Protocol): boolean {
  if (!managed(src)) return true;
  if (dst.namespace === 'kube-system' && dst.labels['k8s-app'] === 'kube-dns' && port === 53) return true;
  if (dst.namespace === src.namespace) return src.namespace !== JOBS; // same-namespace rules have no ports
  if (protocol !== 'TCP') return false;
  const publicHttps = dst.namespace === undefined && !isPrivate(dst.ip) && port === 443;
  switch (src.namespace) {
    case PLATFORM:
      return publicHttps || (dst.ip === '10.30.4.10' && (port === 389 || port === 636));
    case JOBS:
      return (
        platformService(dst, port) ||
        (dst.namespace === SALES && dst.labels.app === 'feature-api' && (port === 8080 || port === 8443)) ||
        publicHttps ||
        (dst.namespace === undefined && dst.ip.startsWith('10.20.') && port === 5432)
      );
    default: // a domain
      return platformService(dst, port) || (dst.namespace === 'kafka' && dst.labels['app.kubernetes.io/name'] === 'kafka' && port >= 9092 && port <= 9094);
  }
}

function ingressIntended(src: Workload, dst: Workload, port: number, protocol: Protocol): boolean {
  if (!managed(dst)) return true;
  if (src.namespace === dst.namespace) return dst.namespace !== JOBS;
  if (protocol !== 'TCP') return false;
  switch (dst.namespace) {
    case PLATFORM:
      return (
        (dst.labels['app.kubernetes.io/name'] === 'dagster' && port === 3000 && src.namespace === 'ingress-nginx' && src.labels['app.kubernetes.io/name'] === 'ingress-nginx') ||
        (platformService(dst, port) && [JOBS, SALES, MARKETING].includes(src.namespace ?? ''))
      );
    case SALES:
      return dst.labels.app === 'feature-api' && (port === 8080 || port === 8443) && src.namespace === JOBS;
    default:
      return false;
  }
}

/** Whether examples/manifest.yaml intends `src` to reach `dst` on port/protocol. */
export function intended(src: Workload, dst: Workload, port: number, protocol: Protocol): boolean {
  return egressIntended(src, dst, port, protocol) && ingressIntended(src, dst, port, protocol);
}
