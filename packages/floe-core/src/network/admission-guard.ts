import type { AdmissionGuardConfig, PodSecurityConfig } from '../config/schema.js';
import type { ManagedNamespace } from '../intent/types.js';
import {
  ADMISSION_API_VERSION,
  type NamedRuleWithOperations,
  type ValidatingAdmissionPolicy,
  type ValidatingAdmissionPolicyBinding,
  type ValidationAction,
  type Variable,
} from '../k8s/admission.js';
import { NAMESPACE_NAME_LABEL, type KubernetesObject, type Labels } from '../k8s/meta.js';
import { compareStrings } from '../util/compare.js';
import { COMPONENT_LABEL, MANAGED_BY_LABEL } from './labels.js';

/**
 * The admission guard (security.admission_guard): ValidatingAdmissionPolicies
 * and their bindings that keep floe's managed namespaces from drifting, judged
 * by the API server's own CEL (admissionregistration.k8s.io/v1, Kubernetes >=
 * 1.30). floe evaluates none of it: the integration tests are the API
 * server's verdicts. Three rules, one policy and one binding each:
 *
 * - network-policies: in a managed namespace a NetworkPolicy floe does not own
 *   needs `floe.dev/exception: "<reason>"`; a floe-owned one is created,
 *   changed or deleted only by the appliers.
 * - pod-security-labels: a managed Namespace's Pod Security labels are never
 *   removed or set below the manifest's levels and version, by anyone.
 * - pod-hardening: pods and workload controllers in the jobs and domain
 *   namespaces carry readOnlyRootFilesystem: true on every container and
 *   automountServiceAccountToken: false unless their service account is allowed.
 *
 * The binding selects the namespaces by `kubernetes.io/metadata.name`, which
 * the API server sets and nobody can change, so no label edit escapes the guard.
 */

export const EXCEPTION_ANNOTATION = 'floe.dev/exception';
export const GUARD_PREFIX = 'floe-guard-';
export const GUARD_RULES = ['network-policies', 'pod-security-labels', 'pod-hardening'] as const;
export type GuardRule = (typeof GUARD_RULES)[number];

const PSS_MODES = ['enforce', 'audit', 'warn'] as const;

/** A CEL string literal (single-quoted). */
function cel(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function celList(values: readonly string[]): string {
  return `[${values.map(cel).join(', ')}]`;
}

function labels(): Labels {
  return { [MANAGED_BY_LABEL]: 'floe', [COMPONENT_LABEL]: 'network-security' };
}

/** The usernames, groups and service accounts of `appliers`, as request.userInfo states them. */
function applierVariable(g: AdmissionGuardConfig): Variable {
  const users = [...g.appliers.users, ...g.appliers.service_accounts.map((sa) => `system:serviceaccount:${sa.replace('/', ':')}`)];
  return {
    name: 'applier',
    expression: `request.userInfo.username in ${celList(users)} || (has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in ${celList(g.appliers.groups)}))`,
  };
}

/** Who may apply floe's output, for messages. */
function appliersText(g: AdmissionGuardConfig): string {
  const parts = [
    ...g.appliers.users.map((u) => `user ${u}`),
    ...g.appliers.groups.map((x) => `group ${x}`),
    ...g.appliers.service_accounts.map((sa) => `service account ${sa}`),
  ];
  return parts.join(', ');
}

const who = "object.kind + ' ' + request.namespace + '/' + request.name";

function networkPoliciesPolicy(g: AdmissionGuardConfig): ValidatingAdmissionPolicy['spec'] {
  const owned = (o: string) => `${o} != null && has(${o}.metadata.labels) && ${cel(MANAGED_BY_LABEL)} in ${o}.metadata.labels && ${o}.metadata.labels[${cel(MANAGED_BY_LABEL)}] == 'floe'`;
  const appliers = cel(appliersText(g));
  return {
    failurePolicy: 'Fail',
    matchConstraints: {
      resourceRules: [{ apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE', 'DELETE'], resources: ['networkpolicies'] }],
    },
    variables: [
      applierVariable(g),
      { name: 'owned', expression: `(${owned('object')}) || (${owned('oldObject')})` },
      {
        name: 'excepted',
        expression: `object != null && has(object.metadata.annotations) && ${cel(EXCEPTION_ANNOTATION)} in object.metadata.annotations && object.metadata.annotations[${cel(EXCEPTION_ANNOTATION)}].trim() != ''`,
      },
    ],
    validations: [
      {
        expression: '!variables.owned || variables.applier',
        reason: 'Forbidden',
        messageExpression:
          `'floe admission guard, rule floe-owned NetworkPolicies: NetworkPolicy ' + request.namespace + '/' + request.name + ' is owned by floe (app.kubernetes.io/managed-by: floe), and ' + request.userInfo.username + ' is not an applier of floe\\'s output (' + ${appliers} + '). ` +
          "To comply: change manifest.yaml, run floe network generate and let the applier apply it; for a policy of your own, use another name, no managed-by label, and the floe.dev/exception annotation.'",
      },
      {
        expression: 'object == null || variables.owned || variables.excepted',
        reason: 'Forbidden',
        messageExpression:
          `'floe admission guard, rule unowned NetworkPolicies: NetworkPolicy ' + request.namespace + '/' + request.name + ' is not floe\\'s (no app.kubernetes.io/managed-by: floe) and namespace ' + request.namespace + ' is managed by floe, where a NetworkPolicy of its own can widen access. ` +
          `To comply: add the annotation ${EXCEPTION_ANNOTATION}: "<reason>" (a non-empty reason for reviewers), or express the flow in manifest.yaml (security.network_policies) and run floe network generate.'`,
      },
    ],
  };
}

/**
 * The Pod Security labels floe writes are a floor: each level label must stay
 * at least the manifest's level for that namespace, each version label the
 * manifest's version, latest, or a newer minor. For everyone, appliers
 * included: lowering a level in manifest.yaml means applying the new guard
 * (the prune set) before the Namespaces (docs/pruning.md).
 */
function podSecurityLabelsPolicy(ps: PodSecurityConfig, namespaces: readonly ManagedNamespace[]): ValidatingAdmissionPolicy['spec'] {
  const key = (m: string) => `pod-security.kubernetes.io/${m}`;
  // One branch per role, not per namespace: the expression stays small at 10,000 domains.
  const byName = (role: ManagedNamespace['role']) => namespaces.filter((n) => n.role === role).map((n) => n.name);
  const levels = { platform: ps.platform_level, jobs: ps.jobs_level, domain: ps.domain_level };
  const distinct = [...new Set(Object.values(levels))];
  let enforce: string;
  if (distinct.length === 1) enforce = cel(distinct[0] as string);
  else {
    const others = (['platform', 'jobs'] as const).filter((r) => levels[r] !== levels.domain && byName(r).length);
    enforce = others.reduceRight((rest, r) => `object.metadata.name in ${celList(byName(r))} ? ${cel(levels[r])} : ${rest}`, cel(levels.domain));
  }
  const version = ps.version;
  const minor = /^v1\.([0-9]+)$/.exec(version)?.[1];
  const versionOk = minor === undefined ? "variables.new[k] == 'latest'" : `variables.new[k] == 'latest' || (variables.new[k].matches(${cel(/^v1\.[0-9]+$/.source)}) && int(variables.new[k].substring(3)) >= ${minor})`;
  return {
    failurePolicy: 'Fail',
    matchConstraints: {
      resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['namespaces'] }],
    },
    variables: [
      { name: 'new', expression: 'has(object.metadata.labels) ? object.metadata.labels : {}' },
      { name: 'rank', expression: "{'privileged': 0, 'baseline': 1, 'restricted': 2}" },
      { name: 'want', expression: `{${cel(key('enforce'))}: ${enforce}, ${cel(key('audit'))}: ${cel(ps.audit_level)}, ${cel(key('warn'))}: ${cel(ps.warn_level)}}` },
      {
        name: 'weakened',
        expression:
          `variables.want.filter(k, !(k in variables.new && variables.new[k] in variables.rank && variables.rank[variables.new[k]] >= variables.rank[variables.want[k]])).map(k, k + ' below ' + variables.want[k]) + ` +
          `${celList(PSS_MODES.map((m) => key(`${m}-version`)))}.filter(k, !(k in variables.new && (${versionOk}))).map(k, k + ' other than ' + ${cel(minor === undefined ? 'latest' : `latest or ${version} or newer`)})`,
      },
    ],
    validations: [
      {
        expression: 'size(variables.weakened) == 0',
        reason: 'Forbidden',
        messageExpression:
          "'floe admission guard, rule Pod Security labels: namespace ' + object.metadata.name + ' is managed by floe, and removing or weakening its Pod Security labels is refused: ' + variables.weakened.join(', ') + '. " +
          "To comply: keep the labels as floe network generate writes them (00-' + object.metadata.name + '-namespace.yaml, kubectl label namespace ' + object.metadata.name + ' KEY=VALUE --overwrite); to lower a level, change security.pod_security in manifest.yaml, regenerate and apply the admission guard before the Namespaces.'",
      },
    ],
  };
}

/** Where each kind keeps its pod spec (the same paths as k8s/objects.ts). */
const POD_SPEC =
  "object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec";

const WORKLOAD_RULES: NamedRuleWithOperations[] = [
  { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] },
  { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['pods/ephemeralcontainers'] },
  { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['replicationcontrollers'] },
  { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] },
  { apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['jobs', 'cronjobs'] },
];

function podHardeningPolicy(g: AdmissionGuardConfig, ps: PodSecurityConfig): ValidatingAdmissionPolicy['spec'] {
  const allowed = [...g.automount_service_accounts].sort(compareStrings);
  const variables: Variable[] = [
    { name: 'spec', expression: POD_SPEC },
    {
      name: 'containers',
      expression:
        'variables.spec.containers + (has(variables.spec.initContainers) ? variables.spec.initContainers : []) + (has(variables.spec.ephemeralContainers) ? variables.spec.ephemeralContainers : [])',
    },
    { name: 'serviceAccount', expression: "has(variables.spec.serviceAccountName) && variables.spec.serviceAccountName != '' ? variables.spec.serviceAccountName : 'default'" },
  ];
  const validations: ValidatingAdmissionPolicy['spec']['validations'] = [];
  const comply = "copy the securityContext, volumes and volumeMounts of the floe-hardened PodTemplate in namespace ' + request.namespace + ', or run floe network harden on the manifest.";
  if (ps.read_only_root_filesystem) {
    variables.push({
      name: 'writable',
      expression:
        'variables.containers.filter(c, !(has(c.securityContext) && has(c.securityContext.readOnlyRootFilesystem) && c.securityContext.readOnlyRootFilesystem == true)).map(c, c.name)',
    });
    validations.push({
      expression: 'size(variables.writable) == 0',
      reason: 'Forbidden',
      messageExpression:
        `'floe admission guard, rule read-only root file system: ' + ${who} + ': container ' + variables.writable.join(', ') + ' must set securityContext.readOnlyRootFilesystem: true (floe\\'s hardened context; write to emptyDir volumes mounted at the writable paths). ` +
        `To comply: ${comply}'`,
    });
  }
  validations.push({
    expression: `(has(variables.spec.automountServiceAccountToken) && variables.spec.automountServiceAccountToken == false) || variables.serviceAccount in ${celList(allowed)}`,
    reason: 'Forbidden',
    messageExpression:
      `'floe admission guard, rule no service account token: ' + ${who} + ' must set automountServiceAccountToken: false in its pod spec (service account ' + variables.serviceAccount + ' is not in security.admission_guard.automount_service_accounts). ` +
      "To comply: set it to false, as the floe-hardened PodTemplate in namespace ' + request.namespace + ' does (floe network harden sets it), or allow the service account in manifest.yaml.'",
  });
  return { failurePolicy: 'Fail', matchConstraints: { resourceRules: WORKLOAD_RULES }, variables, validations };
}

function policy(rule: GuardRule, spec: ValidatingAdmissionPolicy['spec']): ValidatingAdmissionPolicy {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'ValidatingAdmissionPolicy', metadata: { name: `${GUARD_PREFIX}${rule}`, labels: labels() }, spec };
}

function binding(rule: GuardRule, actions: ValidationAction[], namespaces: readonly string[]): ValidatingAdmissionPolicyBinding {
  return {
    apiVersion: ADMISSION_API_VERSION,
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: `${GUARD_PREFIX}${rule}`, labels: labels() },
    spec: {
      policyName: `${GUARD_PREFIX}${rule}`,
      validationActions: actions,
      // For a Namespace object itself the selector is matched against its own labels: the same selector names it.
      matchResources: { namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...namespaces].sort(compareStrings) }] } },
    },
  };
}

export interface GuardObject {
  /** The output file, e.g. admission-guard-pod-hardening-policy.yaml. */
  path: string;
  object: KubernetesObject;
}

/**
 * The guard's policies and bindings for the managed namespaces; none when the
 * guard is off. Pure: the same settings give the same objects.
 */
export function renderAdmissionGuard(g: AdmissionGuardConfig, ps: PodSecurityConfig, namespaces: readonly ManagedNamespace[]): GuardObject[] {
  if (g.mode === 'off') return [];
  const actions: ValidationAction[] = g.mode === 'deny' ? ['Deny', 'Audit'] : ['Warn', 'Audit'];
  const all = namespaces.map((n) => n.name);
  const workloads = namespaces.filter((n) => n.role !== 'platform').map((n) => n.name);
  const rules: [GuardRule, ValidatingAdmissionPolicy['spec'], readonly string[]][] = [['network-policies', networkPoliciesPolicy(g), all ]];
  if (ps.enabled) rules.push(['pod-security-labels', podSecurityLabelsPolicy(ps, namespaces), all]);
  if (workloads.length) rules.push(['pod-hardening', podHardeningPolicy(g, ps), workloads]);
  return rules.flatMap(([rule, spec, scope]) => [
    { path: `admission-guard-${rule}-policy.yaml`, object: policy(rule, spec) },
    { path: `admission-guard-${rule}-binding.yaml`, object: binding(rule, actions, scope) },
  ]);
}
