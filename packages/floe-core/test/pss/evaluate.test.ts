import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  LATEST_MINOR,
  PSS_CHECKS,
  admissionMessage,
  allPolicyVersions,
  checksFor,
  evaluatePod,
  newerVersionWarning,
  parseLevelVersion,
  podOf,
  podShapeProblems,
  policyMinor,
  preparePod,
  templatePassesEnforce,
  type PodLike,
} from '../../src/pss/index.js';

const privilegedPod: PodLike = { spec: { containers: [{ name: 'app', securityContext: { privileged: true } }] } };

describe('registry', () => {
  it('registers the upstream check IDs, each once', () => {
    expect(PSS_CHECKS.map((c) => c.id).sort()).toEqual([
      'allowPrivilegeEscalation',
      'appArmorProfile',
      'capabilities_baseline',
      'capabilities_restricted',
      'hostNamespaces',
      'hostPathVolumes',
      'hostPorts',
      'hostProbesAndHostLifecycle',
      'privileged',
      'procMount',
      'procMount_restricted',
      'restrictedVolumes',
      'runAsNonRoot',
      'runAsUser',
      'seLinuxOptions',
      'seccompProfile_baseline',
      'seccompProfile_restricted',
      'sysctls',
      'windowsHostProcess',
    ]);
  });
  it('orders baseline checks before restricted ones, each by ID, as the API server lists them', () => {
    expect(checksFor('restricted', 35).map((c) => c.id)).toEqual([
      'appArmorProfile',
      'hostNamespaces',
      'hostPorts',
      'hostProbesAndHostLifecycle',
      'privileged',
      'seLinuxOptions',
      'sysctls',
      'windowsHostProcess',
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'procMount_restricted',
      'restrictedVolumes',
      'runAsNonRoot',
      'runAsUser',
      'seccompProfile_restricted',
    ]);
  });
  it('runs only baseline checks at baseline', () => {
    expect(checksFor('baseline', 0).every((c) => PSS_CHECKS.find((x) => x.id === c.id)?.level === 'baseline')).toBe(true);
  });
});

describe('levels and versions', () => {
  it('parses the forms the API server writes', () => {
    expect(parseLevelVersion('restricted')).toEqual({ level: 'restricted', version: 'latest' });
    expect(parseLevelVersion('baseline:v1.30')).toEqual({ level: 'baseline', version: 'v1.30' });
    expect(parseLevelVersion('restricted:latest')).toEqual({ level: 'restricted', version: 'latest' });
  });
  it('refuses unknown levels and malformed versions with an input error', () => {
    for (const bad of ['strict', 'restricted:1.30', 'restricted:v2.0', 'baseline:v1.030', 'restricted:latest:x', '']) expect(() => parseLevelVersion(bad), bad).toThrow(InputError);
  });
  it('judges versions newer than the newest known as the newest, like the API server', () => {
    expect(policyMinor('v1.99')).toBe(policyMinor('latest'));
    expect(policyMinor('latest')).toBe(LATEST_MINOR);
  });
  it('warns, naming both versions, only for a version newer than the newest known', () => {
    expect(newerVersionWarning(`v1.${LATEST_MINOR + 1}`)).toBe(`Pod Security version v1.${LATEST_MINOR + 1} is newer than the newest this floe knows (v1.${LATEST_MINOR}): judged as v1.${LATEST_MINOR}, as an API server judges a version newer than its own`);
    for (const v of ['latest', 'v1.0', `v1.${LATEST_MINOR}`]) expect(newerVersionWarning(v), v).toBeUndefined();
  });
  it('lists every version from v1.0 to latest', () => {
    const all = allPolicyVersions();
    expect(all[0]).toBe('v1.0');
    expect(all.at(-1)).toBe('latest');
  });
  it('allows everything at privileged', () => {
    expect(evaluatePod(privilegedPod, { level: 'privileged', version: 'latest' }).allowed).toBe(true);
  });
});

describe('messages', () => {
  it('writes the rejection as the API server does', () => {
    const r = evaluatePod(privilegedPod, { level: 'restricted', version: 'latest' });
    expect(admissionMessage(r)).toBe(
      'violates PodSecurity "restricted:latest": privileged (container "app" must not set securityContext.privileged=true), ' +
        'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), ' +
        'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });
});

describe('preparePod', () => {
  it('leaves a pod the API server would not change untouched', () => {
    expect(preparePod(privilegedPod)).toBe(privilegedPod);
  });
  it('never modifies its input', () => {
    const p: PodLike = { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } }, spec: { hostNetwork: true, containers: [{ name: 'app', ports: [{ containerPort: 80 }] }] } };
    const before = structuredClone(p);
    const prepared = preparePod(p);
    expect(p).toEqual(before);
    // Only the defaults that can change a verdict: the host port, not the port protocol (no check reads it).
    expect(prepared.spec.containers?.[0]).toEqual({ name: 'app', ports: [{ containerPort: 80, hostPort: 80 }], securityContext: { appArmorProfile: { type: 'Unconfined' } } });
  });
  it('copies nothing for a pod whose only missing default is a port protocol', () => {
    const p: PodLike = { spec: { containers: [{ name: 'app', ports: [{ containerPort: 80 }] }], volumes: [{ name: 'v', emptyDir: {} }] } };
    expect(preparePod(p)).toBe(p);
  });
  it('judges a volume with no source as the emptyDir the API server makes of it: allowed at restricted, in a Pod and in a template', () => {
    const hardened: PodLike = {
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
        volumes: [{ name: 'v' }],
      },
    };
    for (const template of [false, true]) expect(evaluatePod(hardened, { level: 'restricted', version: 'latest' }, { template }).violations, `template: ${template}`).toEqual([]);
    const unknownOnly: PodLike = { ...hardened, spec: { ...hardened.spec, volumes: [{ name: 'v', hostPath: null, somethingNew: { a: 1 } }] } };
    expect(evaluatePod(unknownOnly, { level: 'restricted', version: 'latest' }).allowed).toBe(true);
  });
  it('defaults host ports from hostNetwork for a Pod only, never for a template (as the API server since v1.28)', () => {
    const p: PodLike = { spec: { hostNetwork: true, containers: [{ name: 'app', ports: [{ containerPort: 80 }] }] } };
    expect(evaluatePod(p, { level: 'baseline', version: 'latest' }).violations.map((v) => v.check)).toEqual(['hostNamespaces', 'hostPorts']);
    expect(evaluatePod(p, { level: 'baseline', version: 'latest' }, { template: true }).violations.map((v) => v.check)).toEqual(['hostNamespaces']);
  });
  it('does not copy an AppArmor annotation the pod-level field already states', () => {
    const p: PodLike = { metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' } }, spec: { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'app' }] } };
    expect(preparePod(p).spec.containers?.[0]).toEqual({ name: 'app' });
  });
});

describe('workloads', () => {
  const template = { metadata: { annotations: { a: 'b' } }, spec: { containers: [{ name: 'c' }] } };
  it('finds the pod template of every workload kind', () => {
    const objects = [
      { kind: 'Deployment', spec: { template } },
      { kind: 'StatefulSet', spec: { template } },
      { kind: 'DaemonSet', spec: { template } },
      { kind: 'ReplicaSet', spec: { template } },
      { kind: 'ReplicationController', spec: { template } },
      { kind: 'Job', spec: { template } },
      { kind: 'CronJob', spec: { jobTemplate: { spec: { template } } } },
      { kind: 'PodTemplate', template },
    ];
    for (const o of objects) expect(podOf({ ...o, metadata: { name: 'n', namespace: 'ns' } })?.pod, o.kind).toEqual(template);
    expect(podOf({ kind: 'Pod', metadata: { name: 'n', annotations: { a: 'b' } }, spec: template.spec })?.pod).toEqual({ metadata: { name: 'n', annotations: { a: 'b' } }, spec: template.spec });
    expect(podOf({ kind: 'CronJob', metadata: { name: 'n' }, spec: { jobTemplate: { spec: { template } } } })?.templatePath).toBe('spec.jobTemplate.spec.template');
  });
  it('ignores other kinds and objects without a pod spec', () => {
    expect(podOf({ kind: 'Service', spec: {} })).toBeUndefined();
    expect(podOf({ kind: 'Deployment', spec: {} })).toBeUndefined();
    expect(podOf('text')).toBeUndefined();
  });
});

describe('podShapeProblems', () => {
  it('reports wrongly typed fields the checks read, with their paths', () => {
    const problems = podShapeProblems({ spec: { containers: [{ name: 'a', securityContext: { privileged: 'yes' } }, { image: 'x' }], hostNetwork: 1, volumes: 'none' } });
    expect(problems).toEqual([
      { path: 'spec.containers[0].securityContext.privileged', message: 'must be a boolean, not "yes"' },
      { path: 'spec.volumes', message: 'must be a list' },
      { path: 'spec.hostNetwork', message: 'must be a boolean, not 1' },
      { path: 'spec.containers[1].name', message: 'is required' },
    ]);
  });
  it('accepts a well-formed pod', () => {
    expect(podShapeProblems({ spec: { containers: [{ name: 'a', securityContext: { runAsUser: 1000 } }] } })).toEqual([]);
  });
  // Found by tests/contract/loader-robustness.test.ts: these reached the evaluator and crashed it (exit 4).
  it('reports an empty list item and a mapping where a string belongs', () => {
    const problems = podShapeProblems({ spec: { containers: [null, { name: { toString: false }, securityContext: { capabilities: { drop: [null] } } }] } });
    expect(problems).toEqual([
      { path: 'spec.containers[0]', message: 'must be a mapping, not null' },
      { path: 'spec.containers[1].name', message: 'must be a string, not a mapping' },
      { path: 'spec.containers[1].securityContext.capabilities.drop[0]', message: 'must be a string, not null' },
      { path: 'spec.containers[1].name', message: 'is required' },
    ]);
  });
  it('does not take a kind named after an Object.prototype member for a workload', () => {
    expect(podOf({ kind: 'toString', spec: { containers: [] } })).toBeUndefined();
    expect(podOf({ kind: 'constructor', spec: { containers: [] } })).toBeUndefined();
  });
});

describe('templatePassesEnforce', () => {
  const hardened: PodLike = {
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
  };
  it('passes a hardened template at restricted from v1.25 to latest', () => {
    expect(templatePassesEnforce(hardened, 'restricted')).toEqual({ passes: true, failures: [] });
  });
  it('names each version a template fails at', () => {
    const r = templatePassesEnforce({ spec: { ...hardened.spec, securityContext: { ...hardened.spec.securityContext, runAsUser: 0 } } }, 'restricted', ['v1.22', 'v1.23', 'latest']);
    expect(r.passes).toBe(false);
    expect(r.failures.map((f) => f.version)).toEqual(['v1.23', 'latest']);
  });
});
