import { concurrencyQuotaExplained, DEFAULT_RESERVED_CONCURRENCY } from './concurrency';
import { z } from 'zod';
import { vpcCidrProblems } from './cidr';
import { DEFAULT_POSTGRES_VERSION, RDS_POSTGRES_VERSIONS, RDS_POSTGRES_VERSIONS_CHECKED_ON } from './postgres-versions';
import { ALLOWED_REGION_NAMES, ALLOWED_REGIONS } from './regions';
import { maxTenantsPerShard, overfullShards, TENANT_STACK_RESOURCES } from './shards';

/** Audit retention in years → the CloudWatch Logs retention (days) that covers it. */
export const AUDIT_YEARS_TO_LOG_DAYS: Readonly<Record<number, number>> = {
  6: 2192,
  7: 2557,
  8: 2922,
  9: 3288,
  10: 3653,
};

/**
 * Values that cannot be changed after the first deploy, and why. Named in every message about them and in
 * docs/configuration.md, so nobody learns it from a failed update.
 */
export const IMMUTABLE = {
  auditRetentionYears:
    "Set it right before the first deploy: the audit bucket's S3 Object Lock COMPLIANCE retention cannot be shortened for anything already written, by anyone.",
  backupRetentionDays:
    "Set it right before the first deploy: once the Vault Lock grace period (3 days) ends, the vaults' minimum retention cannot be changed, by anyone.",
} as const;

/** Audit retention the config accepts, in years: the HIPAA minimum (45 CFR 164.316(b)(2)(i)) to the longest log retention. */
export const AUDIT_RETENTION_YEARS = { min: 6, max: 10 } as const;

/** The longest automated-backup (point-in-time recovery) window RDS offers. */
export const RDS_MAX_BACKUP_RETENTION_DAYS = 35;

/**
 * Tenant ids: 3-32 lower-case letters and digits, starting with a letter. Such an id is at once a DNS label
 * (RFC 1123, at most 63), a safe S3 key prefix (`tenants/<id>/`, no `/`, `.` or `..`), part of an S3 access
 * point name (`<id>-<6 hex>`, 3-50 characters) and, as `tenant_<id>`, an unquoted PostgreSQL identifier
 * (at most 63 bytes, never a reserved word). test/config-corpus.test.ts checks all four for any such id.
 */
export const TENANT_ID = /^[a-z][a-z0-9]{2,31}$/;
const TENANT_ID_RULE =
  'must be 3-32 characters: lower-case letters and digits, starting with a letter (it becomes a DNS label, an S3 prefix and a PostgreSQL schema name)';

/** Classes of tenant data, each stored under `tenants/<id>/<class>/` with its own retention. */
export const TENANT_DATA_CLASSES = ['records', 'documents', 'exports'] as const;
export type TenantDataClass = (typeof TENANT_DATA_CLASSES)[number];
/** Retention of each class when a tenant's config does not say. */
export const DEFAULT_TENANT_RETENTION: Readonly<Record<TenantDataClass, string>> = { records: '7y', documents: '7y', exports: '30d' };
/** Retention values: `none` (store nothing), or 1 hour to 7 years as `<n>h`, `<n>d` or `<n>y`. */
const RETENTION = /^(none|[1-9]\d{0,5}[hdy])$/;
const MAX_RETENTION_HOURS = 7 * 366 * 24;

/** Hours of a retention value (0 for `none`). */
export function retentionHours(value: string): number {
  if (value === 'none') return 0;
  const n = Number(value.slice(0, -1));
  return { h: n, d: n * 24, y: n * 366 * 24 }[value.slice(-1) as 'h' | 'd' | 'y'];
}

/**
 * Days an S3 lifecycle rule keeps an object for a retention value. S3 lifecycle works in whole days, so
 * retentions under a day expire after one day (objects are removed within a day of expiring). `none`: 0.
 */
export function retentionLifecycleDays(value: string): number {
  const hours = retentionHours(value);
  return hours === 0 ? 0 : Math.max(1, Math.ceil(hours / 24));
}
export const ENV_NAME = /^[a-z][a-z0-9-]{1,18}[a-z0-9]$/;
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
  auditRetentionYears: `Years audit records are locked and kept (6 to 10). ${IMMUTABLE.auditRetentionYears}`,
  auditSigningPeriodMinutes:
    'Minutes between signed audit checkpoints (5 to 1440): records newer than the last checkpoint are reported as unsealed. Default: 60.',
  backupRetentionDays: `Days each backup is kept and Vault Lock minimum (35 to 3650). ${IMMUTABLE.backupRetentionDays}`,
  guardDuty: 'GuardDuty detector: {"enabled": true} by default.',
  waf: 'WAF rate limits and the paths with a stricter limit.',
  workers: `Lambda reserved concurrency per function: {"reservedConcurrency": ${JSON.stringify(DEFAULT_RESERVED_CONCURRENCY)}}; the account's Lambda concurrency quota must be at least 100 + their sum + 1 (the audit checkpoint sealer): ${concurrencyQuotaExplained(DEFAULT_RESERVED_CONCURRENCY)} with the defaults.`,
  tenants: 'Tenants, each with its own key, access point, role and database schema: [{"id": "acme", "retention": {...}}].',
  tenantShards: 'Number of tenant stacks tenants are spread over by a hash of their id (1 to 32). Default: 8.',
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
        .int({ error: 'must be a whole number of years from 6 to 10' })
        .min(6, { error: `must be at least 6 years (45 CFR 164.316(b)(2)(i)); allowed: 6 to 10. ${IMMUTABLE.auditRetentionYears}` })
        .max(10, {
          error: `must be at most 10 years (the longest CloudWatch Logs retention below "never expire"); allowed: 6 to 10. ${IMMUTABLE.auditRetentionYears}`,
        })
        .default(7),
      /** Minutes between signed audit checkpoints: the window in which a forgery by the audit writer is not yet detectable. */
      auditSigningPeriodMinutes: z
        .number()
        .int({ error: 'must be a whole number of minutes from 5 to 1440' })
        .min(5, { error: 'must be at least 5 minutes; allowed: 5 to 1440' })
        .max(1440, {
          error:
            'must be at most 1440 minutes (one day): the longest window in which forged audit records go undetected; allowed: 5 to 1440',
        })
        .default(60),
      backupRetentionDays: z
        .number()
        .int({ error: `must be a whole number of days from 35 to 3650. ${IMMUTABLE.backupRetentionDays}` })
        .min(35, { error: `must be at least 35 days; allowed: 35 to 3650. ${IMMUTABLE.backupRetentionDays}` })
        .max(3650, { error: `must be at most 3650 days; allowed: 35 to 3650. ${IMMUTABLE.backupRetentionDays}` })
        .default(35),
      guardDuty: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
      waf: waf.prefault({}),
      workers: workers.prefault({}),
      tenants: z
        .array(
          z.strictObject({
            id: z.string().regex(TENANT_ID, { error: TENANT_ID_RULE }),
            retention: z
              .strictObject(
                Object.fromEntries(
                  TENANT_DATA_CLASSES.map((c) => [
                    c,
                    z
                      .string()
                      .regex(RETENTION, {
                        error: 'must be "none" (store nothing) or a duration such as 1h, 30d, 7y (from 1 hour to 7 years)',
                      })
                      .refine((v) => retentionHours(v) <= MAX_RETENTION_HOURS, { error: 'must be at most 7 years' })
                      .optional(),
                  ]),
                ) as Record<TenantDataClass, z.ZodOptional<z.ZodString>>,
              )
              .optional(),
          }),
        )
        .default([]),
      tenantShards: z
        .number()
        .int()
        .min(1, { error: 'must be an integer from 1 to 32' })
        .max(32, { error: 'must be an integer from 1 to 32' })
        .default(8),
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
  const shards = c.tenantShards === undefined ? 8 : c.tenantShards;
  if (isInt(shards) && shards >= 1 && shards <= 32) {
    for (const [k, inShard] of overfullShards(ids, shards)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tenants'],
        input: `${inShard.length} tenants in shard ${k}`,
        message:
          `shard ${k} of ${shards} would hold ${inShard.length} tenants (${inShard.slice(0, 5).join(', ')}${inShard.length > 5 ? ', ...' : ''}), ` +
          `but a tenant stack holds at most ${maxTenantsPerShard()} (${TENANT_STACK_RESOURCES.perTenant} resources each, CloudFormation's limit of 500 per stack); ` +
          'raise tenantShards (before the first deploy: changing it later moves tenants between stacks, a migration)',
      });
    }
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

/** CloudWatch Logs retention in days for audit-class log groups. */
export function auditLogRetentionDays(config: DeploymentConfig): number {
  return AUDIT_YEARS_TO_LOG_DAYS[config.auditRetentionYears];
}

/** A tenant's retention per data class, defaults filled in. */
export function tenantRetention(tenant: DeploymentConfig['tenants'][number]): Record<TenantDataClass, string> {
  return Object.fromEntries(TENANT_DATA_CLASSES.map((c) => [c, tenant.retention?.[c] ?? DEFAULT_TENANT_RETENTION[c]])) as Record<
    TenantDataClass,
    string
  >;
}
