import { findComponent, imageEvidence } from '../components.js';
import { imageVersion, parseImage } from '../image.js';
import type { CniEvidence, CniPlugin, CniSnapshot, CustomObjectInfo, UnverifiedCheck } from '../types.js';
import { checkedAgentPlugin } from '../verify.js';

const FELIX = 'Calico node agent: Felix enforces NetworkPolicy on every node it runs on';

/** The operator writes status.variant (and more) once it has reconciled an Installation; one applied with no operator running has none. */
function reportedOn(inst: CustomObjectInfo): boolean {
  const { variant, calicoVersion, conditions } = inst.status;
  return (typeof variant === 'string' && variant !== '') || (typeof calicoVersion === 'string' && calicoVersion !== '') || (Array.isArray(conditions) && conditions.length > 0);
}

/**
 * Calico: the calico-node DaemonSet (kube-system from the manifest install,
 * calico-system from the Tigera operator), and the operator's Installation.
 * calico-node together with flannel in one DaemonSet is Canal: flannel
 * networks, Calico enforces.
 */
export function detectCalico(s: CniSnapshot): CniPlugin[] {
  const found: CniPlugin[] = [];
  for (const ds of s.daemonSets) {
    const node = findComponent(ds, 'calico-node');
    if (!node) continue;
    const flannel = findComponent(ds, 'flannel');
    const enterprise = parseImage(node.image).name === 'cnx-node';
    const evidence: CniEvidence[] = [imageEvidence(ds, node, FELIX)];
    if (flannel) evidence.push(imageEvidence(ds, flannel, 'flannel in the same DaemonSet provides the pod network (Canal); it enforces nothing itself'));
    found.push(
      checkedAgentPlugin(s, ds, [{ container: node, component: 'calico-node' }, ...(flannel ? [{ container: flannel, component: 'flannel' as const }] : [])], {
        name: flannel ? 'canal' : 'calico',
        title: flannel ? 'Canal (Calico policy, flannel networking)' : enterprise ? 'Calico Enterprise' : 'Calico',
        version: imageVersion(node.image),
        enforcesPolicy: true,
        reason: 'calico-node runs Felix, which enforces NetworkPolicy',
        evidence,
      }),
    );
  }
  for (const inst of s.customObjects) {
    if (inst.kind !== 'Installation' || !inst.apiVersion.startsWith('operator.tigera.io/')) continue;
    const cni = (inst.spec.cni as { type?: unknown } | undefined)?.type;
    const variant = typeof inst.status.variant === 'string' ? inst.status.variant : typeof inst.spec.variant === 'string' ? inst.spec.variant : 'Calico';
    const version = typeof inst.status.calicoVersion === 'string' && inst.status.calicoVersion ? inst.status.calicoVersion : null;
    const evidence: CniEvidence[] = [
      {
        kind: 'Installation',
        name: inst.name,
        field: 'spec.cni.type',
        value: typeof cni === 'string' ? cni : 'Calico (default)',
        meaning: 'the Tigera operator installs calico-node, which enforces NetworkPolicy whatever provides the pod network (Calico, AmazonVPC, AzureVNET, GKE)',
      },
    ];
    if (version) evidence.push({ kind: 'Installation', name: inst.name, field: 'status.calicoVersion', value: version, meaning: 'the Calico version the operator runs' });
    const title = variant === 'TigeraSecureEnterprise' ? 'Calico Enterprise' : 'Calico';
    const unreported = reportedOn(inst)
      ? []
      : [{ kind: 'Installation', name: inst.name, check: 'status' as const, message: 'the Tigera operator has not reported on it (no status.variant, status.calicoVersion or status.conditions): no operator seems to run it' }];
    found.push({
      name: 'calico',
      title,
      version,
      enforcesPolicy: unreported.length ? null : true,
      reason: unreported.length
        ? `Installation ${inst.name} is unverified: it fails the status check of a ${title} install, so it decides nothing`
        : 'the Tigera operator runs calico-node, whose Felix enforces NetworkPolicy',
      evidence,
      unverified: unreported satisfies UnverifiedCheck[],
    });
  }
  return found;
}
