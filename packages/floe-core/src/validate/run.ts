import { FindingError } from '../errors.js';
import type { ClusterClient } from '../cluster/types.js';
import type { FloeManifest } from '../config/schema.js';
import { checkComplete } from './complete.js';
import { checkIntentProof } from './prove.js';
import { checkCurrent, type ExpectedFile } from './current.js';
import { checkFiles, checkSchema, type DirEntry, type GeneratedObjectFile, type LoadedObject } from './files.js';
import { checkCni, checkKubernetesApiEgress, checkServerDryRun, type CniCheck } from './server.js';
import { objectKinds, type ObjectKind } from './kinds.js';
import { MAX_FILE_BYTES } from './source.js';
import { CHECK_IDS, type CheckId, type CheckResult, type ValidationReport } from './types.js';

export interface ValidateInput {
  /** The directory as the user named it; problems name files as DIR/NAME. */
  dir: string;
  entries: readonly DirEntry[];
  manifest: { config: FloeManifest; source: string };
  /** What the generator writes from this manifest (path and bytes). */
  expected: readonly ExpectedFile[];
  /** What the directory may hold: objectKinds(plugin.metadata); the k8s plugin's kinds when omitted. */
  kinds?: ReadonlyMap<string, ObjectKind>;
  /** The plugin renders API server egress by identity (capability api-server-entity), not by kubernetes_api.cidrs. */
  apiServerByEntity?: boolean;
}

export interface ServerInput {
  client: ClusterClient;
  /** check-cni's verdict; without it the cni check is skipped. */
  cni?: CniCheck;
}

/** The offline checks, pure: files, schema, current, complete, intent-proof. */
export function validateOffline(input: ValidateInput): { checks: CheckResult[]; objects: LoadedObject[] } {
  const generated = new Map<string, GeneratedObjectFile>();
  const onDisk = new Map(input.entries.map((e) => [e.name, e.content]));
  for (const f of input.expected) {
    if (onDisk.get(f.path) !== f.content) continue;
    const object = f.object;
    // As JSON, which is what reading the YAML back gives: no undefined fields, no shared references.
    if (object !== null && object !== undefined) generated.set(f.path, { content: f.content, object: JSON.parse(JSON.stringify(object)) as unknown });
  }
  const { result: files, objects } = checkFiles(input.dir, input.entries, MAX_FILE_BYTES, generated, input.kinds ?? objectKinds());
  const schema = checkSchema(objects);
  // A file that is not one floe object is not shown as a diff: its content may be anything (only the files check's located line is).
  const unparsed = new Set(files.problems.flatMap((p) => (p.file ? [p.file] : [])));
  const current = checkCurrent(input.dir, input.entries, input.expected, input.manifest.source, unparsed);
  const complete = checkComplete(input.manifest.config, objects);
  const proof = checkIntentProof(input.manifest.config, objects);
  return { checks: [files, schema, current, complete, proof], objects };
}

const skip = (id: CheckId, summary: string): CheckResult => ({ id, status: 'skip', summary, problems: [] });

/**
 * Every check, in CHECK_IDS order. The server checks run only with a
 * client, one after another (a failure to talk to the cluster is thrown,
 * exit 3, rather than reported as a check).
 */
export async function validateNetwork(input: ValidateInput, server?: ServerInput): Promise<ValidationReport> {
  const { checks, objects } = validateOffline(input);
  if (server) {
    checks.push(await checkServerDryRun(server.client, objects));
    checks.push(await checkCni(server.client, server.cni));
    checks.push(await checkKubernetesApiEgress(server.client, input.manifest.config, input.apiServerByEntity === true));
  } else {
    for (const id of ['server-dry-run', 'cni', 'kubernetes-api-egress'] as const) checks.push(skip(id, 'not run: pass --server to check against a cluster'));
  }
  checks.sort((a, b) => CHECK_IDS.indexOf(a.id) - CHECK_IDS.indexOf(b.id));
  return { ok: !checks.some((c) => c.status === 'fail'), dir: input.dir, manifest: input.manifest.source, server: server?.client.server ?? null, checks };
}

/** Some check failed: exit 1 after the report was printed. */
export class ChecksFailed extends FindingError {
  constructor(readonly failed: readonly CheckId[]) {
    super(`validation failed: ${failed.join(', ')}`);
  }
}

export function failedChecks(report: ValidationReport): CheckId[] {
  return report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
}
