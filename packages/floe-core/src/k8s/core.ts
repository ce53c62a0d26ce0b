/**
 * Namespace, Pod and pod templates (core/v1): the fields floe writes (the
 * hardened PodTemplate) and the fields it reads (Pod Security, container
 * ports for named NetworkPolicy ports). Field names are the API's own; values
 * the API types as enumerated strings (seccomp type, procMount) stay strings,
 * because floe judges what it reads rather than trusting it. The index
 * signatures keep the rest of an object read from a file or a cluster.
 */
import type { Labels, ObjectMeta } from './meta.js';
import type { Protocol } from './networking.js';

export type Namespace = {
  apiVersion: 'v1';
  kind: 'Namespace';
  metadata: ObjectMeta;
};

export type SeccompProfile = {
  type?: string;
  localhostProfile?: string;
};

export type AppArmorProfile = {
  type?: string;
  localhostProfile?: string;
};

export type SELinuxOptions = {
  user?: string;
  role?: string;
  type?: string;
  level?: string;
};

export type WindowsOptions = {
  hostProcess?: boolean;
  [key: string]: unknown;
};

export type Capabilities = {
  add?: string[];
  drop?: string[];
};

/** A container's securityContext. */
export type SecurityContext = {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: Capabilities;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  seccompProfile?: SeccompProfile;
  appArmorProfile?: AppArmorProfile;
  seLinuxOptions?: SELinuxOptions;
  procMount?: string;
  windowsOptions?: WindowsOptions;
  [key: string]: unknown;
};

export type PodSecurityContext = {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  supplementalGroups?: number[];
  seccompProfile?: SeccompProfile;
  appArmorProfile?: AppArmorProfile;
  seLinuxOptions?: SELinuxOptions;
  sysctls?: { name: string; value?: string }[];
  windowsOptions?: WindowsOptions;
  [key: string]: unknown;
};

/** A probe or lifecycle handler: Pod Security reads the host of its httpGet and tcpSocket. */
export type HostHandler = {
  httpGet?: { host?: string; [key: string]: unknown };
  tcpSocket?: { host?: string; [key: string]: unknown };
  [key: string]: unknown;
};

export type ContainerPort = {
  name?: string;
  containerPort: number;
  hostPort?: number;
  hostIP?: string;
  /** TCP when absent. */
  protocol?: Protocol;
};

export type VolumeMount = {
  name: string;
  mountPath: string;
  readOnly?: boolean;
};

export type Container = {
  name: string;
  image?: string;
  ports?: ContainerPort[];
  securityContext?: SecurityContext;
  volumeMounts?: VolumeMount[];
  livenessProbe?: HostHandler;
  readinessProbe?: HostHandler;
  startupProbe?: HostHandler;
  lifecycle?: { postStart?: HostHandler; preStop?: HostHandler; [key: string]: unknown };
  [key: string]: unknown;
};

/** A volume: its name and one source (floe writes emptyDir). */
export type Volume = {
  name: string;
  /** sizeLimit is a quantity: 64Mi, or a plain number of bytes. */
  emptyDir?: { medium?: string; sizeLimit?: string | number };
  [source: string]: unknown;
};

export type PodSpec = {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  securityContext?: PodSecurityContext;
  volumes?: Volume[];
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  hostUsers?: boolean;
  os?: { name?: string };
  [key: string]: unknown;
};

/** A pod template's metadata: labels select it, annotations carry older Pod Security fields (AppArmor). */
export type PodTemplateMetadata = {
  labels?: Labels;
  annotations?: Record<string, string>;
  [key: string]: unknown;
};

/** `spec.template` of a workload, `template` of a PodTemplate. */
export type PodTemplateSpec = {
  metadata?: PodTemplateMetadata;
  spec: PodSpec;
};

export type PodTemplate = {
  apiVersion: 'v1';
  kind: 'PodTemplate';
  metadata: ObjectMeta;
  template: PodTemplateSpec;
};

export type Pod = {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta;
  spec: PodSpec;
  status?: { phase?: string; podIP?: string; podIPs?: { ip: string }[] };
};
