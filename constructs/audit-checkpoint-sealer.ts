import * as path from 'path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acceptFinding, acceptNagFinding } from '../lib/compliance/acknowledge';
import { EncryptedLogGroup } from './encrypted-log-group';
import { EncryptedQueue } from './encrypted-queue';
import { ManagedPolicyRole } from './managed-policy-role';

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
  /** Key for the sealer's log group and dead-letter queue. */
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
 * Seals the audit chains: a scheduled Lambda with its own role signs, every `signingPeriod`, a checkpoint (an RFC
 * 9162 Merkle tree head) over each chain that grew, with an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) that no
 * other principal may use for `kms:Sign` (a Deny in the key policy, which IAM cannot override). Checkpoints go to the
 * audit bucket under `audit/checkpoints/`, locked by its default Object Lock retention. Auditors verify them offline
 * with the public key (`kms:GetPublicKey`, or a PEM).
 */
export class AuditCheckpointSealer extends Construct {
  public readonly signingKey: kms.Key;
  public readonly function: nodejs.NodejsFunction;
  public readonly role: ManagedPolicyRole;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: AuditCheckpointSealerProps) {
    super(scope, id);
    const minutes = props.signingPeriod.toMinutes();
    if (!Number.isInteger(minutes) || minutes < 5 || minutes > 1440)
      throw new Error(`AuditCheckpointSealer signingPeriod ${minutes} minutes must be a whole number of minutes from 5 to 1440`);
    if (!Number.isInteger(props.retentionYears) || props.retentionYears < 6)
      throw new Error(`AuditCheckpointSealer retentionYears ${props.retentionYears} must be a whole number of at least 6`);

    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Audit checkpoint sealer: reads audit chains, signs checkpoints, writes them to the WORM bucket',
    });

    // Asymmetric keys cannot rotate; a new key means a new public key for auditors, so it is kept (RETAIN).
    this.signingKey = new kms.Key(this, 'SigningKey', {
      description: 'hipaa-stack: signs audit checkpoints (only the sealer may sign)',
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A Deny in the key policy binds every principal of the account, administrators included (KMS key policies:
    // an explicit deny overrides any allow); aws:PrincipalArn of the sealer's sessions is its role's ARN.
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
    props.bucket.grantRead(this.role, 'audit/*');
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucketVersions', 's3:GetObjectVersion', 's3:GetObjectRetention'],
        resources: [props.bucket.bucketArn, props.bucket.arnForObjects('audit/*')],
      }),
    );
    props.bucket.grantPut(this.role, 'audit/checkpoints/*');
    props.bucketKey.grantEncryptDecrypt(this.role);

    const logGroup = new EncryptedLogGroup(this, 'Logs', {
      encryptionKey: props.logsKey,
      retentionDays: props.logRetentionDays ?? 365,
      removalPolicy: RemovalPolicy.RETAIN,
    }).logGroup;
    this.deadLetterQueue = new EncryptedQueue(this, 'DeadLetters', {
      encryptionKey: props.logsKey,
      encryptionKeyAliasName: props.logsKeyAliasName,
      retentionPeriod: Duration.days(14),
      isDeadLetterQueue: true,
    }).queue;

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(__dirname, '..', 'lib', 'handlers', 'audit-checkpoint-sealer.ts'),
      handler: 'handler',
      description: 'Signs audit checkpoints (RFC 9162 tree heads) for every chain that grew',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.minutes(15),
      role: this.role,
      logGroup,
      deadLetterQueueEnabled: true,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        AUDIT_BUCKET: props.bucket.bucketName,
        AUDIT_BUCKET_KEY_ARN: props.bucketKey.keyArn,
        CHECKPOINT_KEY_ARN: this.signingKey.keyArn,
        AUDIT_RETENTION_YEARS: String(props.retentionYears),
      },
      environmentEncryption: props.logsKey,
      bundling: { forceDockerBundling: false, minify: true, sourceMap: true, target: 'node22', externalModules: ['@aws-sdk/*'] },
    });
    this.deadLetterQueue.grantSendMessages(this.role);
    const fn = this.function.node.defaultChild!;
    acceptNagFinding(fn, 'LambdaInsideVPC', {
      reason:
        'The sealer lives in the Audit stack, which has no VPC; it has no inbound path (invoked only by its EventBridge rule) and calls only the regional S3 and KMS endpoints over TLS with its own role.',
      compensatingControl:
        'its role may read the audit chains, write only under audit/checkpoints/ (Object Lock COMPLIANCE) and sign only with its own key; no other principal may use that key for kms:Sign (key-policy Deny)',
    });
    acceptFinding(fn, {
      ruleId: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
      reason: 'CT.LAMBDA.PR.3: the sealer is not in a VPC (see HIPAA.Security-LambdaInsideVPC on this function).',
      compensatingControl:
        'no inbound path; it calls only S3 and KMS over TLS with a role limited to reading the chains, writing audit/checkpoints/ and signing with its own key',
    });
    acceptNagFinding(fn, 'LambdaConcurrency', {
      reason:
        'Reserving concurrency fails in accounts still at the default quota of 10 (unreserved concurrency must stay at least 10); the sealer runs once per signing period from one schedule.',
      compensatingControl:
        'overlapping runs cannot fork or duplicate a checkpoint (conditional If-None-Match writes of deterministic keys), failures go to an encrypted dead-letter queue after 2 retries',
    });

    new events.Rule(this, 'Schedule', {
      description: `Seal the audit chains every ${minutes} minutes`,
      schedule: events.Schedule.rate(props.signingPeriod),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2 })],
    });
  }
}
