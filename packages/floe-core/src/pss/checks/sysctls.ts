import type { CheckPodFn, PssCheck } from '../types.js';

const SAFE_1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const SAFE_1_27 = [...SAFE_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SAFE_1_29 = [...SAFE_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SAFE_1_32 = [...SAFE_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SAFE_1_37 = [...SAFE_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

/** Only sysctls namespaced to the pod and isolated from other pods; the set grew over releases. */
function allowOnly(names: readonly string[]): CheckPodFn {
  const safe = new Set(names);
  return (_meta, spec) => {
    const bad = (spec.securityContext?.sysctls ?? []).map((s) => s.name).filter((n) => !safe.has(n));
    return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
  };
}

export const sysctls: PssCheck = {
  id: 'sysctls',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, check: allowOnly(SAFE_1_0) },
    { minimumVersion: 27, check: allowOnly(SAFE_1_27) },
    { minimumVersion: 29, check: allowOnly(SAFE_1_29) },
    { minimumVersion: 32, check: allowOnly(SAFE_1_32) },
    { minimumVersion: 37, check: allowOnly(SAFE_1_37) },
  ],
};
