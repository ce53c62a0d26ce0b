import type { PodLike } from './types.js';

/** Where a violation is fixed in the pod (a path relative to it) and, for the common checks, what to paste there. */
export interface PssFix {
  /** `spec.containers[0].securityContext`, `spec.securityContext`, `spec` (after the template path): the field to change, or its nearest parent present. */
  path: string;
  /** YAML to paste at `where` (a comment line says where), or null when the fix is a removal or depends on the workload. */
  snippet: string | null;
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** The container names a detail names: `container "a"`, `containers "a", "b" and "c"`. */
function containerNames(detail: string): string[] {
  const m = /containers? ((?:"[^"]*"(?:, | and )?)+)/.exec(detail);
  return m ? [...(m[1] ?? '').matchAll(/"([^"]*)"/g)].map((x) => x[1] as string) : [];
}

/** What each common check asks for, as the YAML of a securityContext. */
const SECURITY_CONTEXT: Record<string, { level: 'pod' | 'container'; yaml: string }> = {
  allowPrivilegeEscalation: { level: 'container', yaml: 'allowPrivilegeEscalation: false' },
  capabilities_restricted: { level: 'container', yaml: 'capabilities:\n    drop: [ALL]' },
  privileged: { level: 'container', yaml: 'privileged: false' },
  runAsNonRoot: { level: 'pod', yaml: 'runAsNonRoot: true' },
  runAsUser: { level: 'pod', yaml: 'runAsUser: 1000' },
  seccompProfile_restricted: { level: 'pod', yaml: 'seccompProfile:\n    type: RuntimeDefault' },
};

/**
 * The field a violation points at, and a snippet for the checks whose fix is a
 * securityContext setting. A setting the pod or a container states wrongly
 * (`must not set ...`) is fixed where it is written, so the snippet goes there.
 */
export function pssFix(check: string, detail: string, pod: PodLike, templatePath = ''): PssFix {
  const full = (path: string) => (templatePath ? `${templatePath}.${path}` : path);
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  const names = containerNames(detail);
  let container: { path: string; name: string; hasContext: boolean } | undefined;
  for (const list of CONTAINER_LISTS) {
    const items = Array.isArray(spec[list]) ? (spec[list] as Record<string, unknown>[]) : [];
    const i = items.findIndex((c) => names.includes(String(c?.name)));
    if (i >= 0) {
      container = { path: `spec.${list}[${i}]`, name: String(items[i]?.name), hasContext: typeof items[i]?.securityContext === 'object' && items[i]?.securityContext !== null };
      break;
    }
  }
  const want = SECURITY_CONTEXT[check];
  const podLevel = want?.level === 'pod' && /^pod or /.test(detail);
  const podContext = typeof spec.securityContext === 'object' && spec.securityContext !== null;
  if (container && !podLevel) {
    const path = container.hasContext ? `${container.path}.securityContext` : container.path;
    return { path: full(path), snippet: want ? `# in ${full(container.path)} (container "${container.name}")\nsecurityContext:\n  ${want.yaml}\n` : null };
  }
  const path = podContext ? 'spec.securityContext' : 'spec';
  return { path: full(path), snippet: want ? `# in ${full('spec')} (the pod)\nsecurityContext:\n  ${want.yaml}\n` : null };
}
