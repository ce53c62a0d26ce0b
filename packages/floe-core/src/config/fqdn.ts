/**
 * Host names in egress rules (`to_fqdn`, `allow_external_https.fqdns`): an
 * exact DNS name, or `*.` followed by one, which matches every name with
 * exactly one more label (`*.example.com`: `a.example.com`, not
 * `example.com` nor `a.b.example.com`), as a TLS wildcard certificate and
 * Cilium's matchPattern read it. No scheme, path, port or trailing dot; floe
 * writes them lower-cased (DNS names are case-insensitive).
 */

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why `raw` is not a host name or `*.` pattern floe accepts; undefined when it is. */
export function fqdnProblem(raw: string): string | undefined {
  const name = raw.toLowerCase();
  if (name === '') return 'must not be empty';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//.exec(name);
  if (scheme) return `must be a host name without a scheme: write ${hostOf(name.slice(scheme[0].length))}`;
  if (name.includes('/')) return `must be a host name without a path: write ${hostOf(name)}`;
  if (name.includes(':')) return `must be a host name without a port (the rule's port or ports say which): write ${name.slice(0, name.indexOf(':'))}`;
  if (name.endsWith('.')) return `must not end with a dot: write ${name.replace(/\.+$/, '')}`;
  if (name.length > 253) return 'must be at most 253 characters (a DNS name)';
  const wildcard = name.startsWith('*.');
  const rest = wildcard ? name.slice(2) : name;
  if (rest.includes('*')) return 'may use * only as a whole first label ("*.example.com"), which matches one label below example.com';
  const labels = rest.split('.');
  const bad = labels.find((l) => l.length > 63 || !LABEL.test(l));
  if (bad !== undefined) {
    return bad.length > 63
      ? `has a label longer than 63 characters (${bad.slice(0, 20)}...)`
      : `has an invalid label "${bad}": DNS labels are letters, digits and "-", starting and ending with a letter or digit`;
  }
  if (wildcard && labels.length < 2) return `must name a domain below a top-level domain: *.${rest} would allow every host under .${rest}`;
  return undefined;
}

function hostOf(s: string): string {
  return s.split('/')[0]?.split(':')[0] || 'the host name alone';
}

/** True for a `*.` pattern, false for an exact name. */
export function isFqdnPattern(name: string): boolean {
  return name.startsWith('*.');
}
