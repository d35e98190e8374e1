import { Annotations, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acceptFinding } from '../lib/baseline/acknowledge';

export interface SecureBucketProps {
  /**
   * Customer-managed key for SSE-KMS (bucket key on). Leave it out only for a bucket that AWS services
   * can write with SSE-S3 alone (access logs), and then say why in `sseS3Reason`.
   * @default - SSE-KMS is required
   */
  readonly encryptionKey?: kms.IKey;
  /** Why this bucket uses SSE-S3 (AES-256) rather than a customer-managed key; required without a key. */
  readonly sseS3Reason?: string;
  /**
   * Bucket that receives this bucket's server access logs.
   * @default - no access logging; only for the access-log bucket itself
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /**
   * Prefix of this bucket's access logs in the log bucket (under `s3/`).
   * @default - `s3/<construct id>/`
   */
  readonly serverAccessLogsPrefix?: string;
  /** Lifecycle rules (required: every bucket states how long its objects live). */
  readonly lifecycleRules: s3.LifecycleRule[];
  /**
   * Turn on S3 Object Lock (the bucket must then be versioned, which it always is).
   * @default false
   */
  readonly objectLockEnabled?: boolean;
}

/**
 * The settings every bucket of this project shares: encryption at rest (SSE-KMS by default), versioning,
 * all public access blocked, ACLs disabled, TLS 1.2+ only, S3 events to EventBridge, server access logs,
 * a lifecycle, RETAIN.
 */
export class SecureBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    if (!props.encryptionKey && !props.sseS3Reason) {
      throw new Error(`SecureBucket ${this.node.path}: encryptionKey is required unless sseS3Reason says why SSE-S3 must be used`);
    }
    if (props.lifecycleRules.length === 0) {
      throw new Error(`SecureBucket ${this.node.path}: lifecycleRules must state how long objects live`);
    }
    const logTarget = props.serverAccessLogsBucket
      ? // Imported reference: CDK then adds no per-source statement to the log bucket's policy (which would
        // create a cross-stack cycle); the log bucket admits every bucket of the account instead.
        s3.Bucket.fromBucketAttributes(this, 'AccessLogTarget', {
          bucketArn: props.serverAccessLogsBucket.bucketArn,
          bucketName: props.serverAccessLogsBucket.bucketName,
        })
      : undefined;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: props.encryptionKey ? true : undefined,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      objectLockEnabled: props.objectLockEnabled,
      serverAccessLogsBucket: logTarget,
      serverAccessLogsPrefix: logTarget ? (props.serverAccessLogsPrefix ?? `s3/${id}/`) : undefined,
      lifecycleRules: props.lifecycleRules,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Object-level events (deletes, retention changes) go to EventBridge natively, without the custom
    // resource the L2 `eventBridgeEnabled` would add.
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    if (logTarget && Stack.of(props.serverAccessLogsBucket!) !== Stack.of(this)) {
      acceptFinding(this.bucket.node.defaultChild!, {
        ruleId: 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check',
        reason:
          'CT.S3.PR.2 accepts only a literal log bucket name or a reference inside the same template; the access-log bucket lives in the Audit stack, so the name is a cross-stack reference the rule cannot follow.',
        compensatingControl:
          'LoggingConfiguration names the access-log bucket (SecureBucket sets it); cdk-nag HIPAA.Security-S3BucketLoggingEnabled resolves it and passes',
      });
    }
    if (logTarget) {
      Annotations.of(this.bucket).acknowledgeWarning(
        '@aws-cdk/aws-s3:accessLogsPolicyNotAdded',
        'The log bucket policy admits S3 server access logs from every bucket of this account (AccessLogBucket).',
      );
    }
  }
}
