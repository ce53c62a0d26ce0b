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

export type Peer = PodsPeer | CidrPeer;

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
