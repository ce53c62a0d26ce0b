// Pod Security admission, judged by the real API server, for the Namespace
// objects and the `floe-hardened` PodTemplate that `floe network generate` writes.
// No kubelet runs: admitted pods are only stored, which is all admission needs.
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyGenerated } from '../harness/apply.ts';
import { connect, type Connection } from '../harness/context.ts';
import { generate, writeUniqueManifest } from '../harness/floe.ts';
import type { KubeObject, KubeResponse } from '../harness/kube.ts';
import { Namespaces, uniqueName } from '../harness/namespaces.ts';

const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';
const ENFORCE = 'pod-security.kubernetes.io/enforce';

interface Container {
  name: string;
  image?: string;
  securityContext?: Record<string, unknown>;
  [key: string]: unknown;
}
interface PodSpec {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  volumes?: Record<string, unknown>[];
  [key: string]: unknown;
}
interface PodTemplate extends KubeObject {
  template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
}

let conn: Connection;
let ns: Namespaces;
let platform: string;
let jobs: string;
let domains: string[];
const templates = new Map<string, PodTemplate>();
const rejections: { case: string; namespace: string; status: number; ms: number }[] = [];

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  platform = ns.reserve('floe-it-platform');
  jobs = ns.reserve('floe-it-jobs');
  domains = [ns.reserve('floe-it-sales'), ns.reserve('floe-it-finance')];
  const work = await mkdtemp(join(conn.info.workDir, 'pod-security-'));
  const manifest = await writeUniqueManifest(work, {
    platform,
    jobs,
    domains: [
      { name: 'sales', namespace: domains[0] as string },
      { name: 'finance', namespace: domains[1] as string },
    ],
  });
  const gen = await generate(conn.kubectl, work, manifest);
  await applyGenerated(conn.kubectl, gen.files);
  for (const namespace of [platform, jobs, ...domains]) {
    if (conn.info.hasNamespaceController) await waitForDefaultServiceAccount(namespace);
    const r = await conn.api.request('GET', `/api/v1/namespaces/${namespace}/podtemplates/floe-hardened`);
    if (r.status !== 200) throw new Error(`no PodTemplate floe-hardened in ${namespace}: ${r.status} ${r.text.slice(0, 200)}`);
    templates.set(namespace, r.body as PodTemplate);
  }
});

afterAll(async () => {
  console.log('Pod Security admission rejections (time to the 403, ms)');
  console.table(rejections.map((r) => ({ ...r, ms: Math.round(r.ms) })));
  await ns?.cleanup();
});

/**
 * On clusters with a controller-manager the ServiceAccount admission plugin refuses pods
 * until the namespace's `default` ServiceAccount exists; the local control plane disables that plugin.
 */
async function waitForDefaultServiceAccount(namespace: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await conn.api.request('GET', `/api/v1/namespaces/${namespace}/serviceaccounts/default`)).status !== 200) {
    if (Date.now() > deadline) throw new Error(`ServiceAccount ${namespace}/default did not appear within 30 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A pod exactly as the generated template describes it, with a real image filled in. */
function hardenedPod(namespace: string, name: string): KubeObject & { spec: PodSpec } {
  const template = templates.get(namespace);
  if (!template) throw new Error(`no template loaded for ${namespace}`);
  const spec = structuredClone(template.template.spec);
  spec.containers = spec.containers.map((c) => ({ ...c, image: PAUSE_IMAGE }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(template.template.metadata?.labels ? { labels: template.template.metadata.labels } : {}) },
    spec,
  };
}

function createPod(namespace: string, pod: KubeObject): Promise<KubeResponse> {
  return conn.api.request('POST', `/api/v1/namespaces/${namespace}/pods`, { body: pod });
}

async function expectRejected(label: string, namespace: string, pod: KubeObject, ...fragments: string[]): Promise<string> {
  const r = await createPod(namespace, pod);
  rejections.push({ case: label, namespace, status: r.status, ms: r.elapsedMs });
  const message = (r.body as { message?: string } | undefined)?.message ?? r.text;
  expect(r.status, message).toBe(403);
  for (const fragment of fragments) expect(message).toContain(fragment);
  return message;
}

describe('Pod Security admission for generated namespaces and the floe-hardened template', () => {
  it('labels the jobs namespace restricted, the platform namespace baseline and every domain namespace restricted', async () => {
    const levels: Record<string, string | undefined> = {};
    for (const namespace of [platform, jobs, ...domains]) {
      const r = await conn.api.request('GET', `/api/v1/namespaces/${namespace}`);
      levels[namespace] = (r.body as KubeObject).metadata.labels?.[ENFORCE];
    }
    expect(levels).toEqual({
      [platform]: 'baseline',
      [jobs]: 'restricted',
      ...Object.fromEntries(domains.map((d) => [d, 'restricted'])),
    });
  });

  it('admits a pod built from the floe-hardened template in the jobs namespace and every domain namespace, without warnings', async () => {
    for (const namespace of [jobs, ...domains]) {
      const r = await createPod(namespace, hardenedPod(namespace, uniqueName('hardened')));
      expect(r.status, `${namespace}: ${r.text.slice(0, 500)}`).toBe(201);
      expect(r.warnings, namespace).toEqual([]);
    }
  });

  it('rejects a privileged pod in the jobs namespace, naming the privileged check', async () => {
    const pod = hardenedPod(jobs, uniqueName('privileged'));
    const c = pod.spec.containers[0] as Container;
    // allowPrivilegeEscalation=false together with privileged=true fails validation (422) before admission.
    c.securityContext = { ...c.securityContext, privileged: true };
    delete c.securityContext.allowPrivilegeEscalation;
    await expectRejected('privileged container', jobs, pod, 'violates PodSecurity "restricted:', 'privileged (', 'securityContext.privileged=true');
  });

  it('rejects a pod with a hostPath volume in the platform namespace, naming hostPath volumes', async () => {
    const pod = hardenedPod(platform, uniqueName('hostpath'));
    pod.spec.volumes = [...(pod.spec.volumes ?? []), { name: 'host-root', hostPath: { path: '/' } }];
    await expectRejected('hostPath volume', platform, pod, 'violates PodSecurity "baseline:', 'hostPath volumes (volume "host-root")');
  });

  it('rejects a pod running as UID 0 in the jobs namespace, naming runAsUser=0', async () => {
    const pod = hardenedPod(jobs, uniqueName('root'));
    pod.spec.securityContext = { ...pod.spec.securityContext, runAsUser: 0 };
    await expectRejected('runAsUser 0', jobs, pod, 'violates PodSecurity "restricted:', 'runAsUser=0');
  });

  it('admits a baseline-compliant pod in the platform namespace and warns that it would violate restricted', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: uniqueName('baseline') },
      spec: { containers: [{ name: 'app', image: PAUSE_IMAGE }] },
    };
    const r = await createPod(platform, pod);
    expect(r.status, r.text.slice(0, 500)).toBe(201);
    // The real `Warning` response headers, as kubectl would print them.
    const psa = r.warnings.filter((w) => w.startsWith('would violate PodSecurity "restricted:'));
    expect(psa, `warnings: ${JSON.stringify(r.warnings)}`).toHaveLength(1);
    expect(psa[0]).toContain('runAsNonRoot != true');
    expect(psa[0]).toContain('allowPrivilegeEscalation != false');
  });
});
