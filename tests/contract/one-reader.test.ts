// Every command that reads object files reads them through the one reader
// (packages/floe-core/src/manifests/): the same tricky file gives the same
// object to audit/explain --from-dir, diff --dir, validate and pss check.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIntentDir } from '@floe/core/diff';
import { parseInputs, readInputTexts } from '@floe/core/manifests';
import { loadObjectsFromDir } from '@floe/core/inventory';
import { checkFiles, readNetworkDir } from '@floe/core/validate';

/** YAML 1.1 as kubectl reads it: a merge key, `on`/`yes`/`off`, an octal number, a quoted "on". */
const TRICKY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: tricky
  namespace: floe-jobs
  labels: {app.kubernetes.io/managed-by: floe, quoted: "on"}
  annotations: {note: yes}
spec:
  <<: {ingress: [{ports: [{port: 0443, protocol: TCP}]}]}
  podSelector: {matchLabels: {enabled: "true"}}
  policyTypes: [Ingress]
`;

const EXPECTED = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'tricky', namespace: 'floe-jobs', labels: { 'app.kubernetes.io/managed-by': 'floe', quoted: 'on' }, annotations: { note: true } },
  spec: { ingress: [{ ports: [{ port: 0o443, protocol: 'TCP' }] }], podSelector: { matchLabels: { enabled: 'true' } }, policyTypes: ['Ingress'] },
};

describe('one object reader behind every command', () => {
  it('reads the same tricky file as the same object through each command\'s loader', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floe-one-reader-'));
    await writeFile(join(dir, 'tricky.yaml'), TRICKY);

    const audit = (await loadObjectsFromDir(dir)).objects.map((o) => o.object);
    const diff = (await loadIntentDir(dir)).objects;
    const validate = checkFiles(dir, await readNetworkDir(dir), 1024 * 1024).objects.map((o) => o.value);
    const pss = parseInputs(await readInputTexts([dir])).objects.map((o) => o.object);

    for (const [name, objects] of Object.entries({ audit, diff, validate, pss })) {
      expect(objects, name).toEqual([EXPECTED]);
    }
  });
});
