import { Duration, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acceptFinding, acceptNagFinding } from '../lib/baseline/acknowledge';
import { DATA_CLASS_TAG, DataClass } from '../lib/baseline/contract';
import { LOG_RETENTION_DAYS, NONCURRENT_VERSION_DAYS } from '../lib/baseline/thresholds';
import { SecureBucket } from './secure-bucket';

export interface AccessLogBucketProps {
  /** Days access-log objects are kept before they expire (at least 365). */
  readonly retentionDays: number;
}

const SSE_S3_REASON =
  'S3 server access logging and ALB access logging deliver only to buckets whose default encryption is SSE-S3 (AES-256); SSE-KMS targets are not supported by those AWS services.';

/**
 * The bucket that receives S3 server access logs and load balancer access logs.
 *
 * SSE-S3 (AES-256) is the one documented exception to SSE-KMS in this project: the log-delivery services
 * cannot write to anything else. Everything else is locked down (see SecureBucket); logs are kept
 * `retentionDays`.
 */
export class AccessLogBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < LOG_RETENTION_DAYS.min) {
      throw new Error(`AccessLogBucket retentionDays ${props.retentionDays} must be an integer of at least ${LOG_RETENTION_DAYS.min}`);
    }
    this.bucket = new SecureBucket(this, 'Secure', {
      sseS3Reason: SSE_S3_REASON,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(props.retentionDays),
          noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS.default),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    }).bucket;
    Tags.of(this.bucket).add(DATA_CLASS_TAG, DataClass.ACCESS_LOGS);
    // S3 server access logs from any bucket of this account (no per-bucket statement, so buckets in other
    // stacks can log here without a cross-stack cycle).
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowS3ServerAccessLogsOfThisAccount',
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('s3/*')],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );

    const resource = this.bucket.node.defaultChild!;
    const sameControls = 'versioning, all public access blocked, TLS-only bucket policy and RETAIN';
    const sseS3 = {
      reason: SSE_S3_REASON,
      compensatingControl: 'SSE-S3 AES-256 encryption at rest on every object; access logs hold request metadata, not PHI',
    };
    acceptNagFinding(resource, 'S3DefaultEncryptionKMS', sseS3);
    acceptFinding(resource, { ...sseS3, ruleId: 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check' });
    acceptFinding(resource, {
      ruleId: 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check',
      reason: 'This is the access-log bucket; logging it into itself would log its own log deliveries in a loop.',
      compensatingControl: `CloudTrail S3 data events record every object-level API call on it; ${sameControls}`,
    });
    acceptFinding(resource, {
      ruleId: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
      reason: 'S3 server access logs cannot be delivered to a bucket with an Object Lock default retention.',
      compensatingControl: `versioning keeps every overwritten or deleted log object for ${NONCURRENT_VERSION_DAYS.default} days, CloudTrail S3 data events record every delete; ${sameControls}`,
    });
    acceptNagFinding(resource, 'S3BucketReplicationEnabled', {
      reason: 'Access logs are operational request metadata; cross-region replication of them is not required for recovery of PHI.',
      compensatingControl: `S3 stores objects redundantly across at least three availability zones; ${sameControls}`,
    });
  }
}
