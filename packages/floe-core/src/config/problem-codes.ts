import type { z } from 'zod';

/**
 * Stable codes for manifest problems, for CI that reads `--output json`. A
 * message may be reworded; its code never changes. The zod issue kinds map to
 * codes in the loader; every check floe writes itself names its code here.
 */
export const MANIFEST_PROBLEM_CODES = {
  // The file and its YAML.
  too_large: 'the file is over 1 MiB',
  not_a_file: 'the path is not a regular file',
  yaml_syntax: 'YAML syntax error',
  duplicate_key: 'a key appears twice in one mapping',
  alias_limit: 'too many YAML alias expansions',
  too_deep: 'collections nested too deep',
  not_a_mapping: 'the top level is not a mapping',
  // Field shapes (derived from the schema's issue kinds).
  unknown_key: 'a key the schema does not define (under namespaces, domains or security), a top-level near miss of one (domain:), or any unknown top-level key in strict mode',
  required: 'a required field is missing',
  invalid_type: 'a value of the wrong type',
  invalid_choice: 'a value outside the allowed list',
  invalid_format: 'a name or version in the wrong format',
  out_of_range: 'a number, length or list size outside its bounds',
  invalid_label_key: 'not a Kubernetes label key',
  invalid_label_value: 'not a Kubernetes label value',
  invalid_cidr: 'not a CIDR, host bits set, or an IPv4 range written as IPv6',
  invalid_fqdn: 'not a host name or *. pattern: a scheme, path, port, trailing dot or misplaced *',
  invalid_path: 'a writable path or seccomp profile path that cannot be used',
  invalid_value: 'any other invalid value',
  // Fields that depend on each other.
  exclusive_fields: 'exactly one of two fields is needed',
  dependent_field: 'a field only allowed, or required, together with another',
  duplicate: 'a repeated domain or writable path',
  namespace_conflict: 'two parts of the manifest manage the same namespace',
  level_order: 'an audit or warn level weaker than an enforced level',
  cross_domain: 'a domain rule reaching another domain',
  unknown_domain: 'a domain endpoint scoped to a domain the manifest does not declare',
  // Manifests floe refuses because it could not honour them.
  system_namespace: 'a managed namespace that Kubernetes itself uses',
  ingress_controller_in_managed_namespace: 'the ingress controller namespace is a managed namespace',
  dns_in_managed_namespace: 'the DNS namespace is a managed namespace',
  empty_selector: 'a pod selector with no labels, matching every pod',
  namespace_wide_system_egress: 'egress to every pod of a system or DNS namespace',
  unbounded_cidr: '0.0.0.0/0 or ::/0 outside allow_external_https',
  root_user: 'run_as_user 0 in a template that requires a non-root user',
  privileged_workloads: 'Pod Security privileged for jobs or domains',
  nested_writable_path: 'a writable path inside another writable path',
  // Cluster guardrails (security.network_policies.cluster_guardrails).
  guardrail_conflict: 'an intended flow that a cluster guardrail would deny (the cloud metadata endpoints)',
  guardrail_priority: 'two cluster guardrails at one priority, or inside the domain isolation range',
  no_appliers: 'an admission guard that names nobody who may apply floe\'s output',
} as const;

export type ManifestProblemCode = keyof typeof MANIFEST_PROBLEM_CODES;

/** The code as it appears in issues and JSON: `manifest.<code>`. */
export const problemCode = (code: ManifestProblemCode): string => `manifest.${code}`;

/** zod carries a custom issue's code here (issue.params.floeCode). */
export const CODE_PARAM = 'floeCode';

/** Params for a zod check whose failure has a floe code. */
export const coded = (code: ManifestProblemCode) => ({ params: { [CODE_PARAM]: code } });

type Segment = string | number;

/** Adds one located problem with its code; `path` is relative to the value being refined. */
export function addProblem(ctx: z.core.$RefinementCtx<unknown>, code: ManifestProblemCode, path: Segment[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message, ...coded(code) });
}

/** The floe code for a zod issue: its own for floe's checks, else derived from the issue kind. */
export function codeOfIssue(issue: z.core.$ZodIssue, missing: boolean): string {
  const own = (issue as { params?: Record<string, unknown> }).params?.[CODE_PARAM];
  if (typeof own === 'string' && own in MANIFEST_PROBLEM_CODES) return problemCode(own as ManifestProblemCode);
  switch (issue.code) {
    case 'unrecognized_keys':
      return problemCode('unknown_key');
    case 'invalid_type':
      return problemCode(missing ? 'required' : 'invalid_type');
    case 'invalid_value':
      return problemCode('invalid_choice');
    case 'invalid_format':
      return problemCode('invalid_format');
    case 'too_big':
    case 'too_small':
      return problemCode('out_of_range');
    case 'invalid_key':
      return problemCode('invalid_label_key');
    default:
      return problemCode('invalid_value');
  }
}
