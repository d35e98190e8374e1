import * as fs from 'fs';
import { DEPLOYED_STACK_NAME, KEY_OUTPUTS, STACK_OUTPUTS } from '../../baseline/contract';
import { SetupError } from './args';
import { environmentOption, parseArn } from './validate';

/** Output names the stacks export for the runtime tools (lib/baseline/contract.ts). */
export const OUTPUT_NAMES = {
  auditBucket: STACK_OUTPUTS.auditBucket,
  auditKey: STACK_OUTPUTS.auditKey,
  auditRetentionYears: STACK_OUTPUTS.auditRetentionYears,
  keys: KEY_OUTPUTS,
} as const;

/** Stack names of the reference deployment: `<environment>-<stack id>` (lib/baseline/contract.ts). */
const STACK_NAME = DEPLOYED_STACK_NAME;

/** One environment's outputs from a `cdk deploy --outputs-file` JSON, and where it is deployed. */
export interface DeploymentOutputs {
  readonly file: string;
  readonly environment: string;
  /** Output name → value, over the environment's stacks. */
  readonly outputs: Readonly<Record<string, string>>;
  /** Account and region of the environment, from the key ARNs among the outputs (undefined when there are none). */
  readonly account?: string;
  readonly region?: string;
}

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new SetupError(
      `--outputs ${file}: cannot be read (${code}); write it with "cdk deploy --all --outputs-file ${file}" and pass its path`,
      { cause: e },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The message of JSON.parse quotes the text; the file may not be the one meant, so it is not shown.
    throw new SetupError(`--outputs ${file}: is not valid JSON; write it with "cdk deploy --all --outputs-file ${file}"`);
  }
}

/**
 * Read a `cdk deploy --outputs-file` JSON (stack name → output name → value) and return one environment's
 * outputs. A file holding several environments needs `environment`; a file of the wrong shape is refused
 * with what was found. Stacks that are not this app's are ignored.
 */
export function readDeploymentOutputs(file: string, environment?: string): DeploymentOutputs {
  const raw = readJson(file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SetupError(
      `--outputs ${file}: holds ${kind(raw)}; expected an object of stack name → outputs, as "cdk deploy --outputs-file" writes`,
    );
  }
  const byEnv = new Map<string, Record<string, string>>();
  for (const [stack, values] of Object.entries(raw)) {
    const m = STACK_NAME.exec(stack);
    if (!m) continue;
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      throw new SetupError(`--outputs ${file}: stack ${stack} holds ${kind(values)}; expected an object of output name → string`);
    }
    for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
      if (typeof value !== 'string') throw new SetupError(`--outputs ${file}: ${stack}.${name} is ${kind(value)}; expected a string`);
    }
    byEnv.set(m[1], { ...byEnv.get(m[1]), ...(values as Record<string, string>) });
  }
  const envs = [...byEnv.keys()].sort();
  if (envs.length === 0) {
    throw new SetupError(
      `--outputs ${file}: holds no stack of this app (<environment>-Keys, <environment>-Audit, ...); is it the right file?`,
    );
  }
  let env: string;
  if (environment !== undefined) {
    env = environmentOption('--environment', environment);
    if (!byEnv.has(env)) throw new SetupError(`--environment ${env}: not in ${file}, which holds ${envs.join(', ')}`);
  } else if (envs.length > 1) {
    throw new SetupError(`--outputs ${file} holds several environments (${envs.join(', ')}); pass --environment <name> to choose one`);
  } else env = envs[0];
  const outputs = byEnv.get(env)!;
  const arns = OUTPUT_NAMES.keys.flatMap((k) => (outputs[k] ? [{ name: k, arn: parseArn(outputs[k]) }] : []));
  for (const a of arns) {
    if (!a.arn || a.arn.service !== 'kms') throw new SetupError(`--outputs ${file}: ${env} ${a.name} is not a KMS key ARN`);
  }
  const places = new Set(arns.map((a) => `${a.arn!.account} ${a.arn!.region}`));
  if (places.size > 1) {
    throw new SetupError(
      `--outputs ${file}: the keys of ${env} are in different accounts or regions (${[...places].join('; ')}); the file is inconsistent`,
    );
  }
  const [account, region] = places.size ? [...places][0].split(' ') : [undefined, undefined];
  return { file, environment: env, outputs, account, region };
}

/** Read a `cdk deploy --outputs-file` JSON of one environment; returns output name → value. */
export function readOutputsFile(file: string, environment?: string): Record<string, string> {
  return { ...readDeploymentOutputs(file, environment).outputs };
}

/**
 * The audit bucket and key for a CLI run: explicit `--bucket` / `--audit-key` win, else the outputs file.
 * Also returns every output, for tools that need more.
 */
export function auditTargets(v: { outputs?: string; bucket?: string; 'audit-key'?: string; environment?: string }): {
  bucket?: string;
  auditKey?: string;
  outputs: Record<string, string>;
  deployment?: DeploymentOutputs;
} {
  const deployment = v.outputs ? readDeploymentOutputs(v.outputs, v.environment) : undefined;
  const outputs = { ...deployment?.outputs };
  return {
    bucket: v.bucket ?? outputs[OUTPUT_NAMES.auditBucket],
    auditKey: v['audit-key'] ?? outputs[OUTPUT_NAMES.auditKey],
    outputs,
    deployment,
  };
}
