/**
 * The findings model of `floe network validate`: a fixed list of checks,
 * each with a status and its problems. The JSON output is this model as is,
 * so it is a stable schema: add fields, never rename them.
 */
export const CHECK_IDS = ['files', 'schema', 'current', 'complete', 'server-dry-run', 'cni', 'kubernetes-api-egress', 'intent-proof'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** pass: nothing found; fail: problems (exit 1); warn: worth reading, not failing; skip: not run, summary says why. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Problem {
  /** The file as given on the command line (DIR/NAME), or null for a problem no file holds (a missing policy). */
  file: string | null;
  /** 1-based; null when the problem is about no particular place in the file. */
  line: number | null;
  col: number | null;
  /** The field, `spec.egress[0].ports[0].protocol`, or null. */
  path: string | null;
  message: string;
  /** error: fails the check; warning: reported, does not fail it. */
  severity: 'error' | 'warning';
  /** `current` only: a unified diff from the file on disk to what floe generates. */
  diff?: string;
}

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** One line: what was checked and the outcome. */
  summary: string;
  problems: Problem[];
}

export interface ValidationReport {
  /** false when any check failed. */
  ok: boolean;
  dir: string;
  /** The manifest the directory is compared with: a path, or "<built-in defaults>". */
  manifest: string;
  /** The API server checked against with --server, else null. */
  server: string | null;
  /** Always every check of CHECK_IDS, in that order. */
  checks: CheckResult[];
}

/** What each check asks, for humans (--help, text output) and SARIF rule help. */
export const CHECK_INFO: Record<CheckId, { title: string; help: string }> = {
  files: {
    title: 'every file parses and holds one object of a kind floe writes',
    help: 'Each .yaml, .yml or .json file in the directory must be valid YAML (no duplicate keys, limited aliases, at most 1 MiB) holding exactly one Namespace, NetworkPolicy or PodTemplate object, as `floe network generate` writes it. kubectl applies every such file in the directory.',
  },
  schema: {
    title: 'every object conforms to the Kubernetes API schema of its kind',
    help: 'Names, labels, annotations, types, enums (protocol, policyTypes, selector operators), CIDRs (with except inside cidr), ports (1-65535 or an IANA service name; endPort only with a numeric port and not below it) and selector values are checked as the API server checks them. Unknown fields are errors.',
  },
  current: {
    title: 'the directory is what floe generates from the manifest',
    help: 'Regenerating from the manifest (--manifest, else ./manifest.yaml, else the built-in defaults) must give the same bytes. A stale or hand-edited file is shown as a unified diff; missing and unexpected files are listed. Fix: run `floe network generate` and commit the result; change manifest.yaml instead of the files.',
  },
  complete: {
    title: 'every managed namespace is default-deny, resolves DNS and carries its Pod Security labels',
    help: 'For each namespace the manifest manages: a NetworkPolicy selecting every pod that isolates ingress and egress with no rules (judged by content, not by name), an egress rule to the DNS pods on UDP and TCP 53 for every pod, and pod-security.kubernetes.io enforce, audit and warn labels at least as strict as the manifest configures.',
  },
  'server-dry-run': {
    title: 'the API server accepts every object (server-side apply, dry run)',
    help: 'Each object is sent as a server-side apply with dryRun=All and field manager floe, so the API server validates and admits it (admission plugins such as Pod Security included) and stores nothing. The API server\'s own message is reported per file.',
  },
  cni: {
    title: 'the network plugin enforces NetworkPolicies',
    help: 'The verdict of `floe network check-cni`. When the cluster\'s CNI does not enforce NetworkPolicy, every policy is inert: a failure. An unknown plugin is a warning.',
  },
  'kubernetes-api-egress': {
    title: 'kubernetes_api.cidrs and ports cover the API server endpoints',
    help: 'The addresses and ports of the `kubernetes` EndpointSlices in namespace default must be inside security.network_policies.kubernetes_api.cidrs and ports. CNIs that apply policy after DNAT (Calico, Cilium) see the endpoint address, not the Service ClusterIP, so allowing only the ClusterIP blocks operators once default-deny is in place.',
  },
  'intent-proof': {
    title: 'the policies allow exactly the flows the manifest intends',
    help: 'The policy engine evaluates the directory\'s Namespaces and NetworkPolicies with one stand-in pod per role and service: every intended flow (jobs to Polaris, OTel and MinIO, DNS from every namespace, domains to platform services, the ingress controller, external HTTPS, each custom egress rule) must be allowed at the source\'s egress and the destination\'s ingress, and every forbidden one denied (job to job, domain to domain, jobs to the platform on a port no service listens on, jobs to 10.0.0.0/8 on 443, anything to kube-system but DNS). A failure names the flow and the rule that breaks it.',
  },
};

export function problem(fields: Partial<Problem> & { message: string }): Problem {
  return { file: null, line: null, col: null, path: null, severity: 'error', ...fields };
}

/** fail when any problem is an error, warn when all are warnings, else pass. */
export function statusOf(problems: readonly Problem[]): CheckStatus {
  if (problems.some((p) => p.severity === 'error')) return 'fail';
  return problems.length ? 'warn' : 'pass';
}
