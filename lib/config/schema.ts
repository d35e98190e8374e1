import { z } from 'zod';
import { ALLOWED_REGION_NAMES, ALLOWED_REGIONS } from './regions';

/** Audit retention in years → the CloudWatch Logs retention (days) that covers it. */
export const AUDIT_YEARS_TO_LOG_DAYS: Readonly<Record<number, number>> = {
  6: 2192,
  7: 2557,
  8: 2922,
  9: 3288,
  10: 3653,
};

/** The longest automated-backup (point-in-time recovery) window RDS offers. */
export const RDS_MAX_BACKUP_RETENTION_DAYS = 35;

const TENANT_ID = /^[a-z][a-z0-9]{2,31}$/;

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
const ENV_NAME = /^[a-z][a-z0-9-]{1,18}[a-z0-9]$/;
const INSTANCE_CLASS = /^db\.(t4g|m6g|m6i|m7g|m7i|r6g|r6i|r7g|r7i)\.(medium|large|xlarge|[2-9]xlarge|1[0-9]xlarge|2[0-4]xlarge)$/;
const PG_VERSION = /^(14|15|16|17)\.\d{1,2}$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
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
    .string()
    .regex(PG_VERSION, { error: 'must be a PostgreSQL version "<major>.<minor>" with major 14 to 17, e.g. 16.4' })
    .default('16.4'),
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
 * keeps 100 of the account's concurrency quota unreserved, so deploying needs a quota of at least
 * 100 + the sum (default 10, so 110); new accounts start at 10 (docs/deploy-notes.md: request an increase).
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
    .strictObject({ api: reserved(4), consumer: reserved(4, 2), tenantDatabaseProvisioner: reserved(2) })
    .prefault({}),
});

export const deploymentConfigSchema = z
  .strictObject({
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
      .regex(/^10\.(\d{1,3})\.0\.0\/16$/, { error: 'must be a /16 inside 10.0.0.0/8, e.g. 10.40.0.0/16' })
      .default('10.40.0.0/16'),
    domainName: z.string().regex(DOMAIN, { error: 'must be a lower-case DNS name such as app.example.com' }),
    certificate,
    alertEmails: z.array(z.email({ error: 'must be an e-mail address' })).min(1, { error: 'must list at least one e-mail address' }),
    database: database.prefault({}),
    auditRetentionYears: z
      .number()
      .int({ error: 'must be a whole number of years from 6 to 10' })
      .min(6, { error: 'must be at least 6 years (45 CFR 164.316(b)(2)(i)); allowed: 6 to 10' })
      .max(10, { error: 'must be at most 10 years (the longest CloudWatch Logs retention below "never expire"); allowed: 6 to 10' })
      .default(7),
    backupRetentionDays: z
      .number()
      .int({ error: 'must be a whole number of days from 35 to 3650' })
      .min(35, { error: 'must be at least 35 days; allowed: 35 to 3650' })
      .max(3650, { error: 'must be at most 3650 days; allowed: 35 to 3650' })
      .default(35),
    guardDuty: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
    waf: waf.prefault({}),
    workers: workers.prefault({}),
    tenants: z
      .array(
        z.strictObject({
          id: z.string().regex(TENANT_ID, {
            error: 'must be 3-32 characters: lower-case letters and digits, starting with a letter',
          }),
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
  })
  .superRefine((c, ctx) => {
    if (c.drRegion === c.region) {
      ctx.addIssue({ code: 'custom', path: ['drRegion'], input: c.drRegion, message: 'must differ from region' });
    }
    if (c.database.maxAllocatedStorageGiB < c.database.allocatedStorageGiB) {
      ctx.addIssue({
        code: 'custom',
        path: ['database', 'maxAllocatedStorageGiB'],
        input: c.database.maxAllocatedStorageGiB,
        message: `must be at least database.allocatedStorageGiB (${c.database.allocatedStorageGiB})`,
      });
    }
    if (c.waf.sensitiveRateLimitPerFiveMinutes > c.waf.rateLimitPerFiveMinutes) {
      ctx.addIssue({
        code: 'custom',
        path: ['waf', 'sensitiveRateLimitPerFiveMinutes'],
        input: c.waf.sensitiveRateLimitPerFiveMinutes,
        message: `must not exceed waf.rateLimitPerFiveMinutes (${c.waf.rateLimitPerFiveMinutes})`,
      });
    }
    const seen = new Set<string>();
    c.tenants.forEach((t, i) => {
      if (seen.has(t.id)) {
        ctx.addIssue({ code: 'custom', path: ['tenants', i, 'id'], input: t.id, message: 'duplicates another tenant id' });
      }
      seen.add(t.id);
    });
    if (c.certificate.mode === 'create' && c.certificate.hostedZoneName) {
      const zone = c.certificate.hostedZoneName;
      if (c.domainName !== zone && !c.domainName.endsWith(`.${zone}`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['certificate', 'hostedZoneName'],
          input: zone,
          message: `must be domainName (${c.domainName}) or a parent of it`,
        });
      }
    }
    if (c.certificate.mode === 'create' && Boolean(c.certificate.hostedZoneId) !== Boolean(c.certificate.hostedZoneName)) {
      ctx.addIssue({
        code: 'custom',
        path: ['certificate'],
        input: c.certificate,
        message:
          'hostedZoneId and hostedZoneName go together: give both (records created for you) or neither (you add the validation records)',
      });
    }
  });

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
