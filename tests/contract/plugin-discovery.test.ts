import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverPlugins, InputError, loadPlugin } from '@floe/core';
import { runPluginContract } from '@floe/core/testing';
import { REPO, tempDir } from '../cli/run.ts';

const CLI_DIR = join(REPO, 'packages/floe-cli');

/** A fake installed package in `<root>/node_modules/<name>` declaring plugin `plugin` with the given module source. */
async function installFakePlugin(root: string, pkgName: string, plugin: string, source: string): Promise<void> {
  const dir = join(root, 'node_modules', pkgName);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: pkgName, version: '9.9.9', type: 'module', floe: { network_security: { [plugin]: './index.js' } } }));
  await writeFile(join(dir, 'index.js'), source);
}

const pluginSource = (name: string, api: string) => `
export default class {
  metadata = { name: '${name}', version: '9.9.9', floeApiVersion: '${api}' };
  render() { return []; }
}`;

/** A plugin as built against plugin API 1.0: one method per NetworkPolicy piece, no render(plan). */
const apiOnePluginSource = (name: string) => `
export default class {
  metadata = { name: '${name}', version: '0.9.0', floeApiVersion: '1.0' };
  renderNetworkPolicy() {} renderDefaultDeny() {} renderDnsEgressRule() {} renderNamespace() {}
  renderPodSecurityContext() {} renderContainerSecurityContext() {} renderWritableVolumes() {} renderPodTemplate() {}
}`;

describe('plugin discovery', () => {
  it('finds the K8s plugin that the CLI package depends on', async () => {
    const found = await discoverPlugins([CLI_DIR]);
    expect(found.map((p) => `${p.name}:${p.packageName}`)).toContain('k8s:@floe/network-security-k8s');
  });

  it('fails with an install hint when no plugin is installed', async () => {
    const empty = await tempDir();
    process.env.FLOE_PLUGIN_PATH = '';
    await expect(loadPlugin('k8s', [empty])).rejects.toThrow(/no network security plugin is installed; install @floe\/network-security-k8s/);
  });

  it('refuses an ambiguous name provided by two packages', async () => {
    const root = await tempDir();
    await installFakePlugin(root, 'plugin-a', 'dup', pluginSource('dup', '2.0'));
    await installFakePlugin(root, 'plugin-b', 'dup', pluginSource('dup', '2.0'));
    const err = await loadPlugin('dup', [root]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/plugin name "dup" is ambiguous; it is provided by plugin-a@9.9.9 .* and plugin-b@9.9.9/);
  });

  it('refuses a plugin built against plugin API 1.0, saying it needs upgrading', async () => {
    const root = await tempDir();
    await installFakePlugin(root, 'old-plugin', 'old', apiOnePluginSource('old'));
    await expect(loadPlugin('old', [root])).rejects.toThrow(
      /plugin old \(old-plugin@9.9.9\) implements floe plugin API 1.0, which this floe \(API 2.1\) cannot run; it was built for an older floe: upgrade the plugin to a version built for API 2.x/,
    );
  });

  it('refuses a plugin built for a newer plugin API', async () => {
    const root = await tempDir();
    await installFakePlugin(root, 'future-plugin', 'future', pluginSource('future', '3.0'));
    await expect(loadPlugin('future', [root])).rejects.toThrow(/implements floe plugin API 3.0, which this floe \(API 2.1\) cannot run; install a plugin version built for API 2.x, or upgrade floe/);
  });

  it('refuses a plugin that declares API 2.0 but has no render(plan)', async () => {
    const root = await tempDir();
    await installFakePlugin(root, 'half-plugin', 'half', `export default class { metadata = { name: 'half', version: '1.0.0', floeApiVersion: '2.0' }; }`);
    await expect(loadPlugin('half', [root])).rejects.toThrow(/declares floe plugin API 2.0 but has no render\(plan\) method/);
  });

  it('resolves the default plugin by its package name, not by scanning: a second package claiming "k8s" elsewhere is not consulted', async () => {
    const root = await tempDir();
    await installFakePlugin(root, 'impostor', 'k8s', pluginSource('k8s', '2.0'));
    const plugin = await loadPlugin('k8s', [CLI_DIR, root]);
    expect(plugin.metadata.description).toMatch(/Kubernetes NetworkPolicy/);
  });

  it('scans FLOE_PLUGIN_PATH when it is set, so a second "k8s" there is reported as ambiguous', async () => {
    const root = await tempDir();
    await installFakePlugin(root, 'impostor', 'k8s', pluginSource('k8s', '2.0'));
    process.env.FLOE_PLUGIN_PATH = join(root, 'node_modules');
    try {
      await expect(loadPlugin('k8s', [CLI_DIR])).rejects.toThrow(/plugin name "k8s" is ambiguous/);
    } finally {
      process.env.FLOE_PLUGIN_PATH = '';
    }
  });

  it('refuses a module that does not export a plugin', async () => {
    const root = await tempDir();
    await installFakePlugin(root, 'not-a-plugin', 'nope', 'export default 42;');
    await expect(loadPlugin('nope', [root])).rejects.toThrow(/must default-export a NetworkSecurityPlugin class or instance/);
  });

  it('names the installed plugins when asked for an unknown one', async () => {
    await expect(loadPlugin('calico', [CLI_DIR])).rejects.toThrow(/unknown network security plugin "calico"; installed: cilium \(@floe\/network-security-cilium@0\.1\.0\), k8s \(@floe\/network-security-k8s@0\.1\.0\)/);
  });
});

// The plugins as the CLI loads them (built packages, found by discovery) meet the contract.
const discovered = await loadPlugin('k8s', [CLI_DIR]);
runPluginContract('k8s as discovered from @floe/cli', () => discovered);
const discoveredCilium = await loadPlugin('cilium', [CLI_DIR]);
runPluginContract('cilium as discovered from @floe/cli', () => discoveredCilium);
