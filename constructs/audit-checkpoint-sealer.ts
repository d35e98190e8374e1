import { SEALER_RESERVED_CONCURRENCY } from '../lib/baseline/thresholds';
import * as path from 'path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AUDIT_CHECKPOINT_PREFIX, AUDIT_PREFIX, HANDLER_ENV } from '../lib/baseline/contract';
import { AUDIT_RETENTION_YEARS, AUDIT_SIGNING_PERIOD_MINUTES, KMS_KEY_DELETION_WINDOW_DAYS } from '../lib/baseline/thresholds';
import { ManagedPolicyRole } from './managed-policy-role';
import { PrivateWorker } from './private-worker';

export interface AuditCheckpointSealerProps {
  /** The WORM (Object Lock COMPLIANCE) audit bucket holding the chains; checkpoints are written there too. */
  readonly bucket: s3.IBucket;
  /** The audit bucket's KMS key (records are read with it, checkpoints written under it). */
  readonly bucketKey: kms.IKey;
  /** Audit retention in years, which the sealer checks on every object version before it signs. */
  readonly retentionYears: number;
  /**
   * How often chains are sealed: the longest time a forgery by a holder of the writer credentials can go
   * undetectable (records written since the last checkpoint are not yet signed).
   */
  readonly signingPeriod: Duration;
  /** The VPC whose isolated worker subnets (S3 gateway endpoint, KMS/Logs/SQS interface endpoints) run the sealer. */
  readonly vpc: ec2.IVpc;
  /** The isolated worker subnets. */
  readonly subnets: ec2.SubnetSelection;
  /** Key for the sealer's log group, dead-letter queue and environment. */
  readonly logsKey: kms.IKey;
  /**
   * Alias name of `logsKey`, for a key in another stack (the queue names it literally; see EncryptedQueue).
   * @default - the queue references the key directly
   */
  readonly logsKeyAliasName?: string;
  /**
   * Log retention in days.
   * @default - 365, the project's minimum for security logs
   */
  readonly logRetentionDays?: number;
}

/**
 * Seals the audit chains: a scheduled private worker (isolated subnets, reserved concurrency 1, its own role, an
 * encrypted dead-letter queue) signs, every `signingPeriod`, a checkpoint (an RFC 9162 Merkle tree head) over each
 * chain that grew, with an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) that no other principal may use for
 * `kms:Sign` (a Deny in the key policy, which no IAM policy can override). Checkpoints go to the audit bucket under
 * `audit/checkpoints/`, locked by its default Object Lock retention. Auditors verify them offline with the public key
 * (`kms:GetPublicKey`, or a PEM).
 */
export class AuditCheckpointSealer extends Construct {
  public readonly signingKey: kms.Key;
  public readonly worker: PrivateWorker;
  public readonly function: nodejs.NodejsFunction;
  public readonly role: ManagedPolicyRole;
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: AuditCheckpointSealerProps) {
    super(scope, id);
    const minutes = props.signingPeriod.toMinutes();
    const period = AUDIT_SIGNING_PERIOD_MINUTES;
    if (!Number.isInteger(minutes) || minutes < period.min || minutes > period.max)
      throw new Error(
        `AuditCheckpointSealer signingPeriod ${minutes} minutes must be a whole number of minutes from ${period.min} to ${period.max}`,
      );
    if (!Number.isInteger(props.retentionYears) || props.retentionYears < AUDIT_RETENTION_YEARS.min)
      throw new Error(
        `AuditCheckpointSealer retentionYears ${props.retentionYears} must be a whole number of at least ${AUDIT_RETENTION_YEARS.min}`,
      );

    // Isolated subnets have no route out but the S3 gateway endpoint and the interface endpoints (KMS, Logs, SQS).
    // The group allows no egress of its own: the owner of the VPC opens exactly those destinations (for a HipaaVpc,
    // `allowServiceAccess(sealer.worker, { s3: true })`: the S3 prefix list and the endpoints' group, on 443).
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Audit checkpoint sealer: HTTPS egress only (isolated subnets: S3 gateway and VPC interface endpoints)',
      allowAllOutbound: false,
    });

    // Asymmetric keys cannot rotate; a new key means a new public key for auditors, so it is kept (RETAIN).
    this.signingKey = new kms.Key(this, 'SigningKey', {
      description: 'hipaa-stack: signs audit checkpoints (only the sealer may sign)',
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      pendingWindow: Duration.days(KMS_KEY_DELETION_WINDOW_DAYS.required),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.worker = new PrivateWorker(this, 'Worker', {
      entry: path.join(__dirname, '..', 'lib', 'handlers', 'audit-checkpoint-sealer.ts'),
      description: 'Audit checkpoint sealer: reads audit chains, signs checkpoints, writes them to the WORM bucket',
      vpc: props.vpc,
      subnets: props.subnets,
      securityGroup: this.securityGroup,
      logsKey: props.logsKey,
      dataKey: props.logsKey,
      dataKeyAliasName: props.logsKeyAliasName,
      logRetentionDays: props.logRetentionDays,
      reservedConcurrency: SEALER_RESERVED_CONCURRENCY,
      memorySize: 512,
      timeout: Duration.minutes(15),
      environment: {
        [HANDLER_ENV.auditBucket]: props.bucket.bucketName,
        [HANDLER_ENV.auditBucketKeyArn]: props.bucketKey.keyArn,
        [HANDLER_ENV.checkpointKeyArn]: this.signingKey.keyArn,
        [HANDLER_ENV.auditRetentionYears]: String(props.retentionYears),
      },
    });
    this.function = this.worker.function;
    this.role = this.worker.role;

    // A Deny in the key policy binds every principal of the account, administrators included (an explicit deny
    // overrides any allow); aws:PrincipalArn of the sealer's sessions is its role's ARN.
    this.signingKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyTheSealerSigns',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:Sign'],
        resources: ['*'],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': this.role.roleArn } },
      }),
    );
    // Grants only for AWS resources (CT.KMS.PR.3), as on every key of this project.
    this.signingKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyGrantsNotForAwsResources',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );
    this.signingKey.grant(this.role, 'kms:Sign', 'kms:GetPublicKey', 'kms:DescribeKey');

    // Read every chain (all versions, retention), write checkpoints only under audit/checkpoints/.
    props.bucket.grantRead(this.role, `${AUDIT_PREFIX}*`);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucketVersions', 's3:GetObjectVersion', 's3:GetObjectRetention'],
        resources: [props.bucket.bucketArn, props.bucket.arnForObjects(`${AUDIT_PREFIX}*`)],
      }),
    );
    props.bucket.grantPut(this.role, `${AUDIT_CHECKPOINT_PREFIX}*`);
    props.bucketKey.grantEncryptDecrypt(this.role);

    new events.Rule(this, 'Schedule', {
      description: `Seal the audit chains every ${minutes} minutes`,
      schedule: events.Schedule.rate(props.signingPeriod),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2 })],
    });
  }
}
