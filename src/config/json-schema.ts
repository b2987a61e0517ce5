import { z } from 'zod';
import { packageFile } from '../platform/package-root.js';
import { configSchema } from './schema/index.js';

/** Checked in at the repository root and shipped in the package; `npm run schema` rewrites it. */
export const SCHEMA_FILE_NAME = 'vigil.schema.json';

/**
 * The JSON Schema of vigil.yaml, generated from the zod schema, so editors (yaml-language-server
 * in VS Code, Neovim, Helix…) complete and check keys as `vigil config check` would. It
 * describes what a person writes (`io: 'input'`: durations as `1h` or a number, defaults not
 * required). Draft 7, the newest yaml-language-server reads. What JSON Schema cannot say (a
 * refinement such as "a valid address") is left to `vigil config check`.
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, title: 'vigil.yaml', description: 'Vigil configuration; check it with `vigil config check`. Reference: docs/configuration.md', ...rest };
}

/** The file's exact text: two-space JSON and a final newline. */
export function configJsonSchemaText(): string {
  return JSON.stringify(configJsonSchema(), null, 2) + '\n';
}

/**
 * The first line of a vigil.yaml Vigil writes: the absolute path of the schema this installation
 * ships, which yaml-language-server reads from disk — it matches the version that will read the
 * file, works offline and needs no published URL. '' when the package has no schema file.
 */
export function schemaModeline(): string {
  const file = packageFile(SCHEMA_FILE_NAME);
  return file ? `# yaml-language-server: $schema=${file}\n` : '';
}
