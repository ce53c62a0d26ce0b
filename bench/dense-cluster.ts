/**
 * The dense cluster of `pnpm bench`'s connectivity case, written to files: 200
 * namespaces, 5,000 standalone pods (no owner: each pod is its own `[Pod]`
 * workload), 2,000 NetworkPolicies, about 8 million allowed pairs. Wide rules
 * (whole namespaces by label, every pod of every namespace on one port) are
 * what make it dense; the same generator and seed give the same cluster.
 * Written as a cluster dump is (`kubectl get pods,networkpolicies -n NS -o json`):
 * one JSON List per namespace for pods and one for policies.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from './rng.ts';

export const DENSE = { namespaces: 200, pods: 5000, policies: 2000 } as const;


const TEAMS = ['payments', 'search', 'data', 'platform', 'edge'];
const TIERS = ['web', 'api', 'db', 'cache', 'batch'];

type Obj = Record<string, unknown>;
const policy = (namespace: string, name: string, spec: Obj): Obj => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
const list = (items: Obj[]) => `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 1)}\n`;

/** Writes the dense cluster into `dir` (one file of pods and one of policies per namespace, and the namespaces); returns the file count. */
export function writeDenseCluster(dir: string): number {
  const rand = rng(20260);
  const nsName = (i: number) => `dense-${String(i).padStart(3, '0')}`;
  const namespaces = Array.from({ length: DENSE.namespaces }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: nsName(i), labels: { team: TEAMS[i % TEAMS.length] as string, env: i % 2 === 0 ? 'prod' : 'staging', ...(i % 10 === 0 ? { monitoring: 'true' } : {}) } },
  }));
  writeFileSync(join(dir, 'namespaces.json'), list(namespaces));
  let files = 1;
  const perNs = DENSE.pods / DENSE.namespaces;
  for (let n = 0; n < DENSE.namespaces; n++) {
    const ns = nsName(n);
    const pods: Obj[] = [];
    for (let i = 0; i < perNs; i++) {
      const tier = TIERS[i % TIERS.length] as string;
      const ip = `10.${100 + (n % 100)}.${Math.floor(n / 100)}.${i + 1}`;
      pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${tier}-${Math.floor(i / TIERS.length)}-${(n * 7919 + i * 104729).toString(36)}`, namespace: ns, labels: { app: tier, tier, version: `v${1 + Math.floor(rand() * 2)}` } },
        spec: { containers: [{ name: 'main', image: `registry.example/${tier}:1`, ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] }] },
        status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
      });
    }
    writeFileSync(join(dir, `${ns}-pods.json`), list(pods));
    const team = TEAMS[n % TEAMS.length] as string;
    const near = `10.${100 + ((n + 1) % 100)}`;
    const policies = [
      policy(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      policy(ns, 'allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }] }),
      policy(ns, 'egress-cluster', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }] }] }),
      policy(ns, 'egress-internet', { podSelector: { matchLabels: { tier: 'batch' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }], ports: [{ port: 443 }] }] }),
      policy(ns, 'web-from-prod', { podSelector: { matchLabels: { tier: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }], ports: [{ port: 'http' }] }] }),
      policy(ns, 'api-from-team', { podSelector: { matchLabels: { tier: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team } } }, { namespaceSelector: { matchLabels: { team: 'platform' } }, podSelector: { matchLabels: { tier: 'web' } } }], ports: [{ port: 8080 }, { port: 8443 }] }] }),
      policy(ns, 'db-from-api', { podSelector: { matchLabels: { tier: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'api' } } }], ports: [{ port: 5432 }] }] }),
      policy(ns, 'cache-from-all', { podSelector: { matchLabels: { tier: 'cache' } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }], ports: [{ port: 6379 }] }] }),
      policy(ns, 'metrics', { podSelector: { matchLabels: { version: `v${1 + (n % 2)}` } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { monitoring: 'true' } } }], ports: [{ port: 'metrics' }] }] }),
      policy(ns, 'batch-from-ranges', {
        podSelector: { matchLabels: { tier: 'batch' } },
        ingress: [{ from: [{ ipBlock: { cidr: `${near}.0.0/16`, except: [`${near}.0.0/28`] } }, { namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['staging'] }] }, podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['api', 'batch'] }] } }], ports: [{ port: 9000, endPort: 9100 }] }],
      }),
    ];
    writeFileSync(join(dir, `${ns}-policies.json`), list(policies));
    files += 2;
  }
  return files;
}

/**
 * Cluster-scoped guardrails over the dense cluster: per team an Admin-tier
 * ClusterNetworkPolicy denying ingress from the other teams' namespaces (its
 * own team accepted first), and one denying egress to the cloud metadata address.
 */
export function writeDenseGuardrails(dir: string): void {
  const cnp = (name: string, spec: Obj): Obj => ({ apiVersion: 'policy.networking.k8s.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name }, spec });
  const items = [
    ...TEAMS.map((team, i) =>
      cnp(`team-isolation-${team}`, {
        tier: 'Admin',
        priority: 10 + i,
        subject: { namespaces: { matchLabels: { team } } },
        ingress: [
          { name: 'own-team', action: 'Accept', from: [{ namespaces: { matchLabels: { team } } }] },
          { name: 'other-teams', action: 'Deny', from: [{ namespaces: { matchExpressions: [{ key: 'team', operator: 'Exists' }] } }] },
        ],
      }),
    ),
    cnp('metadata-deny', { tier: 'Admin', priority: 5, subject: { namespaces: {} }, egress: [{ action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] }] }),
  ];
  writeFileSync(join(dir, 'guardrails.json'), list(items));
}

if (process.argv[2] === '--write') writeDenseCluster(process.argv[3] as string);
