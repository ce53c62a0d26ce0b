// Credentials that must never reach the terminal or the audit log, against the
// real API server: an exec credential plugin (the way EKS, GKE and AKS hand out
// tokens) that works, one that prints malformed JSON starting with the token,
// and one that fails with the token on stderr; a server URL carrying a password;
// and CA data beside insecure-skip-tls-verify.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../harness/context.ts';
import { FLOE_BIN } from '../harness/floe.ts';
import { Namespaces } from '../harness/namespaces.ts';
import { createUser, READ_ONLY_RULES, type TestUser } from '../harness/users.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The audit log on (info), where a leaked credential would also land. */
function floe(args: string[], debug = false): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [FLOE_BIN, ...(debug ? ['--debug'] : []), ...args], { env: { ...process.env, FLOE_LOG_LEVEL: debug ? 'debug' : 'info' }, timeout: 60_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

let conn: Connection;
let ns: Namespaces;
let work: string;
let reader: TestUser;
/** The harness cluster's connection block (server URL and CA data). */
let cluster: Record<string, unknown>;

beforeAll(async () => {
  conn = await connect();
  ns = new Namespaces(conn);
  work = await mkdtemp(join(conn.info.workDir, 'secrets-'));
  reader = await createUser(conn, await ns.create('floe-it-secrets'), READ_ONLY_RULES);
  const flat = JSON.parse(await conn.kubectl.ok(['config', 'view', '--raw', '--minify', '--flatten', '-o', 'json'])) as { clusters: { cluster: Record<string, unknown> }[] };
  cluster = flat.clusters[0]?.cluster ?? {};
});

afterAll(async () => {
  await reader?.remove();
  await ns?.cleanup();
});

async function kubeconfigWith(name: string, clusterBlock: Record<string, unknown>, user: Record<string, unknown>): Promise<string> {
  const file = join(work, `${name}.kubeconfig`);
  await writeFile(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'ctx',
      clusters: [{ name: 'c', cluster: clusterBlock }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    }),
    { mode: 0o600 },
  );
  return file;
}

/** A kubeconfig whose user runs `node SCRIPT` as its exec credential plugin. */
async function execKubeconfig(name: string, script: string): Promise<string> {
  const file = join(work, `${name}.mjs`);
  await writeFile(file, script);
  return kubeconfigWith(name, cluster, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [file], interactiveMode: 'Never' } });
}

const credential = (token: string) => JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token } });

describe('exec credential plugins against the real API server', () => {
  it('uses the token a working plugin prints (check-cni gives a verdict), and never shows what the plugin wrote on stderr', async () => {
    const kubeconfig = await execKubeconfig('works', `process.stderr.write(${JSON.stringify(`debug: got ${reader.token}\n`)});\nprocess.stdout.write(${JSON.stringify(credential(reader.token))});\n`);
    for (const debug of [false, true]) {
      const r = await floe(['network', 'check-cni', '--kubeconfig', kubeconfig], debug);
      expect([0, 1], r.stderr).toContain(r.code);
      expect(r.stdout).toMatch(/^(ENFORCED|NOT ENFORCED|UNKNOWN)/);
      expect(r.stdout + r.stderr).not.toContain(reader.token);
    }
  });

  it('exit 3 for a plugin printing malformed JSON that starts with the real token; the token is in no output', async () => {
    const kubeconfig = await execKubeconfig('malformed', `process.stdout.write(${JSON.stringify(`${reader.token} ${credential(reader.token)}`)});\n`);
    for (const args of [['network', 'check-cni'], ['network', 'diff'], ['network', 'audit']]) {
      const r = await floe([...args, '--kubeconfig', kubeconfig]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain(`the exec credential plugin ${process.execPath} of user "u" printed something that is not an ExecCredential (JSON)`);
      expect(r.stdout + r.stderr).not.toContain(reader.token.slice(0, 10));
    }
  });

  it('exit 3 for a plugin that fails with the real token on stderr; stderr is copied into neither the error nor the audit event', async () => {
    const kubeconfig = await execKubeconfig('stderr', `process.stderr.write(${JSON.stringify(`refreshing ${reader.token} failed\n`)});\nprocess.exit(1);\n`);
    for (const debug of [false, true]) {
      const r = await floe(['network', 'check-cni', '--kubeconfig', kubeconfig], debug);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain(`the exec credential plugin ${process.execPath} of user "u" failed (it exited with an error)`);
      expect(r.stdout + r.stderr).not.toContain(reader.token);
    }
  });
});

describe('kubeconfigs floe refuses before sending anything', () => {
  it('a server URL with a password: exit 3, the URL redacted, the password nowhere', async () => {
    const server = String(cluster.server).replace('https://', 'https://admin:url-pass-5d4c3b2a@');
    const kubeconfig = await kubeconfigWith('url-creds', { ...cluster, server }, { token: reader.token });
    const r = await floe(['network', 'check-cni', '--kubeconfig', kubeconfig]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`the server URL ${String(cluster.server).replace('https://', 'https://***@')} of cluster "c" carries a user name or password`);
    expect(r.stdout + r.stderr).not.toContain('url-pass-5d4c3b2a');
    expect(r.stdout + r.stderr).not.toContain(reader.token);
  });

  it('the cluster CA together with insecure-skip-tls-verify: exit 3, as kubectl refuses it, instead of silently not verifying', async () => {
    const kubeconfig = await kubeconfigWith('ca-insecure', { ...cluster, 'insecure-skip-tls-verify': true }, { token: reader.token });
    const r = await floe(['network', 'check-cni', '--kubeconfig', kubeconfig]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('sets both a certificate authority and insecure-skip-tls-verify: specifying a root certificates file with the insecure flag is not allowed');
    const kubectl = await new Promise<Run>((done) =>
      execFile(conn.info.kubectl, ['--kubeconfig', kubeconfig, 'get', '--raw', '/version'], (err, stdout, stderr) => done({ code: err ? 1 : 0, stdout, stderr })),
    );
    expect(kubectl.code).toBe(1);
    expect(kubectl.stderr).toContain('specifying a root certificates file with the insecure flag is not allowed');
  });
});
