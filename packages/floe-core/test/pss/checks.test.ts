// One describe per Pod Security check: what it refuses, what it lets through, from which
// version, and the API server's wording. The differential suite (tests/integration/
// pss-differential.test.ts) checks the same against the real API server.
import { describe, expect, it } from 'vitest';
import { evaluatePod, type PodLike, type PssPodSpec } from '../../src/pss/index.js';

type Level = 'baseline' | 'restricted';
const pod = (spec: Partial<PssPodSpec>, annotations?: Record<string, string>): PodLike => ({
  metadata: annotations ? { annotations } : {},
  spec: { containers: [{ name: 'app' }], ...spec },
});
/** The violations of one check, as `reason (detail)`, at a level and version. */
function failures(p: PodLike, check: string, level: Level = 'baseline', version = 'latest'): string[] {
  return evaluatePod(p, { level, version })
    .violations.filter((v) => v.check === check)
    .map((v) => `${v.reason} (${v.detail})`);
}
const ids = (p: PodLike, level: Level, version = 'latest') => evaluatePod(p, { level, version }).violations.map((v) => v.check);
/** A pod that passes restricted at every version: the starting point for restricted checks. */
const hardened = (extra: Partial<PssPodSpec> = {}): PodLike =>
  pod({
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    ...extra,
  });

describe('privileged', () => {
  it('refuses privileged containers in every container list and names them in visiting order', () => {
    const p = pod({
      initContainers: [{ name: 'init', securityContext: { privileged: true } }],
      containers: [{ name: 'app', securityContext: { privileged: true } }, { name: 'ok', securityContext: { privileged: false } }],
      ephemeralContainers: [{ name: 'debug', securityContext: { privileged: true } }],
    });
    expect(failures(p, 'privileged', 'baseline', 'v1.0')).toEqual(['privileged (containers "init", "app", "debug" must not set securityContext.privileged=true)']);
  });
  it('allows privileged=false and an unset securityContext', () => {
    expect(failures(pod({ containers: [{ name: 'a', securityContext: { privileged: false } }, { name: 'b' }] }), 'privileged')).toEqual([]);
  });
});

describe('hostNamespaces', () => {
  it('lists each host namespace shared', () => {
    expect(failures(pod({ hostNetwork: true, hostPID: true, hostIPC: true }), 'hostNamespaces')).toEqual(['host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)']);
  });
  it('allows false', () => {
    expect(failures(pod({ hostNetwork: false, hostPID: false }), 'hostNamespaces')).toEqual([]);
  });
});

describe('hostPathVolumes', () => {
  const volumes = [{ name: 'h', hostPath: { path: '/' } }, { name: 'e', emptyDir: {} }, { name: 'h2', hostPath: { path: '/tmp' } }];
  it('names every hostPath volume at baseline', () => {
    expect(failures(pod({ volumes }), 'hostPathVolumes')).toEqual(['hostPath volumes (volumes "h", "h2")']);
  });
  it('is replaced by restrictedVolumes at restricted', () => {
    expect(ids(hardened({ volumes }), 'restricted')).toEqual(['restrictedVolumes']);
  });
});

describe('hostPorts', () => {
  it('lists the host ports sorted as strings, as the API server does', () => {
    const p = pod({ containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 80 }, { containerPort: 1, hostPort: 10000 }] }, { name: 'b', ports: [{ containerPort: 9 }] }] });
    expect(failures(p, 'hostPorts')).toEqual(['hostPort (container "a" uses hostPorts 10000, 80)']);
  });
  it('counts the hostPort the API server defaults from containerPort under hostNetwork', () => {
    expect(failures(pod({ hostNetwork: true, containers: [{ name: 'a', ports: [{ containerPort: 9090 }] }] }), 'hostPorts')).toEqual(['hostPort (container "a" uses hostPort 9090)']);
  });
  it('allows hostPort 0', () => {
    expect(failures(pod({ containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 0 }] }] }), 'hostPorts')).toEqual([]);
  });
});

describe('capabilities_baseline', () => {
  it('allows the runtime default set and refuses anything else, sorted and de-duplicated', () => {
    const p = pod({
      containers: [
        { name: 'a', securityContext: { capabilities: { add: ['CHOWN', 'SYS_TIME', 'NET_RAW'] } } },
        { name: 'b', securityContext: { capabilities: { add: ['NET_RAW', 'KILL'] } } },
        { name: 'c', securityContext: { capabilities: { add: ['AUDIT_WRITE', 'SYS_CHROOT', 'NET_BIND_SERVICE'] } } },
      ],
    });
    expect(failures(p, 'capabilities_baseline')).toEqual(['non-default capabilities (containers "a", "b" must not include "NET_RAW", "SYS_TIME" in securityContext.capabilities.add)']);
  });
  it('is replaced by capabilities_restricted at restricted from v1.22, not before', () => {
    const p = hardened({ containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['SYS_TIME'], drop: ['ALL'] } } }] });
    expect(ids(p, 'restricted', 'v1.21')).toEqual(['capabilities_baseline']);
    expect(ids(p, 'restricted', 'v1.22')).toEqual(['capabilities_restricted']);
  });
});

describe('capabilities_restricted', () => {
  it('requires drop ALL (exactly, upper case) and allows adding only NET_BIND_SERVICE', () => {
    const p = hardened({
      containers: [
        { name: 'a', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['all'] } } },
        { name: 'b', securityContext: { allowPrivilegeEscalation: false } },
        { name: 'c', securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['CHOWN', 'NET_BIND_SERVICE'], drop: ['ALL'] } } },
        { name: 'd', securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] } } },
      ],
    });
    expect(failures(p, 'capabilities_restricted', 'restricted')).toEqual([
      'unrestricted capabilities (containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; container "c" must not include "CHOWN" in securityContext.capabilities.add)',
    ]);
  });
  it('exempts Windows pods from v1.25', () => {
    const p = pod({ os: { name: 'windows' }, securityContext: { runAsNonRoot: true } });
    expect(ids(p, 'restricted', 'v1.24')).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted']);
    expect(ids(p, 'restricted', 'v1.25')).toEqual([]);
  });
});

describe('appArmorProfile', () => {
  it('refuses Unconfined in the pod and container fields', () => {
    const p = pod({ securityContext: { appArmorProfile: { type: 'Unconfined' } }, containers: [{ name: 'a', securityContext: { appArmorProfile: { type: 'Unconfined' } } }, { name: 'b', securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'p' } } }] });
    expect(failures(p, 'appArmorProfile', 'baseline', 'v1.0')).toEqual(['forbidden AppArmor profile (pod and container "a" must not set AppArmor profile type to "Unconfined")']);
  });
  it('judges the annotation and the field the API server derives from it', () => {
    const p = pod({}, { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined', 'container.apparmor.security.beta.kubernetes.io/x': 'localhost/p' });
    expect(failures(p, 'appArmorProfile')).toEqual([
      'forbidden AppArmor profiles (container "app" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined"")',
    ]);
  });
  it('allows runtime/default and localhost/ annotations', () => {
    expect(failures(pod({}, { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' }), 'appArmorProfile')).toEqual([]);
  });
});

describe('seLinuxOptions', () => {
  it('refuses other types, user and role, naming the pod and containers', () => {
    const p = pod({ securityContext: { seLinuxOptions: { type: 'spc_t', user: 'u' } }, containers: [{ name: 'a', securityContext: { seLinuxOptions: { role: 'r', level: 's0' } } }] });
    expect(failures(p, 'seLinuxOptions')).toEqual(['seLinuxOptions (pod and container "a" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set)']);
  });
  it('allows container_engine_t from v1.31 only', () => {
    const p = pod({ securityContext: { seLinuxOptions: { type: 'container_engine_t' } } });
    expect(failures(p, 'seLinuxOptions', 'baseline', 'v1.30')).toHaveLength(1);
    expect(failures(p, 'seLinuxOptions', 'baseline', 'v1.31')).toEqual([]);
  });
  it('allows the container types and a level', () => {
    for (const type of ['', 'container_t', 'container_init_t', 'container_kvm_t']) expect(failures(pod({ securityContext: { seLinuxOptions: { type, level: 's0' } } }), 'seLinuxOptions', 'baseline', 'v1.0')).toEqual([]);
  });
});

describe('procMount and procMount_restricted', () => {
  const unmasked = (hostUsers?: boolean) => hardened({ ...(hostUsers === undefined ? {} : { hostUsers }), containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, procMount: 'Unmasked' } }] });
  it('refuses Unmasked at baseline before v1.35 even in a user namespace', () => {
    expect(failures(unmasked(false), 'procMount', 'baseline', 'v1.34')).toEqual(['procMount (container "app" must not set securityContext.procMount to "Unmasked")']);
  });
  it('allows Unmasked at baseline from v1.35 for a pod with hostUsers: false only', () => {
    expect(failures(unmasked(false), 'procMount', 'baseline', 'v1.35')).toEqual([]);
    expect(failures(unmasked(), 'procMount', 'baseline', 'latest')).toHaveLength(1);
  });
  it('keeps refusing Unmasked at restricted, through procMount_restricted from v1.35', () => {
    expect(ids(unmasked(false), 'restricted', 'v1.34')).toEqual(['procMount']);
    expect(ids(unmasked(false), 'restricted', 'latest')).toEqual(['procMount_restricted']);
  });
  it('allows Default', () => {
    expect(failures(pod({ containers: [{ name: 'a', securityContext: { procMount: 'Default' } }] }), 'procMount')).toEqual([]);
  });
});

describe('seccompProfile_baseline', () => {
  it('reads the annotations before v1.19 and ignores them from v1.19', () => {
    const p = pod({}, { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined', 'container.seccomp.security.alpha.kubernetes.io/app': 'unconfined', 'container.seccomp.security.alpha.kubernetes.io/gone': 'unconfined' });
    expect(failures(p, 'seccompProfile_baseline', 'baseline', 'v1.18')).toEqual([
      'seccompProfile (forbidden annotations container.seccomp.security.alpha.kubernetes.io/app="unconfined", seccomp.security.alpha.kubernetes.io/pod="unconfined")',
    ]);
    expect(failures(p, 'seccompProfile_baseline', 'baseline', 'v1.19')).toEqual([]);
  });
  it('refuses the Unconfined field from v1.19', () => {
    const p = pod({ securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'a', securityContext: { seccompProfile: { type: 'Unconfined' } } }] });
    expect(failures(p, 'seccompProfile_baseline', 'baseline', 'v1.18')).toEqual([]);
    expect(failures(p, 'seccompProfile_baseline', 'baseline', 'v1.19')).toEqual(['seccompProfile (pod and container "a" must not set securityContext.seccompProfile.type to "Unconfined")']);
  });
});

describe('seccompProfile_restricted', () => {
  it('requires RuntimeDefault or Localhost on the pod or every container from v1.19', () => {
    const p = pod({ containers: [{ name: 'a', securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p' } } }, { name: 'b' }] });
    expect(failures(p, 'seccompProfile_restricted', 'restricted', 'v1.18')).toEqual([]);
    expect(failures(p, 'seccompProfile_restricted', 'restricted', 'v1.19')).toEqual(['seccompProfile (pod or container "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")']);
  });
  it('reports an explicit Unconfined before the missing ones', () => {
    const p = pod({ containers: [{ name: 'a', securityContext: { seccompProfile: { type: 'Unconfined' } } }, { name: 'b' }] });
    expect(failures(p, 'seccompProfile_restricted', 'restricted')).toEqual(['seccompProfile (container "a" must not set securityContext.seccompProfile.type to "Unconfined")']);
  });
});

describe('sysctls', () => {
  it('grows the safe set with the versions that added to it', () => {
    const p = pod({ securityContext: { sysctls: [{ name: 'net.ipv4.ip_local_reserved_ports' }, { name: 'net.ipv4.tcp_keepalive_time' }, { name: 'net.ipv4.tcp_rmem' }, { name: 'kernel.msgmax' }] } });
    expect(failures(p, 'sysctls', 'baseline', 'v1.26')).toEqual(['forbidden sysctls (net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_keepalive_time, net.ipv4.tcp_rmem, kernel.msgmax)']);
    expect(failures(p, 'sysctls', 'baseline', 'v1.27')).toEqual(['forbidden sysctls (net.ipv4.tcp_keepalive_time, net.ipv4.tcp_rmem, kernel.msgmax)']);
    expect(failures(p, 'sysctls', 'baseline', 'v1.29')).toEqual(['forbidden sysctls (net.ipv4.tcp_rmem, kernel.msgmax)']);
    expect(failures(p, 'sysctls', 'baseline', 'v1.32')).toEqual(['forbidden sysctls (kernel.msgmax)']);
  });
  it('allows net.ipv4.tcp_slow_start_after_idle and net.ipv4.tcp_notsent_lowat from v1.37 (latest), not before', () => {
    const p = pod({ securityContext: { sysctls: [{ name: 'net.ipv4.tcp_slow_start_after_idle' }, { name: 'net.ipv4.tcp_notsent_lowat' }] } });
    for (const v of ['v1.0', 'v1.32', 'v1.35', 'v1.36']) expect(failures(p, 'sysctls', 'baseline', v), v).toEqual(['forbidden sysctls (net.ipv4.tcp_slow_start_after_idle, net.ipv4.tcp_notsent_lowat)']);
    for (const v of ['v1.37', 'latest', 'v1.38']) expect(failures(p, 'sysctls', 'baseline', v), v).toEqual([]);
  });
});

describe('windowsHostProcess', () => {
  it('refuses hostProcess on the pod and containers', () => {
    const p = pod({ securityContext: { windowsOptions: { hostProcess: true } }, containers: [{ name: 'a', securityContext: { windowsOptions: { hostProcess: true } } }, { name: 'b', securityContext: { windowsOptions: { hostProcess: false } } }] });
    expect(failures(p, 'windowsHostProcess')).toEqual(['hostProcess (pod and container "a" must not set securityContext.windowsOptions.hostProcess=true)']);
  });
});

describe('hostProbesAndHostLifecycle', () => {
  const p = pod({
    containers: [
      { name: 'b', livenessProbe: { httpGet: { host: 'z' } }, lifecycle: { preStop: { tcpSocket: { host: 'a' } } } },
      { name: 'a', readinessProbe: { tcpSocket: { host: 'a' } }, startupProbe: { httpGet: {} } },
    ],
  });
  it('names the containers and hosts, sorted, from v1.34', () => {
    expect(failures(p, 'hostProbesAndHostLifecycle', 'baseline', 'v1.34')).toEqual(['probe or lifecycle host (containers "a", "b" use probe or lifecycle hosts "a", "z")']);
  });
  it('does not exist before v1.34', () => {
    expect(failures(p, 'hostProbesAndHostLifecycle', 'baseline', 'v1.33')).toEqual([]);
  });
});

describe('allowPrivilegeEscalation', () => {
  const p = pod({ containers: [{ name: 'a', securityContext: { allowPrivilegeEscalation: true } }, { name: 'b' }, { name: 'c', securityContext: { allowPrivilegeEscalation: false } }] });
  it('requires false on every container from v1.8', () => {
    expect(failures(p, 'allowPrivilegeEscalation', 'restricted', 'v1.7')).toEqual([]);
    expect(failures(p, 'allowPrivilegeEscalation', 'restricted', 'v1.8')).toEqual(['allowPrivilegeEscalation != false (containers "a", "b" must set securityContext.allowPrivilegeEscalation=false)']);
  });
  it('exempts Windows pods from v1.25', () => {
    expect(failures({ ...p, spec: { ...p.spec, os: { name: 'windows' } } }, 'allowPrivilegeEscalation', 'restricted', 'v1.25')).toEqual([]);
  });
});

describe('runAsNonRoot', () => {
  it('names explicit false settings before implicit ones', () => {
    const p = pod({ securityContext: { runAsNonRoot: false }, containers: [{ name: 'a', securityContext: { runAsNonRoot: false } }, { name: 'b' }] });
    expect(failures(p, 'runAsNonRoot', 'restricted')).toEqual(['runAsNonRoot != true (pod and container "a" must not set securityContext.runAsNonRoot=false)']);
  });
  it('accepts a pod-level true for containers that do not say otherwise', () => {
    expect(failures(pod({ securityContext: { runAsNonRoot: true }, containers: [{ name: 'a' }] }), 'runAsNonRoot', 'restricted')).toEqual([]);
    expect(failures(pod({ containers: [{ name: 'a' }, { name: 'b', securityContext: { runAsNonRoot: true } }] }), 'runAsNonRoot', 'restricted')).toEqual([
      'runAsNonRoot != true (pod or container "a" must set securityContext.runAsNonRoot=true)',
    ]);
  });
  it('exempts user-namespaced pods from v1.35', () => {
    const p = pod({ hostUsers: false });
    expect(failures(p, 'runAsNonRoot', 'restricted', 'v1.34')).toHaveLength(1);
    expect(failures(p, 'runAsNonRoot', 'restricted', 'latest')).toEqual([]);
  });
});

describe('runAsUser', () => {
  const p = pod({ securityContext: { runAsUser: 0 }, containers: [{ name: 'a', securityContext: { runAsUser: 0 } }, { name: 'b', securityContext: { runAsUser: 1000 } }] });
  it('refuses an explicit UID 0 from v1.23', () => {
    expect(failures(p, 'runAsUser', 'restricted', 'v1.22')).toEqual([]);
    expect(failures(p, 'runAsUser', 'restricted', 'v1.23')).toEqual(['runAsUser=0 (pod and container "a" must not set runAsUser=0)']);
  });
  it('exempts user-namespaced pods from v1.35', () => {
    expect(failures({ ...p, spec: { ...p.spec, hostUsers: false } }, 'runAsUser', 'restricted', 'v1.34')).toHaveLength(1);
    expect(failures({ ...p, spec: { ...p.spec, hostUsers: false } }, 'runAsUser', 'restricted', 'v1.35')).toEqual([]);
  });
});

describe('restrictedVolumes', () => {
  it('allows the core volume types, image included', () => {
    const volumes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'].map((t) => ({ name: t.toLowerCase(), [t]: {} }));
    expect(failures(hardened({ volumes }), 'restrictedVolumes', 'restricted')).toEqual([]);
  });
  it('names the volumes and the types refused; a source the API does not know is dropped, leaving an emptyDir', () => {
    const volumes = [{ name: 'n', nfs: { server: 's', path: '/' } }, { name: 'c', cephfs: { monitors: [] } }, { name: 'h', hostPath: { path: '/' } }, { name: 'x', unknownSource: {} }];
    expect(failures(hardened({ volumes }), 'restrictedVolumes', 'restricted', 'v1.0')).toEqual(['restricted volume types (volumes "n", "c", "h" use restricted volume types "cephfs", "hostPath", "nfs")']);
  });
});
