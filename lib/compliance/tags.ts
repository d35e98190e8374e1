/**
 * Tags our constructs put on resources so that rules reading the template (ours, and an auditor's) know
 * what a resource holds. They are visible in the synthesized template and in the AWS console.
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

/**
 * Object tag every tenant object in the PHI bucket carries: its retention in whole days. The bucket has one
 * lifecycle rule per value in use (constructs/phi-data-bucket.ts); each tenant's access point refuses a write
 * whose tag is not the retention of the class it writes to (constructs/tenant-resources.ts).
 */
export const RETENTION_TAG = 'hipaa-retention-days';
