import { Duration, Lazy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DATA_CLASS_TAG, DataClass } from '../lib/baseline/contract';
import { NONCURRENT_VERSION_DAYS } from '../lib/baseline/thresholds';
import { SecureBucket } from './secure-bucket';

export interface TenantLifecycle {
  readonly tenantId: string;
  /** Days per data class (0: the class stores nothing, so it needs no rule). */
  readonly days: Record<string, number>;
}

export interface PhiDataBucketProps {
  /** Default key (objects under a tenant prefix are written with the tenant's key, enforced by its access point). */
  readonly encryptionKey: kms.IKey;
  readonly serverAccessLogsBucket: s3.IBucket;
  /** Per-tenant, per-class retention enforced by lifecycle rules on `tenants/<id>/<class>/`. */
  readonly tenants: TenantLifecycle[];
}

/**
 * The PHI data bucket (45 CFR 164.312(a)(1), (a)(2)(iv)): every tenant has its own prefix, reached only
 * through its own access point (the bucket policy delegates object access to access points of this
 * account and nothing else), with retention per tenant and data class enforced at the storage layer.
 */
export class PhiDataBucket extends Construct {
  public readonly bucket: s3.Bucket;
  private readonly directAccessRoleArns: string[] = [];

  constructor(scope: Construct, id: string, props: PhiDataBucketProps) {
    super(scope, id);
    if (props.tenants.length * 3 > 990)
      throw new Error(`PhiDataBucket: ${props.tenants.length} tenants need more than the 1000 lifecycle rules S3 allows`);
    const rules: s3.LifecycleRule[] = [
      {
        id: 'abort-incomplete-uploads',
        abortIncompleteMultipartUploadAfter: Duration.days(1),
        noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS.default),
      },
    ];
    for (const t of props.tenants) {
      for (const [cls, days] of Object.entries(t.days)) {
        if (days > 0) rules.push({ id: `${t.tenantId}-${cls}`, prefix: `tenants/${t.tenantId}/${cls}/`, expiration: Duration.days(days) });
      }
    }
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
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'],
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
