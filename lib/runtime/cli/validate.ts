/**
 * Checks of command-line values, with the same rules as the deployment config (one source: lib/baseline/).
 * Each returns the checked value or throws a SetupError naming the option, the value and what is allowed.
 */
import { ENV_NAME, TENANT_ID } from '../../baseline/contract';
import { AUDIT_RETENTION_YEARS } from '../../baseline/thresholds';
import { SetupError } from './args';

const shown = (v: string) => JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);

/** A tenant id, as in the config (`tenants[].id`). */
export function tenantIdOption(option: string, value: string): string {
  if (!TENANT_ID.test(value)) {
    throw new SetupError(
      `${option} got ${shown(value)}; a tenant id is 3-32 characters: lower-case letters and digits, starting with a letter`,
    );
  }
  return value;
}

/** An environment name, as in the config (`environment`). */
export function environmentOption(option: string, value: string): string {
  if (!ENV_NAME.test(value)) {
    throw new SetupError(
      `${option} got ${shown(value)}; an environment name is 3-20 lower-case letters, digits and hyphens, starting with a letter`,
    );
  }
  return value;
}

/** Audit retention years: at least the legal minimum (45 CFR 164.316(b)(2)(i)), as `auditRetentionYears`. */
export function auditYearsOption(option: string, value: string): number {
  const n = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < AUDIT_RETENTION_YEARS.min || n > AUDIT_RETENTION_YEARS.constructMax) {
    throw new SetupError(
      `${option} got ${shown(value)}; must be a whole number of years from ${AUDIT_RETENTION_YEARS.min} (the HIPAA minimum, 45 CFR 164.316(b)(2)(i)) to ${AUDIT_RETENTION_YEARS.constructMax}`,
    );
  }
  return n;
}

/** An AWS region name such as us-east-1. */
export function regionOption(option: string, value: string): string {
  if (!/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(value))
    throw new SetupError(`${option} got ${shown(value)}; must be an AWS region such as us-east-1`);
  return value;
}

/** The parts of an ARN. */
export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

const ARN = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/;

/** Split an ARN, or undefined when the text is not one. */
export function parseArn(text: string): Arn | undefined {
  const m = ARN.exec(text);
  return m ? { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] } : undefined;
}

/** A KMS key or alias ARN (`arn:aws:kms:<region>:<account>:key/<id>` or `...:alias/<name>`). */
export function kmsArnOption(option: string, value: string): Arn {
  const arn = parseArn(value);
  if (
    !arn ||
    arn.service !== 'kms' ||
    !arn.region ||
    !arn.account ||
    !/^(key\/(mrk-)?[0-9a-f-]{1,64}|alias\/[A-Za-z0-9/_-]{1,250})$/.test(arn.resource)
  ) {
    throw new SetupError(`${option} got ${shown(value)}; must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or alias ARN`);
  }
  return arn;
}

/** An S3 bucket name (3-63 lower-case letters, digits, dots and hyphens). */
export function bucketOption(option: string, value: string): string {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value)) throw new SetupError(`${option} got ${shown(value)}; must be an S3 bucket name`);
  return value;
}

/** A non-empty value of at most 256 printable characters (who is acting, for the audit log). */
export function actorOption(option: string, value: string): string {
  if (!/^[\x21-\x7e][\x20-\x7e]{0,255}$/.test(value)) {
    throw new SetupError(`${option} got ${shown(value)}; must name who is acting (an e-mail address or user name, printable characters)`);
  }
  return value;
}
