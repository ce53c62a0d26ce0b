import type { Protocol } from '../config/schema.js';

/** Pods in one namespace, optionally narrowed by pod labels (namespace AND pod selector). */
export interface PodsPeer {
  kind: 'pods';
  namespace: string;
  podLabels?: Record<string, string>;
  /**
   * The pod group's name when it is narrower than the namespace, e.g.
   * "polaris": the policy that selects these pods is named after it.
   */
  group?: string;
}

/** An IP block with exceptions, as NetworkPolicy's ipBlock. */
export interface CidrPeer {
  kind: 'cidr';
  cidr: string;
  except: string[];
}

/**
 * Host names outside the cluster (`to_fqdn`, `allow_external_https.fqdns`):
 * lower-cased exact names and `*.` patterns. Only a plugin with the
 * fqdn-egress capability renders them (Cilium's toFQDNs).
 */
export interface FqdnPeer {
  kind: 'fqdn';
  names: string[];
}

export type Peer = PodsPeer | CidrPeer | FqdnPeer;

/**
 * What a flow is for. A plugin reads it to add what its CNI needs around the
 * flow (Cilium's DNS-proxy rule on DNS egress, the kube-apiserver entity for
 * the API server) without guessing from addresses or ports.
 *  - dns: DNS resolution (the DNS pods, dns.cidrs)
 *  - api-server: the Kubernetes API server (kubernetes_api.cidrs)
 *  - external-https: allow_external_https (its CIDR blocks or its fqdns)
 *  - platform-service: a platform service (Polaris, the collector, MinIO) used by jobs and domains
 *  - ingress-controller: the ingress controller serving a platform service or domain endpoint
 *  - same-namespace: pods of the platform or of one domain talking to each other
 *  - egress-allow: a rule of jobs_egress_allow, platform_egress_allow or domain_egress_allow
 *  - job-run: the pods of one job run talking to each other (job_run_pod_to_pod)
 */
export const INTENT_PURPOSES = ['dns', 'api-server', 'external-https', 'platform-service', 'ingress-controller', 'same-namespace', 'egress-allow', 'job-run'] as const;
export type IntentPurpose = (typeof INTENT_PURPOSES)[number];

export interface PortSpec {
  protocol: Protocol;
  port: number;
  /** Inclusive end of a port range. */
  endPort?: number;
}

/**
 * One flow the platform needs: `from` may open connections to `to` on `ports`
 * (empty = every port). The single source of truth: the generator renders the
 * egress side at `from` and the ingress side at `to` when each is a managed
 * namespace, and the summary explains it with `reason`.
 */
export interface NetworkIntent {
  /** Stable identifier, e.g. "floe-jobs->polaris". */
  id: string;
  from: PodsPeer;
  to: Peer;
  ports: PortSpec[];
  reason: string;
  purpose: IntentPurpose;
  /** Where the manifest asks for it, for messages: `jobs_egress_allow[2] "snowflake"`, `allow_external_https.fqdns`. */
  source?: string;
}

export type NamespaceRole = 'platform' | 'jobs' | 'domain';

/** A namespace floe isolates and labels. */
export interface ManagedNamespace {
  name: string;
  role: NamespaceRole;
  /** The domain's name, for role "domain". */
  domain?: string;
}

export interface IntentPlan {
  namespaces: ManagedNamespace[];
  intents: NetworkIntent[];
  warnings: string[];
  /**
   * The namespaces the manifest names as a peer of others (DNS, the ingress
   * controller, every to_namespace), sorted: their intents are not theirs alone.
   */
  namedNamespaces: string[];
}
