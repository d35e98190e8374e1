import { Duration, Lazy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DATA_CLASS_TAG, DataClass, RETENTION_TAG } from '../lib/baseline/contract';
import { NONCURRENT_VERSION_DAYS } from '../lib/baseline/thresholds';
import { SecureBucket } from './secure-bucket';

/** Lifecycle rules one S3 bucket may have; one is taken by the rule for incomplete uploads and old versions. */
const MAX_RETENTION_RULES = 999;

export interface PhiDataBucketProps {
  /** Default key (objects under a tenant prefix are written with the tenant's key, enforced by its access point). */
  readonly encryptionKey: kms.IKey;
  readonly serverAccessLogsBucket: s3.IBucket;
  /**
   * The distinct retentions (in days, each > 0) tenant objects may carry in their RETENTION_TAG tag: one
   * lifecycle rule each, expiring objects under `tenants/` with that tag. Their number is bounded by the
   * retention values in use, not by the number of tenants (at most 999).
   */
  readonly retentionDays: readonly number[];
}

/**
 * The PHI data bucket (45 CFR 164.312(a)(1), (a)(2)(iv)): every tenant has its own prefix, reached only
 * through its own access point (the bucket policy delegates object access to access points of this
 * account and nothing else), with retention per tenant and data class enforced at the storage layer: each
 * object's retention tag (required by the tenant's access point, constructs/tenant-resources.ts) selects the
 * lifecycle rule that expires it.
 */
export class PhiDataBucket extends Construct {
  public readonly bucket: s3.Bucket;
  private readonly directAccessRoleArns: string[] = [];

  constructor(scope: Construct, id: string, props: PhiDataBucketProps) {
    super(scope, id);
    const days = [...new Set(props.retentionDays)].sort((a, b) => a - b);
    const bad = days.filter((d) => !Number.isInteger(d) || d < 1);
    if (bad.length) throw new Error(`PhiDataBucket: retentionDays must be whole numbers of days from 1, got ${bad.join(', ')}`);
    if (days.length > MAX_RETENTION_RULES)
      throw new Error(
        `PhiDataBucket: ${days.length} distinct retentions need ${days.length} lifecycle rules, but S3 allows 1,000 per bucket (one is for incomplete uploads): at most ${MAX_RETENTION_RULES}`,
      );
    const rules: s3.LifecycleRule[] = [
      {
        id: 'abort-incomplete-uploads',
        abortIncompleteMultipartUploadAfter: Duration.days(1),
        noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS.default),
      },
      // One rule per retention value: prefix AND tag (https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-filters.html).
      ...days.map((d) => ({
        id: `retention-${d}d`,
        prefix: 'tenants/',
        tagFilters: { [RETENTION_TAG]: String(d) },
        expiration: Duration.days(d),
      })),
    ];
    this.bucket = new SecureBucket(this, 'Secure', {
      encryptionKey: props.encryptionKey,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: 's3/phi/',
      lifecycleRules: rules,
    }).bucket;
    Tags.of(this.bucket).add(DATA_CLASS_TAG, DataClass.PHI);
    // Object access only through an access point of this account (each tenant's own, see TenantResources),
    // except for the roles named with allowDirectAccess (AWS Backup). The two StringNotEquals keys are ANDed:
    // the Deny applies when the request comes through no access point of this account (also when the request
    // carries no s3:DataAccessPointAccount at all: a negated condition on a missing key is true) AND the
    // principal is not an exempted role.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyObjectAccessOutsideAccessPoints',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:GetObject*', 's3:PutObject*', 's3:DeleteObject*', 's3:RestoreObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: {
          StringNotEquals: {
            's3:DataAccessPointAccount': Stack.of(this).account,
            'aws:PrincipalArn': Lazy.list({ produce: () => this.directAccessRoleArns }, { omitEmpty: true }),
          },
        },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DelegateToAccessPointsOfThisAccount',
        principals: [new iam.AccountRootPrincipal()],
        // s3:PutObjectTagging: a PutObject that sets tags (the retention tag) needs it
        // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html, Permissions).
        actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject', 's3:ListBucket'],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
        conditions: { StringEquals: { 's3:DataAccessPointAccount': Stack.of(this).account } },
      }),
    );
  }

  /**
   * Let a role reach objects directly, not through an access point: for AWS Backup, whose backup and
   * restore requests go to the bucket itself. Named by exact role ARN (`aws:PrincipalArn`), never a pattern.
   * The role still needs its own permissions (AWS Backup's managed S3 backup and restore policies).
   */
  public allowDirectAccess(role: iam.IRole): void {
    this.directAccessRoleArns.push(role.roleArn);
  }
}
