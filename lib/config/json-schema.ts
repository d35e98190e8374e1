import { z } from 'zod';
import { deploymentConfigSchema } from './schema';

/** File name of the generated schema in the config directory; config files point at it with `"$schema"`. */
export const JSON_SCHEMA_FILE = 'schema.json';

/**
 * The JSON Schema (draft 2020-12) of a config file, generated from the zod schema so there is one source of
 * truth. It describes what a file may contain (defaults may be left out); the cross-field checks (regions
 * differ, certificate in the deployment's region, shard capacity...) are only in `npm run config:check`.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(deploymentConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'hipaa-stack deployment config',
    description:
      'One environment of the reference deployment. Generated from lib/config/schema.ts by `npm run config:schema`; do not edit.',
  };
}

/** The schema as the committed file holds it. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), undefined, 2)}\n`;
}
