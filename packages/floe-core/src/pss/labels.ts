import { compareStrings } from '../util/compare.js';
import type { PolicyFinding } from '../policy/findings.js';
import type { NamespaceInfo } from '../policy/types.js';

/** The Pod Security labels a manifest configures for one namespace. */
export interface ConfiguredPodSecurity {
  namespace: string;
  enforce: string;
  audit: string;
  warn: string;
  /** `latest` or `v1.N`. */
  version: string;
}

const LEVELS = ['privileged', 'baseline', 'restricted'];
const MODES = ['enforce', 'audit', 'warn'] as const;

/** Minor version of `v1.N`; `latest` (or no label: Pod Security admission's default) is newest. */
const minor = (v: string | undefined): number => (v === undefined || v === 'latest' ? Infinity : /^v1\.(\d+)$/.test(v) ? Number(v.slice(3)) : -1);

/**
 * Pod Security labels of the namespaces in the input against what the
 * manifest configures: a missing label, a weaker level, an older pinned
 * version. Enforce problems are errors; audit and warn problems warnings.
 * Namespaces absent from the input are not judged (that is drift, for diff).
 */
export function podSecurityLabelFindings(namespaces: readonly NamespaceInfo[], configured: readonly ConfiguredPodSecurity[]): (PolicyFinding & { label: string; expected: string; actual: string | null })[] {
  const out: (PolicyFinding & { label: string; expected: string; actual: string | null })[] = [];
  for (const want of [...configured].sort((a, b) => compareStrings(a.namespace, b.namespace))) {
    const ns = namespaces.find((n) => n.name === want.namespace);
    if (!ns) continue;
    for (const mode of MODES) {
      const label = `pod-security.kubernetes.io/${mode}`;
      const actual = ns.labels[label];
      const expected = want[mode];
      const severity = mode === 'enforce' ? 'error' : 'warning';
      const base = { namespace: ns.name, object: `Namespace ${ns.name}`, severity, label, expected } as const;
      if (actual === undefined || !LEVELS.includes(actual)) {
        out.push({
          ...base,
          id: 'pss-labels-missing',
          actual: actual ?? null,
          message: actual === undefined ? `label ${label} is missing; the manifest configures ${expected}` : `label ${label}=${actual} is not a Pod Security level; the manifest configures ${expected}`,
          remedy: `kubectl label namespace ${ns.name} --overwrite ${label}=${expected} (or apply floe network generate's Namespace)`,
        });
        continue;
      }
      if (LEVELS.indexOf(actual) < LEVELS.indexOf(expected)) {
        out.push({
          ...base,
          id: 'pss-level-weaker-than-configured',
          actual,
          message: `${label} is ${actual}, weaker than the configured ${expected}`,
          remedy: `kubectl label namespace ${ns.name} --overwrite ${label}=${expected}`,
        });
      }
      const versionLabel = `${label}-version`;
      const version = ns.labels[versionLabel];
      if (minor(version) < minor(want.version)) {
        out.push({
          ...base,
          id: 'pss-level-weaker-than-configured',
          severity: 'warning',
          label: versionLabel,
          expected: want.version,
          actual: version ?? null,
          message: `${versionLabel} is ${version}, older than the configured ${want.version}: the ${actual} checks of that release apply`,
          remedy: `kubectl label namespace ${ns.name} --overwrite ${versionLabel}=${want.version}`,
        });
      }
    }
  }
  return out;
}
