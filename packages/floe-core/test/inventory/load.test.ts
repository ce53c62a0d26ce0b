import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadObjectsFromDir, parseObjects } from '../../src/inventory/load-dir.js';
import { buildInventory } from '../../src/policy/inventory.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import { pssSubjects } from '../../src/pss/violations.js';

async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'floe-inv-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]}
`;

describe('--from-dir loading', () => {
  it('reads YAML and JSON recursively, multi-document, List and typed lists, and counts the kinds it skips', async () => {
    const dir = await dirWith({
      'a.yaml': `${deployment}---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n---\n# empty document\n`,
      'nested/deeper/pods.json': JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'solo', namespace: 'shop', labels: { app: 'solo' } }, spec: { containers: [] } }] }),
      'nested/list.yml': 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: shop}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: d, namespace: shop}}\n',
      'notes.txt': 'not read',
      '.hidden/x.yaml': 'not: [valid',
    });
    const { objects, files } = await loadObjectsFromDir(dir);
    expect(files).toBe(3);
    const inv = buildInventory(objects);
    expect(inv.skipped).toEqual({ ConfigMap: 2, Service: 1 });
    expect(inv.model.pods.map((p) => p.endpoint)).toEqual(['shop/solo[Pod]', 'shop/web[Deployment]']);
    expect(inv.model.pods.find((p) => p.name === 'web')).toMatchObject({ labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 8080 }] });
  });

  it('names the file and line of malformed YAML (exit 2)', async () => {
    const dir = await dirWith({ 'ok.yaml': deployment, 'bad.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n' });
    const err = await loadObjectsFromDir(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(new RegExp(`^${join(dir, 'bad.yaml')}:\\d+:\\d+: YAML syntax error`));
  });

  it('names the file and line of a document that is not an object, and of a policy the API would refuse', () => {
    expect(() => parseObjects('apiVersion: v1\n---\n- a\n- b\n', 'f.yaml')).toThrow('f.yaml:3:1: a document must be a Kubernetes object');
    const bad = parseObjects('---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec:\n  podSelector: {matchExpressions: [{key: x, operator: Equals}]}\n', 'p.yaml');
    expect(() => buildInventory(bad)).toThrow(/^p\.yaml:2: NetworkPolicy a\/p podSelector: matchExpressions operator "Equals"/);
  });

  it('refuses YAML alias bombs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`), 'kind: Pod'].join('\n');
    expect(() => parseObjects(bomb, 'bomb.yaml')).toThrow(/bomb\.yaml:1:1: YAML could not be expanded/);
  });

  it('exits 2 for a missing directory', async () => {
    await expect(loadObjectsFromDir('/nonexistent/floe')).rejects.toThrow('cannot read /nonexistent/floe: no such directory');
  });
});

describe('objects to endpoints', () => {
  const src = (object: object) => ({ object: object as Record<string, unknown>, source: 'test' });

  it('reports a pod with a controller ownerReference as its top-most known owner', () => {
    const inv = buildInventory([
      src({ kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { template: { metadata: { labels: { app: 'web' } } } } }),
      src({ kind: 'ReplicaSet', metadata: { name: 'web-5d8', namespace: 'shop', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] }, spec: { template: {} } }),
      src({ kind: 'Pod', metadata: { name: 'web-5d8-x', namespace: 'shop', labels: { app: 'web' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-5d8', controller: true }] }, status: { podIPs: [{ ip: '10.1.0.5' }, { ip: 'fd00::5' }] } }),
      src({ kind: 'Pod', metadata: { name: 'job-x', namespace: 'shop', ownerReferences: [{ kind: 'Job', name: 'nightly', controller: true }] } }),
      src({ kind: 'Pod', metadata: { name: 'owned-not-controlled', namespace: 'shop', ownerReferences: [{ kind: 'ConfigMap', name: 'c' }] } }),
    ]);
    expect(inv.model.pods.map((p) => [p.endpoint, p.name, p.ips])).toEqual([
      ['shop/nightly[Job]', 'job-x', []],
      ['shop/owned-not-controlled[Pod]', 'owned-not-controlled', []],
      ['shop/web[Deployment]', 'web-5d8-x', ['10.1.0.5', 'fd00::5']],
    ]);
  });

  it('lets every workload kind stand for its pods via the pod template, CronJob through its job template', () => {
    const t = { metadata: { labels: { run: 'x' } }, spec: { containers: [] } };
    const kinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'];
    const inv = buildInventory([
      ...kinds.map((kind) => src({ kind, metadata: { name: kind.toLowerCase(), namespace: 'ns' }, spec: { template: t } })),
      src({ kind: 'CronJob', metadata: { name: 'cron', namespace: 'ns' }, spec: { jobTemplate: { spec: { template: t } } } }),
    ]);
    expect(inv.model.pods.map((p) => p.endpoint)).toEqual(['ns/cron[CronJob]', 'ns/daemonset[DaemonSet]', 'ns/deployment[Deployment]', 'ns/job[Job]', 'ns/replicaset[ReplicaSet]', 'ns/replicationcontroller[ReplicationController]', 'ns/statefulset[StatefulSet]']);
    expect(inv.model.pods.every((p) => p.labels.run === 'x')).toBe(true);
  });

  it('gives namespaces that are only referenced their kubernetes.io/metadata.name label', () => {
    const inv = buildInventory([src({ kind: 'Pod', metadata: { name: 'p', namespace: 'implicit' } })]);
    expect(new PolicyEngine(inv.model).namespaceLabels('implicit')).toEqual({ 'kubernetes.io/metadata.name': 'implicit' });
  });

  it('refuses the same object given twice, naming both places', () => {
    const pod = { kind: 'Pod', metadata: { name: 'p', namespace: 'a' } };
    expect(() => buildInventory([{ object: pod, source: 'x.yaml:1' }, { object: pod, source: 'y.yaml:4' }])).toThrow('Pod a/p is given twice: x.yaml:1 and y.yaml:4');
  });
  it('refuses a malformed NetworkPolicy or pod with the file, the object and the field, instead of crashing the engine', () => {
    const policy = parseObjects('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  podSelector: {}\n  egress: [null, {to: [{podSelector: {matchLabels: {app: [x]}}}], ports: [{port: {a: 1}}]}]\n', 'np.yaml');
    expect(() => buildInventory(policy)).toThrow(
      'np.yaml:1: NetworkPolicy shop/p: spec.egress[0] must be a mapping, not null; spec.egress[1].to[0].podSelector.matchLabels.app must be a string, not a list; spec.egress[1].ports[0].port must be a port number or name, not a mapping',
    );
    expect(() => buildInventory(parseObjects('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec: deny\n', 'np.yaml'))).toThrow('np.yaml:1: NetworkPolicy shop/p: spec must be a mapping');
    const pod = parseObjects('apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\nspec: {containers: [null]}\n', 'pod.yaml');
    expect(() => pssSubjects(pod)).toThrow('pod.yaml:1: shop/a[Pod]: spec.containers[0] must be a mapping, not null');
  });

  // A mapping whose toString is not a function makes String() throw: bad input must stay exit 2, never a crash.
  it('refuses a mapping as a label value or as a kind with the file named, not a TypeError', () => {
    const pod = parseObjects('apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop, labels: {app: {toString: false}}}\n', 'pod.yaml');
    expect(() => buildInventory(pod)).toThrow(InputError);
    expect(() => buildInventory(pod)).toThrow('pod.yaml:1: Pod a: label app has a mapping as its value; label values are strings');
    const template = parseObjects(deployment.replace('labels: {app: web}', 'labels: {app: [web]}'), 'web.yaml');
    expect(() => buildInventory(template)).toThrow('label app has a list as its value');
    const nameless = parseObjects('apiVersion: v1\nkind: {toString: false}\nmetadata: {namespace: shop}\n', 'k.yaml');
    expect(() => buildInventory(nameless)).toThrow(InputError);
  });
});
