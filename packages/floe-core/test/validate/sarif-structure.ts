// The structure of a SARIF 2.1.0 log (OASIS sarif-schema-2.1.0.json) for the
// objects floe writes, as strict zod schemas: required properties, enums,
// minimums, and no property the standard does not define (the JSON schema
// sets additionalProperties: false on each of these objects).
import { z } from 'zod';

const multiformatMessageString = z.strictObject({ text: z.string(), markdown: z.string().optional() });
const reportingConfiguration = z.strictObject({
  enabled: z.boolean().optional(),
  level: z.enum(['none', 'note', 'warning', 'error']).optional(),
  rank: z.number().min(-1).max(100).optional(),
});
const reportingDescriptor = z.strictObject({
  id: z.string(),
  name: z.string().optional(),
  shortDescription: multiformatMessageString.optional(),
  fullDescription: multiformatMessageString.optional(),
  help: multiformatMessageString.optional(),
  helpUri: z.string().optional(),
  defaultConfiguration: reportingConfiguration.optional(),
});
const toolComponent = z.strictObject({
  name: z.string(),
  version: z.string().optional(),
  semanticVersion: z.string().optional(),
  informationUri: z.string().optional(),
  rules: z.array(reportingDescriptor).refine((rules) => new Set(rules.map((r) => r.id)).size === rules.length, 'rules must be unique').optional(),
});
const message = z.strictObject({ text: z.string().optional(), markdown: z.string().optional(), id: z.string().optional() }).refine((m) => m.text !== undefined || m.id !== undefined, 'a message needs text or id');
const artifactLocation = z.strictObject({
  // uri-reference: no spaces or other characters that need escaping.
  uri: z.string().regex(/^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/, 'must be a URI reference').optional(),
  uriBaseId: z.string().optional(),
  index: z.int().min(-1).optional(),
});
const region = z.strictObject({ startLine: z.int().min(1).optional(), startColumn: z.int().min(1).optional(), endLine: z.int().min(1).optional(), endColumn: z.int().min(1).optional() });
const physicalLocation = z.strictObject({ artifactLocation, region: region.optional() });
const location = z.strictObject({ physicalLocation: physicalLocation.optional(), message: message.optional() });
const result = z.strictObject({
  ruleId: z.string().optional(),
  ruleIndex: z.int().min(-1).optional(),
  level: z.enum(['none', 'note', 'warning', 'error']).optional(),
  kind: z.enum(['notApplicable', 'pass', 'fail', 'review', 'open', 'informational']).optional(),
  message,
  locations: z.array(location).optional(),
});
const run = z
  .strictObject({
    tool: z.strictObject({ driver: toolComponent }),
    invocations: z.array(z.strictObject({ executionSuccessful: z.boolean() })).optional(),
    results: z.array(result).nullable().optional(),
  })
  .superRefine((r, ctx) => {
    const rules = r.tool.driver.rules ?? [];
    (r.results ?? []).forEach((res, i) => {
      if (res.ruleIndex !== undefined && rules[res.ruleIndex]?.id !== res.ruleId) ctx.addIssue({ code: 'custom', path: ['results', i, 'ruleIndex'], message: 'ruleIndex must point at the rule with ruleId' });
    });
  });

export const SarifLogStructure = z.strictObject({
  $schema: z.url().optional(),
  version: z.literal('2.1.0'),
  runs: z.array(run).nullable(),
});
