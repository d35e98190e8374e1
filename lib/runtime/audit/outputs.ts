/**
 * Names of the Audit stack's outputs that the audit tools read (cdk deploy --outputs-file): defined once, used by
 * the stack that exports them and the CLIs that read them.
 */
export const AUDIT_OUTPUTS = {
  bucket: 'AuditBucketName',
  retentionYears: 'AuditRetentionYears',
  checkpointKey: 'AuditCheckpointKeyArn',
} as const;
