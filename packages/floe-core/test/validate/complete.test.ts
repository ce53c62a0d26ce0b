import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/config/load.js';
import { checkComplete } from '../../src/validate/complete.js';
import { checkFiles, checkSchema, type DirEntry } from '../../src/validate/files.js';
import { MAX_FILE_BYTES } from '../../src/validate/source.js';
import { defaultDeny, namespace, networkPolicy } from './fixtures.js';

/** A manifest with one namespace to manage: jobs = floe-jobs; the platform namespace is given the same objects. */
const manifest = (extra = '') => parseManifest(`namespaces: { platform: floe-platform, jobs: floe-jobs }\n${extra}`, 'manifest.yaml');

function objectsOf(...objs: object[]) {
  const entries: DirEntry[] = objs.map((o, i) => {
    const content = stringify(o);
    return { name: `${String(i).padStart(2, '0')}.yaml`, type: 'file', size: content.length, content };
  });
  const { objects } = checkFiles('net', entries, MAX_FILE_BYTES);
  checkSchema(objects);
  return objects;
}

/** Everything both namespaces need, as floe writes it; `override` replaces the jobs namespace's objects. */
function tree(jobs?: object[]) {
  const platform = [namespace('floe-platform', { enforce: 'baseline' }), defaultDeny('floe-platform'), networkPolicy('floe-platform')];
  return objectsOf(...platform, ...(jobs ?? [namespace('floe-jobs'), defaultDeny('floe-jobs'), networkPolicy('floe-jobs')]));
}

const messages = (r: ReturnType<typeof checkComplete>) => r.problems.map((p) => p.message);

describe('the complete check', () => {
  it('passes a tree where every managed namespace is default-deny, resolves DNS and is labelled', () => {
    expect(checkComplete(manifest(), tree())).toMatchObject({ status: 'pass', problems: [] });
  });

  it('judges default-deny by content: another name passes, a policy with rules or a pod selector does not', () => {
    expect(checkComplete(manifest(), tree([namespace('floe-jobs'), defaultDeny('floe-jobs', 'deny-everything'), networkPolicy('floe-jobs')])).status).toBe('pass');
    const withRule = defaultDeny('floe-jobs');
    withRule.spec.ingress = [{ from: [{ podSelector: {} }] }];
    const narrow = defaultDeny('floe-jobs', 'narrow');
    narrow.spec.podSelector = { matchLabels: { app: 'x' } };
    const result = checkComplete(manifest(), tree([namespace('floe-jobs'), withRule, narrow, networkPolicy('floe-jobs')]));
    expect(result.status).toBe('fail');
    expect(messages(result)).toEqual(['floe-jobs: no default-deny for ingress: no NetworkPolicy selects every pod (podSelector {}), lists Ingress in policyTypes and has no ingress rules']);
  });

  it('accepts default-deny split over two policies, one per direction, and applies the API default for policyTypes', () => {
    const ingressOnly = defaultDeny('floe-jobs', 'deny-ingress');
    delete ingressOnly.spec.policyTypes; // defaults to [Ingress]
    const egressOnly = defaultDeny('floe-jobs', 'deny-egress');
    egressOnly.spec.policyTypes = ['Egress'];
    expect(checkComplete(manifest(), tree([namespace('floe-jobs'), ingressOnly, egressOnly, networkPolicy('floe-jobs')])).status).toBe('pass');
    expect(messages(checkComplete(manifest(), tree([namespace('floe-jobs'), ingressOnly, networkPolicy('floe-jobs')])))).toEqual([
      'floe-jobs: no default-deny for egress: no NetworkPolicy selects every pod (podSelector {}), lists Egress in policyTypes and has no egress rules',
    ]);
  });

  it('requires DNS egress on UDP and TCP 53 to the configured DNS pods for every pod', () => {
    const udpOnly = networkPolicy('floe-jobs');
    (udpOnly.spec.egress as { ports: unknown[] }[])[0]!.ports = [{ protocol: 'UDP', port: 53 }];
    expect(messages(checkComplete(manifest(), tree([namespace('floe-jobs'), defaultDeny('floe-jobs'), udpOnly])))).toEqual([
      'floe-jobs: no DNS egress on TCP 53: no NetworkPolicy selecting every pod allows egress to the pods k8s-app=kube-dns in namespace kube-system on TCP 53',
    ]);
    const otherDns = manifest('security: { network_policies: { dns: { namespace: dns, pod_labels: { app: coredns } } } }');
    expect(checkComplete(otherDns, tree()).problems).toHaveLength(4);
  });

  it('counts broader DNS allowances (all destinations, port ranges, no port) and not ipBlocks or named ports', () => {
    const open = networkPolicy('floe-jobs');
    (open.spec.egress as object[])[0] = { ports: [{ protocol: 'UDP', port: 1, endPort: 1000 }, { protocol: 'TCP' }] };
    expect(checkComplete(manifest(), tree([namespace('floe-jobs'), defaultDeny('floe-jobs'), open])).status).toBe('pass');
    const viaIp = networkPolicy('floe-jobs');
    (viaIp.spec.egress as object[])[0] = { to: [{ ipBlock: { cidr: '10.96.0.10/32' } }] };
    const named = networkPolicy('floe-jobs', 'named');
    (named.spec.egress as object[])[0] = { ports: [{ protocol: 'UDP', port: 'dns' }, { protocol: 'TCP', port: 'dns-tcp' }] };
    expect(checkComplete(manifest(), tree([namespace('floe-jobs'), defaultDeny('floe-jobs'), viaIp, named])).problems).toHaveLength(2);
  });

  it('does not count DNS egress from a policy that selects only some pods', () => {
    const some = networkPolicy('floe-jobs');
    some.spec.podSelector = { matchLabels: { app: 'x' } };
    expect(checkComplete(manifest(), tree([namespace('floe-jobs'), defaultDeny('floe-jobs'), some])).problems).toHaveLength(2);
  });

  it('requires Pod Security labels at least as strict as configured, at the label in the Namespace file', () => {
    const weak = namespace('floe-jobs', { enforce: 'baseline', warn: 'strict', version: 'v1.20' });
    delete weak.metadata.labels['pod-security.kubernetes.io/audit'];
    const result = checkComplete(manifest('security: { pod_security: { version: v1.30 } }'), tree([weak, defaultDeny('floe-jobs'), networkPolicy('floe-jobs')]));
    expect(result.problems.map((p) => `${p.file}:${p.line} ${p.path}: ${p.message}`)).toEqual([
      'net/03.yaml:5 metadata.labels[pod-security.kubernetes.io/audit]: floe-jobs: label pod-security.kubernetes.io/audit is missing; the manifest configures restricted',
      'net/03.yaml:8 metadata.labels[pod-security.kubernetes.io/audit-version]: floe-jobs: audit version v1.20 is older (checks less) than the configured v1.30',
      'net/03.yaml:9 metadata.labels[pod-security.kubernetes.io/enforce]: floe-jobs: enforce level baseline is weaker than the configured restricted',
      'net/03.yaml:10 metadata.labels[pod-security.kubernetes.io/enforce-version]: floe-jobs: enforce version v1.20 is older (checks less) than the configured v1.30',
      'net/03.yaml:11 metadata.labels[pod-security.kubernetes.io/warn]: floe-jobs: "strict" is not a Pod Security level (privileged, baseline, restricted); the manifest configures restricted',
      'net/03.yaml:12 metadata.labels[pod-security.kubernetes.io/warn-version]: floe-jobs: warn version v1.20 is older (checks less) than the configured v1.30',
    ]);
  });

  it('accepts stricter levels and a newer version than configured, and requires the Namespace object', () => {
    const strict = namespace('floe-platform', { enforce: 'restricted' });
    const objects = objectsOf(strict, defaultDeny('floe-platform'), networkPolicy('floe-platform'), defaultDeny('floe-jobs'), networkPolicy('floe-jobs'));
    expect(messages(checkComplete(manifest('security: { pod_security: { version: v1.30 } }'), objects))).toEqual([
      'floe-jobs: no Namespace object in the directory, so nothing sets its Pod Security labels (floe writes 00-floe-jobs-namespace.yaml)',
    ]);
  });

  it('ignores objects that failed the schema check', () => {
    const broken = defaultDeny('floe-jobs');
    broken.spec.policyTypes = ['ingress', 'Egress'];
    expect(messages(checkComplete(manifest(), tree([namespace('floe-jobs'), broken, networkPolicy('floe-jobs')])))).toEqual([
      'floe-jobs: no default-deny for ingress: no NetworkPolicy selects every pod (podSelector {}), lists Ingress in policyTypes and has no ingress rules (net/04.yaml breaks the API schema and does not count)',
      'floe-jobs: no default-deny for egress: no NetworkPolicy selects every pod (podSelector {}), lists Egress in policyTypes and has no egress rules (net/04.yaml breaks the API schema and does not count)',
    ]);
  });

  it('warns, not fails, where the manifest itself opts out of default-deny or Pod Security', () => {
    const result = checkComplete(manifest('security: { network_policies: { default_deny: false }, pod_security: { enabled: false } }'), objectsOf(networkPolicy('floe-platform'), networkPolicy('floe-jobs')));
    expect(result.status).toBe('warn');
    expect(result.problems.map((p) => [p.severity, p.path])).toEqual([
      ['warning', 'security.network_policies.default_deny'],
      ['warning', 'security.pod_security.enabled'],
    ]);
  });

  it('fails a PodTemplate its own namespace would refuse, naming the checks as the API server does', () => {
    const template = (allowPrivilegeEscalation: boolean) => ({
      apiVersion: 'v1',
      kind: 'PodTemplate',
      metadata: { name: 'floe-hardened', namespace: 'floe-jobs' },
      template: {
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10', securityContext: { allowPrivilegeEscalation, capabilities: { drop: ['ALL'] } } }],
        },
      },
    });
    const jobs = (t: object) => [namespace('floe-jobs'), defaultDeny('floe-jobs'), networkPolicy('floe-jobs'), t];
    expect(checkComplete(manifest(), tree(jobs(template(false)))).status).toBe('pass');
    const result = checkComplete(manifest(), tree(jobs(template(true))));
    expect(result.status).toBe('fail');
    expect(messages(result)).toEqual([
      'floe-jobs: PodTemplate floe-hardened would be refused by its namespace\'s enforce level restricted at 14 versions (v1.25 to latest): allowPrivilegeEscalation != false (container "main" must set securityContext.allowPrivilegeEscalation=false)',
    ]);
  });
  it('does not count, and does not crash on, a NetworkPolicy whose namespace is not a string', () => {
    const odd = defaultDeny('floe-jobs', 'odd') as { metadata: Record<string, unknown> };
    odd.metadata.namespace = [{ toString: 0 }];
    const result = checkComplete(manifest(), tree([namespace('floe-jobs'), odd, networkPolicy('floe-jobs')]));
    expect(messages(result)).toContain('floe-jobs: no default-deny for ingress: no NetworkPolicy selects every pod (podSelector {}), lists Ingress in policyTypes and has no ingress rules');
  });
});
