/**
 * The starter manifest.yaml `floe network init` writes: valid for
 * `floe network validate --server` on the cluster it was read from, and
 * commented so that each discovered value says where it came from. Pure.
 */
import { DEFAULT_SERVICE_POD_LABELS } from '../config/schema.js';
import { POD_SECURITY_MINOR } from '../cni/kubernetes-version.js';
import { ADMISSION_POLICY_MIN_MINOR } from '../k8s/admission.js';
import { yamlString } from '../util/yaml-emit.js';
import type { ClusterFacts } from './discover.js';

const labels = (l: Record<string, string>) => `{ ${Object.entries(l).map(([k, v]) => `${yamlString(k)}: ${yamlString(v)}`).join(', ')} }`;
const list = (xs: readonly string[]) => `[${xs.join(', ')}]`;
const same = (a: Record<string, string>, b: Record<string, string>) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

const MEANING = {
  enforced: 'NetworkPolicies are enforced here: the policies floe generates take effect',
  'not-enforced': 'NetworkPolicies are NOT enforced here: the API server accepts them and nothing filters traffic; run `floe network check-cni` for the next step',
  unknown: 'floe cannot confirm that NetworkPolicies are enforced here; run `floe network check-cni` for what to look at',
} as const;

/** The platform services' namespace when they already run in one, else floe's default. */
function platformLine(f: ClusterFacts): string {
  const running = Object.values(f.services).filter((v) => v !== undefined);
  const namespaces = [...new Set(running.map((v) => v.namespace))];
  if (namespaces.length === 1) return `  platform: ${yamlString(namespaces[0] as string)}   # where ${running.map((v) => v.from).join(', ')} already run`;
  if (namespaces.length > 1) return `  platform: floe-platform   # platform services run in several namespaces (${namespaces.join(', ')}): floe expects them in one`;
  return '  platform: floe-platform';
}

/** `path`: where the file goes, for the commands its header shows. */
export function renderStarterManifest(f: ClusterFacts, path = 'manifest.yaml'): string {
  const out: string[] = [];
  const push = (...l: string[]) => out.push(...l);
  push(
    `# Written by \`floe network init\` from the cluster at ${f.server}.`,
    '# Every value read from the cluster says where it came from; review, then',
    `#   floe network generate -m ${path} && floe network validate -m ${path} --server`,
    `# Kubernetes ${f.kubernetes.version}. check-cni: ${f.cni.verdict}: ${f.cni.summary}`,
    `#   ${MEANING[f.cni.verdict]}`,
    'name: my-data-platform',
    '',
    'namespaces:',
    platformLine(f),
    '  jobs: floe-jobs',
    '',
    'domains: []                # e.g. [{ name: sales }]: one namespace per data domain',
    '',
    'security:',
    '  network_policies:',
  );
  const ing = f.ingress[0];
  if (ing) {
    push(`    ingress_controller_namespace: ${yamlString(ing.namespace)}   # ${ing.name}: ${ing.from}`);
    push('    ingress_controller:', `      pod_labels: ${labels(ing.podLabels)}   # its Deployment/DaemonSet spec.selector`);
    for (const other of f.ingress.slice(1)) {
      push(`    # also found, not chosen: ${other.name} (${other.from}); to use it instead:`, `    # ingress_controller_namespace: ${yamlString(other.namespace)}`, `    # ingress_controller: { pod_labels: ${labels(other.podLabels)} }`);
    }
  } else push('    # no ingress controller found (ingress-nginx, Traefik, HAProxy, Contour/Envoy Gateway, Istio): floe\'s default, ingress-nginx, is assumed');
  push('    dns:');
  if (f.dns) push(`      namespace: ${yamlString(f.dns.namespace)}   # ${f.dns.from}`, `      pod_labels: ${labels(f.dns.podLabels)}   # the same selector: the DNS pods`);
  else push('      # no Service labelled k8s-app=kube-dns found: floe\'s default (kube-system, k8s-app: kube-dns) is assumed');
  if (f.nodeLocalDns) {
    push(`      cidrs: [${f.nodeLocalDns.value}]   # NodeLocal DNSCache (${f.nodeLocalDns.from}) answers on this link-local address on every node, host network: no pod selector matches it`);
  }
  const apiCidrs = [...f.apiEndpoints.value, ...(f.apiServiceIp && !f.apiEndpoints.value.includes(f.apiServiceIp.value) ? [f.apiServiceIp.value] : [])];
  push(
    '    kubernetes_api:',
    `      # ${f.apiEndpoints.value.length ? `${list(f.apiEndpoints.value)}: the API server's own addresses, from the ${f.apiEndpoints.from}` : `no ready address in the ${f.apiEndpoints.from}`};`,
    `      # ${f.apiServiceIp ? `${f.apiServiceIp.value}: the Service IP pods dial (${f.apiServiceIp.from})` : 'no Service default/kubernetes'}. Both: CNIs that filter after DNAT`,
    '      # (Calico, Cilium) see the endpoint address, others the Service IP.',
    `      cidrs: ${list(apiCidrs)}`,
  );
  const found = Object.entries(f.services).filter(([k, v]) => v && !same(v.value, DEFAULT_SERVICE_POD_LABELS[k as keyof typeof DEFAULT_SERVICE_POD_LABELS]));
  if (found.length) {
    push('    services:                # running platform services whose labels differ from floe\'s defaults');
    for (const [k, v] of found) if (v) push(`      ${k}: { pod_labels: ${labels(v.value)} }   # ${v.from} spec.selector`);
  }
  const notFound = (['polaris', 'otel_collector', 'minio', 'dagster'] as const).filter((k) => !f.services[k]);
  if (notFound.length) push(`    # not running yet (floe's default labels apply): ${notFound.join(', ')}`);
  const minor = f.kubernetes.minor;
  push('  pod_security:');
  if (minor !== null && minor < POD_SECURITY_MINOR) push(`    # Kubernetes 1.${minor} has no Pod Security admission (1.${POD_SECURITY_MINOR}+): these labels will do nothing until you upgrade.`);
  push(
    minor !== null
      ? `    version: v1.${minor}          # pinned to the cluster's minor (${f.kubernetes.version}) so an upgrade cannot tighten admission by surprise; "latest" follows every upgrade`
      : '    version: latest          # the server\'s minor was unreadable',
  );
  // Opt-in, so only mentioned: where the cluster is too old for it, say so instead.
  push(
    minor !== null && minor < ADMISSION_POLICY_MIN_MINOR
      ? `  # admission_guard needs Kubernetes 1.${ADMISSION_POLICY_MIN_MINOR}+ (ValidatingAdmissionPolicy); this cluster is ${f.kubernetes.version}.`
      : '  # admission_guard: warn       # opt-in prevention: the API server refuses (deny) or warns (warn) on drift; see docs/admission-guard.md',
  );
  return `${out.join('\n')}\n`;
}
