import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { KMS_KEY_DELETION_WINDOW_DAYS, KMS_KEY_ROTATION_DAYS } from '../lib/baseline/thresholds';

/** KMS actions a service needs to encrypt and decrypt data under a key. */
export const KEY_USE_ACTIONS = ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];

export interface HipaaKeyProps {
  /** The class of data this key protects, e.g. `database`; used in the alias and description. */
  readonly dataClass: string;
  /**
   * Alias prefix, e.g. the environment name; the alias is `alias/<prefix>/<dataClass>`.
   * @default - `hipaa`
   */
  readonly aliasPrefix?: string;
  /**
   * The full alias name.
   * @default - `alias/<aliasPrefix>/<dataClass>`
   */
  readonly aliasName?: string;
  /**
   * Days KMS waits before deleting the key once deletion is scheduled.
   * @default - 30, the maximum: the longest window to notice and cancel a mistaken deletion
   */
  readonly pendingWindowDays?: number;
}

/**
 * A customer-managed KMS key for one class of protected data.
 *
 * Secure by default: annual rotation on, a 30-day deletion window, RETAIN on stack deletion, and a key
 * policy that delegates to IAM in this account only, refuses grants that are not for AWS resources, and
 * admits AWS service principals only through the `allow*` methods, each scoped to this account.
 */
export class HipaaKey extends Construct {
  public readonly key: kms.Key;
  /** The key's alias name, `alias/<prefix>/<dataClass>`: a literal other stacks can use without a reference. */
  public readonly aliasName: string;

  constructor(scope: Construct, id: string, props: HipaaKeyProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9-]{1,47}$/.test(props.dataClass)) {
      throw new Error(`HipaaKey dataClass "${props.dataClass}" must be lower-case letters, digits and hyphens`);
    }
    const { required, awsMin, awsMax } = KMS_KEY_DELETION_WINDOW_DAYS;
    const pendingWindowDays = props.pendingWindowDays ?? required;
    if (pendingWindowDays < awsMin || pendingWindowDays > awsMax) {
      throw new Error(`HipaaKey pendingWindowDays ${pendingWindowDays} must be from ${awsMin} to ${awsMax}`);
    }
    this.key = new kms.Key(this, 'Key', {
      description: `hipaa-stack: customer-managed key for ${props.dataClass} data`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(KMS_KEY_ROTATION_DAYS.default),
      pendingWindow: Duration.days(pendingWindowDays),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.aliasName = props.aliasName ?? `alias/${props.aliasPrefix ?? 'hipaa'}/${props.dataClass}`;
    this.key.addAlias(this.aliasName);
    // Grants let a grantee use the key without a key-policy change; only AWS services, or principals
    // creating a grant for an AWS resource (RDS, EBS, Secrets Manager, ...), may create them (CT.KMS.PR.3).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyGrantsNotForAwsResources',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );
  }

  /** Let CloudWatch Logs in this region encrypt log groups of this account with the key. */
  public allowCloudWatchLogs(): void {
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: KEY_USE_ACTIONS,
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }

  /**
   * Let CloudTrail encrypt the trails of this account with the key. With `trailArns`, also let CloudTrail
   * decrypt with it for those trails only (`aws:SourceArn`): CloudTrail needs kms:Decrypt to create or update
   * a trail whose bucket uses an S3 Bucket Key under this key ("Configure AWS KMS key policies for
   * CloudTrail": "If you use an existing S3 bucket with an S3 Bucket Key, kms:Decrypt permission is required
   * to create or update a trail with SSE-KMS encryption enabled").
   */
  public allowCloudTrail(trailArns: string[] = []): void {
    const stack = Stack.of(this);
    const trailsOfThisAccount = `arn:${Aws.PARTITION}:cloudtrail:*:${stack.account}:trail/*`;
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailEncryptOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailsOfThisAccount },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailDescribeKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    if (trailArns.length > 0) {
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudTrailDecryptForBucketKey',
          principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
          actions: ['kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceArn': trailArns.length === 1 ? trailArns[0] : trailArns } },
        }),
      );
    }
  }

  /**
   * Let an AWS service principal (for example `cloudwatch.amazonaws.com` publishing alarms to an
   * encrypted SNS topic) use the key for resources of this account only.
   */
  public allowServiceOfThisAccount(sid: string, servicePrincipal: string, actions: string[] = KEY_USE_ACTIONS): void {
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals: [new iam.ServicePrincipal(servicePrincipal)],
        actions,
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
  }
}
