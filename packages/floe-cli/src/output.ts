import { emitYaml } from '@floe/core/util';

/**
 * A command's stable JSON object, as `-o json` or `-o yaml` (kubectl's pair):
 * the YAML is the same object, so both are one documented schema.
 */
export function structured(format: 'json' | 'yaml', value: unknown): string {
  if (format === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  // Through JSON first: the YAML holds exactly what the JSON would (no undefined, no class instances).
  return emitYaml(JSON.parse(JSON.stringify(value)) as Record<string, unknown>);
}
