import { Command } from 'commander';
import { manifestJsonSchema } from '@floe/core/config';

export function schemaCommand(): Command {
  return new Command('schema')
    .description("Print the JSON Schema of manifest.yaml's namespaces, domains and security sections (for editors)")
    .addHelpText(
      'after',
      `
Example (VS Code / yaml-language-server):
  floe network schema > floe-manifest.schema.json
  # first line of manifest.yaml:
  # yaml-language-server: $schema=./floe-manifest.schema.json`,
    )
    .action(() => {
      process.stdout.write(`${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
    });
}
