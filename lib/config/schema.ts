import { concurrencyQuotaExplained, DEFAULT_RESERVED_CONCURRENCY } from './concurrency';
import { z } from 'zod';
import { ENV_NAME, RETENTION_TAG, TENANT_ID } from '../baseline/contract';
import { daysCoveringYears, hoursCoveringYears, HOURS_PER_DAY } from '../baseline/durations';
import {
  AUDIT_RETENTION_YEARS as AY,
  AUDIT_SIGNING_PERIOD_MINUTES as SP,
  BACKUP_RETENTION_DAYS as BD,
  TENANT_DATA_RETENTION_YEARS,
  VAULT_LOCK_CHANGEABLE_FOR_DAYS,
} from '../baseline/thresholds';
import { vpcCidrProblems } from './cidr';
import { DEFAULT_POSTGRES_VERSION, RDS_POSTGRES_VERSIONS, RDS_POSTGRES_VERSIONS_CHECKED_ON } from './postgres-versions';
import { ALLOWED_REGION_NAMES, ALLOWED_REGIONS } from './regions';
import { MAX_RETENTION_CLASSES, MAX_TENANT_SLOT, TENANTS_PER_SHARD } from './shards';

/**
 * Values that cannot be changed after the first deploy, and why. Named in every message about them and in
 * docs/configuration.md, so nobody learns it from a failed update.
 */
export const IMMUTABLE = {
  auditRetentionYears:
    "Set it right before the first deploy: the audit bucket's S3 Object Lock COMPLIANCE retention cannot be shortened for anything already written, by anyone.",
  backupRetentionDays: `Set it right before the first deploy: once the Vault Lock grace period (${VAULT_LOCK_CHANGEABLE_FOR_DAYS.default} days) ends, the vaults' minimum retention cannot be changed, by anyone.`,
} as const;

const SLOT_RULE = `must be a whole number from 0 to ${MAX_TENANT_SLOT}, unique among the tenants: the tenant's place (stack Tenants<slot / ${TENANTS_PER_SHARD}>); give a new tenant the next unused slot and never change a deployed tenant's slot`;
/** Fields that existed in earlier releases, and what to do instead (shown when a config still has one). */
export const REMOVED_FIELDS: Readonly<Record<string, string>> = {
  tenantShards: `was removed: tenants are placed in stacks by their slot (tenants[].slot, ${TENANTS_PER_SHARD} per stack, as many stacks as the highest slot needs). Remove tenantShards and give every tenant a slot; for tenants already deployed, \`npm run tenant-slots -- <config file>\` proposes slots that keep each one in the stack it is in (docs/tenants.md, "Moving to slots")`,
};
const TENANT_ID_RULE =
  'must be 3-32 characters: lower-case letters and digits, starting with a letter (it becomes a DNS label, an S3 prefix and a PostgreSQL schema name)';

/**
 * Classes of tenant data, each stored under `tenants/<id>/<class>/` with its own retention. Retention is
 * enforced per retention value, not per tenant: every object carries the tag RETENTION_TAG = its lifecycle days
 * (the tenant's access point refuses a write without the right tag), and the PHI bucket has one lifecycle rule
 * per distinct value (constructs/phi-data-bucket.ts).
 */
export const TENANT_DATA_CLASSES = ['records', 'documents', 'exports'] as const;
export type TenantDataClass = (typeof TENANT_DATA_CLASSES)[number];
/** Retention of each class when a tenant's config does not say. */
export const DEFAULT_TENANT_RETENTION: Readonly<Record<TenantDataClass, string>> = { records: '7y', documents: '7y', exports: '30d' };
/** Retention values: `none` (store nothing), or 1 hour to TENANT_DATA_RETENTION_YEARS.max (7) years as `<n>h`, `<n>d` or `<n>y`. */
const RETENTION = /^(none|[1-9]\d{0,5}[hdy])$/;
const MAX_RETENTION_HOURS = hoursCoveringYears(TENANT_DATA_RETENTION_YEARS.max);

/** Hours of a retention value (0 for `none`). */
export function retentionHours(value: string): number {
  if (value === 'none') return 0;
  const n = Number(value.slice(0, -1));
  const unit = value.slice(-1);
  if (!Number.isInteger(n) || n < 0) return NaN; // not a retention value: the regex check names the problem
  return unit === 'h' ? n : unit === 'd' ? n * HOURS_PER_DAY : unit === 'y' ? hoursCoveringYears(n) : NaN;
}

/**
 * Days an S3 lifecycle rule keeps an object for a retention value. S3 lifecycle works in whole days, so
 * retentions under a day expire after one day (objects are removed within a day of expiring). `none`: 0.
 */
export function retentionLifecycleDays(value: string): number {
  const hours = retentionHours(value);
  return hours === 0 ? 0 : Math.max(1, Math.ceil(hours / HOURS_PER_DAY));
}
const INSTANCE_CLASS = /^db\.(t4g|m6g|m6i|m7g|m7i|r6g|r6i|r7g|r7i)\.(medium|large|xlarge|[2-9]xlarge|1[0-9]xlarge|2[0-4]xlarge)$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f-]{36}$/;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const URL_PATH = /^\/[A-Za-z0-9._~\-/]*$/;

const region = (what: string) =>
  z.enum(ALLOWED_REGION_NAMES as [string, ...string[]], {
    error: `${what} must be one of the allowed regions: ${ALLOWED_REGION_NAMES.join(', ')}`,
  });

const certificate = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({
      mode: z.literal('existing'),
      arn: z.string().regex(ACM_ARN, {
        error: 'must be an ACM certificate ARN (arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>)',
      }),
    }),
    z.strictObject({
      mode: z.literal('create'),
      hostedZoneId: z
        .string()
        .regex(/^Z[A-Z0-9]{1,31}$/, { error: 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ' })
        .optional(),
      hostedZoneName: z.string().regex(DOMAIN, { error: 'must be a lower-case DNS name' }).optional(),
    }),
  ],
  { error: 'certificate.mode must be "existing" (with arn) or "create" (a DNS-validated certificate)' },
);

const database = z.strictObject({
  instanceClass: z
    .string()
    .regex(INSTANCE_CLASS, {
      error: 'must be a Graviton or current-generation Intel instance class of size medium or larger, e.g. db.r6g.large',
    })
    .default('db.r6g.large'),
  allocatedStorageGiB: z
    .number()
    .int()
    .min(20, { error: 'must be an integer from 20 to 65536' })
    .max(65536, { error: 'must be an integer from 20 to 65536' })
    .default(100),
  maxAllocatedStorageGiB: z
    .number()
    .int()
    .min(20, { error: 'must be an integer from 20 to 65536' })
    .max(65536, { error: 'must be an integer from 20 to 65536' })
    .default(500),
  engineVersion: z
    .enum(RDS_POSTGRES_VERSIONS as [string, ...string[]], {
      error: `must be an RDS for PostgreSQL version that RDS still creates (table checked ${RDS_POSTGRES_VERSIONS_CHECKED_ON}): ${RDS_POSTGRES_VERSIONS.join(', ')}; to allow a newer minor, add it to lib/config/postgres-versions.ts (see docs/configuration-database.md)`,
    })
    .default(DEFAULT_POSTGRES_VERSION),
});

const waf = z.strictObject({
  rateLimitPerFiveMinutes: z
    .number()
    .int()
    .min(100, { error: 'must be an integer from 100 to 2000000000 (requests per IP per 5 minutes)' })
    .max(2_000_000_000)
    .default(2000),
  sensitivePaths: z
    .array(z.string().regex(URL_PATH, { error: 'must be a URL path starting with /' }))
    .min(1, { error: 'must list at least one path' })
    .default(['/login', '/verify', '/password-reset', '/mfa']),
  sensitiveRateLimitPerFiveMinutes: z
    .number()
    .int()
    .min(10, { error: 'must be an integer of at least 10 (requests per IP per 5 minutes)' })
    .default(100),
});

/**
 * Reserved concurrency of each Lambda function: the function-level limit cdk-nag's HIPAA pack asks for. AWS
 * keeps 100 of the account's concurrency quota unreserved, so deploying needs the quota
 * requiredConcurrencyQuota (lib/config/concurrency.ts) computes: 100 + these + 1 for the audit sealer (111 with
 * the defaults); new accounts start at 10 (docs/deploy-notes.md: request an increase).
 */
const reserved = (fallback: number, min = 1) =>
  z
    .number()
    .int()
    .min(min, { error: `must be an integer from ${min} to 1000` })
    .max(1000, { error: `must be an integer from ${min} to 1000` })
    .default(fallback);
const workers = z.strictObject({
  reservedConcurrency: z
    // consumer: at least 2, the smallest maximum concurrency of an SQS event source (set to the same value).
    .strictObject({
      api: reserved(DEFAULT_RESERVED_CONCURRENCY.api),
      consumer: reserved(DEFAULT_RESERVED_CONCURRENCY.consumer, 2),
      tenantDatabaseProvisioner: reserved(DEFAULT_RESERVED_CONCURRENCY.tenantDatabaseProvisioner),
    })
    .prefault({}),
});

/** What each top-level field is for (shown by editors from the generated JSON Schema, and in docs/configuration.md). */
export const FIELD_DESCRIPTIONS = {
  $schema: 'Path or URL of the JSON Schema editors use to complete and check this file (ignored by the app).',
  environment: 'Name of the environment: prefix of every stack and resource name (3-20 lower-case letters, digits, hyphens).',
  account: 'AWS account id (12 digits) to deploy into. Default: the account of your credentials at deploy time.',
  region: 'Primary region. Default: us-east-1.',
  drRegion: 'Region of the disaster-recovery backup vault; must differ from region. Default: us-west-2.',
  vpcCidr: 'The VPC IPv4 block: a canonical private CIDR from /16 to /18. Default: 10.40.0.0/16.',
  domainName: 'DNS name the load balancer serves (lower case).',
  certificate: 'TLS certificate: {"mode": "existing", "arn": ...} (same region and account) or {"mode": "create"}.',
  alertEmails: 'Addresses subscribed to security and health alarms (each once, compared without case).',
  database: 'The PostgreSQL instance: instanceClass, allocatedStorageGiB, maxAllocatedStorageGiB, engineVersion.',
  auditRetentionYears: `Years audit records are locked and kept (${AY.min} to ${AY.max}). ${IMMUTABLE.auditRetentionYears}`,
  auditSigningPeriodMinutes: `Minutes between signed audit checkpoints (${SP.min} to ${SP.max}): records newer than the last checkpoint are reported as unsealed. Default: ${SP.default}.`,
  backupRetentionDays: `Days each backup is kept and Vault Lock minimum (${BD.min} to ${BD.max}). ${IMMUTABLE.backupRetentionDays}`,
  guardDuty: 'GuardDuty detector: {"enabled": true} by default.',
  waf: 'WAF rate limits and the paths with a stricter limit.',
  workers: `Lambda reserved concurrency per function: {"reservedConcurrency": ${JSON.stringify(DEFAULT_RESERVED_CONCURRENCY)}}; the account's Lambda concurrency quota must be at least 100 + their sum + 1 (the audit checkpoint sealer): ${concurrencyQuotaExplained(DEFAULT_RESERVED_CONCURRENCY)} with the defaults.`,
  tenants:
    'Tenants, each with its own key, access point, role and database schema: [{"id": "acme", "slot": 0, "retention": {...}}]. slot places the tenant in a stack (slots 0-49 in Tenants0, 50-99 in Tenants1, ...): give each new tenant the next unused slot and never change it. "offboarded": true keeps an offboarded tenant\'s slot (its resources go, its stack stays).',
} as const;

/** The shape with each field's description attached (fields without one are left as they are). */
function describeFields<S extends Record<string, z.ZodType>>(shape: S): S {
  const descriptions: Record<string, string | undefined> = FIELD_DESCRIPTIONS;
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, descriptions[k] ? v.describe(descriptions[k]) : v])) as S;
}

export const deploymentConfigSchema = z
  .strictObject(
    describeFields({
      $schema: z.string().optional(),
      environment: z.string().regex(ENV_NAME, {
        error: 'must be 3-20 characters: lower-case letters, digits and hyphens, starting with a letter',
      }),
      account: z
        .string()
        .regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' })
        .optional(),
      region: region('region').default('us-east-1'),
      drRegion: region('drRegion').default('us-west-2'),
      vpcCidr: z
        .string()
        .superRefine((v, ctx) => {
          for (const message of vpcCidrProblems(v)) ctx.addIssue({ code: 'custom', input: v, message });
        })
        .default('10.40.0.0/16'),
      domainName: z.string().regex(DOMAIN, { error: 'must be a lower-case DNS name such as app.example.com' }),
      certificate,
      alertEmails: z
        .array(z.email({ error: 'must be an e-mail address such as security@example.com' }))
        .min(1, { error: 'must list at least one e-mail address' }),
      database: database.prefault({}),
      auditRetentionYears: z
        .number()
        .int({ error: `must be a whole number of years from ${AY.min} to ${AY.max}` })
        .min(AY.min, {
          error: `must be at least ${AY.min} years (45 CFR 164.316(b)(2)(i)); allowed: ${AY.min} to ${AY.max}. ${IMMUTABLE.auditRetentionYears}`,
        })
        .max(AY.max, {
          error: `must be at most ${AY.max} years (the longest CloudWatch Logs retention below "never expire"); allowed: ${AY.min} to ${AY.max}. ${IMMUTABLE.auditRetentionYears}`,
        })
        .default(AY.default),
      /** Minutes between signed audit checkpoints: the window in which a forgery by the audit writer is not yet detectable. */
      auditSigningPeriodMinutes: z
        .number()
        .int({ error: `must be a whole number of minutes from ${SP.min} to ${SP.max}` })
        .min(SP.min, { error: `must be at least ${SP.min} minutes; allowed: ${SP.min} to ${SP.max}` })
        .max(SP.max, {
          error: `must be at most ${SP.max} minutes (one day): the longest window in which forged audit records go undetected; allowed: ${SP.min} to ${SP.max}`,
        })
        .default(SP.default),
      backupRetentionDays: z
        .number()
        .int({ error: `must be a whole number of days from ${BD.min} to ${BD.max}. ${IMMUTABLE.backupRetentionDays}` })
        .min(BD.min, { error: `must be at least ${BD.min} days; allowed: ${BD.min} to ${BD.max}. ${IMMUTABLE.backupRetentionDays}` })
        .max(BD.max, { error: `must be at most ${BD.max} days; allowed: ${BD.min} to ${BD.max}. ${IMMUTABLE.backupRetentionDays}` })
        .default(BD.default),
      guardDuty: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
      waf: waf.prefault({}),
      workers: workers.prefault({}),
      tenants: z
        .array(
          z.strictObject({
            id: z.string().regex(TENANT_ID, { error: TENANT_ID_RULE }),
            slot: z
              .number({ error: SLOT_RULE })
              .int({ error: SLOT_RULE })
              .min(0, { error: SLOT_RULE })
              .max(MAX_TENANT_SLOT, { error: SLOT_RULE }),
            offboarded: z
              .boolean({
                error:
                  'must be true or false: true keeps the entry (and its slot, never reused) after the tenant is offboarded, so its stack is updated and its access point and role are removed',
              })
              .optional(),
            retention: z
              .strictObject(
                Object.fromEntries(
                  TENANT_DATA_CLASSES.map((c) => [
                    c,
                    z
                      .string()
                      .regex(RETENTION, {
                        error: `must be "none" (store nothing) or a duration such as 1h, 30d, 7y (from 1 hour to ${TENANT_DATA_RETENTION_YEARS.max} years)`,
                      })
                      .refine((v) => retentionHours(v) <= MAX_RETENTION_HOURS, {
                        error: `must be at most ${TENANT_DATA_RETENTION_YEARS.max} years`,
                      })
                      .optional(),
                  ]),
                ) as Record<TenantDataClass, z.ZodOptional<z.ZodString>>,
              )
              .optional(),
          }),
        )
        .default([]),
    }),
  )
  // Cross-field checks run even when some field has a type error (`when`), so one mistake never hides
  // another; each reads only fields that passed their own check.
  .superRefine((raw, ctx) => crossFieldChecks(raw as unknown as Record<string, unknown>, ctx), { when: () => true })
  .transform(({ $schema: _editorsOnly, ...config }) => config);

/** The default primary and DR regions (used by the cross-field checks when a file leaves them out). */
const DEFAULT_REGION = 'us-east-1';
const DEFAULT_DR_REGION = 'us-west-2';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isRegion = (v: unknown): v is string => typeof v === 'string' && v in ALLOWED_REGIONS;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function crossFieldChecks(c: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (!isRecord(c)) return;
  const region = c.region === undefined ? DEFAULT_REGION : c.region;
  const drRegion = c.drRegion === undefined ? DEFAULT_DR_REGION : c.drRegion;
  if (isRegion(region) && drRegion === region) {
    ctx.addIssue({
      code: 'custom',
      path: ['drRegion'],
      input: drRegion,
      message: `must differ from region (${region}): backup copies must survive the loss of the primary region`,
    });
  }
  const cert = isRecord(c.certificate) ? c.certificate : undefined;
  const arn = cert?.mode === 'existing' && typeof cert.arn === 'string' ? ACM_ARN.exec(cert.arn) : null;
  if (arn && isRegion(region) && arn[1] !== region) {
    ctx.addIssue({
      code: 'custom',
      path: ['certificate', 'arn'],
      input: cert!.arn,
      message: `is in region ${arn[1]}, but the load balancer is in region ${region}; a load balancer can use only a certificate of its own region: import or request one in ${region}`,
    });
  }
  if (arn && typeof c.account === 'string' && /^\d{12}$/.test(c.account) && arn[2] !== c.account) {
    ctx.addIssue({
      code: 'custom',
      path: ['certificate', 'arn'],
      input: cert!.arn,
      message: `belongs to account ${arn[2]}, but the deployment is in account ${c.account}; use a certificate of account ${c.account}`,
    });
  }
  if (Array.isArray(c.alertEmails)) {
    const seen = new Map<string, number>();
    c.alertEmails.forEach((e, i) => {
      if (typeof e !== 'string') return;
      const key = e.toLowerCase();
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['alertEmails', i],
          input: e,
          message: `repeats alertEmails[${seen.get(key)}] (e-mail addresses are compared without case); list each address once`,
        });
      } else seen.set(key, i);
    });
  }
  const db = isRecord(c.database) ? c.database : undefined;
  if (db && isInt(db.allocatedStorageGiB) && isInt(db.maxAllocatedStorageGiB) && db.maxAllocatedStorageGiB < db.allocatedStorageGiB) {
    ctx.addIssue({
      code: 'custom',
      path: ['database', 'maxAllocatedStorageGiB'],
      input: db.maxAllocatedStorageGiB,
      message: `must be at least database.allocatedStorageGiB (${db.allocatedStorageGiB})`,
    });
  }
  const waf = isRecord(c.waf) ? c.waf : undefined;
  const rate = waf?.rateLimitPerFiveMinutes;
  const sensitive = waf?.sensitiveRateLimitPerFiveMinutes;
  if (isInt(rate) && rate >= 100 && isInt(sensitive) && sensitive > rate) {
    ctx.addIssue({
      code: 'custom',
      path: ['waf', 'sensitiveRateLimitPerFiveMinutes'],
      input: sensitive,
      message: `must not exceed waf.rateLimitPerFiveMinutes (${rate})`,
    });
  }
  const tenants = Array.isArray(c.tenants) ? c.tenants : [];
  const ids: string[] = [];
  const seen = new Map<string, number>();
  tenants.forEach((t, i) => {
    const id = isRecord(t) && typeof t.id === 'string' && TENANT_ID.test(t.id) ? t.id : undefined;
    if (id === undefined) return;
    if (seen.has(id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tenants', i, 'id'],
        input: id,
        message: `duplicates tenants[${seen.get(id)}].id; tenant ids must be unique`,
      });
    } else {
      seen.set(id, i);
      ids.push(id);
    }
  });
  const slots = new Map<number, number>();
  tenants.forEach((t, i) => {
    const slot = isRecord(t) && isInt(t.slot) && t.slot >= 0 && t.slot <= MAX_TENANT_SLOT ? t.slot : undefined;
    if (slot === undefined) return;
    if (slots.has(slot)) {
      const used = new Set(tenants.map((x) => (isRecord(x) && isInt(x.slot) ? x.slot : -1)));
      let free = 0;
      while (used.has(free)) free++;
      ctx.addIssue({
        code: 'custom',
        path: ['tenants', i, 'slot'],
        input: slot,
        message: `duplicates tenants[${slots.get(slot)}].slot; each tenant needs its own slot (the lowest unused one is ${free})`,
      });
    } else slots.set(slot, i);
  });
  // One lifecycle rule per distinct retention (in days) on the PHI bucket: S3 allows 1,000 rules per bucket.
  const days = new Map<number, string>();
  tenants.forEach((t, i) => {
    const retention = isRecord(t) && isRecord(t.retention) ? t.retention : {};
    for (const cls of TENANT_DATA_CLASSES) {
      const v = typeof retention[cls] === 'string' ? retention[cls] : DEFAULT_TENANT_RETENTION[cls];
      if (!RETENTION.test(v) || retentionHours(v) > MAX_RETENTION_HOURS) continue;
      const d = retentionLifecycleDays(v);
      if (d > 0 && !days.has(d)) days.set(d, `tenants[${i}].retention.${cls}`);
    }
  });
  if (days.size > MAX_RETENTION_CLASSES) {
    ctx.addIssue({
      code: 'custom',
      path: ['tenants'],
      input: `${days.size} distinct retentions`,
      message:
        `the tenants use ${days.size} distinct retentions (in whole days), but the PHI bucket can hold at most ${MAX_RETENTION_CLASSES} ` +
        '(one S3 lifecycle rule each; S3 allows 1,000 per bucket, one is for incomplete uploads); give tenants shared retention values such as 30d, 1y, 7y',
    });
  }
  if (cert?.mode === 'create' && typeof cert.hostedZoneName === 'string' && typeof c.domainName === 'string') {
    const zone = cert.hostedZoneName;
    if (c.domainName !== zone && !c.domainName.endsWith(`.${zone}`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['certificate', 'hostedZoneName'],
        input: zone,
        message: `must be domainName (${c.domainName}) or a parent of it`,
      });
    }
  }
  if (cert?.mode === 'create' && (cert.hostedZoneId === undefined) !== (cert.hostedZoneName === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['certificate', cert.hostedZoneId === undefined ? 'hostedZoneId' : 'hostedZoneName'],
      input: undefined,
      message:
        'hostedZoneId and hostedZoneName go together: give both (records created for you) or neither (you add the validation records)',
    });
  }
}

/** The validated deployment config, with every default filled in. */
export type DeploymentConfig = z.output<typeof deploymentConfigSchema>;
/** What a config file may contain (defaults may be left out). */
export type DeploymentConfigInput = z.input<typeof deploymentConfigSchema>;

/** Availability zones the VPC is pinned to (two, from the allowed-regions table). */
export function availabilityZones(config: DeploymentConfig): string[] {
  return ALLOWED_REGIONS[config.region].slice(0, 2);
}

/**
 * CloudWatch Logs retention in days for audit-class log groups: the days covering the audit years, which for
 * whole years are exactly CloudWatch Logs' own values (test/baseline.test.ts checks each allowed year).
 */
export function auditLogRetentionDays(config: DeploymentConfig): number {
  return daysCoveringYears(config.auditRetentionYears);
}

/** A tenant's retention per data class in S3 lifecycle days (0: the class stores nothing). */
export function tenantRetentionDays(tenant: DeploymentConfig['tenants'][number]): Record<TenantDataClass, number> {
  return Object.fromEntries(Object.entries(tenantRetention(tenant)).map(([c, v]) => [c, retentionLifecycleDays(v)])) as Record<
    TenantDataClass,
    number
  >;
}

/** The distinct retentions (lifecycle days, ascending) the tenants use: one lifecycle rule each. */
export function retentionDaysInUse(tenants: DeploymentConfig['tenants']): number[] {
  return [...new Set(tenants.flatMap((t) => Object.values(tenantRetentionDays(t)).filter((d) => d > 0)))].sort((a, b) => a - b);
}

/**
 * The `Tagging` value (x-amz-tagging) a write of a tenant's object of a class must carry, e.g. for the AWS SDK:
 * `new PutObjectCommand({ ..., Tagging: retentionTagging(config, 'acme', 'records') })`. Undefined for a class
 * that stores nothing.
 */
export function retentionTagging(config: DeploymentConfig, tenantId: string, dataClass: TenantDataClass): string | undefined {
  const tenant = config.tenants.find((t) => t.id === tenantId);
  if (!tenant) throw new Error(`retentionTagging: no tenant ${JSON.stringify(tenantId)} in the config`);
  const days = tenantRetentionDays(tenant)[dataClass];
  return days > 0 ? `${RETENTION_TAG}=${days}` : undefined;
}

/** A tenant's retention per data class, defaults filled in. */
export function tenantRetention(tenant: DeploymentConfig['tenants'][number]): Record<TenantDataClass, string> {
  return Object.fromEntries(TENANT_DATA_CLASSES.map((c) => [c, tenant.retention?.[c] ?? DEFAULT_TENANT_RETENTION[c]])) as Record<
    TenantDataClass,
    string
  >;
}
