import type { ManagedNamespace } from '../intent/types.js';
import type { NamespacePodSecurity } from '../plugin/plugin.js';

/** What generation did in one managed namespace: read by the generator's callers (--output json) and by the summary. */
export interface NamespaceReport {
  name: string;
  role: ManagedNamespace['role'];
  domain?: string;
  podSecurity: NamespacePodSecurity | null;
  /** Names of the network objects the plugin rendered in this namespace, sorted. */
  policies: string[];
}
