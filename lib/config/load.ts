import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { DeploymentConfig, deploymentConfigSchema } from './schema';

/** Directory holding one JSON config file per environment. */
export const CONFIG_DIR = path.join(__dirname, '..', '..', 'config');

/** A config that cannot be used. The message names every bad field, its value and what is allowed. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  const s = JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function fieldName(p: readonly PropertyKey[]): string {
  return p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '') || '(root)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const where = fieldName(issue.path);
    return issue.keys
      .map(
        (k) => `- ${where === '(root)' ? k : `${where}.${k}`}: unknown field; remove it (check the spelling against lib/config/schema.ts)`,
      )
      .join('\n');
  }
  const given = 'input' in issue ? show(issue.input) : '(see file)';
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return `- ${fieldName(issue.path)}: missing; this field is required (expected ${issue.expected})`;
  }
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    return `- ${fieldName(issue.path)}: got ${given}; expected ${issue.expected}`;
  }
  return `- ${fieldName(issue.path)}: got ${given}; ${issue.message}`;
}

/** Validate an already-parsed config object; throws ConfigError naming every problem. */
export function parseConfig(raw: unknown, source = 'config'): DeploymentConfig {
  const result = deploymentConfigSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const lines = result.error.issues.map(describeIssue).join('\n');
    throw new ConfigError(`Invalid deployment config ${source}:\n${lines}`);
  }
  return result.data;
}

/** The config names available in a directory (file names without `.json`). */
export function availableConfigs(dir = CONFIG_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Load `config/<name>.json`, validate it, and return it with defaults filled in. */
export function loadConfig(name: string, dir = CONFIG_DIR): DeploymentConfig {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new ConfigError(
      `Invalid config name ${show(name)} (context key "config"): use lower-case letters, digits and hyphens; available: ${availableConfigs(dir).join(', ')}`,
    );
  }
  const file = path.join(dir, `${name}.json`);
  if (!fs.existsSync(file)) {
    throw new ConfigError(
      `No config named ${show(name)} (context key "config"): ${file} does not exist; available: ${availableConfigs(dir).join(', ')}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`Config file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  return parseConfig(raw, path.relative(process.cwd(), file) || file);
}
