/**
 * Names of the Audit stack's outputs that the audit tools read (cdk deploy --outputs-file): defined once, used by
 * the stack that exports them and the CLIs that read them.
 */
export const AUDIT_OUTPUTS = {
  bucket: 'AuditBucketName',
  retentionYears: 'AuditRetentionYears',
  checkpointKey: 'AuditCheckpointKeyArn',
} as const;

/** Key prefix under which every audit writer's chains live: the stacks grant writers this prefix only. */
export const AUDIT_RECORD_PREFIX = 'audit/tenants/';
