import { describe, expect, it } from 'vitest';
import { ClusterError } from '../../src/cluster/errors.js';
import type { ClusterClient, KubeObject, ListOptions, ResourceRef } from '../../src/cluster/types.js';
import { diffIntent } from '../../src/diff/diff.js';
import { readFloeManaged } from '../../src/diff/orphans.js';
import { renderDiffText } from '../../src/diff/render.js';
import { allowAll, defaultDeny, intentOf, liveOf, namespace, stored } from './fixtures.js';

const removedDomain = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, 'floe.dev/domain': 'marketing' } } });
const template = (ns: string): KubeObject => ({ apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'floe-hardened', namespace: ns, labels: { 'app.kubernetes.io/managed-by': 'floe' } }, template: {} });

const intent = intentOf(namespace('floe-jobs'), defaultDeny('floe-jobs'));
const live = liveOf(namespace('floe-jobs'), defaultDeny('floe-jobs'));
const gone = [removedDomain(namespace('floe-marketing-domain')), defaultDeny('floe-marketing-domain'), template('floe-marketing-domain')].map(stored);

describe('orphans', () => {
  it('reports floe-labelled objects the intent no longer has as orphaned drift, with the kubectl delete that removes exactly them', () => {
    const { report } = diffIntent(intent, live, { checked: true, objects: [...gone, ...liveOf(namespace('floe-jobs'), defaultDeny('floe-jobs')).networkPolicies] });
    expect(report.drift).toBe(true);
    expect(report.counts.orphaned).toBe(2);
    expect(report.orphaned).toEqual([
      { kind: 'NetworkPolicy', namespace: 'floe-marketing-domain', name: 'floe-default-deny' },
      { kind: 'PodTemplate', namespace: 'floe-marketing-domain', name: 'floe-hardened' },
    ]);
    expect(report.orphans).toEqual({ checked: true, removeCommands: ['kubectl delete -n floe-marketing-domain networkpolicy.networking.k8s.io/floe-default-deny podtemplate/floe-hardened'] });
  });

  it('reports a floe guardrail the intent no longer has as orphaned, cluster-scoped, with a kubectl delete without -n', () => {
    const guardrail: KubeObject = { apiVersion: 'policy.networking.k8s.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name: 'floe-domain-isolation-floe-marketing-domain', labels: { 'app.kubernetes.io/managed-by': 'floe' } }, spec: {} };
    const { report } = diffIntent(intent, live, { checked: true, objects: [stored(guardrail), gone[1] as KubeObject] });
    expect(report.orphaned).toEqual([
      { kind: 'ClusterNetworkPolicy', namespace: null, name: 'floe-domain-isolation-floe-marketing-domain' },
      { kind: 'NetworkPolicy', namespace: 'floe-marketing-domain', name: 'floe-default-deny' },
    ]);
    expect(report.orphans.removeCommands).toEqual([
      'kubectl delete clusternetworkpolicy.policy.networking.k8s.io/floe-domain-isolation-floe-marketing-domain',
      'kubectl delete -n floe-marketing-domain networkpolicy.networking.k8s.io/floe-default-deny',
    ]);
    expect(renderDiffText({ report, pairs: [] }, { color: false })).toContain('orphaned: ClusterNetworkPolicy/floe-domain-isolation-floe-marketing-domain (labelled managed-by floe, no longer in the intent)');
  });

  it('reports floe\'s CiliumNetworkPolicies in a managed namespace as orphans when the intent (k8s plugin) has none, e.g. after switching plugins', () => {
    const cnp = stored({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'floe-allow-egress', namespace: 'floe-jobs', labels: { 'app.kubernetes.io/managed-by': 'floe' } }, spec: { endpointSelector: {}, egress: [{}] } });
    const { report } = diffIntent(intent, live, { checked: true, objects: [cnp] });
    expect(report.orphaned).toEqual([{ kind: 'CiliumNetworkPolicy', namespace: 'floe-jobs', name: 'floe-allow-egress' }]);
    expect(report.orphans.removeCommands).toEqual(['kubectl delete -n floe-jobs ciliumnetworkpolicy.cilium.io/floe-allow-egress']);
  });

  it('reports a namespace floe created for a removed domain as kept, with why, and never as drift or in a delete command', () => {
    const { report } = diffIntent(intent, live, { checked: true, objects: [gone[0] as KubeObject] });
    expect(report.drift).toBe(false);
    expect(report.orphanedNamespaces).toEqual([{ name: 'floe-marketing-domain', domain: 'marketing', kept: true, reason: expect.stringContaining('deleting it deletes every workload in it') }]);
    expect(report.orphans.removeCommands).toEqual([]);
  });

  it('leaves others\' objects and floe\'s extra policies in managed namespaces (reported as extra) out of the orphans', () => {
    const floeExtra = { ...allowAll('floe-jobs', 'floe-old'), metadata: { name: 'floe-old', namespace: 'floe-jobs', labels: { 'app.kubernetes.io/managed-by': 'floe' } } };
    const { report } = diffIntent(intent, liveOf(namespace('floe-jobs'), defaultDeny('floe-jobs'), floeExtra), { checked: true, objects: [stored(floeExtra), stored(allowAll('elsewhere'))] });
    expect(report.orphaned).toEqual([]);
    expect(report.extra.map((e) => e.name)).toEqual(['floe-old']);
  });

  it('says in the text output that orphans were not checked when the cluster-wide list is forbidden', async () => {
    const client = {
      list: async (ref: ResourceRef, _o?: ListOptions) => {
        throw new ClusterError('forbidden', `forbidden: list ${ref.resource}`, 403);
      },
    } as unknown as ClusterClient;
    const managed = await readFloeManaged(client);
    expect(managed.checked).toBe(false);
    const result = diffIntent(intent, live, managed);
    expect(result.report.drift).toBe(false);
    expect(result.report.orphans.checked).toBe(false);
    expect(renderDiffText(result, { color: false })).toMatch(/^note: orphans were not checked: listing floe's objects needs "list" on namespaces, networkpolicies.networking.k8s.io, podtemplates in all namespaces/m);
  });

  it('lists floe\'s objects with the managed-by label selector, across all namespaces', async () => {
    const calls: string[] = [];
    const client = {
      list: async (ref: ResourceRef, o: ListOptions = {}) => {
        calls.push(`${ref.resource} ${o.namespace ?? '*'} ${o.labelSelector ?? ''}`);
        return [];
      },
    } as unknown as ClusterClient;
    await readFloeManaged(client);
    // The cluster guardrails' and the admission guard's kinds too (cluster-scoped; a missing CRD lists as none).
    expect(calls.sort()).toEqual([
      'adminnetworkpolicies * app.kubernetes.io/managed-by=floe',
      'baselineadminnetworkpolicies * app.kubernetes.io/managed-by=floe',
      'clusternetworkpolicies * app.kubernetes.io/managed-by=floe',
      'namespaces * app.kubernetes.io/managed-by=floe',
      'networkpolicies * app.kubernetes.io/managed-by=floe',
      'podtemplates * app.kubernetes.io/managed-by=floe',
      'validatingadmissionpolicies * app.kubernetes.io/managed-by=floe',
      'validatingadmissionpolicybindings * app.kubernetes.io/managed-by=floe',
    ]);
  });

  const guard = (kind: string, name: string): KubeObject => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind, metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'floe' } }, spec: {} });

  it('reports the admission guard\'s policies and bindings left live after the guard was turned off, with one cluster-wide delete', () => {
    const left = [guard('ValidatingAdmissionPolicy', 'floe-guard-pod-hardening'), guard('ValidatingAdmissionPolicyBinding', 'floe-guard-pod-hardening')].map(stored);
    const { report } = diffIntent(intent, live, { checked: true, objects: left });
    expect(report.drift).toBe(true);
    expect(report.orphaned).toEqual([
      { kind: 'ValidatingAdmissionPolicy', namespace: null, name: 'floe-guard-pod-hardening' },
      { kind: 'ValidatingAdmissionPolicyBinding', namespace: null, name: 'floe-guard-pod-hardening' },
    ]);
    expect(report.orphans.removeCommands).toEqual([
      'kubectl delete validatingadmissionpolicy.admissionregistration.k8s.io/floe-guard-pod-hardening validatingadmissionpolicybinding.admissionregistration.k8s.io/floe-guard-pod-hardening',
    ]);
    // While the guard is on, its objects are the intent's: not orphans.
    const guarded = { ...intent, notCompared: [{ kind: 'ValidatingAdmissionPolicy', namespace: null, name: 'floe-guard-pod-hardening' }, { kind: 'ValidatingAdmissionPolicyBinding', namespace: null, name: 'floe-guard-pod-hardening' }] };
    expect(diffIntent(guarded, live, { checked: true, objects: left }).report.orphaned).toEqual([]);
  });

  it('still checks the other orphans when only the admission guard\'s kinds may not be listed, and says so', async () => {
    const client = {
      list: async (ref: ResourceRef, _o?: ListOptions) => {
        if (ref.group === 'admissionregistration.k8s.io') throw new ClusterError('forbidden', `forbidden: list ${ref.resource}`, 403);
        return [];
      },
    } as unknown as ClusterClient;
    const managed = await readFloeManaged(client);
    expect(managed.checked).toBe(true);
    const result = diffIntent(intent, live, managed);
    expect(result.report.orphans.checked).toBe(true);
    expect(renderDiffText(result, { color: false })).toContain(
      'note: the admission guard\'s objects were not checked for orphans: that needs "list" on validatingadmissionpolicies.admissionregistration.k8s.io, validatingadmissionpolicybindings.admissionregistration.k8s.io (examples/rbac/floe-network-reader.yaml)',
    );
  });
});
