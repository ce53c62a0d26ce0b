// The first step of `pnpm test` (and `pnpm test:enforcement`): makes sure this
// machine can run the enforcement suite before anything slow starts. As root
// with apt-get, it installs the missing iptables, ipset and iproute2 from the
// machine's Debian archive and says so on stderr; otherwise it stops at once,
// naming what is missing and how to fix it (exit 3). The kube-router binary is
// not checked here: the next step, cluster:build, builds it.
//   node tests/harness/prerequisites.ts
import { execFileSync, spawnSync } from 'node:child_process';

/** The commands the enforcement suite runs on the host, with the Debian package of each. */
export const ENFORCEMENT_TOOLS: readonly (readonly [tool: string, pkg: string])[] = [
  ['ip', 'iproute2'],
  ['iptables', 'iptables'],
  ['iptables-save', 'iptables'],
  ['ip6tables-save', 'iptables'],
  ['ipset', 'ipset'],
];

export interface Machine {
  platform: NodeJS.Platform;
  root: boolean;
  aptGet: boolean;
  /** The ENFORCEMENT_TOOLS commands not on PATH. */
  missingTools: readonly string[];
}

export type Plan =
  | { action: 'ready' }
  | { action: 'install'; packages: string[] }
  | { action: 'fail'; missing: string[] };

const packagesFor = (tools: readonly string[]) => [...new Set(ENFORCEMENT_TOOLS.filter(([tool]) => tools.includes(tool)).map(([, pkg]) => pkg))];

/** What to do about this machine: nothing, install these Debian packages, or stop naming what is missing with its fix. */
export function plan(machine: Machine): Plan {
  const missing: string[] = [];
  if (machine.platform !== 'linux') missing.push(`Linux network namespaces (this is ${machine.platform})`);
  if (!machine.root) missing.push('root: network namespaces, veth pairs and iptables need it (run it as root, e.g. in a CI container or with sudo)');
  const packages = packagesFor(machine.missingTools);
  if (missing.length === 0 && packages.length > 0 && machine.aptGet) return { action: 'install', packages };
  for (const tool of machine.missingTools) {
    const pkg = packagesFor([tool])[0] ?? tool;
    missing.push(`${tool} (Debian package "${pkg}"; as root with apt-get this step installs it, else: apt-get install -y ${pkg})`);
  }
  return missing.length ? { action: 'fail', missing } : { action: 'ready' };
}

const onPath = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

export function probe(): Machine {
  return {
    platform: process.platform,
    root: process.getuid?.() === 0,
    aptGet: onPath('apt-get'),
    missingTools: ENFORCEMENT_TOOLS.map(([tool]) => tool).filter((tool) => !onPath(tool)),
  };
}

function say(line: string): void {
  process.stderr.write(`test prerequisites: ${line}\n`);
}

function main(): number {
  const first = plan(probe());
  if (first.action === 'install') {
    say(`the enforcement suite needs ${first.packages.join(', ')}: installing them with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // apt-get's own output goes to stderr too: stdout belongs to the test results.
    for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...first.packages]]) {
      try {
        execFileSync('apt-get', args, { env, stdio: ['ignore', 2, 2] });
      } catch (err) {
        say(`apt-get ${args.join(' ')} failed (${(err as Error).message.split('\n')[0]}); install ${first.packages.join(', ')} by hand and re-run`);
        return 3;
      }
    }
  }
  if (first.action === 'fail') {
    say(`the enforcement suite (tests/enforcement) cannot run on this machine; missing:\n  - ${first.missing.join('\n  - ')}`);
    say('the other suites run without it: ./pnpmw test:unit, ./pnpmw test:install, ./pnpmw test:integration');
    return 3;
  }
  if (first.action === 'install') {
    const still = probe().missingTools;
    if (still.length) {
      say(`apt-get installed ${first.packages.join(', ')}, but ${still.join(', ')} is still not on PATH (${process.env.PATH ?? ''})`);
      return 3;
    }
    say(`installed ${first.packages.join(', ')}`);
  }
  return 0;
}

if (process.argv[1] === import.meta.filename) process.exitCode = main();
