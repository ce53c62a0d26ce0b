import { flagArg, findComponent, imageEvidence, workloadEvidence } from '../components.js';
import { argv, flagValue, imageVersion, parseGoBool } from '../image.js';
import type { CniPlugin, CniSnapshot } from '../types.js';
import { checkedAgentPlugin } from '../verify.js';

/** kube-router enforces NetworkPolicy with its firewall, on unless --run-firewall=false (the default is true). */
export function detectKubeRouter(s: CniSnapshot): CniPlugin[] {
  const found: CniPlugin[] = [];
  for (const ds of s.daemonSets) {
    const c = findComponent(ds, 'kube-router');
    if (!c) continue;
    const evidence = [imageEvidence(ds, c, 'kube-router: routes pods, and enforces NetworkPolicy when its firewall runs')];
    const raw = flagValue(argv(c), 'run-firewall');
    const where = flagArg(c, 'run-firewall');
    const value = parseGoBool(raw);
    const enforces = raw === undefined ? true : (value ?? null);
    if (where) {
      evidence.push(workloadEvidence(ds, where.field, where.arg, enforces === true ? 'the NetworkPolicy firewall runs' : enforces === false ? 'the NetworkPolicy firewall is off' : 'not a boolean: kube-router would refuse to start'));
    } else {
      evidence.push(workloadEvidence(ds, `spec.template.spec.containers[${c.name}].args`, '(no --run-firewall)', 'the firewall defaults to on (--run-firewall=true)'));
    }
    found.push(
      checkedAgentPlugin(s, ds, [{ container: c, component: 'kube-router' }], {
        name: 'kube-router',
        title: 'kube-router',
        version: imageVersion(c.image),
        enforcesPolicy: enforces,
        reason:
          enforces === true
            ? `kube-router's firewall enforces NetworkPolicy (${where ? where.arg : '--run-firewall defaults to true'})`
            : enforces === false
              ? `kube-router runs with ${where?.arg ?? '--run-firewall=false'}: no NetworkPolicy firewall`
              : `--run-firewall has the unreadable value "${raw}"`,
        evidence,
      }),
    );
  }
  return found;
}
