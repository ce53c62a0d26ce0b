import { z } from 'zod';
import { ManifestSchema } from './schema.js';

/**
 * JSON Schema of manifest.yaml's sections, for editors (yaml-language-server:
 * `# yaml-language-server: $schema=floe-manifest.schema.json`). Input shape:
 * fields with defaults are optional.
 */
export function manifestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ManifestSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://floe.dev/schemas/manifest.network-security.json',
    title: 'floe platform manifest (network and pod security sections)',
  };
}
