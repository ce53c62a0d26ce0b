import { describe, expect, it } from 'vitest';
import { API_DEFAULTS, applyDefaults, defaultPodSpec, namespaceLabels, type ApiDefault } from '../../src/k8s/index.js';
import { effectivePolicyTypes } from '../../src/policy/compile.js';

type Obj = Record<string, unknown>;

/** For each default: an object without the field, and the path and value the API server fills in. */
const CASES: Record<string, { object: Obj; path: (string | number)[]; value: unknown }[]> = {
  'volume-source': [
    { object: { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }], volumes: [{ name: 'v' }] } }, path: ['spec', 'volumes', 0], value: { name: 'v', emptyDir: {} } },
    { object: { kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'c' }], volumes: [{ name: 'v' }] } } } }, path: ['spec', 'template', 'spec', 'volumes', 0], value: { name: 'v', emptyDir: {} } },
    { object: { kind: 'CronJob', metadata: { name: 'j' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c' }], volumes: [{ name: 'v' }] } } } } } }, path: ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'volumes', 0], value: { name: 'v', emptyDir: {} } },
    { object: { kind: 'PodTemplate', metadata: { name: 't' }, template: { spec: { containers: [{ name: 'c' }], volumes: [{ name: 'v' }] } } }, path: ['template', 'spec', 'volumes', 0], value: { name: 'v', emptyDir: {} } },
  ],
  'container-port-protocol': [
    { object: { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 80 }] }] } }, path: ['spec', 'containers', 0, 'ports', 0], value: { name: 'http', containerPort: 80, protocol: 'TCP' } },
    { object: { kind: 'StatefulSet', metadata: { name: 's' }, spec: { template: { spec: { initContainers: [{ name: 'i', ports: [{ containerPort: 53, protocol: null }] }], containers: [] } } } }, path: ['spec', 'template', 'spec', 'initContainers', 0, 'ports', 0], value: { containerPort: 53, protocol: 'TCP' } },
  ],
  'host-network-host-port': [
    { object: { kind: 'Pod', metadata: { name: 'p' }, spec: { hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 9090 }, { containerPort: 53, hostPort: 0, protocol: 'UDP' }] }] } }, path: ['spec', 'containers', 0, 'ports'], value: [{ containerPort: 9090, hostPort: 9090, protocol: 'TCP' }, { containerPort: 53, hostPort: 53, protocol: 'UDP' }] },
  ],
  'network-policy-port-protocol': [
    { object: { kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ ports: [{ port: 80 }] }], egress: [{ ports: [{ port: 'dns', protocol: 'UDP' }, { port: 53 }] }] } }, path: ['spec'], value: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ ports: [{ port: 80, protocol: 'TCP' }] }], egress: [{ ports: [{ port: 'dns', protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }] } },
  ],
  'network-policy-types': [
    { object: { kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {} } }, path: ['spec', 'policyTypes'], value: ['Ingress'] },
    { object: { kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, egress: [{}] } }, path: ['spec', 'policyTypes'], value: ['Ingress', 'Egress'] },
    { object: { kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, policyTypes: [], egress: [] } }, path: ['spec', 'policyTypes'], value: ['Ingress'] },
    { object: { kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, policyTypes: ['Egress'], ingress: [{}] } }, path: ['spec', 'policyTypes'], value: ['Egress'] },
  ],
  'namespace-name-label': [
    { object: { kind: 'Namespace', metadata: { name: 'shop' } }, path: ['metadata', 'labels'], value: { 'kubernetes.io/metadata.name': 'shop' } },
    { object: { kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a', 'kubernetes.io/metadata.name': 'other' } } }, path: ['metadata', 'labels'], value: { team: 'a', 'kubernetes.io/metadata.name': 'shop' } },
  ],
  'job-name-labels': [
    { object: { kind: 'Job', metadata: { name: 'nightly' }, spec: { template: { metadata: { labels: { app: 'etl' } }, spec: { containers: [] } } } }, path: ['spec', 'template', 'metadata', 'labels'], value: { app: 'etl', 'job-name': 'nightly', 'batch.kubernetes.io/job-name': 'nightly' } },
    { object: { kind: 'Job', metadata: { name: 'nightly' }, spec: { template: { spec: { containers: [] } } } }, path: ['spec', 'template', 'metadata', 'labels'], value: { 'job-name': 'nightly', 'batch.kubernetes.io/job-name': 'nightly' } },
    { object: { kind: 'Job', metadata: { name: 'nightly' }, spec: { manualSelector: true, template: { metadata: { labels: { app: 'etl' } }, spec: { containers: [] } } } }, path: ['spec', 'template', 'metadata', 'labels'], value: { app: 'etl' } },
  ],
};

/** The object as floe judges it: applyDefaults, or for a default the engine applies, the policyTypes it compiles. */
function asFloeSees(d: ApiDefault, object: Obj): Obj {
  if (d.appliedBy === 'objects') return applyDefaults(object);
  const spec = object.spec as Obj;
  const types = effectivePolicyTypes(spec, 'test').types.map((t) => (t === 'ingress' ? 'Ingress' : 'Egress'));
  return { ...object, spec: { ...spec, policyTypes: types } };
}

const at = (o: unknown, path: (string | number)[]): unknown => path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], o);

describe('the API server defaults floe applies to objects from files', () => {
  it('has unit cases for every default it lists, and lists every default it has cases for', () => {
    expect(Object.keys(CASES).sort()).toEqual(API_DEFAULTS.map((d) => d.id).sort());
  });

  for (const d of API_DEFAULTS) {
    it(`${d.id}: ${d.rule}`, () => {
      for (const c of CASES[d.id] ?? []) {
        const before = structuredClone(c.object);
        expect(at(asFloeSees(d, c.object), c.path), JSON.stringify(c.object)).toEqual(c.value);
        expect(c.object, 'the input is never modified').toEqual(before);
      }
    });
  }

  it('keeps written values: a volume source, protocols, host ports, policyTypes', () => {
    const pod = { kind: 'Pod', metadata: { name: 'p' }, spec: { hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 8080, protocol: 'SCTP' }] }], volumes: [{ name: 'h', hostPath: { path: '/' } }] } };
    expect(applyDefaults(pod)).toEqual(pod);
    const policy = { kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] } };
    expect(applyDefaults(policy)).toBe(policy);
  });

  it('returns an object nothing applies to as it is, and objects of other kinds untouched', () => {
    const done = { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }] }], volumes: [{ name: 'e', emptyDir: {} }] } };
    expect(applyDefaults(done)).toBe(done);
    expect(applyDefaults(applyDefaults({ kind: 'Namespace', metadata: { name: 'x' } }))).toEqual({ kind: 'Namespace', metadata: { name: 'x', labels: { 'kubernetes.io/metadata.name': 'x' } } });
    const service = { kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } };
    expect(applyDefaults(service)).toBe(service);
  });

  it('does not default host ports in a template (the API server stopped in v1.28), nor a CronJob template job-name (named at run time)', () => {
    const spec = { hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] };
    expect(defaultPodSpec(spec, 'template').containers).toEqual([{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }] }]);
    const cron = applyDefaults({ kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [] } } } } } });
    expect(at(cron, ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels'])).toEqual({ a: 'b' });
  });

  it('returns the same spec, and the same arrays, when nothing needs a default; copies only what changes', () => {
    const spec = { containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'TCP' }] }, { name: 'b' }], volumes: [{ name: 'e', emptyDir: {} }] };
    expect(defaultPodSpec(spec, 'pod')).toBe(spec);
    const mixed = { containers: [{ name: 'a' }, { name: 'b', ports: [{ containerPort: 81 }] }], volumes: [{ name: 'e', emptyDir: {} }] };
    const out = defaultPodSpec(mixed, 'pod');
    expect(out.volumes).toBe(mixed.volumes);
    expect(out.containers[0]).toBe(mixed.containers[0]);
    expect(out.containers[1]).toEqual({ name: 'b', ports: [{ containerPort: 81, protocol: 'TCP' }] });
    expect(mixed.containers[1]).toEqual({ name: 'b', ports: [{ containerPort: 81 }] });
  });

  it('leaves port protocols alone with portProtocols: false (Pod Security), still defaulting host ports and volume sources', () => {
    const spec = { hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 80 }] }], volumes: [{ name: 'v' }] };
    expect(defaultPodSpec(spec, 'pod', { portProtocols: false })).toEqual({ hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 80 }] }], volumes: [{ name: 'v', emptyDir: {} }] });
    const plain = { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] };
    expect(defaultPodSpec(plain, 'pod', { portProtocols: false })).toBe(plain);
  });

  it('defaults the items of kind: List and of typed lists', () => {
    const list = applyDefaults({ kind: 'List', items: [{ kind: 'Namespace', metadata: { name: 'a' } }] });
    expect(at(list, ['items', 0, 'metadata', 'labels'])).toEqual({ 'kubernetes.io/metadata.name': 'a' });
    const typed = applyDefaults({ kind: 'NetworkPolicyList', items: [{ metadata: { name: 'n' }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] } }] });
    expect(at(typed, ['items', 0, 'spec', 'ingress', 0, 'ports', 0])).toEqual({ port: 80, protocol: 'TCP' });
  });

  it('leaves policyTypes to the engine, which can then say a file relied on them', () => {
    const policy = { kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, egress: [{}] } };
    expect(applyDefaults(policy)).toBe(policy);
    expect(effectivePolicyTypes(policy.spec, 'n')).toEqual({ types: ['ingress', 'egress'], defaulted: true });
  });

  it('leaves malformed objects for the shape checks to report: no throw, nothing invented', () => {
    for (const o of [
      { kind: 'Pod', metadata: { name: 'p' }, spec: 'x' },
      { kind: 'Pod', metadata: { name: 'p' }, spec: { volumes: 'x', containers: [null, { name: 'c', ports: 'x' }] } },
      { kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [null, { ports: [7] }] } },
      { kind: 'Namespace', metadata: { name: 'n', labels: ['x'] } },
      { kind: 'Job', metadata: { name: 'j' }, spec: { template: { metadata: 'x', spec: { containers: [] } } } },
    ]) {
      expect(applyDefaults(o), JSON.stringify(o)).toEqual(o);
    }
  });

  it('labels a namespace with its name, overwriting another value, as the engine reads it', () => {
    expect(namespaceLabels('a', { 'kubernetes.io/metadata.name': 'b', x: 'y' })).toEqual({ 'kubernetes.io/metadata.name': 'a', x: 'y' });
  });
});
