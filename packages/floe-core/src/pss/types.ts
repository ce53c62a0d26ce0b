/**
 * The slice of the Kubernetes Pod API that Pod Security reads, as plain data.
 * Field names are the API's own, so pods parsed from YAML or JSON fit as they are.
 */
import type { PssLevel } from '../config/schema.js';

export type { PssLevel };

export interface SeccompProfile {
  type?: string;
  localhostProfile?: string;
}
export interface AppArmorProfile {
  type?: string;
  localhostProfile?: string;
}
export interface SELinuxOptions {
  user?: string;
  role?: string;
  type?: string;
  level?: string;
}
export interface WindowsOptions {
  hostProcess?: boolean;
  [key: string]: unknown;
}
export interface Capabilities {
  add?: string[];
  drop?: string[];
}
export interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: Capabilities;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  seccompProfile?: SeccompProfile;
  appArmorProfile?: AppArmorProfile;
  seLinuxOptions?: SELinuxOptions;
  procMount?: string;
  windowsOptions?: WindowsOptions;
  [key: string]: unknown;
}
export interface PodSecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  seccompProfile?: SeccompProfile;
  appArmorProfile?: AppArmorProfile;
  seLinuxOptions?: SELinuxOptions;
  sysctls?: { name: string; value?: string }[];
  windowsOptions?: WindowsOptions;
  [key: string]: unknown;
}
export interface HostHandler {
  httpGet?: { host?: string; [key: string]: unknown };
  tcpSocket?: { host?: string; [key: string]: unknown };
  [key: string]: unknown;
}
export interface Container {
  name: string;
  ports?: { containerPort?: number; hostPort?: number; [key: string]: unknown }[];
  securityContext?: SecurityContext;
  livenessProbe?: HostHandler;
  readinessProbe?: HostHandler;
  startupProbe?: HostHandler;
  lifecycle?: { postStart?: HostHandler; preStop?: HostHandler; [key: string]: unknown };
  [key: string]: unknown;
}
export interface Volume {
  name: string;
  [source: string]: unknown;
}
export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  securityContext?: PodSecurityContext;
  volumes?: Volume[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  hostUsers?: boolean;
  os?: { name?: string };
  [key: string]: unknown;
}
export interface PodMetadata {
  annotations?: Record<string, string>;
  [key: string]: unknown;
}
/** A pod, or a workload's pod template: `metadata` matters only for the annotations older versions read. */
export interface PodLike {
  metadata?: PodMetadata;
  spec: PodSpec;
}

/** Why one check refused a pod, worded as the API server words it. */
export interface CheckFailure {
  reason: string;
  detail: string;
}

export type CheckPodFn = (metadata: PodMetadata, spec: PodSpec) => CheckFailure | undefined;

export interface VersionedCheck {
  /** The first policy minor version (v1.N) this implementation applies to. */
  minimumVersion: number;
  check: CheckPodFn;
  /** Baseline check IDs this restricted implementation replaces from its minimum version on. */
  overrides?: readonly string[];
}

export interface PssCheck {
  /** The upstream check ID (kubernetes/pod-security-admission `policy`). */
  id: string;
  level: 'baseline' | 'restricted';
  /** Implementations by first version, strictly increasing. */
  versions: readonly VersionedCheck[];
}
