import { createRequire } from 'node:module';
import {
  FLOE_API_VERSION,
  enforceLevel,
  NetworkSecurityPlugin,
  type DnsTarget,
  type Labels,
  type ManagedNamespace,
  type Namespace,
  type NetworkPolicy,
  type NetworkPolicyConfig,
  type NetworkPolicyEgressRule,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  type PluginMetadata,
  type PodSecurityConfig,
  type PodSecurityContext,
  type PodTemplate,
  type PolicyRule,
  type PortSpec,
  type RulePeer,
  type SecurityContext,
  type WritableVolumes,
} from '@floe/core';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
export const POD_TEMPLATE_NAME = 'floe-hardened';
/** The template's container is a placeholder: workloads copy its security settings, not its image. */
export const PLACEHOLDER_IMAGE = 'registry.k8s.io/pause:3.10';

function selector(labels: Labels | undefined) {
  return labels && Object.keys(labels).length ? { matchLabels: sortedLabels(labels) } : {};
}

function sortedLabels(labels: Labels): Labels {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function namespaceSelector(namespaces: string[]) {
  if (namespaces.length === 1) return { matchLabels: { [NAMESPACE_NAME_LABEL]: namespaces[0] as string } };
  // Many namespaces with the same ports: one `In` expression instead of one peer each.
  return { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In' as const, values: namespaces }] };
}

/**
 * Standard Kubernetes NetworkPolicy (networking.k8s.io/v1), Pod Security
 * Standards namespace labels and a hardened PodTemplate. Uses only the
 * portable API: no CNI-specific resources.
 */
export class K8sNetworkSecurityPlugin extends NetworkSecurityPlugin {
  readonly metadata: PluginMetadata = {
    name: 'k8s',
    version: pkg.version,
    floeApiVersion: FLOE_API_VERSION,
    description: 'Kubernetes NetworkPolicy, Pod Security Standards labels and hardened PodTemplates',
  };

  private peer(peer: RulePeer, policyNamespace: string): NetworkPolicyPeer {
    if (peer.kind === 'cidr') {
      return { ipBlock: peer.except.length ? { cidr: peer.cidr, except: peer.except } : { cidr: peer.cidr } };
    }
    if (peer.namespaces.length === 1 && peer.namespaces[0] === policyNamespace) {
      return { podSelector: selector(peer.podLabels) };
    }
    const out: NetworkPolicyPeer = { namespaceSelector: namespaceSelector(peer.namespaces) };
    if (peer.podLabels && Object.keys(peer.podLabels).length) out.podSelector = selector(peer.podLabels);
    return out;
  }

  private ports(ports: PortSpec[]): NetworkPolicyPort[] {
    return ports.map((p) => (p.endPort ? { protocol: p.protocol, port: p.port, endPort: p.endPort } : { protocol: p.protocol, port: p.port }));
  }

  private rule(rule: PolicyRule, ns: string, side: 'to' | 'from') {
    const out: { to?: NetworkPolicyPeer[]; from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] } = {};
    if (rule.peers.length) out[side] = rule.peers.map((p) => this.peer(p, ns));
    if (rule.ports.length) out.ports = this.ports(rule.ports);
    return out;
  }

  private metadataFor(name: string, namespace: string, labels: Labels) {
    return { name, namespace, labels: sortedLabels(labels) };
  }

  renderNetworkPolicy(config: NetworkPolicyConfig): NetworkPolicy {
    const spec: NetworkPolicy['spec'] = { podSelector: selector(config.podSelector), policyTypes: [...config.policyTypes] };
    if (config.policyTypes.includes('Ingress') && config.ingress.length) {
      spec.ingress = config.ingress.map((r) => this.rule(r, config.namespace, 'from'));
    }
    if (config.policyTypes.includes('Egress') && config.egress.length) {
      spec.egress = config.egress.map((r) => this.rule(r, config.namespace, 'to'));
    }
    return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: this.metadataFor(config.name, config.namespace, config.labels), spec };
  }

  renderDefaultDeny(namespace: ManagedNamespace, labels: Labels): NetworkPolicy {
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: this.metadataFor('floe-default-deny', namespace.name, labels),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    };
  }

  renderDnsEgressRule(dns: DnsTarget): NetworkPolicyEgressRule {
    return this.rule(
      {
        peers: [{ kind: 'pods', namespaces: [dns.namespace], podLabels: dns.podLabels }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      },
      '',
      'to',
    );
  }

  renderNamespace(namespace: ManagedNamespace, labels: Labels, ps: PodSecurityConfig): Namespace {
    const all: Labels = { ...labels };
    if (ps.enabled) {
      const levels = { enforce: enforceLevel(namespace.role, ps), audit: ps.audit_level, warn: ps.warn_level };
      for (const [mode, level] of Object.entries(levels)) {
        all[`pod-security.kubernetes.io/${mode}`] = level;
        all[`pod-security.kubernetes.io/${mode}-version`] = ps.version;
      }
    }
    return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace.name, labels: sortedLabels(all) } };
  }

  renderPodSecurityContext(ps: PodSecurityConfig): PodSecurityContext {
    return {
      runAsNonRoot: true,
      runAsUser: ps.run_as_user,
      runAsGroup: ps.run_as_group,
      fsGroup: ps.fs_group,
      seccompProfile:
        ps.seccomp_profile === 'Localhost'
          ? { type: 'Localhost', localhostProfile: ps.localhost_profile as string }
          : { type: 'RuntimeDefault' },
    };
  }

  renderContainerSecurityContext(ps: PodSecurityConfig): SecurityContext {
    return {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: ps.read_only_root_filesystem,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    };
  }

  renderWritableVolumes(ps: PodSecurityConfig): WritableVolumes {
    const named = ps.writable_paths.map((path) => ({
      // /home/floe -> writable-home-floe: stable, readable, a valid DNS label.
      name: `writable${path.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.replace(/-+$/, '').slice(0, 63).replace(/-+$/, ''),
      path,
    }));
    const seen = new Map<string, number>();
    for (const v of named) {
      const n = (seen.get(v.name) ?? 0) + 1;
      seen.set(v.name, n);
      if (n > 1) v.name = `${v.name.slice(0, 60)}-${n}`;
    }
    return {
      volumes: named.map((v) => ({ name: v.name, emptyDir: {} })),
      volumeMounts: named.map((v) => ({ name: v.name, mountPath: v.path })),
    };
  }

  renderPodTemplate(namespace: ManagedNamespace, labels: Labels, ps: PodSecurityConfig): PodTemplate {
    const { volumes, volumeMounts } = this.renderWritableVolumes(ps);
    return {
      apiVersion: 'v1',
      kind: 'PodTemplate',
      metadata: {
        ...this.metadataFor(POD_TEMPLATE_NAME, namespace.name, labels),
        annotations: {
          'floe.dev/usage':
            'Copy template.spec.securityContext, the container securityContext, volumes and volumeMounts into your workloads; the image is a placeholder.',
        },
      },
      template: {
        metadata: { labels: sortedLabels(labels) },
        spec: {
          automountServiceAccountToken: false,
          securityContext: this.renderPodSecurityContext(ps),
          containers: [
            {
              name: 'workload',
              image: PLACEHOLDER_IMAGE,
              securityContext: this.renderContainerSecurityContext(ps),
              ...(volumeMounts.length ? { volumeMounts } : {}),
            },
          ],
          ...(volumes.length ? { volumes } : {}),
        },
      },
    };
  }
}

export default K8sNetworkSecurityPlugin;
