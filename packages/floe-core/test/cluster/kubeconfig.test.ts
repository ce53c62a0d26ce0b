import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { ClusterError } from '../../src/cluster/errors.js';
import { loadKubeConfig, redactUrlCredentials } from '../../src/cluster/kubeconfig.js';

const SECRET = 'sekret-token-do-not-print-0123456789';
const kubeconfig = (ctx: string, server: string, current = ctx) => `apiVersion: v1
kind: Config
current-context: ${current}
clusters:
- name: ${ctx}
  cluster: { server: ${server} }
users:
- name: ${ctx}
  user: { token: ${SECRET} }
contexts:
- name: ${ctx}
  context: { cluster: ${ctx}, user: ${ctx} }
`;

let dir: string;
const savedEnv = process.env.KUBECONFIG;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floe-kubeconfig-'));
  await writeFile(join(dir, 'a'), kubeconfig('a', 'https://127.0.0.1:6443/'));
  await writeFile(join(dir, 'b'), kubeconfig('b', 'https://127.0.0.1:7443'));
  await writeFile(join(dir, 'broken'), `apiVersion: v1\nusers:\n- name: x\n  user: { token: ${SECRET}\n   bad: [\n`);
});
afterEach(() => {
  if (savedEnv === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = savedEnv;
});

const errorOf = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
};

describe('loading a kubeconfig as kubectl does', () => {
  it('uses --kubeconfig and its current context, without a trailing slash on the server', () => {
    const k = loadKubeConfig({ kubeconfig: join(dir, 'a') });
    expect(k.context).toBe('a');
    expect(k.server).toBe('https://127.0.0.1:6443');
  });

  it('merges every KUBECONFIG path, skipping missing ones; the first file names the current context', () => {
    process.env.KUBECONFIG = [join(dir, 'missing'), join(dir, 'b'), join(dir, 'a')].join(delimiter);
    const k = loadKubeConfig({});
    expect(k.context).toBe('b');
    expect(k.kc.getContexts().map((c) => c.name).sort()).toEqual(['a', 'b']);
    expect(loadKubeConfig({ context: 'a' }).server).toBe('https://127.0.0.1:6443');
  });

  it('refuses an unknown --context as bad input, listing the contexts', () => {
    const err = errorOf(() => loadKubeConfig({ kubeconfig: join(dir, 'a'), context: 'prod' }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(`--context prod: no such context in ${join(dir, 'a')} (contexts: a)`);
  });

  it('names a missing --kubeconfig file as an environment error', () => {
    const err = errorOf(() => loadKubeConfig({ kubeconfig: join(dir, 'nope') }));
    expect(err).toBeInstanceOf(ClusterError);
    expect(err.message).toBe(`cannot load kubeconfig ${join(dir, 'nope')}: no such file`);
  });

  it('reports a malformed kubeconfig in one line that never quotes its content', () => {
    const err = errorOf(() => loadKubeConfig({ kubeconfig: join(dir, 'broken') }));
    expect(err).toBeInstanceOf(ClusterError);
    expect(err.message.split('\n')).toHaveLength(1);
    expect(err.message).not.toContain(SECRET);
    expect(err.stack ?? '').not.toContain(SECRET);
  });

  it('fails when KUBECONFIG names only missing files', () => {
    process.env.KUBECONFIG = join(dir, 'missing');
    expect(() => loadKubeConfig({})).toThrow(/none of these files exists/);
  });
});

describe('secrets and unsafe TLS in a kubeconfig', () => {
  it.each([
    ['https://admin:s3cret@10.0.0.1:6443', 'https://***@10.0.0.1:6443'],
    ['https://admin:p@ss@host/path?x=1', 'https://***@host/path?x=1'],
    ['https://TOKENONLY@host', 'https://***@host'],
    ['cannot reach https://a:b@h1 or http://c:d@h2/x', 'cannot reach https://***@h1 or http://***@h2/x'],
    ['https://host:6443/api', 'https://host:6443/api'],
    ['mail admin@example.com about https://host/a@b', 'mail admin@example.com about https://host/a@b'],
  ])('redacts the user name and password of %s', (text, expected) => {
    expect(redactUrlCredentials(text)).toBe(expected);
  });

  it('refuses a server URL with a user name and password (exit 3), showing it redacted', async () => {
    const file = join(dir, 'url-creds');
    await writeFile(file, kubeconfig('creds', 'https://admin:pw-0f9e8d7c@127.0.0.1:6443'));
    const err = errorOf(() => loadKubeConfig({ kubeconfig: file }));
    expect(err).toBeInstanceOf(ClusterError);
    expect(err.message).toBe(`${file}: the server URL https://***@127.0.0.1:6443 of cluster "creds" carries a user name or password; floe sends no credentials from a URL: remove them and authenticate with a token, a client certificate or an exec plugin`);
    expect(err.message).not.toContain('pw-0f9e8d7c');
  });

  it.each([
    ['certificate-authority-data', Buffer.from('-----BEGIN CERTIFICATE-----\n').toString('base64')],
    ['certificate-authority', '/etc/ssl/ca.pem'],
  ])('refuses %s together with insecure-skip-tls-verify: true, as kubectl does', async (key, value) => {
    const file = join(dir, `insecure-${key}`);
    await writeFile(file, kubeconfig('both', `https://127.0.0.1:6443, ${key}: ${JSON.stringify(value)}, insecure-skip-tls-verify: true`));
    const err = errorOf(() => loadKubeConfig({ kubeconfig: file }));
    expect(err).toBeInstanceOf(ClusterError);
    expect(err.message).toBe(`${file}: cluster "both" sets both a certificate authority and insecure-skip-tls-verify: specifying a root certificates file with the insecure flag is not allowed (kubectl refuses it too); remove one`);
  });

  it('accepts insecure-skip-tls-verify alone and a certificate authority alone', async () => {
    const file = join(dir, 'insecure-alone');
    await writeFile(file, kubeconfig('alone', 'https://127.0.0.1:6443, insecure-skip-tls-verify: true'));
    expect(loadKubeConfig({ kubeconfig: file }).server).toBe('https://127.0.0.1:6443');
  });
});
