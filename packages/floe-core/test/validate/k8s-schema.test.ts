import { describe, expect, it } from 'vitest';
import { schemaIssues, type FloeKind } from '../../src/validate/k8s-schema.js';
import { formatPath } from '../../src/validate/source.js';
import { parseFieldPath } from '../../src/validate/server.js';
import { defaultDeny, namespace, networkPolicy, podTemplate } from './fixtures.js';

/** The issues as `path: message` lines, the way a reader sees them. */
function issues(kind: FloeKind, value: unknown): string[] {
  return schemaIssues(kind, value).map((i) => `${formatPath(i.path)}: ${i.message}`);
}

/** Sets each `path` (API field-path syntax, relative to `root`) to its value, in place. */
function setPaths(root: unknown, edits: unknown[]): void {
  for (let i = 0; i < edits.length; i += 2) {
    const path = parseFieldPath(edits[i] as string);
    let cur = root as Record<string | number, unknown>;
    for (const seg of path.slice(0, -1)) cur = cur[seg] as Record<string | number, unknown>;
    cur[path[path.length - 1] as string | number] = edits[i + 1];
  }
}

/** The policy floe writes with `spec.<path>` set to a value (pairs of path, value). */
function policyWith(...edits: unknown[]) {
  const np = networkPolicy();
  setPaths(np.spec, edits);
  return np;
}

describe('NetworkPolicy schema', () => {
  it('accepts the policies floe writes', () => {
    expect(issues('NetworkPolicy', networkPolicy())).toEqual([]);
    expect(issues('NetworkPolicy', defaultDeny())).toEqual([]);
  });

  it('refuses a lower-case protocol with the supported values, as the API server does', () => {
    const np = policyWith('egress[0].ports[0].protocol', 'tcp');
    expect(issues('NetworkPolicy', np)).toEqual(['spec.egress[0].ports[0].protocol: Unsupported value: "tcp": supported values: "TCP", "UDP", "SCTP"']);
  });

  it('refuses port numbers outside 1-65535 and accepts IANA named ports', () => {
    expect(issues('NetworkPolicy', policyWith('egress[0].ports[0].port', 70000))).toEqual(['spec.egress[0].ports[0].port: must be between 1 and 65535, inclusive']);
    expect(issues('NetworkPolicy', policyWith('egress[0].ports[0].port', 0))).toHaveLength(1);
    expect(issues('NetworkPolicy', policyWith('egress[0].ports[0].port', 'dns-tcp'))).toEqual([]);
    expect(issues('NetworkPolicy', policyWith('egress[0].ports[0].port', '8080'))[0]).toMatch(/^spec\.egress\[0\]\.ports\[0\]\.port: must contain at least one letter/);
    expect(issues('NetworkPolicy', policyWith('egress[0].ports[0].port', true))).toEqual(['spec.egress[0].ports[0].port: must be a port number or a named port']);
  });

  it('allows endPort only with a numeric port and not below it', () => {
    expect(issues('NetworkPolicy', policyWith('egress[0].ports[0]', { protocol: 'TCP', port: 8000, endPort: 9000 }))).toEqual([]);
    expect(issues('NetworkPolicy', policyWith('egress[0].ports[0]', { port: 9000, endPort: 8000 }))).toEqual(['spec.egress[0].ports[0].endPort: must be greater than or equal to port (9000)']);
    expect(issues('NetworkPolicy', policyWith('egress[0].ports[0]', { port: 'http', endPort: 8000 }))).toEqual(['spec.egress[0].ports[0].endPort: may not be specified when port is a named port']);
    expect(issues('NetworkPolicy', policyWith('egress[0].ports[0]', { endPort: 8000 }))).toEqual(['spec.egress[0].ports[0].endPort: may not be specified when port is not specified']);
    expect(issues('NetworkPolicy', policyWith('egress[0].ports[0]', { port: 80, endPort: 70000 }))).toEqual(['spec.egress[0].ports[0].endPort: must be between 1 and 65535, inclusive']);
  });

  it('checks CIDR syntax, refuses host bits and requires every except inside cidr and narrower', () => {
    const block = (b: unknown) => policyWith('egress[1].to[0].ipBlock', b);
    expect(issues('NetworkPolicy', block({ cidr: '10.1.2.3/8' }))).toEqual(['spec.egress[1].to[0].ipBlock.cidr: host bits are set; the network is 10.0.0.0/8']);
    expect(issues('NetworkPolicy', block({ cidr: '10.0.0.0/33' }))).toEqual(['spec.egress[1].to[0].ipBlock.cidr: prefix length must be 0–32 (got "33")']);
    expect(issues('NetworkPolicy', block({ cidr: '10.0.0.0' }))[0]).toMatch(/missing \/prefix/);
    expect(issues('NetworkPolicy', block({ cidr: '::/0', except: ['fc00::/7'] }))).toEqual([]);
    expect(issues('NetworkPolicy', block({ cidr: '10.0.0.0/8', except: ['11.0.0.0/8', '10.0.0.0/8', '10.1.0.0/16', '::1/128'] }))).toEqual([
      'spec.egress[1].to[0].ipBlock.except[0]: must be a strict subset of cidr 10.0.0.0/8',
      'spec.egress[1].to[0].ipBlock.except[1]: must be a strict subset of cidr 10.0.0.0/8',
      'spec.egress[1].to[0].ipBlock.except[3]: must be a strict subset of cidr 10.0.0.0/8',
    ]);
    expect(issues('NetworkPolicy', block({ except: ['10.0.0.0/8'] }))).toEqual(['spec.egress[1].to[0].ipBlock.cidr: Required value']);
  });

  it('refuses an IPv4-mapped cidr as strict IP validation does, naming the IPv4 range Kubernetes reads', () => {
    const block = (b: unknown) => policyWith('egress[1].to[0].ipBlock', b);
    expect(issues('NetworkPolicy', block({ cidr: '::ffff:0.0.0.0/96' }))).toEqual([
      'spec.egress[1].to[0].ipBlock.cidr: must not have an IPv4-mapped IPv6 address (Kubernetes reads ::ffff:0.0.0.0/96 as the IPv4 range 0.0.0.0/0)',
    ]);
  });

  it('requires a peer, and no other selector beside an ipBlock', () => {
    expect(issues('NetworkPolicy', policyWith('egress[0].to', [{}]))).toEqual(['spec.egress[0].to[0]: Required value: must specify a peer (podSelector, namespaceSelector or ipBlock)']);
    expect(issues('NetworkPolicy', policyWith('egress[1].to[0].podSelector', {}))).toEqual(['spec.egress[1].to[0]: Forbidden: may not specify both ipBlock and another peer']);
  });

  it('accepts Ingress and Egress policyTypes only, at most two', () => {
    expect(issues('NetworkPolicy', policyWith('policyTypes', ['egress']))).toEqual(['spec.policyTypes[0]: Unsupported value: "egress": supported values: "Ingress", "Egress"']);
    expect(issues('NetworkPolicy', policyWith('policyTypes', ['Ingress', 'Egress', 'Egress']))).toEqual(['spec.policyTypes: may not specify more than two policyTypes']);
  });

  it('requires values for In and NotIn, none for Exists and DoesNotExist, and a known operator', () => {
    const sel = (e: unknown[]) => policyWith('podSelector', { matchExpressions: e });
    expect(issues('NetworkPolicy', sel([{ key: 'app', operator: 'In', values: ['a'] }, { key: 'app', operator: 'Exists' }]))).toEqual([]);
    expect(issues('NetworkPolicy', sel([{ key: 'app', operator: 'In' }]))).toEqual(['spec.podSelector.matchExpressions[0].values: Required value: must be specified when operator is In']);
    expect(issues('NetworkPolicy', sel([{ key: 'app', operator: 'NotIn', values: [] }]))).toEqual(['spec.podSelector.matchExpressions[0].values: Required value: must be specified when operator is NotIn']);
    expect(issues('NetworkPolicy', sel([{ key: 'app', operator: 'DoesNotExist', values: ['a'] }]))).toEqual(['spec.podSelector.matchExpressions[0].values: Forbidden: may not be specified when operator is DoesNotExist']);
    expect(issues('NetworkPolicy', sel([{ key: 'app', operator: 'Gt', values: ['1'] }]))[0]).toMatch(/operator: Unsupported value: "Gt"/);
    expect(issues('NetworkPolicy', sel([{ key: 'app', operator: 'In', values: ['bad value'] }]))[0]).toMatch(/^spec\.podSelector\.matchExpressions\[0\]\.values\[0\]: must be empty or consist of/);
  });

  it('checks label keys and values in metadata and in matchLabels', () => {
    const np = networkPolicy();
    (np.metadata.labels as Record<string, unknown>)['bad key!'] = 'x';
    (np.metadata.labels as Record<string, unknown>)['ok'] = 'bad value!';
    (np.metadata.labels as Record<string, unknown>)['version'] = 1.5;
    expect(issues('NetworkPolicy', np).sort()).toEqual([
      expect.stringMatching(/^metadata\.labels\.ok: must be empty or consist of/),
      'metadata.labels.version: must be a string (got number 1.5)',
      expect.stringMatching(/^metadata\.labels\[bad key!\]: key name part must consist of/),
    ]);
  });

  it('names the policy as a DNS subdomain and its namespace as a DNS label', () => {
    expect(issues('NetworkPolicy', networkPolicy('floe-jobs', 'floe.allow-egress'))).toEqual([]);
    expect(issues('NetworkPolicy', networkPolicy('floe.jobs'))[0]).toMatch(/^metadata\.namespace: must be a lowercase RFC 1123 label/);
    expect(issues('NetworkPolicy', networkPolicy('floe-jobs', 'Floe'))[0]).toMatch(/^metadata\.name: must be a lowercase RFC 1123 subdomain/);
    const np = networkPolicy();
    delete (np.metadata as { namespace?: string }).namespace;
    expect(issues('NetworkPolicy', np)).toEqual(['metadata.namespace: Required value']);
  });

  it('refuses unknown fields, naming the allowed ones', () => {
    expect(issues('NetworkPolicy', policyWith('egres', []))).toEqual(['spec.egres: unknown field (allowed: podSelector, policyTypes, ingress, egress)']);
    expect(issues('NetworkPolicy', policyWith('egress[0].ports[0].portt', 1))).toEqual(['spec.egress[0].ports[0].portt: unknown field (allowed: protocol, port, endPort)']);
  });

  it('accepts null where the API treats null as absent', () => {
    expect(issues('NetworkPolicy', policyWith('ingress', null, 'egress[0].ports', null))).toEqual([]);
  });

  it('checks annotation keys lower-cased and their total size', () => {
    const np = networkPolicy() as ReturnType<typeof networkPolicy> & { metadata: { annotations?: Record<string, string> } };
    np.metadata.annotations = { 'Example.com/Note': 'fine', big: 'x'.repeat(256 * 1024) };
    expect(issues('NetworkPolicy', np)).toEqual([expect.stringMatching(/^metadata\.annotations: must have at most 262144 bytes/)]);
  });
});

describe('Namespace schema', () => {
  it('accepts the namespaces floe writes and names them as DNS labels (no dots)', () => {
    expect(issues('Namespace', namespace())).toEqual([]);
    expect(issues('Namespace', namespace('floe.jobs'))[0]).toMatch(/^metadata\.name: must be a lowercase RFC 1123 label/);
    expect(issues('Namespace', namespace('n'.repeat(64)))).toContain('metadata.name: must be no more than 63 characters');
  });

  it('refuses metadata.namespace on a cluster-scoped Namespace', () => {
    const ns = namespace();
    ns.metadata.namespace = 'default';
    expect(issues('Namespace', ns)).toEqual(['metadata.namespace: Forbidden: not allowed on this type (the kind is cluster-scoped)']);
  });

  it('leaves Pod Security label values to the completeness check and the API server (any valid label value passes)', () => {
    expect(issues('Namespace', namespace('floe-jobs', { enforce: 'strict' }))).toEqual([]);
  });
});

describe('PodTemplate schema', () => {
  const specWith = (...edits: unknown[]) => {
    const pt = podTemplate();
    setPaths(pt.template.spec, edits);
    return pt;
  };

  it('accepts the template floe writes', () => {
    expect(issues('PodTemplate', podTemplate())).toEqual([]);
  });

  it('requires a mounted volume to exist, unique mount paths, names and a container', () => {
    expect(issues('PodTemplate', specWith('containers[0].volumeMounts[0].name', 'nope'))).toEqual([
      'template.spec.containers[0].volumeMounts[0].name: Not found: no volume named "nope"',
    ]);
    expect(issues('PodTemplate', specWith('containers[0].volumeMounts[1]', { name: 'writable-tmp', mountPath: '/tmp' }))).toEqual([
      'template.spec.containers[0].volumeMounts[1].mountPath: Duplicate value: "/tmp" (mount paths must be unique)',
    ]);
    expect(issues('PodTemplate', specWith('volumes[1]', { name: 'writable-tmp', emptyDir: {} }))).toEqual([
      'template.spec.volumes[1].name: Duplicate value: "writable-tmp" (volume names must be unique)',
    ]);
    expect(issues('PodTemplate', specWith('containers', []))).toEqual(['template.spec.containers: Required value: at least one container']);
  });

  it('checks user and group ids, seccomp profiles and privilege settings as the API does', () => {
    expect(issues('PodTemplate', specWith('securityContext.runAsUser', -1))).toEqual(['template.spec.securityContext.runAsUser: must be between 0 and 2147483647, inclusive']);
    expect(issues('PodTemplate', specWith('securityContext.seccompProfile', { type: 'Localhost' }))).toEqual([
      'template.spec.securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost',
    ]);
    expect(issues('PodTemplate', specWith('securityContext.seccompProfile', { type: 'RuntimeDefault', localhostProfile: 'x.json' }))).toEqual([
      'template.spec.securityContext.seccompProfile.localhostProfile: Forbidden: can only be set when seccomp type is Localhost',
    ]);
    expect(issues('PodTemplate', specWith('containers[0].securityContext.privileged', true))).toEqual([
      'template.spec.containers[0].securityContext: cannot set allowPrivilegeEscalation to false and privileged to true',
    ]);
    expect(issues('PodTemplate', specWith('containers[0].securityContext.capabilities.add', ['SYS_ADMIN']))).toEqual([
      'template.spec.containers[0].securityContext: cannot set allowPrivilegeEscalation to false and capabilities.add CAP_SYS_ADMIN',
    ]);
  });

  it('requires an image without surrounding whitespace and container names that are DNS labels', () => {
    expect(issues('PodTemplate', specWith('containers[0].image', ''))).toEqual(['template.spec.containers[0].image: Required value']);
    expect(issues('PodTemplate', specWith('containers[0].image', ' pause'))).toEqual(['template.spec.containers[0].image: must not have leading or trailing whitespace']);
    expect(issues('PodTemplate', specWith('containers[0].name', 'Workload'))[0]).toMatch(/^template\.spec\.containers\[0\]\.name: must be a lowercase RFC 1123 label/);
  });

  it('refuses pod fields floe does not write, saying so rather than calling them unknown', () => {
    expect(issues('PodTemplate', specWith('hostNetwork', true))).toEqual([
      'template.spec.hostNetwork: not a field floe writes (floe writes: automountServiceAccountToken, securityContext, containers, volumes)',
    ]);
  });
});
