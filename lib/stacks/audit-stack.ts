import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acceptNagFinding } from '../compliance/acknowledge';
import { AccessLogBucket } from '../../constructs/access-log-bucket';
import { AuditTrail } from '../../constructs/audit-trail';
import { daysCoveringYears, WormAuditBucket } from '../../constructs/worm-audit-bucket';

export interface AuditStackProps extends StackProps {
  readonly environmentName: string;
  /** Name of the multi-region trail (the audit key admits it by name). */
  readonly trailName: string;
  /** Key for the audit bucket, the trail and its log group. */
  readonly auditKey: kms.IKey;
  /** Alias name of the audit key. */
  readonly auditKeyAliasName: string;
  /** Years audit records are kept in write-once storage. */
  readonly auditRetentionYears: number;
  /** CloudWatch Logs retention (days) covering the audit years. */
  readonly auditLogRetentionDays: number;
}

/** The audit trail: WORM audit bucket, access-log bucket, multi-region CloudTrail. */
export class AuditStack extends Stack {
  public readonly auditBucket: s3.Bucket;
  public readonly accessLogBucket: s3.Bucket;
  public readonly trail: AuditTrail;

  constructor(scope: Construct, id: string, props: AuditStackProps) {
    super(scope, id, props);
    this.accessLogBucket = new AccessLogBucket(this, 'AccessLogs', {
      retentionDays: daysCoveringYears(props.auditRetentionYears),
    }).bucket;

    this.auditBucket = new WormAuditBucket(this, 'AuditBucket', {
      encryptionKey: props.auditKey,
      retentionYears: props.auditRetentionYears,
      serverAccessLogsBucket: this.accessLogBucket,
    }).bucket;

    acceptNagFinding(this.auditBucket.node.defaultChild!, 'S3BucketReplicationEnabled', {
      reason:
        'Cross-region replication of an Object Lock bucket needs a second locked bucket and key in the DR region, managed from a DR-region stack; not built yet.',
      compensatingControl:
        'Object Lock COMPLIANCE mode (no deletion or overwrite by anyone until retention ends), versioning, S3 multi-AZ durability, and a second independent copy of every CloudTrail event in the KMS-encrypted CloudWatch log group kept for the audit years',
    });
    new CfnOutput(this, 'AuditBucketName', {
      value: this.auditBucket.bucketName,
      description: 'WORM audit bucket (audit writer, audit:verify, live-verify)',
    });
    this.trail = new AuditTrail(this, 'Trail', {
      trailName: props.trailName,
      bucket: this.auditBucket,
      encryptionKey: props.auditKey,
      encryptionKeyAliasName: props.auditKeyAliasName,
      logRetentionDays: props.auditLogRetentionDays,
    });
  }
}
