import { findComponent, imageEvidence } from '../components.js';
import { imageVersion, parseImage } from '../image.js';
import type { CniEvidence, CniPlugin, CniSnapshot } from '../types.js';

const FELIX = 'Calico node agent: Felix enforces NetworkPolicy on every node it runs on';

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
    found.push({
      name: flannel ? 'canal' : 'calico',
      title: flannel ? 'Canal (Calico policy, flannel networking)' : enterprise ? 'Calico Enterprise' : 'Calico',
      version: imageVersion(node.image),
      enforcesPolicy: true,
      reason: 'calico-node runs Felix, which enforces NetworkPolicy',
      evidence,
    });
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
    found.push({
      name: 'calico',
      title: variant === 'TigeraSecureEnterprise' ? 'Calico Enterprise' : 'Calico',
      version,
      enforcesPolicy: true,
      reason: 'the Tigera operator runs calico-node, whose Felix enforces NetworkPolicy',
      evidence,
    });
  }
  return found;
}
