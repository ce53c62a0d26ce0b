// Kubeconfigs and servers that try to make floe print a secret or crash:
// credentials in the server URL, exec credential plugins that print their token
// where it does not belong, CA data beside insecure-skip-tls-verify, and a proxy
// that answers every request with a login page. Only loopback traffic.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floe, tempDir } from './run.ts';

/** A loopback port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

interface KubeconfigParts {
  cluster: Record<string, unknown>;
  user: Record<string, unknown>;
}

async function kubeconfig(dir: string, name: string, parts: KubeconfigParts): Promise<string> {
  const file = join(dir, `${name}.kubeconfig`);
  await writeFile(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'ctx',
      clusters: [{ name: 'c', cluster: parts.cluster }],
      users: [{ name: 'u', user: parts.user }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    }),
  );
  return file;
}

/** An exec credential plugin: `node SCRIPT`, the way kubectl runs `aws eks get-token` and friends. */
async function execPlugin(dir: string, name: string, body: string): Promise<Record<string, unknown>> {
  const script = join(dir, `${name}.mjs`);
  await writeFile(script, body);
  return { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [script], interactiveMode: 'Never' } };
}

/** Every command that talks to the cluster, with the arguments it needs. */
const COMMANDS: [string, string[]][] = [
  ['check-cni', ['network', 'check-cni']],
  ['diff', ['network', 'diff']],
  ['audit', ['network', 'audit']],
];

let dir: string;
let port: number;
beforeAll(async () => {
  dir = await tempDir('floe-kubeconfig-faults-');
  port = await deadPort();
});

/** Runs a cluster command with the audit log on (info), where a secret could also leak. */
const run = (args: string[], file: string) => floe([...args, '--kubeconfig', file, '--request-timeout', '5s'], { cwd: dir, env: { FLOE_LOG_LEVEL: 'info' } });

describe('credentials in the server URL', () => {
  const PASSWORD = 'url-password-0b1e2c3d4f';

  it.each(COMMANDS)('%s: exit 3, the URL shown with its credentials redacted, the password nowhere', async (_name, args) => {
    const file = await kubeconfig(dir, 'url-creds', { cluster: { server: `https://admin:${PASSWORD}@127.0.0.1:${port}` }, user: { token: 'irrelevant' } });
    const r = await run(args, file);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`floe: error: ${file}: the server URL https://***@127.0.0.1:${port} of cluster "c" carries a user name or password`);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    expect(r.stdout + r.stderr).not.toContain('admin:');
  });
});

describe('exec credential plugins', () => {
  const TOKEN = 'exec-token-7a6b5c4d3e2f1a0b9c8d';

  it.each(COMMANDS)('%s: a plugin printing malformed JSON that starts with its token: exit 3, the output never quoted', async (_name, args) => {
    const user = await execPlugin(dir, 'malformed', `process.stdout.write(${JSON.stringify(`${TOKEN} {"kind": "ExecCredential"`)});\n`);
    const file = await kubeconfig(dir, 'malformed', { cluster: { server: `https://127.0.0.1:${port}` }, user });
    const r = await run(args, file);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`floe: error: the exec credential plugin ${process.execPath} of user "u" printed something that is not an ExecCredential (JSON); its output is not shown, it may hold credentials`);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(r.stdout + r.stderr).not.toContain(TOKEN.slice(0, 8));
  });

  it.each(COMMANDS)('%s: a plugin that fails with its token on stderr: exit 3, stderr never copied into the error or the audit event', async (_name, args) => {
    const user = await execPlugin(dir, 'stderr', `process.stderr.write(${JSON.stringify(`login failed for token ${TOKEN}\n`)});\nprocess.exit(1);\n`);
    const file = await kubeconfig(dir, 'stderr', { cluster: { server: `https://127.0.0.1:${port}` }, user });
    const r = await run(args, file);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`floe: error: the exec credential plugin ${process.execPath} of user "u" failed (it exited with an error); its output is not shown, it may hold credentials: run it yourself to see why`);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('names a plugin that cannot be started by its system error, exit 3', async () => {
    const file = await kubeconfig(dir, 'missing', { cluster: { server: `https://127.0.0.1:${port}` }, user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: join(dir, 'no-such-plugin') } } });
    const r = await run(['network', 'check-cni'], file);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`floe: error: the exec credential plugin ${join(dir, 'no-such-plugin')} of user "u" could not be started: ENOENT`);
  });
});

describe('certificate authority data together with insecure-skip-tls-verify', () => {
  it('refuses the combination as kubectl does (exit 3), instead of silently skipping verification', async () => {
    const file = await kubeconfig(dir, 'ca-insecure', {
      cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64'), 'insecure-skip-tls-verify': true },
      user: { token: 'irrelevant' },
    });
    const r = await run(['network', 'check-cni'], file);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`floe: error: ${file}: cluster "c" sets both a certificate authority and insecure-skip-tls-verify: specifying a root certificates file with the insecure flag is not allowed (kubectl refuses it too); remove one`);
  });
});

describe('an HTTP proxy that answers every request with a login page (200 text/html)', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><body><form action="/login">Sign in</form></body></html>\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it.each(COMMANDS)('%s: exit 3 (environment), never 4, naming the server and what it answered', async (_name, args) => {
    // Plain HTTP: @kubernetes/client-node allows it only with insecure-skip-tls-verify.
    const file = await kubeconfig(dir, 'login-page', { cluster: { server: url, 'insecure-skip-tls-verify': true }, user: { token: 'irrelevant' } });
    const r = await run(args, file);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`floe: error: the API server at ${url} answered 200 \\(text/html; charset=utf-8\\) to (list|get) .+ with a body that is not JSON: a proxy or login page in front of the API server\\?`));
    expect(r.stderr).not.toContain('Sign in');
  });
});
