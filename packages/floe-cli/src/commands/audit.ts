import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { RESOURCES, type ClusterClient } from '@floe/core/cluster';
import { EnvironmentError, FindingError, InputError } from '@floe/core/errors';
import { managedNamespaces } from '@floe/core/intent';
import { podSecurityFor } from '@floe/core/network';
import type { SourcedObject } from '@floe/core/k8s';
import { AUDIT_RULES, PolicyEngine, auditFindings, auditJson, auditMarkdown, auditSarif, auditText, connectivityDot, connectivityJson, connectivityMermaid, connectivityText, summarisePolicies, type Inventory, type PolicyFinding } from '@floe/core/policy';
import { PssServerDisagreement, compareServerWarnings, expectedNamespaceWarnings, namespacePssPolicy, newerVersionWarning, newerVersionWarnings, parseLevelVersion, podSecurityLabelFindings, pssSubjects, pssViolationFindings, serverCheckTargets, type ConfiguredPodSecurity, type LevelVersion, type PssDefaults, type ServerCheckResult } from '@floe/core/pss';
import { compareStrings } from '@floe/core/util';
import { resolveManifest, type GlobalOptions } from '../context.js';
import { clusterFromFlags } from '../kube-flags.js';
import { addPolicyInputFlags, loadPolicyInput, progress, type PolicyInputFlags } from '../policy-input.js';
import { runCommand } from '../run-command.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

interface AuditOptions extends PolicyInputFlags {
  namespace: string[];
  output: 'text' | 'json' | 'markdown' | 'sarif' | 'dot' | 'mermaid' | 'svg';
  failOn: 'error' | 'warning' | 'never';
  connectivity?: boolean;
  manifest?: string;
  pssLevel?: LevelVersion;
  pssServerCheck?: boolean;
}

/** The finding "the audit found something at or above --fail-on": exit 1 after the report. */
export class AuditFindings extends FindingError {}

/** Where a finding's object was read from: the policy, the endpoint, or the namespace (else its first policy or endpoint). */
export function findingSource(inv: Inventory, f: PolicyFinding): string | undefined {
  if (f.object.startsWith('NetworkPolicy ')) return inv.policySources[f.object.slice('NetworkPolicy '.length)];
  if (f.object.startsWith('Namespace ')) {
    const first = (sources: Record<string, string>) => Object.keys(sources).sort().find((k) => k.startsWith(`${f.namespace}/`));
    const policy = first(inv.policySources);
    const endpoint = first(inv.sources);
    return inv.sources[f.object] ?? (policy ? inv.policySources[policy] : undefined) ?? (endpoint ? inv.sources[endpoint] : undefined);
  }
  return inv.sources[f.object];
}

/** Graphviz compiled to WebAssembly, in-process; loaded only for --output svg (it is 5 MB). */
async function renderSvg(dot: string): Promise<string> {
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  return viz.renderString(dot, { format: 'svg', engine: 'dot' });
}

const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').filter(Boolean)];

/**
 * `--pss-server-check`: for each namespace in scope with pods, a server-side dry-run of
 * its enforce label set to each of its levels; the admission warnings the server returns
 * are compared with the ones floe's evaluator predicts for the same pods.
 */
async function pssServerCheck(client: ClusterClient, namespaces: readonly { name: string; labels: Record<string, string> }[], objects: readonly SourcedObject[], defaults: PssDefaults, inScope: (ns: string) => boolean): Promise<ServerCheckResult[]> {
  const reported = await client.version();
  const serverMinor = Number.parseInt(reported.minor, 10);
  if (!Number.isFinite(serverMinor)) throw new EnvironmentError(`--pss-server-check: the API server reports minor version ${JSON.stringify(reported.minor)} (${reported.gitVersion}), which is not a number`);
  const podsByNs = new Map<string, { name: string; pod: { metadata?: Record<string, unknown>; spec: Record<string, unknown> } }[]>();
  for (const { object } of objects) {
    if (object.kind !== 'Pod') continue;
    const m = object.metadata as { name?: string; namespace?: string } | undefined;
    if (!m?.name || !m.namespace || typeof object.spec !== 'object' || object.spec === null) continue;
    const list = podsByNs.get(m.namespace) ?? [];
    list.push({ name: m.name, pod: { metadata: object.metadata as Record<string, unknown>, spec: object.spec as Record<string, unknown> } });
    podsByNs.set(m.namespace, list);
  }
  const results: ServerCheckResult[] = [];
  for (const ns of [...namespaces].sort((a, b) => compareStrings(a.name, b.name))) {
    const pods = podsByNs.get(ns.name);
    if (!pods || !inScope(ns.name)) continue;
    const { targets, unchecked } = serverCheckTargets(ns.name, namespacePssPolicy(ns.labels, defaults), serverMinor);
    for (const u of unchecked) process.stderr.write(`floe: Pod Security server check skipped: ${u}\n`);
    for (const target of targets) {
      const warnings: string[] = [];
      const labels = { 'pod-security.kubernetes.io/enforce': target.asked.level, 'pod-security.kubernetes.io/enforce-version': target.asked.version };
      await client.dryRunApply(RESOURCES.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels } }, 'floe-pss-server-check', { force: true, warnings });
      results.push(compareServerWarnings(target, expectedNamespaceWarnings(ns.name, pods, target.asked), warnings));
    }
  }
  return results;
}

export function auditCommand(globals: () => GlobalOptions): Command {
  const cmd = new Command('audit')
    .description('What the cluster (or a directory of manifests) allows: every NetworkPolicy in plain words, then risky findings; or, with --connectivity, every allowed connection')
    .option('-n, --namespace <ns>', 'only these namespaces (repeatable, or comma-separated); the whole input is still read', collect, [])
    .addOption(new Option('-o, --output <format>', 'text, json, markdown or sarif; with --connectivity: text, json, dot, mermaid or svg').choices(['text', 'json', 'markdown', 'sarif', 'dot', 'mermaid', 'svg']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding has this severity or worse').choices(['error', 'warning', 'never']).default('error'))
    .option('--connectivity', 'print the allowed connections between workloads and external ranges instead of findings')
    .option('-m, --manifest <path>', 'also check the Pod Security labels of the namespaces this manifest manages')
    .option('--pss-server-check', "live cluster only: ask the API server to judge each namespace's existing pods at its Pod Security levels (server-side dry-run of the enforce label change) and fail with exit 4 if it disagrees with floe's evaluator")
    .option('--pss-level <level[:version]>', "the cluster's default Pod Security enforce level for namespaces without a pod-security.kubernetes.io/enforce label (privileged:latest, as the API server's default, unless given), e.g. baseline or restricted:v1.30", (v: string) => parseLevelVersion(v));
  addPolicyInputFlags(cmd);
  return cmd
    .addHelpText(
      'after',
      `
Findings (id, severity):
${Object.entries(AUDIT_RULES)
  .map(([id, r]) => `  ${id.padEnd(40)} ${r.severity.padEnd(8)} ${r.title}`)
  .join('\n')}

pss-violation: every pod or workload (its pod template) that fails its namespace's
Pod Security enforce, audit or warn level (pod-security.kubernetes.io/MODE and
MODE-version labels) is reported per failed check with "check", "level", "version",
"mode" and the API server's message; enforce is an error, audit and warn warnings.

Isolation is decided by selection (which policies select each pod), never by
policy names. --output json is {"policies": [...], "findings": [{"id", "severity",
"namespace", "object", "message", "remedy", ...}]}; with --connectivity it is
{"connectivity": [{"from", "to", "connections": "all" | [{"protocol", "port", "endPort"?}]}]}.
dot, mermaid and svg draw the namespace-level graph (External for addresses outside the cluster);
svg is rendered in-process (Graphviz as WebAssembly), no dot binary needed.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 invalid
input, 3 environment (cluster unreachable, not authorised), 4 with --pss-server-check:
the API server and floe's Pod Security evaluator disagree (a bug in floe).

Examples:
  floe network audit --from-dir manifests/ -o sarif > audit.sarif     # GitHub code scanning
  floe network audit -n floe-jobs -n floe-platform --fail-on warning
  floe network audit --from-dir manifests/ --pss-level baseline        # judge unlabelled namespaces at baseline
  floe network audit --pss-server-check -n floe-jobs                  # and have the API server confirm the verdicts
  floe network audit --connectivity -o json --context prod
  floe network audit --connectivity -o svg --from-dir dump/ > net.svg`,
    )
    .action(async (opts: AuditOptions) => {
      const graph = opts.output === 'dot' || opts.output === 'mermaid' || opts.output === 'svg';
      if (opts.connectivity && (opts.output === 'markdown' || opts.output === 'sarif')) throw new InputError(`--connectivity prints text, json, dot, mermaid or svg, not ${opts.output}`);
      if (!opts.connectivity && graph) throw new InputError(`--output ${opts.output} draws connectivity: add --connectivity`);
      if (opts.pssServerCheck && (opts.fromDir || opts.connectivity)) throw new InputError(`--pss-server-check asks a live cluster about its pods: it cannot be used with ${opts.fromDir ? '--from-dir' : '--connectivity'}`);
      const attributes = { 'floe.connectivity': Boolean(opts.connectivity), 'floe.pss_server_check': Boolean(opts.pssServerCheck), 'floe.output': opts.output, 'floe.source': opts.fromDir ? 'files' : 'cluster' };
      await runCommand(globals(), { operation: 'network.audit', attributes }, async (run) => {
        const status = progress();
        try {
          status.step(`floe: reading ${opts.fromDir ?? 'the cluster'}…`);
          const input = await loadPolicyInput(opts, 'floe network audit', run.log);
          run.note({ source: input.source });
          const { pods, policies } = input.inventory.model;
          status.step(`floe: evaluating ${policies.length} NetworkPolicies over ${pods.length} pods and workloads…`);
          const engine = new PolicyEngine(input.inventory.model, { ipBlockPodIps: opts.ipblockPodIps });
          const only = new Set(opts.namespace);
          const inScope = (ns: string) => only.size === 0 || only.has(ns);
          if (opts.connectivity) {
            const c = engine.connectivity();
            status.done();
            const keep = (endpoint: string) => !endpoint.endsWith('[External]') && inScope(endpoint.slice(0, endpoint.indexOf('/')));
            const text =
              opts.output === 'json'
                ? `${JSON.stringify(connectivityJson(c, keep), null, 2)}\n`
                : opts.output === 'dot'
                  ? connectivityDot(c, keep)
                  : opts.output === 'svg'
                    ? await renderSvg(connectivityDot(c, keep))
                    : opts.output === 'mermaid'
                      ? connectivityMermaid(c, keep)
                      : connectivityText(c, keep);
            process.stdout.write(text);
            return { audit: { connectivity: true, counts: { endpoints: c.endpoints.length, classes: c.classCount } } };
          }
          let configured: ConfiguredPodSecurity[] = [];
          if (opts.manifest) {
            const { config } = await resolveManifest(opts.manifest);
            configured = managedNamespaces(config).flatMap((ns) => {
              const ps = podSecurityFor(ns, config);
              return ps ? [{ namespace: ns.name, ...ps }] : [];
            });
          }
          const defaults: PssDefaults = opts.pssLevel ? { enforce: opts.pssLevel } : {};
          const newerDefault = opts.pssLevel && newerVersionWarning(opts.pssLevel.version);
          const newer = [...(newerDefault ? [`--pss-level: ${newerDefault}`] : []), ...newerVersionWarnings(input.inventory.model.namespaces.filter((n) => inScope(n.name)))];
          for (const w of newer) process.stderr.write(`floe: warning: ${w}\n`);
          const pss = pssViolationFindings(input.inventory.model.namespaces, pssSubjects(input.objects), { defaults });
          let serverCheck: ServerCheckResult[] = [];
          if (opts.pssServerCheck) {
            status.step('floe: asking the API server to judge the pods at each namespace\'s Pod Security levels…');
            const client = await clusterFromFlags(opts, 'floe network audit', run.log);
            try {
              serverCheck = await pssServerCheck(client, input.inventory.model.namespaces, input.objects, defaults, inScope);
            } finally {
              await client.close();
            }
          }
          const findings = [...auditFindings(engine), ...podSecurityLabelFindings(input.inventory.model.namespaces, configured), ...pss]
            .filter((f) => inScope(f.namespace))
            .sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.id, b.id) || compareStrings(a.object, b.object));
          const report = { policies: summarisePolicies(engine).filter((p) => inScope(p.namespace)), findings };
          status.done();
          const render = {
            text: () => auditText(report),
            json: () => `${JSON.stringify(auditJson(report), null, 2)}\n`,
            markdown: () => auditMarkdown(report),
            sarif: () => auditSarif(report, version, (f) => findingSource(input.inventory, f)),
          }[opts.output as 'text' | 'json' | 'markdown' | 'sarif'];
          // A disagreement means floe's verdicts cannot be trusted: no report, only the error.
          if (opts.pssServerCheck) {
            if (serverCheck.some((r) => r.onlyFloe.length > 0 || r.onlyServer.length > 0)) throw new PssServerDisagreement(serverCheck);
            const partial = serverCheck.filter((r) => !r.complete).length;
            process.stderr.write(`floe: Pod Security: the API server agrees with floe on ${serverCheck.length - partial} namespace check${serverCheck.length - partial === 1 ? '' : 's'} (${serverCheck.reduce((n, r) => n + r.compared, 0)} server warnings compared)${partial ? ` (${partial} not compared: the server judged only some of the pods)` : ''}\n`);
          }
          process.stdout.write(render());
          const failing = report.findings.filter((f) => opts.failOn !== 'never' && (f.severity === 'error' || opts.failOn === 'warning'));
          const errors = report.findings.filter((f) => f.severity === 'error').length;
          return {
            audit: { counts: { policies: report.policies.length, findings: report.findings.length, errors, warnings: report.findings.length - errors, pssViolations: report.findings.filter((f) => f.id === 'pss-violation').length, ...(opts.pssServerCheck ? { pssServerChecks: serverCheck.length } : {}) } },
            finding: failing.length > 0 ? new AuditFindings(`${failing.length} finding${failing.length === 1 ? '' : 's'} at or above --fail-on ${opts.failOn}`) : undefined,
          };
        } finally {
          status.done();
        }
      });
    });
}
