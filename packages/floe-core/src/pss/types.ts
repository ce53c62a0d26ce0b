/**
 * Pod Security's own shapes: checks, their versions and failures. The pod it
 * reads is the k8s layer's PodTemplateSpec, as plain data.
 */
import type { PssLevel } from '../config/schema.js';
import type { PodSpec, PodTemplateMetadata, PodTemplateSpec } from '../k8s/core.js';

export type { PssLevel };

// The pod types are the k8s layer's (src/k8s/core.ts): the same fields floe writes and reads.
export type {
  AppArmorProfile,
  Capabilities,
  Container,
  HostHandler,
  PodSecurityContext,
  PodSpec,
  SecurityContext,
  SeccompProfile,
  SELinuxOptions,
  Volume,
  WindowsOptions,
} from '../k8s/core.js';
/** A pod's or template's metadata: only the annotations older versions read matter here. */
export type PodMetadata = PodTemplateMetadata;
/** A pod, or a workload's pod template: `metadata` matters only for the annotations older versions read. */
export type PodLike = PodTemplateSpec;

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
