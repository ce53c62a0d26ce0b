// The admission guard's configuration and what generate writes for it. What the
// policies decide is the API server's (tests/integration/admission-guard.test.ts);
// here: the settings, their errors, and the objects' shape, scope and actions.
import { describe, expect, it } from 'vitest';
import { manifestJsonSchema } from '../../src/config/json-schema.js';
import type { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from '../../src/k8s/admission.js';
import { NetworkPolicyManifestGenerator } from '../../src/network/generator.js';
import { NetworkSecurityPlugin, type NetworkPlan, type RenderedObject } from '../../src/plugin/plugin.js';
import { schemaIssues } from '../../src/validate/k8s-schema.js';
import { issueAt, parse, yaml } from '../helpers.js';

class Nothing extends NetworkSecurityPlugin {
  readonly metadata = { name: 'nothing', version: '1.0.0', floeApiVersion: '2.0' };
  render(_plan: NetworkPlan): RenderedObject[] {
    return [];
  }
}

const MANIFEST = (guard: string, ...more: string[]) => yaml('domains: [{ name: sales }, { name: hr }]', 'security:', `  admission_guard: ${guard}`, ...more);
const generate = (text: string) => new NetworkPolicyManifestGenerator(new Nothing()).generate(parse(text));
const guardFiles = (text: string) => generate(text).files.filter((f) => f.path.startsWith('admission-guard-'));

describe('security.admission_guard: the settings', () => {
  it('is off by default, with system:masters as the applier and no service account allowed a token', () => {
    expect(parse('').security.admission_guard).toEqual({ mode: 'off', appliers: { users: [], groups: ['system:masters'], service_accounts: [] }, automount_service_accounts: [] });
  });

  it('reads the short form `admission_guard: deny` as { mode: deny }', () => {
    expect(parse(MANIFEST('deny')).security.admission_guard.mode).toBe('deny');
    expect(parse(MANIFEST('warn')).security.admission_guard.mode).toBe('warn');
  });

  it('reports a misspelt mode, short or long, at the field with its choices', () => {
    const short = issueAt(MANIFEST('dney'), 'security.admission_guard.mode');
    expect(short.code).toBe('manifest.invalid_choice');
    expect(short.line).toBe(3);
    expect(short.message).toBe('must be one of off, warn, deny');
    const long = issueAt(MANIFEST('{ mode: strict }'), 'security.admission_guard.mode');
    expect(long.code).toBe('manifest.invalid_choice');
  });

  it('refuses a guard that names no applier, and a service account not written NAMESPACE/NAME', () => {
    const none = issueAt(MANIFEST('{ mode: deny, appliers: { groups: [] } }'), 'security.admission_guard.appliers');
    expect(none.code).toBe('manifest.no_appliers');
    expect(none.message).toContain('nobody could apply floe\'s NetworkPolicies');
    const sa = issueAt(MANIFEST('{ mode: deny, appliers: { service_accounts: [argocd-application-controller] } }'), 'security.admission_guard.appliers.service_accounts[0]');
    expect(sa.message).toContain('must be NAMESPACE/NAME of a service account');
    expect(issueAt(MANIFEST('{ mode: warn, automount_service_accounts: [spark, spark] }'), 'security.admission_guard.automount_service_accounts[1]').code).toBe('manifest.duplicate');
  });

  it('refuses a control character in an applier name (it would not compile in CEL), and escapes quotes and backslashes', () => {
    expect(issueAt(MANIFEST('{ mode: deny, appliers: { users: ["alice\\nbob"] } }'), 'security.admission_guard.appliers.users[0]').message).toContain('control characters');
    const policy = guardFiles(MANIFEST(`{ mode: deny, appliers: { groups: ["o'brien\\\\x"] } }`)).find((f) => f.kind === 'ValidatingAdmissionPolicy' && f.name === 'floe-guard-network-policies')?.object as ValidatingAdmissionPolicy;
    expect(policy.spec.variables?.find((v) => v.name === 'applier')?.expression).toContain("g in ['o\\'brien\\\\x']");
  });

  it('an off guard naming nobody is fine: nothing is generated', () => {
    expect(guardFiles(MANIFEST('{ mode: off, appliers: { groups: [] } }'))).toEqual([]);
  });

  it('shows both forms in the JSON Schema for editors', () => {
    const security = (manifestJsonSchema().properties as Record<string, { properties: Record<string, { anyOf: { type: string }[] }> }>).security;
    expect(security?.properties.admission_guard?.anyOf.map((s) => s.type)).toEqual(['string', 'object']);
  });
});

describe('generate with the admission guard', () => {
  it('writes nothing for it when off: the default output is unchanged', () => {
    const files = generate(yaml('domains: [{ name: sales }]')).files.map((f) => f.path);
    expect(files.filter((p) => p.includes('admission'))).toEqual([]);
  });

  it('writes a policy and a binding per rule, cluster-scoped, labelled as floe\'s, listed in the Kustomization prune set', () => {
    const result = generate(MANIFEST('deny'));
    const guard = result.files.filter((f) => f.path.startsWith('admission-guard-'));
    expect(guard.map((f) => `${f.path} ${f.kind} ${f.name}`)).toEqual([
      'admission-guard-network-policies-binding.yaml ValidatingAdmissionPolicyBinding floe-guard-network-policies',
      'admission-guard-network-policies-policy.yaml ValidatingAdmissionPolicy floe-guard-network-policies',
      'admission-guard-pod-hardening-binding.yaml ValidatingAdmissionPolicyBinding floe-guard-pod-hardening',
      'admission-guard-pod-hardening-policy.yaml ValidatingAdmissionPolicy floe-guard-pod-hardening',
      'admission-guard-pod-security-labels-binding.yaml ValidatingAdmissionPolicyBinding floe-guard-pod-security-labels',
      'admission-guard-pod-security-labels-policy.yaml ValidatingAdmissionPolicy floe-guard-pod-security-labels',
    ]);
    for (const f of guard) {
      expect(f.namespace).toBeNull();
      expect(f.object?.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'floe', 'floe.dev/component': 'network-security' });
      expect(schemaIssues(f.kind as 'ValidatingAdmissionPolicy', f.object)).toEqual([]);
    }
    const kustomization = result.files.find((f) => f.path === 'Kustomization')?.content ?? '';
    for (const f of guard) expect(kustomization).toContain(`  - ${f.path}\n`);
  });

  it('binds deny as [Deny, Audit] and warn as [Warn, Audit], each to the managed namespaces by name; pod rules skip the platform namespace', () => {
    const bindings = (mode: string) =>
      guardFiles(MANIFEST(mode))
        .filter((f) => f.kind === 'ValidatingAdmissionPolicyBinding')
        .map((f) => f.object as ValidatingAdmissionPolicyBinding);
    for (const b of bindings('deny')) expect(b.spec.validationActions).toEqual(['Deny', 'Audit']);
    for (const b of bindings('warn')) expect(b.spec.validationActions).toEqual(['Warn', 'Audit']);
    const scope = Object.fromEntries(bindings('deny').map((b) => [b.metadata.name, b.spec.matchResources?.namespaceSelector?.matchExpressions?.[0]?.values]));
    expect(scope).toEqual({
      'floe-guard-network-policies': ['floe-hr-domain', 'floe-jobs', 'floe-platform', 'floe-sales-domain'],
      'floe-guard-pod-hardening': ['floe-hr-domain', 'floe-jobs', 'floe-sales-domain'],
      'floe-guard-pod-security-labels': ['floe-hr-domain', 'floe-jobs', 'floe-platform', 'floe-sales-domain'],
    });
  });

  it('puts the appliers and the allowed service accounts into the CEL, and follows the manifest\'s hardening settings', () => {
    const text = MANIFEST(
      '{ mode: deny, appliers: { users: [alice], groups: [platform-admins], service_accounts: [argocd/argocd-application-controller] }, automount_service_accounts: [spark-driver] }',
      '  pod_security: { read_only_root_filesystem: false, platform_level: restricted, version: v1.33 }',
    );
    const policies = Object.fromEntries(guardFiles(text).filter((f) => f.kind === 'ValidatingAdmissionPolicy').map((f) => [f.name, f.object as ValidatingAdmissionPolicy]));
    const applier = policies['floe-guard-network-policies']?.spec.variables?.find((v) => v.name === 'applier')?.expression;
    expect(applier).toBe("request.userInfo.username in ['alice', 'system:serviceaccount:argocd:argocd-application-controller'] || (has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in ['platform-admins']))");
    const hardening = policies['floe-guard-pod-hardening']?.spec;
    // read_only_root_filesystem: false: the template does not set it, so the guard does not ask for it.
    expect(hardening?.validations.map((v) => v.expression)).toEqual(["(has(variables.spec.automountServiceAccountToken) && variables.spec.automountServiceAccountToken == false) || variables.serviceAccount in ['spark-driver']"]);
    const want = policies['floe-guard-pod-security-labels']?.spec.variables?.find((v) => v.name === 'want')?.expression;
    expect(want).toBe("{'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted'}");
    expect(policies['floe-guard-pod-security-labels']?.spec.variables?.find((v) => v.name === 'weakened')?.expression).toContain('int(variables.new[k].substring(3)) >= 33');
  });

  it('names the platform namespace\'s own enforce level when it differs from the others', () => {
    const policy = guardFiles(MANIFEST('deny')).find((f) => f.name === 'floe-guard-pod-security-labels' && f.kind === 'ValidatingAdmissionPolicy')?.object as ValidatingAdmissionPolicy;
    expect(policy.spec.variables?.find((v) => v.name === 'want')?.expression).toBe(
      "{'pod-security.kubernetes.io/enforce': object.metadata.name in ['floe-platform'] ? 'baseline' : 'restricted', 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted'}",
    );
  });

  it('states the guard in the summary when it is on, and not at all when off', () => {
    const summary = (text: string) => generate(text).files.find((f) => f.path === 'NETWORK-POLICY-SUMMARY.md')?.content ?? '';
    expect(summary(MANIFEST('off'))).not.toContain('Admission guard');
    const warn = summary(MANIFEST('{ mode: warn, automount_service_accounts: [spark-driver] }'));
    expect(warn).toContain('## Admission guard (warn)\n');
    expect(warn).toContain('the API server admits with a warning: a NetworkPolicy floe does not own without a `floe.dev/exception` reason');
    expect(warn).toContain('unless its service account is one of `spark-driver`');
  });

  it('writes no Pod Security labels rule when pod security is off', () => {
    expect(guardFiles(MANIFEST('deny', '  pod_security: { enabled: false }')).map((f) => f.name)).not.toContain('floe-guard-pod-security-labels');
  });
});
