import { Duration, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DATA_CLASS_TAG, DataClass } from '../lib/baseline/contract';
import { daysCoveringYears, retentionFloorDays } from '../lib/baseline/durations';
import { AUDIT_RETENTION_YEARS } from '../lib/baseline/thresholds';
import { SecureBucket } from './secure-bucket';

export interface WormAuditBucketProps {
  /** Customer-managed key for SSE-KMS (bucket key on). */
  readonly encryptionKey: kms.IKey;
  /** Object Lock default retention in years, COMPLIANCE mode: nobody, root included, can shorten it. */
  readonly retentionYears: number;
  /** Bucket receiving this bucket's S3 server access logs. */
  readonly serverAccessLogsBucket: s3.IBucket;
  /**
   * Days after which objects move to S3 Glacier Instant Retrieval (same durability, millisecond reads).
   * @default - 90
   */
  readonly transitionToGlacierIrAfterDays?: number;
}

// Part of the package's public API since before lib/baseline existed; the one definition is in lib/baseline/durations.ts.
export { daysCoveringYears, retentionFloorDays };

/** Sid of the bucket-policy statement that refuses an object retention shorter than the audit years. */
export const RETENTION_FLOOR_SID = 'DenyRetentionShorterThanAuditYears';

/**
 * Write-once-read-many storage for audit records (45 CFR 164.312(b), (c)(1), 164.316(b)(2)(i)).
 *
 * S3 Object Lock in COMPLIANCE mode with a default retention of `retentionYears` whole years; SSE-KMS with
 * a customer-managed key; and everything SecureBucket guarantees.
 *
 * What is kept is what is stated: every object version is locked for the audit years (the bucket default, or
 * a longer explicit retention; the bucket policy refuses a shorter one, {@link RETENTION_FLOOR_SID}). The
 * lifecycle makes the current version noncurrent after the audit years and expires noncurrent versions one
 * day after they become noncurrent; a lifecycle expiration never removes a version whose Object Lock
 * retention has not ended, so each version lives until its retain-until date and about a day longer, not
 * twice the years (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html#object-lock-managing-lifecycle).
 */
export class WormAuditBucket extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly retentionYears: number;

  constructor(scope: Construct, id: string, props: WormAuditBucketProps) {
    super(scope, id);
    const { min, constructMax } = AUDIT_RETENTION_YEARS;
    if (!Number.isInteger(props.retentionYears) || props.retentionYears < min || props.retentionYears > constructMax) {
      throw new Error(`WormAuditBucket retentionYears ${props.retentionYears} must be an integer from ${min} to ${constructMax}`);
    }
    this.retentionYears = props.retentionYears;
    const keepDays = daysCoveringYears(props.retentionYears);
    this.bucket = new SecureBucket(this, 'Secure', {
      encryptionKey: props.encryptionKey,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: 's3/audit/',
      objectLockEnabled: true,
      lifecycleRules: [
        {
          id: 'archive-then-expire-after-retention',
          transitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(props.transitionToGlacierIrAfterDays ?? 90),
            },
          ],
          expiration: Duration.days(keepDays),
          // Object Lock, not the lifecycle, keeps a noncurrent version until its retention ends.
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    }).bucket;
    // Nobody, the writers included, stores an object or sets a retention shorter than the audit years. The key
    // is present only on requests that carry a retention (x-amz-object-lock-retain-until-date, or
    // PutObjectRetention); a PUT that takes the bucket default has no such key, and a condition on an absent
    // key does not match, so the Deny leaves it alone
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html: the key restricts the minimum
    // and maximum allowable retention periods; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: RETENTION_FLOOR_SID,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject', 's3:PutObjectRetention'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: { NumericLessThan: { 's3:object-lock-remaining-retention-days': retentionFloorDays(props.retentionYears) } },
      }),
    );
    Tags.of(this.bucket).add(DATA_CLASS_TAG, DataClass.AUDIT);
    // Whole calendar years (365-day multiples fall short by the leap days); the L2 only renders days.
    (this.bucket.node.defaultChild as s3.CfnBucket).objectLockConfiguration = {
      objectLockEnabled: 'Enabled',
      rule: { defaultRetention: { mode: 'COMPLIANCE', years: props.retentionYears } },
    };
  }
}
