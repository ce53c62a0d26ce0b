import { describe, expect, it } from 'vitest';
import { kubernetesVersionFindings, OLDEST_SUPPORTED_MINOR, parseKubernetesVersion } from '../../src/cni/kubernetes-version.js';

const v = (gitVersion: string, minor: string) => parseKubernetesVersion({ gitVersion, major: '1', minor });

describe('the Kubernetes version decision', () => {
  it('finds nothing on a supported version', () => {
    expect(kubernetesVersionFindings(v('v1.35.4', '35'))).toEqual([]);
    expect(kubernetesVersionFindings(v(`v1.${OLDEST_SUPPORTED_MINOR}.0`, String(OLDEST_SUPPORTED_MINOR)))).toEqual([]);
  });

  it('says Pod Security labels do nothing before 1.25, and that the version is older than floe supports', () => {
    expect(kubernetesVersionFindings(v('v1.24.17', '24')).map((f) => f.code)).toEqual(['pod-security-unavailable', 'older-than-supported']);
    expect(kubernetesVersionFindings(v('v1.24.17', '24'))[0]?.message).toMatch(/older than 1\.25: .*pod-security\.kubernetes\.io labels floe writes do nothing/);
  });

  it('says only "older than supported" between 1.25 and the oldest supported minor', () => {
    expect(kubernetesVersionFindings(v('v1.25.16', '25')).map((f) => f.code)).toEqual(['older-than-supported']);
    expect(kubernetesVersionFindings(v(`v1.${OLDEST_SUPPORTED_MINOR - 1}.3`, String(OLDEST_SUPPORTED_MINOR - 1))).map((f) => f.code)).toEqual(['older-than-supported']);
  });

  it('reads a provider minor with a trailing plus, and falls back to gitVersion', () => {
    expect(parseKubernetesVersion({ gitVersion: 'v1.29.8-eks-a737599', major: '1', minor: '29+' }).minor).toBe(29);
    expect(parseKubernetesVersion({ gitVersion: 'v1.31.4+k3s1', major: '', minor: '' })).toEqual({ gitVersion: 'v1.31.4+k3s1', major: 1, minor: 31 });
  });
});
