/**
 * The secure defaults and legal minimums of hipaa-stack, each defined once with the HIPAA section(s)
 * (45 CFR Part 164) and the NIST SP 800-53 rev. 5 controls it serves. The config schema (defaults, minimums and
 * maximums), the constructs, the HIPAA.Strict rules, the stacks, the evidence pack and the runtime tools all read
 * these values; nothing else writes them. Plain data, no imports: Lambda handlers and CLIs load it too.
 *
 * Conversions (years → days) live in ./durations.ts.
 */

/** Where a threshold comes from: the HIPAA section(s) and NIST SP 800-53 rev. 5 controls it serves. */
export interface ThresholdReference {
  readonly hipaa: readonly string[];
  readonly nist: readonly string[];
  /** Why this value, in one sentence (and the AWS limit that bounds it, if any). */
  readonly why: string;
}

/** Years audit records are kept (S3 Object Lock COMPLIANCE, CloudWatch Logs of the audit class). */
export const AUDIT_RETENTION_YEARS = {
  /** HIPAA keeps required documentation six years from creation or last effect: 45 CFR 164.316(b)(2)(i). */
  min: 6,
  /** The config's default. */
  default: 7,
  /** The config's maximum: the longest CloudWatch Logs retention below "never expire" is 3653 days (10 years). */
  max: 10,
  /** The most the constructs accept on their own (WormAuditBucket, the sealer, the runtime tools). */
  constructMax: 100,
  hipaa: ['164.316(b)(2)(i)', '164.312(b)', '164.312(c)(1)'],
  nist: ['AU-11', 'AU-9', 'SI-12'],
  why: 'Audit records must outlive the six-year documentation retention; Object Lock keeps them unalterable that long.',
} as const;

/** Shortest retention of any log group (operational logs; audit-class log groups keep the audit years). */
export const LOG_RETENTION_DAYS = {
  min: 365,
  hipaa: ['164.312(b)', '164.308(a)(1)(ii)(D)'],
  nist: ['AU-11', 'AU-6'],
  why: 'Activity review needs a year of logs at hand; shorter retention loses the trail of a slow breach.',
} as const;

/** Days each backup is kept (AWS Backup plan rules, copies and the Vault Lock minimum). */
export const BACKUP_RETENTION_DAYS = {
  min: 35,
  default: 35,
  /** Ten years: AWS Backup accepts more, but a Vault Lock minimum above it is seldom meant. */
  max: 3650,
  hipaa: ['164.308(a)(7)(ii)(A)', '164.308(a)(7)(ii)(B)', '164.310(d)(2)(iv)'],
  nist: ['CP-9', 'CP-10', 'CP-6'],
  why: 'Five weeks of restorable copies, so corruption noticed late can still be undone.',
} as const;

/** Point-in-time recovery window of the database (RDS automated backups). */
export const RDS_BACKUP_RETENTION_DAYS = {
  /** The shortest the HipaaPostgres construct accepts. */
  min: 7,
  /** The longest automated-backup window RDS offers (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.BackupRetention.html). */
  max: 35,
  hipaa: ['164.308(a)(7)(ii)(A)', '164.308(a)(7)(ii)(B)'],
  nist: ['CP-9', 'CP-10'],
  why: 'Point-in-time recovery as far back as RDS allows; longer history comes from AWS Backup.',
} as const;

/** The database's point-in-time recovery window for a backup retention: as long as RDS allows, up to the retention. */
export function rdsBackupRetentionDaysFor(backupRetentionDays: number): number {
  return Math.min(backupRetentionDays, RDS_BACKUP_RETENTION_DAYS.max);
}

/** Days versioned buckets keep an overwritten or deleted object version (PHI and access-log buckets). */
export const NONCURRENT_VERSION_DAYS = {
  default: 30,
  hipaa: ['164.312(c)(1)', '164.308(a)(7)(ii)(A)'],
  nist: ['SI-12', 'CP-9'],
  why: 'An overwrite or delete by mistake or malice can be undone for a month; daily backups keep longer history.',
} as const;

/** Vault Lock grace period: days after which a compliance-mode lock can no longer be changed or removed. */
export const VAULT_LOCK_CHANGEABLE_FOR_DAYS = {
  /** AWS Backup's minimum grace period for compliance mode is 3 days (ChangeableForDays). */
  default: 3,
  hipaa: ['164.308(a)(7)(ii)(A)', '164.312(c)(1)'],
  nist: ['CP-9', 'SI-12'],
  why: 'The shortest grace period AWS allows: the lock becomes immutable as soon as possible.',
} as const;

/** KMS key deletion window (PendingWindowInDays). */
export const KMS_KEY_DELETION_WINDOW_DAYS = {
  /** What every key of ours uses and the HIPAA.Strict rule requires: the longest window KMS allows. */
  required: 30,
  /** KMS accepts 7 to 30 days (https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html). */
  awsMin: 7,
  awsMax: 30,
  hipaa: ['164.308(a)(7)(ii)(A)', '164.312(a)(2)(iv)'],
  nist: ['SC-12', 'CP-9'],
  why: 'Deleting a key destroys every ciphertext under it; the longest window gives the most time to cancel.',
} as const;

/** Automatic rotation period of customer-managed KMS keys. */
export const KMS_KEY_ROTATION_DAYS = {
  default: 365,
  hipaa: ['164.312(a)(2)(iv)'],
  nist: ['SC-12', 'SC-28'],
  why: 'Yearly rotation of key material limits how much data one key version protects.',
} as const;

/** Days between rotations of the database master password (Secrets Manager). */
export const SECRET_ROTATION_DAYS = {
  default: 30,
  hipaa: ['164.312(d)', '164.308(a)(5)(ii)(D)'],
  nist: ['IA-5(1)', 'IA-5'],
  why: 'A leaked credential stops working within a month.',
} as const;

/** Transport security: listener TLS policies and HSTS. */
export const TLS = {
  /** The oldest protocol version any endpoint of ours accepts. */
  minVersion: '1.2',
  /**
   * Load balancer security policies allowed on our listeners: TLS 1.3 policies whose minimum protocol is TLS 1.2
   * or 1.3 (the TLS13-1-0 and TLS13-1-1 variants still accept TLS 1.0 and 1.1). The first is the default
   * (aws-cdk-lib `SslPolicy.RECOMMENDED_TLS`). Policies: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
   */
  elbPolicies: [
    'ELBSecurityPolicy-TLS13-1-2-2021-06',
    'ELBSecurityPolicy-TLS13-1-3-2021-06',
    'ELBSecurityPolicy-TLS13-1-2-PQ-2025-09',
    'ELBSecurityPolicy-TLS13-1-3-PQ-2025-09',
    'ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04',
    'ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04',
  ],
  /** The shortest HSTS max-age we send: one year, in seconds. */
  hstsMinMaxAgeSeconds: 31_536_000,
  hipaa: ['164.312(e)(1)', '164.312(e)(2)(ii)'],
  nist: ['SC-8', 'SC-8(1)', 'SC-13', 'SC-23'],
  why: 'TLS 1.0 and 1.1 are deprecated (RFC 8996) and fail NIST SP 800-52r2; HSTS closes the downgrade window.',
} as const;

/** Minutes between signed audit checkpoints (the window in which a forgery by the audit writer is not yet detectable). */
export const AUDIT_SIGNING_PERIOD_MINUTES = {
  min: 5,
  default: 60,
  /** One day: the longest window in which forged audit records go undetected. */
  max: 1440,
  hipaa: ['164.312(c)(1)', '164.312(c)(2)', '164.312(b)'],
  nist: ['AU-9(3)', 'AU-10', 'SI-7'],
  why: 'A signed checkpoint every hour bounds how long a forged record could go unnoticed.',
} as const;

/** Retention of tenant data (per class): at most this many years, as the config's `<n>y` values. */
export const TENANT_DATA_RETENTION_YEARS = {
  max: 7,
  hipaa: ['164.310(d)(2)(i)', '164.316(b)(2)(i)'],
  nist: ['SI-12', 'MP-6'],
  why: 'PHI is kept no longer than the longest medical-records retention we support, then deleted.',
} as const;

/** Every threshold above by name, for the evidence pack and docs (value fields and references together). */
export const THRESHOLDS = {
  auditRetentionYears: AUDIT_RETENTION_YEARS,
  logRetentionDays: LOG_RETENTION_DAYS,
  backupRetentionDays: BACKUP_RETENTION_DAYS,
  rdsBackupRetentionDays: RDS_BACKUP_RETENTION_DAYS,
  vaultLockChangeableForDays: VAULT_LOCK_CHANGEABLE_FOR_DAYS,
  kmsKeyDeletionWindowDays: KMS_KEY_DELETION_WINDOW_DAYS,
  kmsKeyRotationDays: KMS_KEY_ROTATION_DAYS,
  secretRotationDays: SECRET_ROTATION_DAYS,
  tls: TLS,
  auditSigningPeriodMinutes: AUDIT_SIGNING_PERIOD_MINUTES,
  tenantDataRetentionYears: TENANT_DATA_RETENTION_YEARS,
  noncurrentVersionDays: NONCURRENT_VERSION_DAYS,
} as const satisfies Record<string, ThresholdReference>;

/** The audit checkpoint sealer runs one at a time (a fixed reservation, not configurable). */
export const SEALER_RESERVED_CONCURRENCY = 1;
