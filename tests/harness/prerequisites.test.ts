import { describe, expect, it } from 'vitest';
import { plan, probe, type Machine } from './prerequisites.ts';

const debianRoot: Machine = { platform: 'linux', root: true, aptGet: true, missingTools: [] };

describe('what pnpm test does about the enforcement suite\'s prerequisites', () => {
  it('nothing when root has every tool', () => {
    expect(plan(debianRoot)).toEqual({ action: 'ready' });
  });

  it('installs the missing Debian packages, each once, as root with apt-get', () => {
    expect(plan({ ...debianRoot, missingTools: ['iptables', 'iptables-save', 'ip6tables-save', 'ipset'] })).toEqual({ action: 'install', packages: ['iptables', 'ipset'] });
    expect(plan({ ...debianRoot, missingTools: ['ip'] })).toEqual({ action: 'install', packages: ['iproute2'] });
  });

  it('stops naming each missing tool with its fix as root without apt-get', () => {
    const p = plan({ ...debianRoot, aptGet: false, missingTools: ['ipset'] });
    expect(p).toEqual({ action: 'fail', missing: ['ipset (Debian package "ipset"; as root with apt-get this step installs it, else: apt-get install -y ipset)'] });
  });

  it('stops without root, naming root first, and installs nothing even with apt-get', () => {
    const p = plan({ ...debianRoot, root: false, missingTools: ['iptables'] });
    expect(p.action).toBe('fail');
    expect(p.action === 'fail' && p.missing).toEqual([
      'root: network namespaces, veth pairs and iptables need it (run it as root, e.g. in a CI container or with sudo)',
      'iptables (Debian package "iptables"; as root with apt-get this step installs it, else: apt-get install -y iptables)',
    ]);
    expect(plan({ ...debianRoot, root: false })).toMatchObject({ action: 'fail' });
  });

  it('stops off Linux', () => {
    expect(plan({ ...debianRoot, platform: 'darwin' })).toEqual({ action: 'fail', missing: ['Linux network namespaces (this is darwin)'] });
  });

  it('reads this machine', () => {
    const machine = probe();
    expect(machine.platform).toBe(process.platform);
    expect(machine.root).toBe(process.getuid?.() === 0);
  });
});
