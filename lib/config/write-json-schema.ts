#!/usr/bin/env node
/**
 * Write config/schema.json from the zod schema (`npm run config:schema`). test/config-schema.test.ts fails when
 * the committed file and the code disagree.
 */
import * as fs from 'fs';
import * as path from 'path';
import { configJsonSchemaText, JSON_SCHEMA_FILE } from './json-schema';
import { CONFIG_DIR } from './load';

const file = path.join(CONFIG_DIR, JSON_SCHEMA_FILE);
fs.writeFileSync(file, configJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
