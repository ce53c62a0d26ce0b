// floe's one object reader reads a file as kubectl does: what it sees is what
// the API server stores after `kubectl apply -f` of the same bytes. YAML 1.1
// forms (merge keys, on/off/yes/no, octal) are the ones a YAML 1.2 reader gets
// wrong, and a gate that reads them differently can be bypassed.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifestObjects } from '@floe/core/manifests';
import { connect, type Connection } from '../harness/context.ts';
import { Namespaces } from '../harness/namespaces.ts';

let conn: Connection;
let ns: Namespaces;
let work: string;
let shop: string;

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  work = await mkdtemp(join(conn.info.workDir, 'yaml-reading-'));
  shop = await ns.create('floe-it-yaml');
});

afterAll(async () => {
  await ns?.cleanup();
});

/** Each case: a document whose YAML 1.1 reading differs from its YAML 1.2 reading in the fields named. */
const cases = (namespace: string) => [
  {
    name: 'merge key: an allow-all ingress rule',
    resource: 'networkpolicy/merged',
    pick: (o: Record<string, unknown>) => o.spec,
    text: `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: merged, namespace: ${namespace}}
spec: {<<: {ingress: [{}]}, podSelector: {}, policyTypes: [Ingress]}
`,
  },
  {
    name: 'merge key: privileged: true in a container securityContext; on/yes as booleans; octal file mode',
    resource: 'pod/merged',
    pick: (o: Record<string, unknown>) => {
      const spec = o.spec as { containers: { securityContext?: unknown; name: string }[]; hostNetwork?: unknown; volumes?: { configMap?: { defaultMode?: unknown } }[] };
      return { sc: spec.containers[0]?.securityContext, hostNetwork: spec.hostNetwork, mode: spec.volumes?.[0]?.configMap?.defaultMode, labels: (o.metadata as { labels?: unknown }).labels };
    },
    text: `apiVersion: v1
kind: Pod
metadata:
  name: merged
  namespace: ${namespace}
  labels: {flag: "on"}
spec:
  hostNetwork: on
  containers:
  - name: c
    image: registry.k8s.io/pause:3.10
    securityContext: {<<: {privileged: true}, allowPrivilegeEscalation: yes}
  volumes:
  - name: v
    configMap: {name: cm, defaultMode: 0644}
`,
  },
];

describe('what floe reads is what the API server stores', () => {
  it('merge keys, YAML 1.1 booleans and octal read the same by floe and by kubectl apply', async () => {
    for (const c of cases(shop)) {
      const file = join(work, `${c.resource.replace('/', '-')}.yaml`);
      await writeFile(file, c.text);
      const applied = await conn.kubectl.run(['apply', '-f', file]);
      expect(applied.code, `${c.name}: ${applied.stderr}`).toBe(0);
      const stored = JSON.parse(await conn.kubectl.ok(['get', '-n', shop, c.resource, '-o', 'json'])) as Record<string, unknown>;
      const { objects, problems } = parseManifestObjects(c.text, file);
      expect(problems, c.name).toEqual([]);
      const read = objects[0]?.object as Record<string, unknown>;
      const mine = c.pick(read);
      const theirs = c.pick(stored);
      // The server adds defaults (protocol, ...) to what it stores; every field floe read must be there, equal.
      expect(theirs, c.name).toMatchObject(mine as object);
      expect(JSON.stringify(mine), c.name).not.toContain('<<');
    }
  });
});
