/**
 * admissionregistration.k8s.io/v1: ValidatingAdmissionPolicy and its binding
 * (GA since Kubernetes 1.30), the fields floe writes for its admission guard.
 */
import type { LabelSelector, ObjectMeta } from './meta.js';

export const ADMISSION_API_VERSION = 'admissionregistration.k8s.io/v1';
/** The first Kubernetes minor that serves admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy. */
export const ADMISSION_POLICY_MIN_MINOR = 30;

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT' | '*';
export type ValidationAction = 'Deny' | 'Warn' | 'Audit';

export type NamedRuleWithOperations = {
  apiGroups: string[];
  apiVersions: string[];
  operations: AdmissionOperation[];
  resources: string[];
  resourceNames?: string[];
  scope?: 'Cluster' | 'Namespaced' | '*';
};

export type MatchResources = {
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  resourceRules?: NamedRuleWithOperations[];
  excludeResourceRules?: NamedRuleWithOperations[];
  matchPolicy?: 'Exact' | 'Equivalent';
};

export type MatchCondition = { name: string; expression: string };
export type Variable = { name: string; expression: string };
export type Validation = { expression: string; message?: string; messageExpression?: string; reason?: string };

export type ValidatingAdmissionPolicy = {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: 'ValidatingAdmissionPolicy';
  metadata: ObjectMeta;
  spec: {
    failurePolicy?: 'Fail' | 'Ignore';
    matchConstraints: MatchResources;
    matchConditions?: MatchCondition[];
    variables?: Variable[];
    validations: Validation[];
  };
};

export type ValidatingAdmissionPolicyBinding = {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: 'ValidatingAdmissionPolicyBinding';
  metadata: ObjectMeta;
  spec: {
    policyName: string;
    validationActions: ValidationAction[];
    matchResources?: MatchResources;
  };
};
