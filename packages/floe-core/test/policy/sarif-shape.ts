// SARIF 2.1.0 (OASIS) as strict zod schemas, for the properties floe's audit
// writes: each object refuses properties the standard does not define, and
// required properties, enums and minimums are checked.
import { z } from 'zod';

const text = z.strictObject({ text: z.string(), markdown: z.string().optional() });
const rule = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  shortDescription: text.optional(),
  fullDescription: text.optional(),
  help: text.optional(),
  defaultConfiguration: z.strictObject({ level: z.enum(['none', 'note', 'warning', 'error']) }).optional(),
});
const location = z
  .strictObject({
    physicalLocation: z
      .strictObject({
        artifactLocation: z.strictObject({ uri: z.string().min(1) }),
        region: z.strictObject({ startLine: z.number().int().min(1) }).optional(),
      })
      .optional(),
    logicalLocations: z.array(z.strictObject({ fullyQualifiedName: z.string(), kind: z.string().optional() })).optional(),
  })
  .refine((l) => l.physicalLocation || l.logicalLocations, 'a location needs a physical or logical location');
const result = z.strictObject({
  ruleId: z.string(),
  ruleIndex: z.number().int().min(0),
  level: z.enum(['none', 'note', 'warning', 'error']),
  message: z.strictObject({ text: z.string().min(1) }),
  locations: z.array(location).min(1),
  partialFingerprints: z.record(z.string(), z.string()).optional(),
});
export const sarifLog = z
  .strictObject({
    $schema: z.literal('https://json.schemastore.org/sarif-2.1.0.json'),
    version: z.literal('2.1.0'),
    runs: z.array(
      z.strictObject({
        tool: z.strictObject({ driver: z.strictObject({ name: z.string(), version: z.string().optional(), rules: z.array(rule) }) }),
        invocations: z.array(z.strictObject({ executionSuccessful: z.boolean() })).optional(),
        results: z.array(result),
      }),
    ),
  })
  .superRefine((log, ctx) => {
    for (const run of log.runs) {
      const ids = run.tool.driver.rules.map((r) => r.id);
      if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'rule ids must be unique' });
      for (const r of run.results) if (ids[r.ruleIndex] !== r.ruleId) ctx.addIssue({ code: 'custom', message: `ruleIndex ${r.ruleIndex} does not name ${r.ruleId}` });
    }
  });
