import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { ClusterClient, KubeObject, ResourceRef } from '../../src/cluster/types.js';
import { parseManifest } from '../../src/config/load.js';
import { buildIntents } from '../../src/intent/build.js';
import { renderGuardrails } from '../../src/network/guardrails.js';
import { checkFiles } from '../../src/validate/files.js';
import { missingGuardrailCrds } from '../../src/validate/guardrail-crds.js';
import { checkServerDryRun } from '../../src/validate/server.js';
import { MAX_FILE_BYTES } from '../../src/validate/source.js';

/** An in-memory ClusterClient (the plain-data interface, not an HTTP mock) that holds some CRDs. */
function cluster(crds: KubeObject[]): ClusterClient & { asked: string[] } {
  const asked: string[] = [];
  return {
    server: 'https://127.0.0.1:6443',
    context: 'test',
    asked,
    async close() {},
    async version() {
      return { gitVersion: 'v1.37.2', major: '1', minor: '37' };
    },
    async list() {
      return [];
    },
    async get(ref: ResourceRef, name: string) {
      asked.push(`${ref.resource}/${name}`);
      return crds.find((c) => c.metadata.name === name) ?? null;
    },
    async dryRunApply(_ref: ResourceRef, object: KubeObject) {
      return object;
    },
  };
}

/** A CRD serving `version` whose peers have the fields floe writes, or (old) the v0.1.0-v0.1.4 shape. */
function crd(name: string, version: string, shape: 'current' | 'old' = 'current'): KubeObject {
  const namespaces = shape === 'current' ? { properties: { matchLabels: {}, matchExpressions: {} } } : { properties: { namespaceSelector: {}, sameLabels: {} } };
  const to = shape === 'current' ? { namespaces, pods: {}, networks: {} } : { namespaces, pods: {} };
  const spec = { properties: { ingress: { items: { properties: { from: { items: { properties: { namespaces, pods: {} } } } } } }, egress: { items: { properties: { to: { items: { properties: to } } } } } } };
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name }, spec: { versions: [{ name: version, served: true, schema: { openAPIV3Schema: { properties: { spec } } } }] } };
}

function guardrailObjects(mode: 'cluster-network-policy' | 'admin-network-policy') {
  const m = parseManifest(`domains: [{name: sales}]\nsecurity:\n  network_policies:\n    cluster_guardrails: ${mode}\n`, 'manifest.yaml');
  const entries = renderGuardrails({ mode, priorities: m.security.network_policies.cluster_guardrail_priorities }, buildIntents(m).namespaces).map((g) => {
    const content = stringify(g.object);
    return { name: g.path, type: 'file' as const, size: content.length, content };
  });
  return checkFiles('net', entries, MAX_FILE_BYTES).objects;
}

const CNP = 'clusternetworkpolicies.policy.networking.k8s.io';
const ANP = 'adminnetworkpolicies.policy.networking.k8s.io';
const BANP = 'baselineadminnetworkpolicies.policy.networking.k8s.io';

describe('validate --server: the guardrails need their CRDs', () => {
  it('sends every guardrail when its CRD is installed, serves its version and has the fields floe writes; one read per CRD', async () => {
    const client = cluster([crd(CNP, 'v1beta1')]);
    const objects = guardrailObjects('cluster-network-policy');
    expect(objects).toHaveLength(4);
    const r = await missingGuardrailCrds(client, objects);
    expect(r.problems).toEqual([]);
    expect(r.unsendable.size).toBe(0);
    expect(client.asked).toEqual([`customresourcedefinitions/${CNP}`]);
  });

  it('names the missing CRD and the release to install, per file, and does not send those objects', async () => {
    const r = await missingGuardrailCrds(cluster([]), guardrailObjects('cluster-network-policy'));
    expect(r.unsendable.size).toBe(4);
    expect(r.problems.map((p) => p.file)).toEqual(['net/cluster-floe-metadata-endpoints.yaml', 'net/cluster-floe-jobs-isolation.yaml', 'net/cluster-floe-domain-isolation-floe-sales-domain.yaml', 'net/cluster-floe-default-deny.yaml']);
    expect(r.problems[0]?.message).toBe(
      `not sent: the cluster has no ClusterNetworkPolicy API (CustomResourceDefinition ${CNP} is not installed), so applying this guardrail would fail. Install it from network-policy-api v0.3.0 or later (config/crd/standard), use a CNI that installs it, or set security.network_policies.cluster_guardrails: off`,
    );
  });

  it('says which versions a CRD serves when it does not serve the one floe writes', async () => {
    const r = await missingGuardrailCrds(cluster([crd(CNP, 'v1alpha2')]), guardrailObjects('cluster-network-policy'));
    expect(r.problems[0]?.message).toContain(`CustomResourceDefinition ${CNP} serves v1alpha2, not v1beta1`);
  });

  it('refuses to send AdminNetworkPolicies to a v1alpha1 CRD older than v0.1.5, naming the fields it lacks', async () => {
    const r = await missingGuardrailCrds(cluster([crd(ANP, 'v1alpha1', 'old'), crd(BANP, 'v1alpha1')]), guardrailObjects('admin-network-policy'));
    expect(r.unsendable.size).toBe(3);
    expect(r.problems[0]?.message).toContain(`${ANP} has no spec.egress[].to[].networks and no spec.ingress[].from[].namespaces as a label selector (matchExpressions) in v1alpha1`);
  });

  it('fails server-dry-run saying the objects were not sent, rather than refused by the API server', async () => {
    const r = await checkServerDryRun(cluster([]), guardrailObjects('cluster-network-policy'));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('4 of 4 objects not sent: the cluster lacks the CRD they need');
    expect(r.problems).toHaveLength(4);
  });
});
