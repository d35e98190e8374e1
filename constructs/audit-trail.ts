import { Aws, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from './encrypted-log-group';
import { ManagedPolicyRole } from './managed-policy-role';

export interface AuditTrailProps {
  /** Physical trail name (fixed so the bucket policy can name the trail in `aws:SourceArn`). */
  readonly trailName: string;
  /** The write-once bucket receiving the log files (the trail writes under `cloudtrail/`). */
  readonly bucket: s3.IBucket;
  /** Customer-managed key for the log files and the log group; must admit CloudTrail and CloudWatch Logs. */
  readonly encryptionKey: kms.IKey;
  /**
   * Alias name (`alias/...`) of `encryptionKey`. CloudTrail accepts an alias name: a literal that rule
   * engines can read even when the key lives in another stack.
   * @default - the key ARN
   */
  readonly encryptionKeyAliasName?: string;
  /** Retention of the CloudWatch copy, in days (at least the audit retention). */
  readonly logRetentionDays: number;
  /**
   * Log S3 object-level (data) events of every bucket in the account, PHI and audit buckets included.
   * @default true
   */
  readonly s3DataEvents?: boolean;
}

/**
 * A multi-region CloudTrail trail with log file validation (a signed SHA-256 digest chain), KMS
 * encryption, delivery into a WORM bucket and into an encrypted CloudWatch log group, and S3 data events.
 *
 * Built on the L1 resource so that the CloudWatch Logs delivery role uses a managed policy (the L2 writes
 * an inline one) and so the bucket policy can pin the exact trail ARN.
 */
export class AuditTrail extends Construct {
  public readonly trail: cloudtrail.CfnTrail;
  public readonly logGroup: logs.LogGroup;
  public readonly trailArn: string;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.trailArn = stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: props.trailName });

    this.logGroup = new EncryptedLogGroup(this, 'Logs', {
      encryptionKey: props.encryptionKey,
      retentionDays: props.logRetentionDays,
      audit: true,
    }).logGroup;

    const deliveryRole = new ManagedPolicyRole(this, 'LogsDeliveryRole', {
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceArn': this.trailArn } },
      }),
      description: 'CloudTrail delivers events into the audit log group',
    });
    deliveryRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${this.logGroup.logGroupArn}`],
      }),
    );

    const bucketPolicyResults = [
      props.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudTrailAclCheck',
          principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
          actions: ['s3:GetBucketAcl'],
          resources: [props.bucket.bucketArn],
          conditions: { StringEquals: { 'aws:SourceArn': this.trailArn } },
        }),
      ),
      props.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudTrailWrite',
          principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
          actions: ['s3:PutObject'],
          resources: [props.bucket.arnForObjects(`cloudtrail/AWSLogs/${Aws.ACCOUNT_ID}/*`)],
          conditions: {
            StringEquals: { 'aws:SourceArn': this.trailArn, 's3:x-amz-acl': 'bucket-owner-full-control' },
          },
        }),
      ),
    ];

    this.trail = new cloudtrail.CfnTrail(this, 'Trail', {
      trailName: props.trailName,
      isLogging: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      kmsKeyId: props.encryptionKeyAliasName ?? props.encryptionKey.keyArn,
      s3BucketName: props.bucket.bucketName,
      s3KeyPrefix: 'cloudtrail',
      cloudWatchLogsLogGroupArn: this.logGroup.logGroupArn,
      cloudWatchLogsRoleArn: deliveryRole.roleArn,
      eventSelectors: [
        {
          includeManagementEvents: true,
          readWriteType: 'All',
          dataResources: props.s3DataEvents === false ? undefined : [{ type: 'AWS::S3::Object', values: [`arn:${Aws.PARTITION}:s3`] }],
        },
      ],
    });
    for (const r of bucketPolicyResults) {
      if (r.policyDependable) this.trail.node.addDependency(r.policyDependable);
    }
    this.trail.node.addDependency(deliveryRole);
  }
}
