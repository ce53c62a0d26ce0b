// The Kubernetes versions floe supports, kept in one place each: the control planes the
// tests run against (tests/harness/go/versions.env) and the newest Pod Security policy
// floe knows (LATEST_MINOR). They must not drift apart: the registry's newest entry is only
// proven by the differential test when the newest control plane runs that same minor.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LATEST_MINOR } from '@floe/core/pss';
import { REPO } from '../cli/run.ts';

const env = Object.fromEntries(
  readFileSync(join(REPO, 'tests/harness/go/versions.env'), 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
const minorOf = (v: string | undefined) => Number(/^v1\.(\d+)\.\d+$/.exec(v ?? '')?.[1] ?? NaN);

describe('supported Kubernetes versions', () => {
  it("pins the newest control plane at the minor of floe's newest Pod Security policy", () => {
    expect(
      minorOf(env.KUBERNETES_VERSION),
      `tests/harness/go/versions.env KUBERNETES_VERSION=${env.KUBERNETES_VERSION} and the Pod Security registry (LATEST_MINOR = ${LATEST_MINOR}, packages/floe-core/src/pss/level.ts) must name the same minor: add the registry entries of a newer control plane, or pin the control plane the registry knows`,
    ).toBe(LATEST_MINOR);
  });

  it('pins an older second control plane, and both are in docs/kubernetes.md', () => {
    const oldest = minorOf(env.KUBERNETES_OLDEST_VERSION);
    expect(oldest).toBeLessThan(minorOf(env.KUBERNETES_VERSION));
    const doc = readFileSync(join(REPO, 'docs/kubernetes.md'), 'utf8');
    for (const v of [env.KUBERNETES_VERSION, env.ETCD_VERSION, env.KUBERNETES_OLDEST_VERSION, env.ETCD_OLDEST_VERSION]) expect(doc, `docs/kubernetes.md names ${v}`).toContain(`${v}`);
    expect(doc).toContain(`**1.${oldest}**`);
    expect(doc).toContain(`**1.${LATEST_MINOR}**`);
  });
});
