import { flagArg, findComponent, imageEvidence, workloadEvidence } from '../components.js';
import { argv, flagValue, imageVersion, parseGoBool, parseImage } from '../image.js';
import type { CniPlugin, CniSnapshot } from '../types.js';
import { checkedAgentPlugin } from '../verify.js';

/**
 * kind's kindnetd embeds sigs.k8s.io/kube-network-policies from kind v0.24.0,
 * whose image is kindest/kindnetd:v20240813-c6f155d6. Its tags are build dates,
 * so an image from that date on enforces and an older one does not.
 */
export const KINDNET_FIRST_ENFORCING_DATE = '20240813';

type Judgement = { enforces: boolean | null; why: string };

function judgeTag(image: string): Judgement {
  const { repository, tag } = parseImage(image);
  // The standalone kindnet (github.com/aojea/kindnet) has network policies built in.
  if (repository.startsWith('aojea/')) return { enforces: true, why: 'standalone kindnet (aojea/kindnetd) has network policies built in' };
  const dated = tag ? /^v?(\d{8})(-|$)/.exec(tag) : null;
  if (dated?.[1]) {
    return dated[1] >= KINDNET_FIRST_ENFORCING_DATE
      ? { enforces: true, why: `image tag ${tag} is from kind v0.24.0's kindnetd (v${KINDNET_FIRST_ENFORCING_DATE}) or later, which embeds kube-network-policies` }
      : { enforces: false, why: `image tag ${tag} predates kind v0.24.0's kindnetd (v${KINDNET_FIRST_ENFORCING_DATE}): no NetworkPolicy support` };
  }
  // kindnetd's first images (kind v0.5-v0.7) had semver tags and no policy support.
  if (tag && /^v?0\.\d+\.\d+$/.test(tag)) return { enforces: false, why: `image tag ${tag} is an early kindnetd without NetworkPolicy support` };
  return { enforces: null, why: `the image ${tag ? `tag "${tag}"` : 'has no tag and'} does not tell the kindnetd build date` };
}

export function detectKindnet(s: CniSnapshot): CniPlugin[] {
  const found: CniPlugin[] = [];
  for (const ds of s.daemonSets) {
    const c = findComponent(ds, 'kindnetd');
    if (!c) continue;
    const judged = judgeTag(c.image);
    const evidence = [imageEvidence(ds, c, judged.why)];
    let { enforces, why } = judged;
    const where = flagArg(c, 'network-policy');
    const flag = parseGoBool(flagValue(argv(c), 'network-policy'));
    if (where && flag === false) {
      enforces = false;
      why = `kindnetd runs with ${where.arg}`;
      evidence.push(workloadEvidence(ds, where.field, where.arg, 'network policies are switched off'));
    } else if (where && flag === true && enforces !== false) {
      enforces = true;
      evidence.push(workloadEvidence(ds, where.field, where.arg, 'network policies are switched on'));
    }
    found.push(checkedAgentPlugin(s, ds, [{ container: c, component: 'kindnetd' }], { name: 'kindnet', title: 'kindnet', version: imageVersion(c.image), enforcesPolicy: enforces, reason: why, evidence }));
  }
  return found;
}
