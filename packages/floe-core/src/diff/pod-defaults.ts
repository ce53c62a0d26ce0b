/**
 * The fields kube-apiserver (v1.37) fills into a PodTemplate that floe does
 * not write, with the values it fills in. A live field floe did not write is
 * dropped only when it holds exactly that default, so anything someone adds
 * (`privileged: true`, `hostNetwork: true`, another capability) still shows.
 * A release that defaults a new field would show it as drift until listed here.
 */
import { isObject, type Json, type JsonObject } from './json.js';

type DefaultValue = Json | ((parent: JsonObject) => Json);

/** The pull policy the server picks: Always for `:latest` or an untagged image, else IfNotPresent. */
function pullPolicy(container: JsonObject): Json {
  const image = typeof container.image === 'string' ? container.image : '';
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

const CONTAINER_DEFAULTS: Record<string, DefaultValue> = {
  imagePullPolicy: pullPolicy,
  resources: {},
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
};

/** Paths with [] for any list index. */
export const POD_TEMPLATE_DEFAULTS: Record<string, DefaultValue> = {
  'template.spec.dnsPolicy': 'ClusterFirst',
  'template.spec.restartPolicy': 'Always',
  'template.spec.schedulerName': 'default-scheduler',
  'template.spec.terminationGracePeriodSeconds': 30,
  'template.spec.securityContext': {},
  ...Object.fromEntries(
    ['containers', 'initContainers'].flatMap((list) => Object.entries(CONTAINER_DEFAULTS).map(([k, v]) => [`template.spec.${list}[].${k}`, v])),
  ),
  'template.spec.containers[].ports[].protocol': 'TCP',
  'template.spec.initContainers[].ports[].protocol': 'TCP',
};

function equal(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isDefault(path: string, value: Json, parent: JsonObject): boolean {
  const d = POD_TEMPLATE_DEFAULTS[path];
  if (d === undefined) return false;
  return equal(value, typeof d === 'function' ? d(parent) : d);
}

/**
 * `live` without the defaulted fields that `intended` does not have. Fields
 * the intent has are kept whatever their value: those are compared.
 */
export function stripPodTemplateDefaults(live: Json, intended: Json | undefined, path: string): Json {
  if (Array.isArray(live)) {
    const inner = Array.isArray(intended) ? intended : [];
    return live.map((item, i) => stripPodTemplateDefaults(item, inner[i], `${path}[]`));
  }
  if (isObject(live)) {
    const inner = isObject(intended) ? intended : {};
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(live)) {
      const p = path ? `${path}.${k}` : k;
      if (!(k in inner) && isDefault(p, v, live)) continue;
      out[k] = stripPodTemplateDefaults(v, inner[k], p);
    }
    return out;
  }
  return live;
}
