/**
 * Type checks on exactly the fields Pod Security reads, so a malformed manifest is
 * reported (with its path) instead of being judged wrongly. The API server would refuse
 * such an object when decoding it; nothing else about the pod is validated here.
 */
import { isRecord, shapeProblems, type Shape, type ShapeProblem } from '../util/shape.js';

export type { ShapeProblem };

const profile: Shape = { object: { type: 'string', localhostProfile: 'string' } };
const seLinux: Shape = { object: { user: 'string', role: 'string', type: 'string', level: 'string' } };
const windows: Shape = { object: { hostProcess: 'boolean' } };
const handler: Shape = { object: { httpGet: { object: { host: 'string' } }, tcpSocket: { object: { host: 'string' } } } };
const container: Shape = {
  object: {
    name: 'string',
    ports: { list: { object: { containerPort: 'integer', hostPort: 'integer' } } },
    securityContext: {
      object: {
        privileged: 'boolean',
        allowPrivilegeEscalation: 'boolean',
        capabilities: { object: { add: 'strings', drop: 'strings' } },
        runAsNonRoot: 'boolean',
        runAsUser: 'integer',
        seccompProfile: profile,
        appArmorProfile: profile,
        seLinuxOptions: seLinux,
        procMount: 'string',
        windowsOptions: windows,
      },
    },
    livenessProbe: handler,
    readinessProbe: handler,
    startupProbe: handler,
    lifecycle: { object: { postStart: handler, preStop: handler } },
  },
};
const podSpec: Shape = {
  object: {
    containers: { list: container },
    initContainers: { list: container },
    ephemeralContainers: { list: container },
    securityContext: {
      object: {
        runAsNonRoot: 'boolean',
        runAsUser: 'integer',
        seccompProfile: profile,
        appArmorProfile: profile,
        seLinuxOptions: seLinux,
        sysctls: { list: { object: { name: 'string' } } },
        windowsOptions: windows,
      },
    },
    volumes: { list: { object: { name: 'string' } } },
    hostNetwork: 'boolean',
    hostPID: 'boolean',
    hostIPC: 'boolean',
    hostUsers: 'boolean',
    os: { object: { name: 'string' } },
  },
};

/** `a.b[0].c` -> ['a', 'b', 0, 'c'], to find the problem's node in a parsed document. */
export function pathSegments(path: string): (string | number)[] {
  return path.split('.').flatMap((part) => {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return [part];
    const idx = [...(m[2] ?? '').matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
    return [...(m[1] ? [m[1]] : []), ...idx];
  });
}


/** Problems in the fields Pod Security reads; empty when the pod can be judged. */
export function podShapeProblems(pod: { metadata?: unknown; spec?: unknown }, prefix = ''): ShapeProblem[] {
  const at = (p: string) => (prefix ? `${prefix}.${p}` : p);
  if (!isRecord(pod.spec)) return [{ path: at('spec'), message: 'must be a mapping holding the pod spec' }];
  const out = shapeProblems(pod.spec, podSpec, at('spec'));
  for (const key of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    const list = pod.spec[key];
    if (Array.isArray(list)) list.forEach((c, i) => isRecord(c) && typeof c.name !== 'string' && out.push({ path: at(`spec.${key}[${i}].name`), message: 'is required' }));
  }
  const volumes = pod.spec.volumes;
  if (Array.isArray(volumes)) volumes.forEach((v, i) => isRecord(v) && typeof v.name !== 'string' && out.push({ path: at(`spec.volumes[${i}].name`), message: 'is required' }));
  const annotations = isRecord(pod.metadata) ? pod.metadata.annotations : undefined;
  if (annotations !== undefined && annotations !== null) {
    if (!isRecord(annotations)) out.push({ path: at('metadata.annotations'), message: 'must be a mapping' });
    else for (const [k, v] of Object.entries(annotations)) if (typeof v !== 'string') out.push({ path: at(`metadata.annotations.${k}`), message: 'must be a string' });
  }
  return out;
}
