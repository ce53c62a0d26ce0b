import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { floe, tempDir } from './run.ts';

async function manifest(text: string): Promise<string> {
  const path = join(await tempDir(), 'manifest.yaml');
  await writeFile(path, text);
  return path;
}

describe('floe network job-run-policy', () => {
  it('prints an egress and an ingress NetworkPolicy selecting the run\'s pods and naming only them as peers', async () => {
    const m = await manifest('security: { network_policies: { job_run_pod_to_pod: { enabled: true, ports: [7077, 7078] } } }\n');
    const r = await floe(['network', 'job-run-policy', '-m', m, '--run-id', 'run-42']);
    expect(r.code, r.stderr).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { metadata: { name: string; namespace: string; labels: Record<string, string> }; spec: Record<string, unknown> });
    expect(docs.map((d) => d.metadata.name)).toEqual(['floe-allow-egress-job-run-run-42', 'floe-allow-ingress-job-run-run-42']);
    for (const d of docs) {
      expect(d.metadata.namespace).toBe('floe-jobs');
      expect(d.metadata.labels['floe.dev/job-run']).toBe('run-42');
      expect(d.spec.podSelector).toEqual({ matchLabels: { 'floe.dev/job-run': 'run-42' } });
    }
    expect(docs[1]?.spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { 'floe.dev/job-run': 'run-42' } } }], ports: [{ protocol: 'TCP', port: 7077 }, { protocol: 'TCP', port: 7078 }] },
    ]);
  });

  it('exits 2 when job_run_pod_to_pod is off, and on a run id that is not a label value', async () => {
    const file = await manifest('name: x\n');
    const off = await floe(['network', 'job-run-policy', '-m', file, '--run-id', 'r1']);
    expect(off.code).toBe(2);
    expect(off.stderr).toContain(`floe: error: pod-to-pod traffic of job runs is off in ${file}: set security.network_policies.job_run_pod_to_pod.enabled: true there (and run floe network generate) to enable it`);
    const bad = await floe(['network', 'job-run-policy', '-m', await manifest('security: { network_policies: { job_run_pod_to_pod: { enabled: true } } }\n'), '--run-id', 'no/slash']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('must be a Kubernetes label value');
  });
});
