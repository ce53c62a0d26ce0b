import type { ManagedNamespace } from '../intent/types.js';
import type { Labels } from '../k8s/meta.js';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const COMPONENT_LABEL = 'floe.dev/component';

/** The labels on everything floe creates in a namespace. */
export function floeLabels(ns: ManagedNamespace): Labels {
  const labels: Labels = { [MANAGED_BY_LABEL]: 'floe', [COMPONENT_LABEL]: 'network-security' };
  if (ns.role === 'domain' && ns.domain) {
    labels['floe.dev/domain'] = ns.domain;
    labels['floe.dev/layer'] = 'data';
  }
  return labels;
}
