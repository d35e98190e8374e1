/**
 * The names the deployed stacks and the runtime tools share: stack ids, stack output names, tag names, id formats
 * and the key layout of the audit bucket. The stacks and constructs write them, the runtime tools (audit writer,
 * verifiers, live-verify, offboarding), the compliance rules and the evidence read them; neither side imports the
 * other. Plain data and pure functions, no imports: Lambda handlers bundle it.
 */

/** Ids of the stacks of one environment (lib/stage.ts); CloudFormation names them `<environment>-<id>`. */
export const STACK_IDS = {
  keys: 'Keys',
  network: 'Network',
  audit: 'Audit',
  drBackup: 'DrBackup',
  data: 'Data',
  workers: 'Workers',
  edge: 'Edge',
  monitoring: 'Monitoring',
} as const;

/** Id of tenant shard stack `k` (0-based). */
export const tenantStackId = (k: number) => `Tenants${k}`;

/** Environment names: 3-20 lower-case letters, digits and hyphens, starting with a letter (a stack-name prefix). */
export const ENV_NAME = /^[a-z][a-z0-9-]{1,18}[a-z0-9]$/;

/** A deployed stack name of this app: `<environment>-<stack id>`; group 1 is the environment. */
export const DEPLOYED_STACK_NAME = new RegExp(
  `^(${ENV_NAME.source.slice(1, -1)})-(${Object.values(STACK_IDS).join('|')}|Tenants\\d{1,2})$`,
);

/**
 * Tenant ids: 3-32 lower-case letters and digits, starting with a letter. Such an id is at once a DNS label
 * (RFC 1123, at most 63), a safe S3 key prefix (`tenants/<id>/`, no `/`, `.` or `..`), part of an S3 access
 * point name (`<id>-<6 hex>`, 3-50 characters) and, as `tenant_<id>`, an unquoted PostgreSQL identifier
 * (at most 63 bytes, never a reserved word). test/config-corpus.test.ts checks all four for any such id.
 */
export const TENANT_ID = /^[a-z][a-z0-9]{2,31}$/;

/**
 * The port the database listens on. Not the engine default 5432: Control Tower CT.RDS.PR.20 requires a
 * non-default port, so scans for 5432 find nothing here.
 */
export const DEFAULT_DATABASE_PORT = 5433;

/** Environment variables the stacks and constructs set for the Lambda handlers in lib/handlers/. */
export const HANDLER_ENV = {
  auditBucket: 'AUDIT_BUCKET',
  auditBucketKeyArn: 'AUDIT_BUCKET_KEY_ARN',
  auditKeyArn: 'AUDIT_KEY_ARN',
  checkpointKeyArn: 'CHECKPOINT_KEY_ARN',
  auditRetentionYears: 'AUDIT_RETENTION_YEARS',
  dbHost: 'DB_HOST',
  dbPort: 'DB_PORT',
  dbSecretArn: 'DB_SECRET_ARN',
  /** The queue consumer's audit writer slots (its reserved concurrency): one chain per tenant per slot. */
  auditWriterSlots: 'AUDIT_WRITER_SLOTS',
} as const;

/** Names of the stack outputs the runtime tools read (`cdk deploy --outputs-file`). */
export const STACK_OUTPUTS = {
  /** Audit stack: the WORM audit bucket. */
  auditBucket: 'AuditBucketName',
  /** Audit stack: years every audit object version is locked (audit:verify and live-verify check against it). */
  auditRetentionYears: 'AuditRetentionYears',
  /** Audit stack: the checkpoint signing key. */
  auditCheckpointKey: 'AuditCheckpointKeyArn',
  /** Keys stack: the customer-managed keys. */
  auditKey: 'AuditKeyArn',
  databaseKey: 'DatabaseKeyArn',
  backupKey: 'BackupKeyArn',
  appDataKey: 'AppDataKeyArn',
} as const;

/** The Keys stack's key outputs, in the order live-verify lists them. */
export const KEY_OUTPUTS = [STACK_OUTPUTS.auditKey, STACK_OUTPUTS.databaseKey, STACK_OUTPUTS.backupKey, STACK_OUTPUTS.appDataKey] as const;

/**
 * Tag telling rules reading the template (ours, and an auditor's) what a resource holds. Visible in the
 * synthesized template and in the AWS console.
 */
export const DATA_CLASS_TAG = 'hipaa-stack:data-class';

/** Values of DATA_CLASS_TAG. */
export const DataClass = {
  /** Audit records: WORM bucket, CloudTrail and database audit log groups (kept the audit years). */
  AUDIT: 'audit',
  /** Access logs written by AWS services that accept only SSE-S3 (the documented SSE-KMS exception). */
  ACCESS_LOGS: 'access-logs',
  /** Tenant PHI objects, each tenant under its own prefix. */
  PHI: 'phi',
} as const;

/** Tag on every tenant's resources naming the tenant; offboarding refuses a key not tagged with the tenant. */
export const TENANT_TAG = 'hipaa-stack:tenant';

/** The alias of a tenant's own KMS key in an environment (the tenant construct sets it, offboarding finds the key by it). */
export const tenantKeyAlias = (environment: string, tenant: string) => `alias/hipaa/${environment}/tenant/${tenant}`;

/** Key prefix of everything audit in the audit bucket. */
export const AUDIT_PREFIX = 'audit/';
/** Key prefix under which every audit writer's chains live: the stacks grant writers this prefix only. */
export const AUDIT_RECORD_PREFIX = `${AUDIT_PREFIX}tenants/`;
/** Key prefix of the signed checkpoints: only the sealer writes here. */
export const AUDIT_CHECKPOINT_PREFIX = `${AUDIT_PREFIX}checkpoints/`;

/** Key prefix of one writer's chain for one tenant. */
export const chainPrefix = (tenant: string, writerId: string) => `${AUDIT_RECORD_PREFIX}${tenant}/writers/${writerId}/`;
/** Key of the batch object whose first record has `seq`. */
export const batchKey = (tenant: string, writerId: string, seq: number) =>
  `${chainPrefix(tenant, writerId)}${String(seq).padStart(12, '0')}.jsonl`;
/** Key of the writer's head pointer (last sequence and hash written). */
export const headKey = (tenant: string, writerId: string) => `${chainPrefix(tenant, writerId)}HEAD.json`;
/** Key prefix of one writer's checkpoints for one tenant. */
export const checkpointPrefix = (tenant: string, writerId: string) => `${AUDIT_CHECKPOINT_PREFIX}${tenant}/${writerId}/`;

/**
 * Object tag every tenant object in the PHI bucket carries: its retention in whole days. The bucket has one
 * lifecycle rule per value in use (constructs/phi-data-bucket.ts); each tenant's access point refuses a write
 * whose tag is not the retention of the class it writes to (constructs/tenant-resources.ts).
 */
export const RETENTION_TAG = 'hipaa-retention-days';
