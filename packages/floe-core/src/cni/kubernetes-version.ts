/**
 * Kubernetes versions floe reasons about, decided in one place. Pure: the
 * decision takes a version and returns findings, so it is tested without a
 * server of that version.
 */

/**
 * The oldest Kubernetes minor floe supports (1.N). Older clusters may work,
 * but nothing floe writes or checks is proven there. Change it here only.
 */
export const OLDEST_SUPPORTED_MINOR = 30;

/** Pod Security admission is GA (and on by default) from 1.25; older, the namespace labels do nothing. */
export const POD_SECURITY_MINOR = 25;

export interface KubernetesVersion {
  /** As the server reports it: v1.35.4, v1.31.4+k3s1. */
  gitVersion: string;
  major: number;
  /** NaN when the server's minor is unreadable. */
  minor: number;
}

export interface VersionFinding {
  code: 'pod-security-unavailable' | 'older-than-supported';
  message: string;
}

/** major "1", minor "31+" (some providers append "+"). */
export function parseKubernetesVersion(v: { gitVersion: string; major: string; minor: string }): KubernetesVersion {
  const fromGit = /^v?(\d+)\.(\d+)/.exec(v.gitVersion);
  const major = Number.parseInt(v.major, 10);
  const minor = Number.parseInt(v.minor, 10);
  return {
    gitVersion: v.gitVersion,
    major: Number.isNaN(major) ? Number(fromGit?.[1] ?? Number.NaN) : major,
    minor: Number.isNaN(minor) ? Number(fromGit?.[2] ?? Number.NaN) : minor,
  };
}

/** What is wrong with running floe on this version: nothing for 1.30 or newer. */
export function kubernetesVersionFindings(v: KubernetesVersion): VersionFinding[] {
  if (v.major !== 1 || Number.isNaN(v.minor)) return [];
  const out: VersionFinding[] = [];
  if (v.minor < POD_SECURITY_MINOR) {
    out.push({
      code: 'pod-security-unavailable',
      message: `Kubernetes ${v.gitVersion} is older than 1.${POD_SECURITY_MINOR}: Pod Security admission is not there (or not on by default), so the pod-security.kubernetes.io labels floe writes do nothing; upgrade the cluster`,
    });
  }
  if (v.minor < OLDEST_SUPPORTED_MINOR) {
    out.push({ code: 'older-than-supported', message: `Kubernetes ${v.gitVersion} is older than 1.${OLDEST_SUPPORTED_MINOR}, the oldest minor floe supports: what floe writes and checks is not proven there` });
  }
  return out;
}
