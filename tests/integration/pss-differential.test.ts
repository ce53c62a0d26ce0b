// Differential test of the offline Pod Security evaluator (@floe/core pss) against the real
// thing: the PodSecurity admission of a real kube-apiserver, on both ends of the supported
// range: the newest control plane (the one every integration test uses) and the oldest
// supported minor (a second control plane this file starts, tests/harness/oldest.ts).
// Every case is sent as a server-side dry-run create into namespaces labelled
// `enforce=<level>` and `enforce-version=<version>` (ephemeral containers, which cannot be set
// on create, through a dry-run patch of the pods/ephemeralcontainers subresource of a pod that
// passes everything). The API server's verdict and its whole rejection text ("violates
// PodSecurity ...: reason (detail), ...") must equal the evaluator's, which compares the
// allow/deny and the violated checks, in order, with their details.
//
// On the newest control plane floe judges each case as written, so its own preparation (the
// API server's defaults, the AppArmor annotation sync) is under test too. An older release
// stores a different pod (it drops fields it does not know, defaults templates' host ports):
// there floe judges the pod that release stores (read back from a dry-run create in an
// unlabelled namespace), which is what its admission judged, at the version it judges
// (`latest` and newer versions are the server's own minor).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podPath } from '@floe/core/k8s';
import { LATEST_MINOR, allPolicyVersions, evaluatePod, violationSummary, type PodLike } from '@floe/core/pss';
import { connect, type Connection } from '../harness/context.ts';
import type { KubeResponse } from '../harness/kube.ts';
import { Namespaces } from '../harness/namespaces.ts';
import { connectOldest } from '../harness/oldest.ts';
import { EPHEMERAL_HOST, EPHEMERAL_HOST_USERNS, IMAGE, randomCases, systematicCases, type DiffCase } from './pss-cases.ts';

/** The versions each pod is judged at: both sides of the changes that matter most, and latest. */
const VERSIONS = process.env.FLOE_PSS_DIFF_VERSIONS?.split(',') ?? ['v1.0', 'v1.22', 'v1.23', 'v1.25', 'v1.30', 'latest'];
const LEVELS = ['baseline', 'restricted'] as const;
const RANDOM = Number(process.env.FLOE_PSS_DIFF_RANDOM ?? 150);
const SEED = Number(process.env.FLOE_PSS_DIFF_SEED ?? 20261128);
const CONCURRENCY = 12;
const HOST_POD = 'ephemeral-host';
const HOST_POD_USERNS = 'ephemeral-host-userns';
/** The ephemeral-container host a case needs: procMount Unmasked is valid only in a user namespace. */
const hostPodFor = (c: DiffCase) => (c.pod.spec.hostUsers === false ? HOST_POD_USERNS : HOST_POD);

type Level = (typeof LEVELS)[number];
interface Target {
  level: Level;
  version: string;
  namespace: string;
}
interface Outcome {
  case: DiffCase;
  target: Target;
  /** `allowed`, `invalid` (the API server's validation refused the pod: not comparable) or the rejection summary. */
  server: { verdict: 'allowed' | 'denied' | 'invalid'; summary: string };
  floe: { verdict: 'allowed' | 'denied'; summary: string };
}

/** One control plane of the matrix: how to reach it, and whether floe judges the pods it stores (an older release) or the cases as written. */
interface ControlPlaneUnderTest {
  label: string;
  open(): Promise<{ conn: Connection; close(): Promise<void> }>;
  judgeStored: boolean;
}

const CONTROL_PLANES: ControlPlaneUnderTest[] = [
  { label: 'the newest control plane', open: async () => ({ conn: await connect(), close: async () => {} }), judgeStored: false },
  { label: 'the oldest supported control plane', open: connectOldest, judgeStored: true },
];

const cases: DiffCase[] = [...systematicCases(), ...randomCases(RANDOM, SEED)];

function podObject(name: string, pod: PodLike | DiffCase['pod']) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(pod.metadata?.annotations ? { annotations: pod.metadata.annotations } : {}) }, spec: pod.spec };
}

function podOf(c: DiffCase): PodLike {
  return c.ephemeral ? { metadata: c.pod.metadata, spec: { ...c.pod.spec, ephemeralContainers: [c.ephemeral] } } : (c.pod as PodLike);
}

/** The pod as an API server stored it (a create or patch answer): its metadata and spec. */
function storedPod(body: unknown): PodLike {
  const o = body as { metadata?: { annotations?: Record<string, string> }; spec: PodLike['spec'] };
  return { metadata: o.metadata?.annotations ? { annotations: o.metadata.annotations } : {}, spec: o.spec };
}

function ephemeralPatch(c: DiffCase) {
  return { contentType: 'application/strategic-merge-patch+json', body: { spec: { ephemeralContainers: [{ ...c.ephemeral, image: IMAGE }] } } };
}

async function pool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i] as T);
      }
    }),
  );
  return out;
}

/** The minor version the API server reports (`/version`), e.g. 37. */
async function serverMinorOf(conn: Connection): Promise<{ minor: number; gitVersion: string }> {
  const r = await conn.api.request('GET', '/version');
  const v = r.body as { minor?: string; gitVersion?: string };
  const minor = Number.parseInt(v.minor ?? '', 10);
  if (r.status !== 200 || !Number.isFinite(minor)) throw new Error(`GET /version: ${r.status} ${r.text.slice(0, 200)}`);
  return { minor, gitVersion: v.gitVersion ?? `v1.${minor}` };
}

for (const plane of CONTROL_PLANES) {
  describe(`the Pod Security evaluator agrees with the API server: ${plane.label}`, () => {
    let conn: Connection;
    let close = async () => {};
    let ns: Namespaces;
    let server: { minor: number; gitVersion: string };
    const targets: Target[] = [];
    /** Cases the API server's validation refused in the first test: they never reach admission. */
    const invalidCases = new Map<DiffCase, string>();
    /** judgeStored: each case as this release stores it (what its admission judges). */
    const stored = new Map<DiffCase, PodLike>();

    /** The version floe judges at: the server judges `latest`, and versions newer than its own, as its own. */
    const floeVersion = (version: string) => {
      const minor = version === 'latest' ? Infinity : Number(version.slice('v1.'.length));
      return minor > server.minor ? `v1.${server.minor}` : version;
    };
    /** A rejection summary with the details this server's release words differently reduced to their reason. */
    const comparable = (summary: string) => RELEASE_WORDING.filter((w) => server.minor <= w.until).reduce((text, w) => text.replace(w.violation, (m) => m.slice(0, m.indexOf(' ('))), summary);
    const floeJudges = (c: DiffCase, level: Level, version: string) => {
      const s = stored.get(c);
      return s ? evaluatePod(s, { level, version: floeVersion(version) }, { template: true }) : evaluatePod(podOf(c), { level, version: floeVersion(version) });
    };

    beforeAll(async () => {
      ({ conn, close } = await plane.open());
      ns = new Namespaces(conn);
      server = await serverMinorOf(conn);
      const hosts = [[HOST_POD, EPHEMERAL_HOST()], [HOST_POD_USERNS, EPHEMERAL_HOST_USERNS()]] as const;
      const createHosts = async (namespace: string) => {
        for (const [name, pod] of hosts) {
          const host = await conn.api.request('POST', `/api/v1/namespaces/${namespace}/pods`, { body: podObject(name, pod) });
          if (host.status !== 201) throw new Error(`creating the ephemeral-container host pod ${name} in ${namespace}: ${host.status} ${host.text.slice(0, 300)}`);
        }
      };
      for (const version of VERSIONS) {
        for (const level of LEVELS) {
          const namespace = await ns.create(`floe-pss-${level}-${version.replace('.', '-')}`, {
            'pod-security.kubernetes.io/enforce': level,
            'pod-security.kubernetes.io/enforce-version': version,
          });
          await createHosts(namespace);
          targets.push({ level, version, namespace });
        }
      }
      if (plane.judgeStored) {
        // Unlabelled, so admission lets everything through: the answer is the pod as stored.
        const open = await ns.create('floe-pss-stored');
        await createHosts(open);
        await pool(cases, CONCURRENCY, async (c) => {
          const r = c.ephemeral
            ? await conn.api.request('PATCH', `/api/v1/namespaces/${open}/pods/${hostPodFor(c)}/ephemeralcontainers`, { ...ephemeralPatch(c), query: { dryRun: 'All' } })
            : await conn.api.request('POST', `/api/v1/namespaces/${open}/pods`, { body: podObject('diff', c.pod), query: { dryRun: 'All' } });
          if (r.status === 200 || r.status === 201) stored.set(c, storedPod(r.body));
          else if (r.status !== 422) throw new Error(`${c.name}: dry-run in ${open}: ${r.status} ${r.text.slice(0, 300)}`);
        });
      }
    });

    afterAll(async () => {
      await ns?.cleanup();
      await close();
    });

    function send(c: DiffCase, t: Target): Promise<KubeResponse> {
      if (c.ephemeral) return conn.api.request('PATCH', `/api/v1/namespaces/${t.namespace}/pods/${hostPodFor(c)}/ephemeralcontainers`, { ...ephemeralPatch(c), query: { dryRun: 'All' } });
      return conn.api.request('POST', `/api/v1/namespaces/${t.namespace}/pods`, { body: podObject('diff', c.pod), query: { dryRun: 'All' } });
    }

    function serverResult(r: KubeResponse, t: Target): Outcome['server'] {
      const message = (r.body as { message?: string } | undefined)?.message ?? r.text;
      if (r.status === 200 || r.status === 201) return { verdict: 'allowed', summary: '' };
      if (r.status === 422) return { verdict: 'invalid', summary: message };
      const prefix = `violates PodSecurity ${JSON.stringify(`${t.level}:${t.version}`)}: `;
      const at = message.indexOf(prefix);
      if (r.status !== 403 || at < 0) throw new Error(`unexpected answer ${r.status} for ${t.namespace}: ${message.slice(0, 300)}`);
      return { verdict: 'denied', summary: message.slice(at + prefix.length) };
    }

    function floeResult(c: DiffCase, t: Target): Outcome['floe'] {
      const r = floeJudges(c, t.level, t.version);
      return { verdict: r.allowed ? 'allowed' : 'denied', summary: violationSummary(r.violations) };
    }

    it('runs against an API server no newer than the newest Pod Security policy floe knows (else the registry needs its entries)', () => {
      console.log(`${plane.label}: ${conn.info.description}, kube-apiserver ${server.gitVersion}; floe's newest policy v1.${LATEST_MINOR}`);
      expect(server.minor, `kube-apiserver ${server.gitVersion} is newer than floe's newest Pod Security policy (v1.${LATEST_MINOR}): add the registry entries for it (packages/floe-core/src/pss)`).toBeLessThanOrEqual(LATEST_MINOR);
    });

    it('gives the API server verdict and rejection text for every pod, level and version tried', async () => {
      const started = performance.now();
      const jobs = cases.flatMap((c) => targets.map((t) => ({ c, t })));
      const outcomes = await pool(jobs, CONCURRENCY, async ({ c, t }): Promise<Outcome> => ({ case: c, target: t, server: serverResult(await send(c, t), t), floe: floeResult(c, t) }));
      const seconds = (performance.now() - started) / 1000;

      const compared = outcomes.filter((o) => o.server.verdict !== 'invalid');
      const invalid = outcomes.filter((o) => o.server.verdict === 'invalid');
      for (const o of invalid) invalidCases.set(o.case, o.server.summary);
      const same = (o: Outcome) => o.server.verdict === o.floe.verdict && comparable(o.server.summary) === comparable(o.floe.summary);
      const agree = compared.filter(same);
      const reworded = agree.filter((o) => o.server.summary !== o.floe.summary).length;
      const verdictAgree = compared.filter((o) => o.server.verdict === o.floe.verdict);
      const rows = targets.map((t) => {
        const mine = compared.filter((o) => o.target === t);
        return {
          level: t.level,
          version: t.version,
          pods: mine.length,
          denied: mine.filter((o) => o.server.verdict === 'denied').length,
          agree: mine.filter(same).length,
        };
      });
      console.log(`Pod Security differential: evaluator vs kube-apiserver ${server.gitVersion} PodSecurity admission (${plane.label})`);
      console.table(rows);
      console.log(
        `${cases.length} pods (${cases.length - RANDOM} systematic, ${RANDOM} random, seed ${SEED}) x ${VERSIONS.length} versions (${VERSIONS.join(', ')}) x ${LEVELS.length} levels = ${outcomes.length} admissions in ${seconds.toFixed(1)} s (${CONCURRENCY} at a time); ` +
          `${invalid.length} refused by validation before admission (not compared); ` +
          `verdict agreement ${verdictAgree.length}/${compared.length}, full-message agreement ${agree.length}/${compared.length}` +
          (reworded ? ` (${reworded} of them with a detail ${server.gitVersion} words differently, compared by reason: ${RELEASE_WORDING.filter((w) => server.minor <= w.until).map((w) => w.violation.source).join(', ')})` : ''),
      );
      if (plane.judgeStored) {
        // Why the stored pod is judged here: the cases as written, judged by floe, would differ this often.
        const asWritten = compared.filter((o) => {
          const r = evaluatePod(podOf(o.case), { level: o.target.level, version: floeVersion(o.target.version) });
          return violationSummary(r.violations) !== o.floe.summary;
        });
        console.log(`${asWritten.length} of these verdicts differ for the cases as written, in ${new Set(asWritten.map((o) => o.case)).size} cases: ${server.gitVersion} stores another pod (it drops fields it does not know, such as appArmorProfile, procMount and hostUsers, and copies seccomp annotations into the fields)`);
      }
      const refusedByValidation = [...new Set(invalid.map((o) => `${o.case.name}: ${o.server.summary.slice(0, 240)}`))];
      if (refusedByValidation.length) console.log(`cases refused by validation:\n  ${refusedByValidation.join('\n  ')}`);
      const disagreements = compared
        .filter((o) => !same(o))
        .map((o) => `${o.case.name} @ ${o.target.level}:${o.target.version}\n    server: ${o.server.verdict} ${o.server.summary}\n    floe:   ${o.floe.verdict} ${o.floe.summary}`);
      expect(disagreements.slice(0, 40), `${disagreements.length} disagreements`).toEqual([]);
      expect(invalid.length, 'every generated pod must be valid so that admission judges it').toBe(0);
    }, 600_000);

    // The API server also judges every pod of a namespace when its enforce label changes (a
    // server-side dry-run of the label change returns the verdicts as warnings, grouped by the
    // list of violated checks). That covers every policy version, v1.0 to latest, for every
    // pod in one request per namespace, level and version.
    it('groups the pods of a namespace as the API server does when its enforce label changes, at every version from v1.0 to latest', async () => {
      const started = performance.now();
      const valid = cases.filter((c) => !invalidCases.has(c));
      const chunks: DiffCase[][] = [];
      for (let i = 0; i < valid.length; i += SWEEP_CHUNK) chunks.push(valid.slice(i, i + SWEEP_CHUNK));
      const sweeps = await Promise.all(chunks.map(async (chunk) => ({ namespace: await ns.create('floe-pss-sweep'), pods: chunk.map((c, i) => ({ name: `p${String(i).padStart(3, '0')}`, case: c, stored: undefined as PodLike | undefined })) })));
      await pool(
        sweeps.flatMap((s) => s.pods.map((p) => ({ namespace: s.namespace, p }))),
        CONCURRENCY,
        async ({ namespace, p }) => {
          const { name, case: c } = p;
          const created = await conn.api.request('POST', `/api/v1/namespaces/${namespace}/pods`, { body: podObject(name, c.pod) });
          if (created.status !== 201) throw new Error(`create ${name} (${c.name}): ${created.status} ${created.text.slice(0, 300)}`);
          p.stored = storedPod(created.body);
          if (!c.ephemeral) return;
          const patched = await conn.api.request('PATCH', `/api/v1/namespaces/${namespace}/pods/${name}/ephemeralcontainers`, ephemeralPatch(c));
          if (patched.status !== 200) throw new Error(`ephemeral container for ${name} (${c.name}): ${patched.status} ${patched.text.slice(0, 300)}`);
          p.stored = storedPod(patched.body);
        },
      );
      // Versions past the server's own are judged as its own: no news there.
      const versions = allPolicyVersions().filter((v) => v === 'latest' || Number(v.slice('v1.'.length)) <= server.minor);
      const jobs = sweeps.flatMap((s) => versions.flatMap((version) => LEVELS.map((level) => ({ s, level, version }))));
      const problems: string[] = [];
      let agreeing = 0;
      await pool(jobs, CONCURRENCY, async ({ s, level, version }) => {
        const expected = new Map<string, string[]>();
        for (const p of s.pods) {
          const r = plane.judgeStored && p.stored ? evaluatePod(p.stored, { level, version: floeVersion(version) }, { template: true }) : evaluatePod(podOf(p.case), { level, version: floeVersion(version) });
          if (!r.allowed) {
            const key = r.violations.map((v) => v.reason).join(', ');
            expected.set(key, [...(expected.get(key) ?? []), p.name]);
          }
        }
        // The API server's pod informer may lag the creates by a moment; wait for it rather than misjudge.
        let got: Map<string, { first: string; count: number }> | undefined;
        for (let attempt = 0; attempt < 20; attempt++) {
          const r = await conn.api.request('PATCH', `/api/v1/namespaces/${s.namespace}`, {
            contentType: 'application/merge-patch+json',
            body: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': version } } },
            query: { dryRun: 'All' },
          });
          if (r.status !== 200) throw new Error(`dry-run label change on ${s.namespace}: ${r.status} ${r.text.slice(0, 300)}`);
          got = sweepGroups(r.warnings);
          const seen = [...got.values()].reduce((n, g) => n + g.count, 0);
          const want = [...expected.values()].reduce((n, g) => n + g.length, 0);
          if (seen >= want) break;
          await new Promise((done) => setTimeout(done, 250));
        }
        const mismatch: string[] = [];
        for (const key of new Set([...expected.keys(), ...(got?.keys() ?? [])])) {
          const mine = expected.get(key) ?? [];
          const theirs = got?.get(key);
          if (!theirs || theirs.count !== mine.length || !mine.includes(theirs.first)) {
            mismatch.push(`    ${JSON.stringify(key)}: server ${theirs ? `${theirs.count} incl. ${theirs.first} (${s.pods.find((p) => p.name === theirs.first)?.case.name})` : 'none'}; floe ${mine.length} [${mine.slice(0, 5).join(' ')}]`);
          }
        }
        if (mismatch.length) problems.push(`${s.namespace} at ${level}:${version}\n${mismatch.join('\n')}`);
        else agreeing++;
      });
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `namespace sweep (${server.gitVersion}): ${valid.length} pods in ${sweeps.length} namespaces x ${versions.length} versions (v1.0..${versions.at(-2)}, latest) x ${LEVELS.length} levels = ` +
          `${valid.length * versions.length * LEVELS.length} pod verdicts in ${jobs.length} dry-run label changes, ${seconds.toFixed(1)} s; ` +
          `${agreeing}/${jobs.length} namespace verdicts agree (every group of violated checks, its size and its named pod)`,
      );
      expect(problems.slice(0, 20), `${problems.length} namespace verdicts disagree`).toEqual([]);
    }, 600_000);

    // Workloads are judged through their pod templates: the API server answers a workload
    // create with a `would violate PodSecurity` warning in namespaces labelled `warn=LEVEL`.
    it('judges the pod template of every workload kind as the API server warns about it', async () => {
      const started = performance.now();
      const warnTargets: Target[] = [];
      for (const version of WORKLOAD_VERSIONS) {
        for (const level of LEVELS) {
          const namespace = await ns.create(`floe-pss-warn-${level}-${version.replace('.', '-')}`, {
            'pod-security.kubernetes.io/warn': level,
            'pod-security.kubernetes.io/warn-version': version,
          });
          warnTargets.push({ level, version, namespace });
        }
      }
      const templated = cases.filter((c) => !c.ephemeral && !invalidCases.has(c));
      const jobs = templated.flatMap((c, i) => warnTargets.map((t) => ({ c, t, kind: WORKLOAD_KINDS[i % WORKLOAD_KINDS.length] as string })));
      const mismatches: string[] = [];
      const invalid: string[] = [];
      let agree = 0;
      let reworded = 0;
      await pool(jobs, CONCURRENCY, async ({ c, t, kind }) => {
        const { path, object } = workloadObject(kind, c);
        const r = await conn.api.request('POST', path.replace('{ns}', t.namespace), { body: object, query: { dryRun: 'All' } });
        if (r.status === 422) {
          invalid.push(`${kind} ${c.name}: ${(r.body as { message?: string } | undefined)?.message?.slice(0, 200)}`);
          return;
        }
        if (r.status !== 201) throw new Error(`${kind} ${c.name}: ${r.status} ${r.text.slice(0, 300)}`);
        const prefix = `would violate PodSecurity ${JSON.stringify(`${t.level}:${t.version}`)}: `;
        const warning = r.warnings.find((w) => w.startsWith(prefix));
        const serverSays = warning === undefined ? '' : warning.slice(prefix.length);
        // judgeStored: the template as this release stored it (the dry-run's answer).
        const template = plane.judgeStored ? templateOf(kind, r.body) : ({ metadata: c.pod.metadata, spec: c.pod.spec } as PodLike);
        const result = evaluatePod(template, { level: t.level, version: floeVersion(t.version) }, { template: true });
        const floe = violationSummary(result.violations);
        if (comparable(serverSays) === comparable(floe)) {
          agree++;
          if (serverSays !== floe) reworded++;
        }
        else mismatches.push(`${kind} ${c.name} @ ${t.level}:${t.version}\n    server: ${serverSays || 'allowed'}\n    floe:   ${floe || 'allowed'}`);
      });
      console.log(
        `workload templates (${server.gitVersion}): ${templated.length} pods as ${WORKLOAD_KINDS.join('/')} (kinds in rotation) x ${WORKLOAD_VERSIONS.length} versions (${WORKLOAD_VERSIONS.join(', ')}) x ${LEVELS.length} levels = ${jobs.length} dry-run creates in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
          `warning agreement ${agree}/${jobs.length - invalid.length}${reworded ? ` (${reworded} with a detail ${server.gitVersion} words differently, compared by reason)` : ''}; ${invalid.length} refused by validation`,
      );
      if (invalid.length) console.log(`workloads refused by validation:\n  ${[...new Set(invalid)].join('\n  ')}`);
      expect(mismatches.slice(0, 30), `${mismatches.length} workload disagreements`).toEqual([]);
      expect(invalid).toEqual([]);
    }, 600_000);
  });
}

/**
 * Details an older release words differently from the newest for the same policy: on a server
 * up to `until`, such a violation is compared by its reason alone (both sides), and counted.
 */
const RELEASE_WORDING = [
  // 1.30 added the appArmorProfile fields and reworded the annotation detail.
  { until: 29, violation: /forbidden AppArmor profiles? \([^()]*\)/g },
];

const SWEEP_CHUNK = 40;

const WORKLOAD_VERSIONS = ['latest'];
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'PodTemplate'];

/** The pod template of a stored workload (a dry-run create's answer). */
function templateOf(kind: string, body: unknown): PodLike {
  let node: unknown = body;
  for (const key of podPath(kind) ?? []) node = (node as Record<string, unknown> | undefined)?.[key];
  return node as PodLike;
}

/** A minimal valid workload of `kind` whose pod template is the case's pod. */
function workloadObject(kind: string, c: DiffCase): { path: string; object: Record<string, unknown> } {
  const labels = { app: 'diff' };
  const restartPolicy = kind === 'Job' || kind === 'CronJob' ? 'Never' : 'Always';
  const template = { metadata: { labels, ...(c.pod.metadata.annotations ? { annotations: c.pod.metadata.annotations } : {}) }, spec: { ...c.pod.spec, restartPolicy } };
  const metadata = { name: 'diff' };
  switch (kind) {
    case 'Deployment':
    case 'DaemonSet':
    case 'ReplicaSet':
      return { path: `/apis/apps/v1/namespaces/{ns}/${kind.toLowerCase()}s`, object: { apiVersion: 'apps/v1', kind, metadata, spec: { selector: { matchLabels: labels }, template } } };
    case 'StatefulSet':
      return { path: '/apis/apps/v1/namespaces/{ns}/statefulsets', object: { apiVersion: 'apps/v1', kind, metadata, spec: { serviceName: 'diff', selector: { matchLabels: labels }, template } } };
    case 'ReplicationController':
      return { path: '/api/v1/namespaces/{ns}/replicationcontrollers', object: { apiVersion: 'v1', kind, metadata, spec: { selector: labels, template } } };
    case 'Job':
      return { path: '/apis/batch/v1/namespaces/{ns}/jobs', object: { apiVersion: 'batch/v1', kind, metadata, spec: { template } } };
    case 'CronJob':
      return { path: '/apis/batch/v1/namespaces/{ns}/cronjobs', object: { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template } } } } };
    default:
      return { path: '/api/v1/namespaces/{ns}/podtemplates', object: { apiVersion: 'v1', kind: 'PodTemplate', metadata, template } };
  }
}

/** `name: reasons` / `name (and N other pods): reasons`, after the leading `existing pods ... violate ...` line. */
function sweepGroups(warnings: string[]): Map<string, { first: string; count: number }> {
  const groups = new Map<string, { first: string; count: number }>();
  for (const w of warnings) {
    if (w.startsWith('existing pods in namespace')) continue;
    const m = /^([a-z0-9-]+)(?: \(and (\d+) other pods?\))?: (.*)$/.exec(w);
    if (!m) throw new Error(`unexpected warning from the namespace label change: ${w}`);
    groups.set(m[3] as string, { first: m[1] as string, count: 1 + Number(m[2] ?? 0) });
  }
  return groups;
}
