// Users with limited rights, for permission tests: a ServiceAccount bound to a
// ClusterRole with exactly the given rules, and a kubeconfig carrying a token the
// API server itself issued (TokenRequest). Works on the local control plane and on
// any FLOE_TEST_KUBECONFIG cluster alike.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './cluster.ts';
import type { Connection } from './context.ts';
import { uniqueName } from './namespaces.ts';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface TestUser {
  name: string;
  kubeconfig: string;
  /** The bearer token in that kubeconfig: tests assert it never appears in any output. */
  token: string;
  /** Deletes the ClusterRole and its binding (the ServiceAccount goes with its namespace). */
  remove(): Promise<void>;
}

/** A user that may do exactly `rules`, cluster-wide. The ServiceAccount lives in `namespace`. */
export interface UserScope {
  /** Bind `rules` only in these namespaces (RoleBindings), as a per-namespace grant does. */
  onlyIn: string[];
  /** Rules granted cluster-wide besides (a second ClusterRole and ClusterRoleBinding). */
  clusterWide: PolicyRule[];
}

export async function createUser(conn: Connection, namespace: string, rules: PolicyRule[], scope?: UserScope): Promise<TestUser> {
  const { api, kubectl, info } = conn;
  const name = uniqueName('floe-it-user');
  const must = async (method: string, path: string, body: unknown) => {
    const r = await api.request(method, path, { body });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text.slice(0, 300)}`);
  };
  await must('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
  await must('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules });
  const subjects = [{ kind: 'ServiceAccount', name, namespace }];
  if (scope) {
    for (const ns of scope.onlyIn) {
      await must('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects,
      });
    }
  }
  const wideRole = scope ? `${name}-wide` : name;
  if (scope) await must('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: wideRole }, rules: scope.clusterWide });
  await must('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: wideRole },
    subjects,
  });
  const token = (await kubectl.ok(['create', 'token', name, '-n', namespace, '--duration=1h'])).trim();
  const flat = JSON.parse(await kubectl.ok(['config', 'view', '--raw', '--minify', '--flatten', '-o', 'json'])) as {
    clusters: { cluster: Record<string, unknown> }[];
  };
  const cluster = flat.clusters[0]?.cluster ?? {};
  const kubeconfig = join(info.workDir, `${name}.kubeconfig`);
  await writeFile(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': name,
      clusters: [{ name, cluster }],
      users: [{ name, user: { token } }],
      contexts: [{ name, context: { cluster: name, user: name } }],
    }),
    { mode: 0o600 },
  );
  return {
    name,
    kubeconfig,
    token,
    async remove() {
      await api.request('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${name}`);
      await api.request('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${name}`);
      if (scope) await api.request('DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${wideRole}`);
    },
  };
}

/**
 * The rules of the documented least-privilege role (examples/rbac/floe-network-reader.yaml),
 * read from that file so the tests prove that what README tells users to grant is enough.
 */
export const READ_ONLY_RULES: PolicyRule[] = (
  parseAllDocuments(readFileSync(join(REPO_ROOT, 'examples/rbac/floe-network-reader.yaml'), 'utf8'))
    .map((d) => d.toJS() as { metadata: { name: string }; rules: PolicyRule[] })
    .find((d) => d.metadata.name === 'floe-network-reader') ?? { rules: [] }
).rules;

/** The documented read-only rules less one resource: a user who lacks exactly that permission. */
export function readOnlyRulesWithout(resource: string): PolicyRule[] {
  return READ_ONLY_RULES.map((r) => ({ ...r, resources: r.resources.filter((x) => x !== resource) })).filter((r) => r.resources.length > 0);
}
