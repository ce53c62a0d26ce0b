import { closeSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import { EnvironmentError, InputError } from '@floe/core/errors';
import { hardenCheckJson, hardenCheckOutcome, hardenCheckText, hardenedStream, hardenInputs, hardenPatches, hardenPolicy, NAMESPACE_ROLES, type HardenedFile, type NamespaceRole } from '@floe/core/harden';
import { readInputTexts, readStreamText } from '@floe/core/manifests';
import { resolveManifest, STRICT_FLAG, type GlobalOptions } from '../context.js';
import { runCommand } from '../run-command.js';

interface HardenOptions {
  filename: string[];
  recursive?: boolean;
  manifest?: string;
  strict?: boolean;
  namespaceRole?: NamespaceRole;
  output: 'yaml' | 'patch' | 'json';
  check?: boolean;
  inPlace?: boolean;
}

/**
 * Replaces a file in one rename: the new text goes to a temporary file beside
 * it (same directory, so the rename is atomic), with the old file's mode.
 */
function replaceFile(path: string, text: string): void {
  const info = lstatSync(path);
  const tmp = join(dirname(path), `.${basename(path)}.floe-harden-${randomBytes(6).toString('hex')}`);
  const fd = openSync(tmp, 'wx', info.mode & 0o777);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (err) {
    unlinkSync(tmp);
    throw err;
  }
}

/** --in-place: every changed file, each replaced atomically, after every file was hardened (nothing is written when one fails). */
function writeInPlace(files: readonly HardenedFile[]): number {
  const changed = files.filter((f) => f.changed);
  for (const f of changed) {
    if (lstatSync(f.file).isSymbolicLink()) throw new InputError(`${f.file}: --in-place does not replace a symbolic link; pass the file it points to`);
  }
  changed.forEach((f, i) => {
    try {
      replaceFile(f.file, f.text);
    } catch (err) {
      const done = changed.slice(0, i).map((x) => x.file);
      throw new EnvironmentError(`cannot write ${f.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}${done.length ? ` (already written: ${done.join(', ')})` : ''}`, { cause: err });
    }
  });
  return changed.length;
}

/** `floe network harden`: floe's hardened security context merged into the user's own workloads. */
export function hardenCommand(globals: () => GlobalOptions): Command {
  return new Command('harden')
    .description("Merge floe's hardened pod and container security context into your own workloads (or check that they have it)")
    .requiredOption('-f, --filename <path...>', 'YAML or JSON files, directories of them, or - for stdin (repeatable)')
    .option('-R, --recursive', 'read directories recursively (hidden files and directories skipped)')
    .option('-m, --manifest <path>', 'platform manifest whose security.pod_security settings apply (default: ./manifest.yaml, else the built-in defaults)')
    .option(...STRICT_FLAG)
    .addOption(
      new Option('--namespace-role <role>', "the kind of floe namespace the workloads run in, whose Pod Security level decides what is a conflict (default: each object's metadata.namespace's role in the manifest, else jobs)").choices(NAMESPACE_ROLES),
    )
    .addOption(new Option('-o, --output <format>', 'the hardened objects, a strategic-merge patch per workload, or (with --check) the report as JSON').choices(['yaml', 'patch', 'json']).default('yaml'))
    .option('--check', 'write nothing; list what each workload misses and exit 1 if anything does (for CI)')
    .option('-i, --in-place', 'rewrite the input files (each replaced atomically, and only after every input was hardened) instead of printing')
    .addHelpText(
      'after',
      `
Reads Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers,
Jobs, CronJobs and PodTemplates (also inside kind: List, several documents per file);
every other kind passes through unchanged. Into each pod it merges what floe's
floe-hardened PodTemplate carries, from the manifest's security.pod_security:

  pod:        automountServiceAccountToken: false; securityContext runAsNonRoot: true,
              runAsUser, runAsGroup, fsGroup (run_as_user, run_as_group, fs_group),
              seccompProfile (seccomp_profile)
  containers: securityContext allowPrivilegeEscalation: false, readOnlyRootFilesystem
              (read_only_root_filesystem), runAsNonRoot: true, capabilities.drop [ALL]
              (init and ephemeral containers too)
  volumes:    an emptyDir mounted at each of writable_paths, unless the container
              already mounts something there

A field you set is kept when it is at least as strict (your runAsUser, a Localhost
seccomp profile, an extra dropped capability). A field that contradicts what the
namespace requires is a conflict, never overwritten: privileged: true, runAsNonRoot:
false or runAsUser: 0, allowPrivilegeEscalation: true, added capabilities beyond what
the level allows, seccomp Unconfined, readOnlyRootFilesystem: false in jobs and domain
namespaces (with read_only_root_filesystem: true; floe's admission guard refuses it
there), a Windows pod, and whatever else Pod Security
would still refuse (hostNetwork, hostPath, ...). Conflicts are reported together, each
with file, line, workload and field, and nothing is written (exit 2). What is a
conflict follows the namespace role: --namespace-role for every object when given;
else the role of the object's metadata.namespace when that is one of the manifest's
namespaces (floe-platform, floe-jobs, a domain's); else jobs. jobs and domain
enforce jobs_level and domain_level (restricted by default), platform enforces
platform_level (baseline); at a weaker level a contradicting field is kept and said.
automountServiceAccountToken: true is kept with a note (a service account the
admission guard allow-lists may need its token).

YAML keeps its comments (aligned ones too), key order, quoting and indentation;
new fields go after the existing ones. A document
that uses aliases is written from its value (aliases expanded). -o yaml prints one
YAML stream; --in-place rewrites the files (JSON stays JSON). -o patch prints one
strategic-merge patch per workload that misses something, for kustomize:
  patches:
    - path: floe-hardening.yaml

--check -o json prints the same as a JSON object (docs/json-output.md).

Exit codes: 0 done (--check: nothing missing), 1 --check found missing settings,
2 invalid input or a conflict (file and line named), 3 a file could not be read or written.

Examples:
  floe network harden -f job.yaml > job.hardened.yaml
  floe network harden -f k8s/ --check                               # CI: exit 1 when a workload misses something
  floe network harden -f k8s/ --check -o json | jq '.workloads[].missing[].field'
  floe network harden -f deploy.yaml -o patch > overlay/floe-hardening.yaml
  floe network harden -f k8s/ -R --in-place --manifest manifest.yaml
  helm template spark . | floe network harden -f - --namespace-role domain`,
    )
    .action(async (opts: HardenOptions) => {
      if (opts.inPlace && (opts.check || opts.output === 'patch')) throw new InputError('--in-place rewrites the inputs with the hardened objects: it cannot be combined with --check or -o patch');
      if (opts.check && opts.output === 'patch') throw new InputError('--check writes a report, as text (the default) or -o json, not patches');
      if (opts.output === 'json' && !opts.check) throw new InputError('-o json is the --check report (docs/json-output.md); the hardened objects are -o yaml, the patches -o patch');
      if (opts.inPlace && opts.filename.includes('-')) throw new InputError('--in-place cannot rewrite stdin (-f -)');
      const spec = {
        operation: 'network.harden',
        attributes: { 'floe.harden.role': opts.namespaceRole ?? 'auto', 'floe.output': opts.check ? 'check' : opts.output },
        audit: { role: opts.namespaceRole ?? 'auto', inputs: opts.filename, check: Boolean(opts.check) },
      };
      await runCommand(globals(), spec, async (run) => {
        const manifest = await resolveManifest(opts.manifest, Boolean(opts.strict));
        run.note({ manifest: manifest.source, manifestSha256: manifest.sha256 });
        const policy = hardenPolicy(manifest.config, opts.namespaceRole);
        const inputs = [];
        for (const path of opts.filename) {
          const texts = await readInputTexts([path], { recursive: Boolean(opts.recursive), stdin: () => readStreamText(process.stdin) });
          if (texts.length === 0) throw new InputError(`${path}: directory holds no .yaml, .yml or .json files`);
          inputs.push(...texts);
        }
        const result = hardenInputs(inputs, policy, { texts: !opts.check && opts.output === 'yaml' });
        for (const f of result.files) {
          if (f.rewritten > 0) process.stderr.write(`floe: warning: ${f.file}: ${f.rewritten} document${f.rewritten === 1 ? '' : 's'} with YAML aliases written from ${f.rewritten === 1 ? 'its value' : 'their values'} (aliases expanded, comments inside lost)\n`);
        }
        if (opts.check) {
          process.stdout.write(opts.output === 'json' ? `${JSON.stringify(hardenCheckJson(result), null, 2)}\n` : hardenCheckText(result));
          return hardenCheckOutcome(result);
        }
        const counts = { workloads: result.workloads.length, changed: result.workloads.filter((w) => w.changes.length > 0).length };
        if (opts.output === 'patch') process.stdout.write(hardenPatches(result));
        else if (opts.inPlace) {
          const written = writeInPlace(result.files);
          process.stderr.write(`floe: hardened ${counts.changed} of ${counts.workloads} workloads; rewrote ${written} file${written === 1 ? '' : 's'}\n`);
        } else process.stdout.write(hardenedStream(result));
        return { audit: { counts } };
      });
    });
}
