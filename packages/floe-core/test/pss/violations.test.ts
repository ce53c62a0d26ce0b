import { describe, expect, it } from 'vitest';
import type { SourcedObject } from '../../src/k8s/objects.js';
import { buildInventory } from '../../src/policy/inventory.js';
import { namespacePssPolicy } from '../../src/pss/namespace-policy.js';
import { pssRemedy, pssSubjects, pssViolationFindings, type PssSubject } from '../../src/pss/violations.js';

const L = 'pod-security.kubernetes.io/';
const ns = (name: string, labels: Record<string, string>) => ({ name, labels });

const privilegedPod: PssSubject = {
  namespace: 'shop',
  object: 'shop/bad[Pod]',
  kind: 'Pod',
  pods: ['bad'],
  template: false,
  pod: { spec: { containers: [{ name: 'c', securityContext: { privileged: true } }] } },
};
/** Passes baseline, fails restricted (no securityContext at all). */
const plainTemplate: PssSubject = {
  namespace: 'shop',
  object: 'shop/web[Deployment]',
  kind: 'Deployment',
  pods: [],
  template: true,
  pod: { spec: { containers: [{ name: 'web' }] } },
};
const restrictedPod: PssSubject = {
  namespace: 'shop',
  object: 'shop/good[Pod]',
  kind: 'Pod',
  pods: ['good'],
  template: false,
  pod: {
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
  },
};

describe('namespacePssPolicy: the labels read as the API server reads them', () => {
  it('judges a namespace without labels at privileged:latest in every mode, or at the given default enforce level', () => {
    expect(namespacePssPolicy({}).map((p) => `${p.mode}=${p.level}:${p.version}/${p.from}`)).toEqual(['enforce=privileged:latest/default', 'audit=privileged:latest/default', 'warn=privileged:latest/default']);
    expect(namespacePssPolicy({}, { enforce: { level: 'baseline', version: 'v1.30' } })[0]).toMatchObject({ mode: 'enforce', level: 'baseline', version: 'v1.30', from: 'default' });
  });

  it('takes each mode from its label, latest when no version label is set, the pinned version otherwise', () => {
    const p = namespacePssPolicy({ [`${L}enforce`]: 'baseline', [`${L}enforce-version`]: 'v1.24', [`${L}warn`]: 'restricted' });
    expect(p.map((x) => `${x.mode}=${x.level}:${x.version}/${x.from}`)).toEqual(['enforce=baseline:v1.24/label', 'audit=privileged:latest/default', 'warn=restricted:latest/label']);
  });

  it('a level label overrides the default version; a version label alone pins the default level', () => {
    const defaults = { enforce: { level: 'baseline' as const, version: 'v1.20' } };
    expect(namespacePssPolicy({ [`${L}enforce`]: 'restricted' }, defaults)[0]).toMatchObject({ level: 'restricted', version: 'latest' });
    expect(namespacePssPolicy({ [`${L}enforce-version`]: 'v1.28' }, defaults)[0]).toMatchObject({ level: 'baseline', version: 'v1.28', from: 'default' });
  });

  it('judges an unparseable level as restricted and an unparseable version as latest, and names them', () => {
    const [enforce] = namespacePssPolicy({ [`${L}enforce`]: 'strict', [`${L}enforce-version`]: '1.30' });
    expect(enforce).toMatchObject({ level: 'restricted', version: 'latest', invalid: [`${L}enforce=strict`, `${L}enforce-version=1.30`] });
  });
});

describe('pssViolationFindings', () => {
  it('reports an enforce violation at the enforce-version as an error with check, level, version, mode and the API server message', () => {
    const f = pssViolationFindings([ns('shop', { [`${L}enforce`]: 'baseline', [`${L}enforce-version`]: 'v1.30' })], [privilegedPod, restrictedPod]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      id: 'pss-violation',
      severity: 'error',
      namespace: 'shop',
      object: 'shop/bad[Pod]',
      check: 'privileged',
      level: 'baseline',
      version: 'v1.30',
      mode: 'enforce',
      modes: ['enforce'],
      levelFrom: 'label',
      pods: ['bad'],
      rule: 'enforce privileged',
      message: 'pod violates PodSecurity "baseline:v1.30": privileged (container "c" must not set securityContext.privileged=true)',
      remedy: 'do not set securityContext.privileged=true in container "c"',
    });
  });

  it('reports audit and warn violations as warnings, a template with "would violate", one finding per failed check', () => {
    const f = pssViolationFindings([ns('shop', { [`${L}enforce`]: 'baseline', [`${L}warn`]: 'restricted' })], [plainTemplate, restrictedPod]);
    expect(f.map((x) => [x.object, x.mode, x.severity, x.check])).toEqual([
      ['shop/web[Deployment]', 'warn', 'warning', 'allowPrivilegeEscalation'],
      ['shop/web[Deployment]', 'warn', 'warning', 'capabilities_restricted'],
      ['shop/web[Deployment]', 'warn', 'warning', 'runAsNonRoot'],
      ['shop/web[Deployment]', 'warn', 'warning', 'seccompProfile_restricted'],
    ]);
    expect(f[0]?.message).toBe('pod template of Deployment web would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false)');
    expect(f[0]?.remedy).toBe('set securityContext.allowPrivilegeEscalation=false in container "web" of the pod template');
  });

  it('reports a check failed alike in several modes once, in the strongest mode, listing the others', () => {
    const f = pssViolationFindings([ns('shop', { [`${L}enforce`]: 'baseline', [`${L}audit`]: 'restricted', [`${L}warn`]: 'restricted' })], [privilegedPod]);
    const privileged = f.filter((x) => x.check === 'privileged');
    expect(privileged).toHaveLength(1);
    expect(privileged[0]).toMatchObject({ mode: 'enforce', severity: 'error', modes: ['enforce', 'audit', 'warn'] });
    expect(f.filter((x) => x.check === 'runAsNonRoot').map((x) => [x.mode, x.modes])).toEqual([['audit', ['audit', 'warn']]]);
  });

  it('keeps findings apart when two modes judge the same check at versions with different messages', () => {
    const windowsPod: PssSubject = { ...restrictedPod, object: 'shop/win[Pod]', pods: ['win'], pod: { spec: { os: { name: 'windows' }, containers: [{ name: 'c' }] } } };
    const f = pssViolationFindings([ns('shop', { [`${L}enforce`]: 'restricted', [`${L}enforce-version`]: 'v1.24', [`${L}warn`]: 'restricted' })], [windowsPod]);
    // allowPrivilegeEscalation exempts Windows pods from v1.25 on: only the enforce (v1.24) finding remains.
    expect(f.filter((x) => x.check === 'allowPrivilegeEscalation').map((x) => [x.mode, x.version])).toEqual([['enforce', 'v1.24']]);
  });

  it('reports nothing for namespaces without labels (the cluster default is privileged), and judges them at a default enforce level when given', () => {
    expect(pssViolationFindings([ns('shop', {})], [privilegedPod, plainTemplate])).toEqual([]);
    expect(pssViolationFindings([], [privilegedPod])).toEqual([]);
    const f = pssViolationFindings([ns('shop', {})], [privilegedPod, plainTemplate], { defaults: { enforce: { level: 'baseline', version: 'latest' } } });
    expect(f.map((x) => [x.object, x.check, x.mode, x.levelFrom])).toEqual([['shop/bad[Pod]', 'privileged', 'enforce', 'default']]);
    expect(f[0]?.message).toContain('cluster default enforce level');
  });

  it('names an unparseable label value in the message', () => {
    const f = pssViolationFindings([ns('shop', { [`${L}enforce`]: 'strict' })], [plainTemplate]);
    expect(f.every((x) => x.level === 'restricted' && x.mode === 'enforce')).toBe(true);
    expect(f[0]?.message).toContain(`unparseable label ${L}enforce=strict`);
  });

  it('merges identical pods of one endpoint into one finding listing the pods', () => {
    const a = { ...privilegedPod, object: 'shop/op[Operator]', pods: ['op-1'] };
    const b = { ...privilegedPod, object: 'shop/op[Operator]', pods: ['op-0'] };
    const f = pssViolationFindings([ns('shop', { [`${L}enforce`]: 'baseline' })], [a, b]);
    expect(f).toHaveLength(1);
    expect(f[0]?.pods).toEqual(['op-0', 'op-1']);
    expect(f[0]?.message).toMatch(/; pods op-0, op-1$/);
  });
});

describe('pssRemedy', () => {
  it('turns the detail into what to change, naming the containers', () => {
    expect(pssRemedy('capabilities_restricted', 'container "a" must set securityContext.capabilities.drop=["ALL"]; container "b" must not include "NET_RAW" in securityContext.capabilities.add')).toBe(
      'set securityContext.capabilities.drop=["ALL"] in container "a"; remove "NET_RAW" from securityContext.capabilities.add in container "b"',
    );
    expect(pssRemedy('hostNamespaces', 'hostNetwork=true, hostPID=true')).toBe('set hostNetwork=false, hostPID=false (or leave unset) in the pod spec');
    expect(pssRemedy('runAsUser', 'container "c" must not set runAsUser=0', true)).toBe('do not set runAsUser=0 in container "c" of the pod template; run as a non-zero UID');
  });
});

describe('pssSubjects', () => {
  const obj = (object: Record<string, unknown>, line: number): SourcedObject => ({ object, source: `f.yaml:${line}` });
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web' }] } };
  const owner = (kind: string, name: string) => [{ apiVersion: 'apps/v1', kind, name, uid: name, controller: true }];
  const input = [
    obj({ kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { template } }, 1),
    obj({ kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'shop', ownerReferences: owner('Deployment', 'web') }, spec: { template } }, 2),
    obj({ kind: 'Pod', metadata: { name: 'web-1-a', namespace: 'shop', labels: { app: 'web' }, ownerReferences: owner('ReplicaSet', 'web-1') }, spec: template.spec }, 3),
    obj({ kind: 'Pod', metadata: { name: 'web-1-b', namespace: 'shop', labels: { app: 'web' }, ownerReferences: owner('ReplicaSet', 'web-1') }, spec: template.spec }, 4),
    obj({ kind: 'Pod', metadata: { name: 'op-0', namespace: 'shop', ownerReferences: owner('Operator', 'op') }, spec: { containers: [{ name: 'x' }] } }, 5),
    obj({ kind: 'Pod', metadata: { name: 'solo' }, spec: { containers: [{ name: 's' }] } }, 6),
    obj({ kind: 'CronJob', metadata: { name: 'nightly', namespace: 'shop' }, spec: { jobTemplate: { spec: { template } } } }, 7),
    obj({ kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'shop' } }, 8),
  ];

  it('judges a Deployment once through its template, not its ReplicaSet and pods; pods of an absent controller as pods', () => {
    expect(pssSubjects(input).map((s) => [s.object, s.kind, s.template, s.pods])).toEqual([
      ['default/solo[Pod]', 'Pod', false, ['solo']],
      ['shop/nightly[CronJob]', 'CronJob', true, []],
      ['shop/op[Operator]', 'Pod', false, ['op-0']],
      ['shop/web[Deployment]', 'Deployment', true, []],
    ]);
  });

  it('reports under the same endpoints as the inventory', () => {
    const endpoints = new Set(buildInventory(input).model.pods.map((p) => p.endpoint));
    for (const s of pssSubjects(input)) expect(endpoints.has(s.object)).toBe(true);
  });
});
