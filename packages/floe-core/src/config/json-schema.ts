import { z } from 'zod';
import { ADMISSION_GUARD_MODES, AdmissionGuardObjectSchema, AdmissionGuardSchema, ManifestSchema } from './schema.js';

/**
 * JSON Schema of manifest.yaml's sections, for editors (yaml-language-server:
 * `# yaml-language-server: $schema=floe-manifest.schema.json`). Input shape:
 * fields with defaults are optional.
 */
export function manifestJsonSchema(): Record<string, unknown> {
  const options = { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' } as const;
  const guard = z.toJSONSchema(AdmissionGuardObjectSchema, options) as Record<string, unknown>;
  delete guard.$schema;
  const schema = z.toJSONSchema(ManifestSchema, {
    ...options,
    // The short form (`admission_guard: deny`) is read by a preprocess step, which JSON Schema cannot show: state both forms.
    override: (ctx) => {
      if (ctx.zodSchema !== AdmissionGuardSchema) return;
      for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
      Object.assign(ctx.jsonSchema, { default: {}, anyOf: [{ type: 'string', enum: [...ADMISSION_GUARD_MODES] }, guard] });
    },
  }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://floe.dev/schemas/manifest.network-security.json',
    title: 'floe platform manifest (network and pod security sections)',
  };
}
