import { describe, expect, it } from 'vitest';
import { warningTexts } from '../../src/cluster/client.js';
import { compareServerWarnings, expectedNamespaceWarnings, PssServerDisagreement, serverCheckTargets } from '../../src/pss/server-check.js';
import { namespacePssPolicy } from '../../src/pss/namespace-policy.js';

const L = 'pod-security.kubernetes.io/';
const privileged = { spec: { containers: [{ name: 'c', securityContext: { privileged: true } }] } };
const plain = { spec: { containers: [{ name: 'c' }] } };

describe('serverCheckTargets', () => {
  it('asks each distinct non-privileged level once, listing the modes that judge at it', () => {
    const { targets } = serverCheckTargets('shop', namespacePssPolicy({ [`${L}enforce`]: 'baseline', [`${L}audit`]: 'restricted', [`${L}warn`]: 'restricted' }), 35);
    expect(targets.map((t) => [`${t.asked.level}:${t.asked.version}`, t.modes])).toEqual([
      ['baseline:v1.35', ['enforce']],
      ['restricted:latest', ['audit', 'warn']],
    ]);
  });

  it('spells the current enforce level differently so that the server judges the pods: latest as the server minor, a current pin as an equivalent version', () => {
    const latest = serverCheckTargets('a', namespacePssPolicy({ [`${L}enforce`]: 'restricted', [`${L}enforce-version`]: 'v1.40' }), 35).targets;
    expect(latest.map((t) => t.asked.version)).toEqual(['latest']);
    const pinned = serverCheckTargets('a', namespacePssPolicy({ [`${L}enforce`]: 'baseline', [`${L}enforce-version`]: 'v1.30' }), 35).targets[0];
    expect(pinned?.asked.version).toMatch(/^v1\.(29|31)$/);
  });

  it('asks nothing for a namespace at privileged and skips one with unparseable labels, saying why', () => {
    expect(serverCheckTargets('a', namespacePssPolicy({}), 35)).toEqual({ targets: [], unchecked: [] });
    expect(serverCheckTargets('a', namespacePssPolicy({ [`${L}enforce`]: 'strict' }), 35).unchecked).toEqual(['a: unparseable Pod Security labels']);
  });
});

describe('expectedNamespaceWarnings and compareServerWarnings', () => {
  const pods = [
    { name: 'b', pod: privileged },
    { name: 'a', pod: privileged },
    { name: 'c', pod: privileged },
    { name: 'ok', pod: plain },
  ];
  const expected = expectedNamespaceWarnings('shop', pods, { level: 'baseline', version: 'latest' });

  it('predicts the server text: the heading, then pods failing alike under the first name with the reasons only', () => {
    expect(expected).toEqual(['existing pods in namespace "shop" violate the new PodSecurity enforce level "baseline:latest"', 'a (and 2 other pods): privileged']);
    expect(expectedNamespaceWarnings('shop', [{ name: 'ok', pod: plain }], { level: 'baseline', version: 'latest' })).toEqual([]);
  });

  it('agrees with the same pod lines in another order and ignores warnings before the heading', () => {
    const target = { namespace: 'shop', asked: { level: 'baseline' as const, version: 'latest' }, modes: ['enforce' as const] };
    const two = expectedNamespaceWarnings('shop', [...pods, { name: 'net', pod: { spec: { hostNetwork: true, containers: [{ name: 'c' }] } } }], target.asked);
    expect(two).toHaveLength(3);
    const [heading, ...lines] = two;
    const r = compareServerWarnings(target, two, ['metadata.labels: something unrelated', heading as string, ...lines.reverse()]);
    expect(r).toMatchObject({ complete: true, compared: 3, onlyFloe: [], onlyServer: [] });
  });

  it('reports each side of a disagreement, and compares nothing when the server judged only some pods', () => {
    const target = { namespace: 'shop', asked: { level: 'baseline' as const, version: 'latest' }, modes: ['enforce' as const] };
    const r = compareServerWarnings(target, expected, [expected[0] as string, 'a (and 1 other pod): privileged']);
    expect(r.onlyFloe).toEqual(['a (and 2 other pods): privileged']);
    expect(r.onlyServer).toEqual(['a (and 1 other pod): privileged']);
    const err = new PssServerDisagreement([r]);
    expect(err.category).toBe('internal');
    expect(err.code).toBe('internal.pss_server_disagreement');
    expect(err.message).toContain('disagree on 1 of 1 namespace check');
    expect(err.message).toContain('server only: a (and 1 other pod): privileged');
    expect(compareServerWarnings(target, expected, ['new PodSecurity enforce level only checked against the first 3000 of 4000 existing pods'])).toMatchObject({ complete: false, onlyFloe: [], onlyServer: [] });
  });
});

describe('warningTexts', () => {
  it('unquotes each Warning header, also when several arrive joined with commas', () => {
    expect(warningTexts('299 - "existing pods in namespace \\"x\\" violate", 299 - "a: privileged, hostPort"')).toEqual(['existing pods in namespace "x" violate', 'a: privileged, hostPort']);
    expect(warningTexts(undefined)).toEqual([]);
  });
});
