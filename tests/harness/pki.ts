// Certificates and keys for the local control plane. openssl makes the X.509
// certificates (node:crypto cannot); node:crypto makes the service-account key.
// Everything is ECDSA P-256: generation takes milliseconds, which keeps `up` fast.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

// The first address of --service-cluster-ip-range: the `kubernetes` Service's ClusterIP.
export const SERVICE_CLUSTER_IP_RANGE = '10.0.0.0/24';
const KUBERNETES_SERVICE_IP = '10.0.0.1';

const OPENSSL_CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = @alt_names
[alt_names]
DNS.1 = localhost
DNS.2 = kubernetes
DNS.3 = kubernetes.default
DNS.4 = kubernetes.default.svc
DNS.5 = kubernetes.default.svc.cluster.local
IP.1 = 127.0.0.1
IP.2 = ::1
IP.3 = ${KUBERNETES_SERVICE_IP}
[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

async function openssl(args: string[]): Promise<void> {
  try {
    await execFileAsync('openssl', args, { timeout: 30_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr.trim() || String(error)}\n` +
      'The harness needs OpenSSL >= 3.0 on PATH (it signs with `openssl req -x509 -CA`).');
  }
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-noenc'];
// Short-lived on purpose: a test control plane should never outlive a working week.
const DAYS = ['-days', '7'];

export async function createPki(dir: string): Promise<Pki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const p = (name: string) => join(dir, name);
  const pki: Pki = {
    dir,
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    serverCert: p('apiserver.crt'),
    serverKey: p('apiserver.key'),
    adminCert: p('admin.crt'),
    adminKey: p('admin.key'),
    serviceAccountKey: p('sa.key'),
    serviceAccountPub: p('sa.pub'),
  };
  const config = p('openssl.cnf');
  await writeFile(config, OPENSSL_CONFIG, { mode: 0o600 });

  await openssl(['req', '-x509', '-new', '-config', config, '-extensions', 'ca_ext', ...EC_KEY,
    '-keyout', pki.caKey, '-out', pki.caCert, ...DAYS, '-subj', '/CN=floe-test-ca']);

  const signed = (ext: string, subject: string, key: string, cert: string) =>
    openssl(['req', '-x509', '-new', '-config', config, '-extensions', ext, ...EC_KEY,
      '-CA', pki.caCert, '-CAkey', pki.caKey, '-keyout', key, '-out', cert, ...DAYS, '-subj', subject]);

  const sa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await Promise.all([
    signed('server_ext', '/CN=kube-apiserver', pki.serverKey, pki.serverCert),
    // O=system:masters: the admin identity the kubeconfig carries; RBAC grants it everything.
    signed('client_ext', '/O=system:masters/CN=floe-admin', pki.adminKey, pki.adminCert),
    writeFile(pki.serviceAccountKey, sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 }),
    writeFile(pki.serviceAccountPub, sa.publicKey.export({ type: 'spki', format: 'pem' })),
  ]);
  return pki;
}
