// Pods for the Pod Security differential suite: every value each check distinguishes, at
// pod level and in containers, init containers (plain and sidecar) and ephemeral containers,
// plus seeded random combinations. Each case is a valid pod (the API server validates before
// admission judges), so every case reaches PodSecurity admission.
import fc from 'fast-check';

export const IMAGE = 'registry.k8s.io/pause:3.10';

type Obj = Record<string, unknown>;
export interface TestContainer extends Obj {
  name: string;
  securityContext?: Obj;
}
export interface TestPodSpec extends Obj {
  containers: TestContainer[];
  initContainers?: TestContainer[];
  ephemeralContainers?: TestContainer[];
  securityContext?: Obj;
}
export interface TestPod {
  metadata: { annotations?: Record<string, string> };
  spec: TestPodSpec;
}
export interface DiffCase {
  name: string;
  /** The pod; with `ephemeral`, its ephemeral container is added through the pods/ephemeralcontainers subresource. */
  pod: TestPod;
  ephemeral?: TestContainer;
}

const HARD_SC = () => ({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
const bare = (name: string): TestContainer => ({ name, image: IMAGE });
const hard = (name: string): TestContainer => ({ name, image: IMAGE, securityContext: HARD_SC() });

/** Starting points: nothing set; every container hardened; hardened through the pod-level fields. */
export const BASES: Record<string, () => TestPod> = {
  bare: () => ({ metadata: {}, spec: { containers: [bare('app')] } }),
  hardened: () => ({ metadata: {}, spec: { containers: [hard('app')] } }),
  podLevel: () => ({
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', image: IMAGE, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
  }),
};

/** The pods ephemeral cases are attached to: both pass restricted at every version; one runs in a user namespace. */
export const EPHEMERAL_HOST = BASES.podLevel as () => TestPod;
export const EPHEMERAL_HOST_USERNS = (): TestPod => {
  const pod = EPHEMERAL_HOST();
  pod.spec.hostUsers = false;
  return pod;
};

type ContainerVariation = { apply: (c: TestContainer, pod: TestPod) => void; where?: 'regular' | 'no-ephemeral' };
const sc = (fields: Obj): ContainerVariation => ({
  apply: (c) => {
    const s: Obj = { ...(c.securityContext ?? {}) };
    for (const [k, v] of Object.entries(fields)) if (v === undefined) delete s[k];
    else s[k] = v;
    c.securityContext = s;
  },
});
const field = (fields: Obj, where?: ContainerVariation['where']): ContainerVariation => ({ apply: (c) => Object.assign(c, structuredClone(fields)), ...(where ? { where } : {}) });

const CAPS_DEFAULT = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t', 'spc_t'];

export const CONTAINER_VARIATIONS: Record<string, ContainerVariation> = {
  'privileged=true': sc({ privileged: true, allowPrivilegeEscalation: undefined }),
  'privileged=false': sc({ privileged: false }),
  'allowPrivilegeEscalation=true': sc({ allowPrivilegeEscalation: true }),
  'allowPrivilegeEscalation=false': sc({ allowPrivilegeEscalation: false }),
  'allowPrivilegeEscalation unset': sc({ allowPrivilegeEscalation: undefined }),
  'securityContext unset': { apply: (c) => void delete c.securityContext },
  'capabilities unset': sc({ capabilities: undefined }),
  'capabilities {}': sc({ capabilities: {} }),
  'drop ALL': sc({ capabilities: { drop: ['ALL'] } }),
  'drop all (lower case)': sc({ capabilities: { drop: ['all'] } }),
  'drop NET_RAW': sc({ capabilities: { drop: ['NET_RAW'] } }),
  'drop NET_RAW,ALL': sc({ capabilities: { drop: ['NET_RAW', 'ALL'] } }),
  'add NET_BIND_SERVICE drop ALL': sc({ capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] } }),
  'add CHOWN drop ALL': sc({ capabilities: { add: ['CHOWN'], drop: ['ALL'] } }),
  'add default set': sc({ capabilities: { add: CAPS_DEFAULT } }),
  'add SYS_ADMIN': sc({ capabilities: { add: ['SYS_ADMIN'] }, allowPrivilegeEscalation: undefined }),
  'add NET_RAW,SYS_TIME drop ALL': sc({ capabilities: { add: ['SYS_TIME', 'NET_RAW'], drop: ['ALL'] } }),
  'add CAP_CHOWN': sc({ capabilities: { add: ['CAP_CHOWN'], drop: ['ALL'] } }),
  'add ALL': sc({ capabilities: { add: ['ALL'] } }),
  'runAsNonRoot=true': sc({ runAsNonRoot: true }),
  'runAsNonRoot=false': sc({ runAsNonRoot: false }),
  'runAsNonRoot unset': sc({ runAsNonRoot: undefined }),
  'runAsUser=0': sc({ runAsUser: 0 }),
  'runAsUser=1000': sc({ runAsUser: 1000 }),
  'seccomp RuntimeDefault': sc({ seccompProfile: { type: 'RuntimeDefault' } }),
  'seccomp Localhost': sc({ seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/p.json' } }),
  'seccomp Unconfined': sc({ seccompProfile: { type: 'Unconfined' } }),
  'seccomp unset': sc({ seccompProfile: undefined }),
  'appArmor RuntimeDefault': sc({ appArmorProfile: { type: 'RuntimeDefault' } }),
  'appArmor Localhost': sc({ appArmorProfile: { type: 'Localhost', localhostProfile: 'p' } }),
  'appArmor Unconfined': sc({ appArmorProfile: { type: 'Unconfined' } }),
  ...Object.fromEntries(SELINUX_TYPES.map((t) => [`seLinux type ${JSON.stringify(t)}`, sc({ seLinuxOptions: { type: t } })])),
  'seLinux user': sc({ seLinuxOptions: { user: 'system_u' } }),
  'seLinux role': sc({ seLinuxOptions: { role: 'system_r' } }),
  'seLinux level': sc({ seLinuxOptions: { level: 's0:c123,c456' } }),
  'seLinux type+user+role': sc({ seLinuxOptions: { type: 'spc_t', user: 'system_u', role: 'system_r' } }),
  'procMount Default': sc({ procMount: 'Default' }),
  'procMount Unmasked': sc({ procMount: 'Unmasked' }),
  'hostPort 8080': field({ ports: [{ containerPort: 8080, hostPort: 8080 }] }, 'no-ephemeral'),
  'hostPorts 80,10000': field({ ports: [{ containerPort: 80, hostPort: 80 }, { containerPort: 10000, hostPort: 10000, protocol: 'UDP' }] }, 'no-ephemeral'),
  'containerPort only': field({ ports: [{ containerPort: 8080 }] }, 'no-ephemeral'),
  'hostPort 0': field({ ports: [{ containerPort: 8080, hostPort: 0 }] }, 'no-ephemeral'),
  'livenessProbe httpGet host': field({ livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } } }, 'regular'),
  'readinessProbe tcpSocket host': field({ readinessProbe: { tcpSocket: { host: 'example.com', port: 80 } } }, 'regular'),
  'startupProbe httpGet host': field({ startupProbe: { httpGet: { host: 'a.example', port: 80 } } }, 'regular'),
  'probe without host': field({ livenessProbe: { httpGet: { port: 80 } }, readinessProbe: { tcpSocket: { port: 80 } } }, 'regular'),
  'postStart httpGet host': field({ lifecycle: { postStart: { httpGet: { host: '127.0.0.1', port: 80 } } } }, 'regular'),
  'preStop tcpSocket host': field({ lifecycle: { preStop: { tcpSocket: { host: 'b.example', port: 80 } } } }, 'regular'),
  'two probe hosts': field({ livenessProbe: { httpGet: { host: 'z.example', port: 80 } }, lifecycle: { preStop: { httpGet: { host: 'a.example', port: 80 } } } }, 'regular'),
};

type PodVariation = (pod: TestPod) => void;
const psc =
  (fields: Obj): PodVariation =>
  (pod) => {
    const s: Obj = { ...(pod.spec.securityContext ?? {}) };
    for (const [k, v] of Object.entries(fields)) if (v === undefined) delete s[k];
    else s[k] = v;
    pod.spec.securityContext = s;
  };
const spec =
  (fields: Obj): PodVariation =>
  (pod) =>
    void Object.assign(pod.spec, structuredClone(fields));
const annotate =
  (annotations: Record<string, string>): PodVariation =>
  (pod) =>
    void (pod.metadata.annotations = { ...pod.metadata.annotations, ...annotations });

const SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
  'kernel.msgmax',
  'net.core.somaxconn',
];
const SYSCTL_VALUE: Record<string, string> = {
  'net.ipv4.ip_local_port_range': '32768 60999',
  'net.ipv4.ping_group_range': '0 2147483647',
  'net.ipv4.ip_local_reserved_ports': '8080',
  'net.ipv4.tcp_rmem': '4096 87380 6291456',
  'net.ipv4.tcp_wmem': '4096 16384 4194304',
  'net.ipv4.tcp_slow_start_after_idle': '0',
  'net.ipv4.tcp_notsent_lowat': '16384',
};

export const VOLUMES: Record<string, Obj> = {
  configMap: { name: 'cm' },
  csi: { driver: 'csi.example.com' },
  downwardAPI: { items: [] },
  emptyDir: {},
  ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } },
  persistentVolumeClaim: { claimName: 'claim' },
  projected: { sources: [] },
  secret: { secretName: 's' },
  image: { reference: IMAGE },
  hostPath: { path: '/var/lib' },
  gcePersistentDisk: { pdName: 'pd' },
  awsElasticBlockStore: { volumeID: 'vol-1' },
  gitRepo: { repository: 'https://example.com/r.git' },
  nfs: { server: 'nfs.example.com', path: '/export' },
  iscsi: { targetPortal: '10.0.0.2:3260', iqn: 'iqn.2001-04.com.example:storage', lun: 0 },
  glusterfs: { endpoints: 'glusterfs', path: 'vol' },
  rbd: { monitors: ['10.0.0.3:6789'], image: 'img' },
  flexVolume: { driver: 'example.com/flex' },
  cinder: { volumeID: 'v' },
  cephfs: { monitors: ['10.0.0.4:6789'] },
  flocker: { datasetName: 'd' },
  fc: { targetWWNs: ['500a0981891b8dc5'], lun: 0 },
  azureFile: { secretName: 's', shareName: 'share' },
  vsphereVolume: { volumePath: '[ds] v.vmdk' },
  quobyte: { registry: 'registry:7861', volume: 'v' },
  azureDisk: { diskName: 'd', diskURI: 'https://example.blob.core.windows.net/vhds/d.vhd' },
  photonPersistentDisk: { pdID: 'pd' },
  portworxVolume: { volumeID: 'v' },
  scaleIO: { gateway: 'https://gw', system: 'sys', secretRef: { name: 's' }, volumeName: 'v' },
  storageos: { volumeName: 'v' },
};

export const POD_VARIATIONS: Record<string, PodVariation> = {
  hostNetwork: spec({ hostNetwork: true }),
  'hostNetwork with containerPort (hostPort defaulted)': (pod) => {
    pod.spec.hostNetwork = true;
    (pod.spec.containers[0] as TestContainer).ports = [{ containerPort: 9090 }];
  },
  hostPID: spec({ hostPID: true }),
  hostIPC: spec({ hostIPC: true }),
  'hostNetwork+hostPID+hostIPC': spec({ hostNetwork: true, hostPID: true, hostIPC: true }),
  'hostNetwork=false': spec({ hostNetwork: false }),
  'hostUsers=false': spec({ hostUsers: false }),
  'hostUsers=true': spec({ hostUsers: true }),
  'hostUsers=false runAsUser=0': (pod) => {
    pod.spec.hostUsers = false;
    psc({ runAsUser: 0 })(pod);
  },
  'hostUsers=false runAsNonRoot=false': (pod) => {
    pod.spec.hostUsers = false;
    psc({ runAsNonRoot: false })(pod);
  },
  'pod runAsNonRoot=true': psc({ runAsNonRoot: true }),
  'pod runAsNonRoot=false': psc({ runAsNonRoot: false }),
  'pod runAsNonRoot unset': psc({ runAsNonRoot: undefined }),
  'pod runAsUser=0': psc({ runAsUser: 0 }),
  'pod runAsUser=1000': psc({ runAsUser: 1000 }),
  'pod seccomp RuntimeDefault': psc({ seccompProfile: { type: 'RuntimeDefault' } }),
  'pod seccomp Localhost': psc({ seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } }),
  'pod seccomp Unconfined': psc({ seccompProfile: { type: 'Unconfined' } }),
  'pod seccomp unset': psc({ seccompProfile: undefined }),
  'pod appArmor RuntimeDefault': psc({ appArmorProfile: { type: 'RuntimeDefault' } }),
  'pod appArmor Localhost': psc({ appArmorProfile: { type: 'Localhost', localhostProfile: 'p' } }),
  'pod appArmor Unconfined': psc({ appArmorProfile: { type: 'Unconfined' } }),
  ...Object.fromEntries(SELINUX_TYPES.map((t) => [`pod seLinux type ${JSON.stringify(t)}`, psc({ seLinuxOptions: { type: t } })])),
  'pod seLinux user': psc({ seLinuxOptions: { user: 'system_u' } }),
  'pod seLinux role': psc({ seLinuxOptions: { role: 'system_r' } }),
  'pod seLinux level': psc({ seLinuxOptions: { level: 's0' } }),
  ...Object.fromEntries(SYSCTLS.map((s) => [`sysctl ${s}`, psc({ sysctls: [{ name: s, value: SYSCTL_VALUE[s] ?? '1' }] })])),
  'sysctls mixed': psc({ sysctls: [{ name: 'kernel.msgmax', value: '1' }, { name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }, { name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'net.core.somaxconn', value: '1' }] }),
  ...Object.fromEntries(Object.entries(VOLUMES).map(([k, v]) => [`volume ${k}`, spec({ volumes: [{ name: `v-${k.toLowerCase()}`, [k]: v }] })])),
  // No source: the API server defaults it to emptyDir before admission judges it.
  'volume with no source': spec({ volumes: [{ name: 'v-nosource' }] }),
  'volumes hostPath+nfs+emptyDir': spec({ volumes: [{ name: 'h', hostPath: { path: '/' } }, { name: 'n', nfs: { server: 's', path: '/' } }, { name: 'e', emptyDir: {} }, { name: 'h2', hostPath: { path: '/tmp' } }] }),
  'seccomp pod annotation unconfined': annotate({ 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' }),
  'seccomp pod annotation runtime/default': annotate({ 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' }),
  'seccomp container annotation unconfined': annotate({ 'container.seccomp.security.alpha.kubernetes.io/app': 'unconfined' }),
  'seccomp container annotation localhost': annotate({ 'container.seccomp.security.alpha.kubernetes.io/app': 'localhost/p.json' }),
  'appArmor annotation unconfined': annotate({ 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }),
  'appArmor annotation runtime/default': annotate({ 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' }),
  'appArmor annotation localhost': annotate({ 'container.apparmor.security.beta.kubernetes.io/app': 'localhost/prof' }),
  'os linux': spec({ os: { name: 'linux' } }),
};

/** Windows pods: Linux-only fields are invalid there, so they start from their own base. */
function windowsCases(): DiffCase[] {
  const win = (name: string, mutate: (p: TestPod) => void): DiffCase => {
    const pod: TestPod = { metadata: {}, spec: { os: { name: 'windows' }, containers: [{ name: 'app', image: IMAGE }] } };
    mutate(pod);
    return { name: `windows: ${name}`, pod };
  };
  return [
    win('plain', () => {}),
    win('runAsNonRoot=true', psc({ runAsNonRoot: true })),
    win('hostProcess pod', (p) => {
      p.spec.hostNetwork = true;
      psc({ windowsOptions: { hostProcess: true } })(p);
    }),
    win('hostProcess container', (p) => {
      p.spec.hostNetwork = true;
      (p.spec.containers[0] as TestContainer).securityContext = { windowsOptions: { hostProcess: true } };
    }),
    win('hostProcess=false', (p) => void ((p.spec.containers[0] as TestContainer).securityContext = { windowsOptions: { hostProcess: false } })),
    win('ports', (p) => void ((p.spec.containers[0] as TestContainer).ports = [{ containerPort: 80, hostPort: 80 }])),
    win('runAsUserName', psc({ runAsNonRoot: true, windowsOptions: { runAsUserName: 'ContainerUser' } })),
    {
      name: 'os unset: hostProcess pod',
      pod: { metadata: {}, spec: { hostNetwork: true, securityContext: { windowsOptions: { hostProcess: true } }, containers: [{ name: 'app', image: IMAGE }] } },
    },
  ];
}

/** The API server's validation rules the variations could break, repaired so each case is valid. */
export function makeValid(pod: TestPod, ephemeral?: TestContainer): void {
  const all = [...pod.spec.containers, ...(pod.spec.initContainers ?? []), ...(ephemeral ? [ephemeral] : [])];
  for (const c of all) {
    const s = c.securityContext;
    const caps = (s?.capabilities as { add?: string[] } | undefined)?.add ?? [];
    // allowPrivilegeEscalation=false cannot be combined with privileged or CAP_SYS_ADMIN.
    if (s && s.allowPrivilegeEscalation === false && (s.privileged === true || caps.includes('SYS_ADMIN') || caps.includes('CAP_SYS_ADMIN'))) delete s.allowPrivilegeEscalation;
  }
  // Unmasked /proc is only valid in a user namespace, which excludes the host namespaces.
  if (all.some((c) => c.securityContext?.procMount === 'Unmasked')) pod.spec.hostUsers = false;
  if (pod.spec.hostUsers === false) for (const k of ['hostNetwork', 'hostPID', 'hostIPC']) delete pod.spec[k];
  // Namespaced network sysctls make no sense in the host's network namespace.
  const podSc = pod.spec.securityContext as { sysctls?: { name: string }[]; seccompProfile?: unknown; appArmorProfile?: unknown } | undefined;
  if (pod.spec.hostNetwork === true && podSc?.sysctls) {
    podSc.sysctls = podSc.sysctls.filter((s) => !s.name.startsWith('net.'));
    if (!podSc.sysctls.length) delete podSc.sysctls;
  }
  // An annotation and the field it predates must agree; the annotation is what such a case tests.
  const annotations = pod.metadata.annotations ?? {};
  if (podSc && annotations['seccomp.security.alpha.kubernetes.io/pod'] !== undefined) delete podSc.seccompProfile;
  const hasAppArmorAnnotation = Object.keys(annotations).some((k) => k.startsWith('container.apparmor.security.beta.kubernetes.io/'));
  if (podSc && hasAppArmorAnnotation) delete podSc.appArmorProfile;
  for (const c of all) {
    const s = c.securityContext;
    if (!s) continue;
    if (annotations[`container.seccomp.security.alpha.kubernetes.io/${c.name}`] !== undefined) delete s.seccompProfile;
    if (annotations[`container.apparmor.security.beta.kubernetes.io/${c.name}`] !== undefined) delete s.appArmorProfile;
  }
}

function placeContainerVariation(base: string, where: 'containers' | 'initContainers' | 'sidecar', name: string, v: ContainerVariation): DiffCase {
  const pod = (BASES[base] as () => TestPod)();
  const start = base === 'bare' ? bare('x') : hard('x');
  if (where === 'containers') pod.spec.containers.push(start);
  else pod.spec.initContainers = [where === 'sidecar' ? { ...start, restartPolicy: 'Always' } : start];
  v.apply(start, pod);
  makeValid(pod);
  return { name: `${base} ${where}: ${name}`, pod };
}

export function systematicCases(): DiffCase[] {
  const cases: DiffCase[] = [];
  for (const [name, v] of Object.entries(CONTAINER_VARIATIONS)) {
    for (const base of Object.keys(BASES)) cases.push(placeContainerVariation(base, 'containers', name, v));
    if (v.where === 'regular') cases.push(placeContainerVariation('hardened', 'sidecar', name, v));
    else cases.push(placeContainerVariation('hardened', 'initContainers', name, v));
    if (!v.where) {
      const pod = EPHEMERAL_HOST();
      const ephemeral = hard('debug');
      v.apply(ephemeral, pod);
      makeValid(pod, ephemeral);
      cases.push({ name: `ephemeral: ${name}`, pod, ephemeral });
    }
  }
  for (const [name, v] of Object.entries(POD_VARIATIONS)) {
    for (const base of ['bare', 'hardened']) {
      const pod = (BASES[base] as () => TestPod)();
      v(pod);
      makeValid(pod);
      cases.push({ name: `${base} pod: ${name}`, pod });
    }
  }
  return [...cases, ...windowsCases()];
}

/** Seeded random pods: up to three containers, init containers and several variations at once. */
export function randomCases(count: number, seed: number): DiffCase[] {
  const containerNames = Object.keys(CONTAINER_VARIATIONS).filter((k) => !CONTAINER_VARIATIONS[k]?.where);
  const podNames = Object.keys(POD_VARIATIONS);
  const arb = fc.record({
    base: fc.constantFrom(...Object.keys(BASES)),
    extra: fc.array(fc.constantFrom('containers', 'initContainers'), { maxLength: 2 }),
    containerVariations: fc.array(fc.tuple(fc.nat(3), fc.constantFrom(...containerNames)), { minLength: 1, maxLength: 5 }),
    podVariations: fc.array(fc.constantFrom(...podNames), { maxLength: 3 }),
  });
  return fc.sample(arb, { seed, numRuns: count }).map((r, i) => {
    const pod = (BASES[r.base] as () => TestPod)();
    r.extra.forEach((where, j) => {
      const c = r.base === 'bare' ? bare(`c${j}`) : hard(`c${j}`);
      if (where === 'containers') pod.spec.containers.push(c);
      else (pod.spec.initContainers ??= []).push(c);
    });
    for (const v of r.podVariations) (POD_VARIATIONS[v] as PodVariation)(pod);
    const targets = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
    for (const [at, v] of r.containerVariations) (CONTAINER_VARIATIONS[v] as ContainerVariation).apply(targets[at % targets.length] as TestContainer, pod);
    makeValid(pod);
    return { name: `random #${i} (seed ${seed}): ${r.base} + ${[...r.podVariations, ...r.containerVariations.map(([a, v]) => `${v}@${a}`)].join(', ')}`, pod };
  });
}
