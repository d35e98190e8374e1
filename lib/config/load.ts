import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { DeploymentConfig, deploymentConfigSchema, REMOVED_FIELDS } from './schema';
import { formatJsonPath, parseStrictJson } from './strict-json';

/** Directory holding one JSON config file per environment. */
export const CONFIG_DIR = path.join(__dirname, '..', '..', 'config');

/** A config file larger than this is not a config file (the default one is under 1 KB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** One problem: the field (a JSON path, `(file)` for the file itself) and a sentence saying what is wrong and what to do. */
export interface ConfigProblem {
  readonly field: string;
  readonly message: string;
}

/** A config that cannot be used. The message names every bad field, its value, what is allowed and how to fix it. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** Every problem found, one per line of the message. */
    public readonly problems: readonly ConfigProblem[] = [],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

function describeIssue(issue: z.core.$ZodIssue): ConfigProblem[] {
  const field = formatJsonPath(issue.path.map((k) => (typeof k === 'number' ? k : String(k)))) || '(root)';
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({
      field: field === '(root)' ? k : `${field}.${k}`,
      message:
        field === '(root)' && Object.hasOwn(REMOVED_FIELDS, k)
          ? REMOVED_FIELDS[k]
          : 'unknown field; remove it or check its spelling (docs/configuration.md lists every field)',
    }));
  }
  const given = 'input' in issue ? show(issue.input) : '(see file)';
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return [{ field, message: `missing; this field is required (expected ${issue.expected})` }];
  }
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    const got = issue.input === null ? 'null' : Array.isArray(issue.input) ? 'array' : typeof issue.input;
    const how: Record<string, string> = {
      number: 'write a number without quotes',
      boolean: 'write true or false without quotes',
      string: 'write it in double quotes',
      array: 'write a list in [ ]',
      object: 'write an object in { }',
    };
    return [
      { field, message: `got ${given}; expected ${issue.expected}, not ${got}${how[issue.expected] ? `: ${how[issue.expected]}` : ''}` },
    ];
  }
  return [{ field, message: `got ${given}; ${issue.message}` }];
}

function configError(source: string, problems: ConfigProblem[]): ConfigError {
  const lines = problems.map((p) => `- ${p.field}: ${p.message}`).join('\n');
  const n = problems.length;
  return new ConfigError(`Invalid deployment config ${source} (${n} problem${n === 1 ? '' : 's'}):\n${lines}`, problems);
}

/** Validate an already-parsed config object; throws ConfigError naming every problem. */
export function parseConfig(raw: unknown, source = 'config'): DeploymentConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const got = raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw;
    throw configError(source, [{ field: '(root)', message: `got ${got}; the file must hold one JSON object of config fields` }]);
  }
  const result = deploymentConfigSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw configError(source, result.error.issues.flatMap(describeIssue));
  return result.data;
}

/** The config names available in a directory (file names without `.json`); empty when it cannot be listed. */
export function availableConfigs(dir = CONFIG_DIR): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json') && f !== 'schema.json')
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  } catch {
    return [];
  }
}

const fileProblem = (file: string, message: string) => configError(file, [{ field: '(file)', message }]);

/**
 * Read a config file strictly. Each way a file can be wrong has its own message, and none quotes the file's
 * content: it may not be a config file at all (a symbolic link to something else).
 */
export function readConfigFile(file: string): unknown {
  const shown = path.relative(process.cwd(), file) || file;
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    throw fileProblem(shown, 'does not exist');
  }
  if (stat.isSymbolicLink()) {
    let target: string;
    try {
      target = fs.realpathSync(file);
    } catch {
      throw fileProblem(shown, `is a symbolic link to ${fs.readlinkSync(file)}, which does not exist; point it at a config file`);
    }
    if (!target.endsWith('.json')) {
      throw fileProblem(shown, `is a symbolic link to ${target}, which is not a .json config file; link to a config file or copy one`);
    }
    stat = fs.statSync(target);
  }
  if (stat.isDirectory()) throw fileProblem(shown, 'is a directory, not a file; a config is one JSON file per environment');
  if (!stat.isFile()) throw fileProblem(shown, 'is not a regular file (a device, socket or pipe); a config is one JSON file');
  if (stat.size > MAX_CONFIG_BYTES) {
    throw fileProblem(
      shown,
      `is ${stat.size} bytes, more than a config file can be (${MAX_CONFIG_BYTES}); check that it is the right file`,
    );
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const fix = code === 'EACCES' || code === 'EPERM' ? 'give your user read permission (chmod u+r)' : 'check the file and its directory';
    throw fileProblem(shown, `cannot be read (${code}); ${fix}`);
  }
  const parsed = parseStrictJson(text);
  if (!parsed.ok) {
    throw configError(
      shown,
      parsed.problems.map((p) => ({ field: p.path ?? '(file)', message: `line ${p.line}, column ${p.column}: ${p.message}` })),
    );
  }
  return parsed.value;
}

/** Check a config directory given with `-c configDir=<dir>`. */
function checkDir(dir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new ConfigError(
      `configDir ${show(dir)} (context key "configDir") does not exist; pass an existing directory holding <name>.json files`,
      [{ field: '(configDir)', message: 'does not exist' }],
    );
  }
  if (!stat.isDirectory()) {
    throw new ConfigError(
      `configDir ${show(dir)} (context key "configDir") is not a directory; pass the directory holding <name>.json files`,
      [{ field: '(configDir)', message: 'is not a directory' }],
    );
  }
}

/** Load `<dir>/<name>.json`, validate it, and return it with defaults filled in. */
export function loadConfig(name: string, dir = CONFIG_DIR): DeploymentConfig {
  checkDir(dir);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || name === 'schema') {
    throw new ConfigError(
      `Invalid config name ${show(name)} (context key "config"): use lower-case letters, digits and hyphens; available: ${availableConfigs(dir).join(', ') || 'none'}`,
      [{ field: '(name)', message: 'invalid config name' }],
    );
  }
  const file = path.join(dir, `${name}.json`);
  if (!fs.existsSync(file) && !isDanglingLink(file)) {
    throw new ConfigError(
      `No config named ${show(name)} (context key "config"): ${file} does not exist; available: ${availableConfigs(dir).join(', ') || 'none'}`,
      [{ field: '(name)', message: 'no such config' }],
    );
  }
  return parseConfig(readConfigFile(file), path.relative(process.cwd(), file) || file);
}

function isDanglingLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
