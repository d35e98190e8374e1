import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acceptFinding } from '../lib/baseline/acknowledge';
import { LOG_RETENTION_DAYS } from '../lib/baseline/thresholds';
import { EncryptedLogGroup } from './encrypted-log-group';
import { EncryptedQueue } from './encrypted-queue';
import { ManagedPolicyRole } from './managed-policy-role';

/** Environment variable names that suggest a secret value; secrets belong in Secrets Manager. */
const SECRET_LIKE_NAME = /(PASSWORD|PASSWD|SECRET(?!_ARN$|_ID$|_NAME$)|TOKEN|PRIVATE_KEY|API_KEY|CREDENTIAL)/i;

export interface PrivateWorkerProps {
  /** TypeScript or JavaScript entry file, bundled locally with esbuild (no Docker). */
  readonly entry: string;
  /**
   * Exported handler name.
   * @default 'handler'
   */
  readonly handler?: string;
  /** VPC of the worker. */
  readonly vpc: ec2.IVpc;
  /** Isolated subnets (no route to the internet). */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Security group of the function.
   * @default - a security group of its own that allows no egress at all; open what the worker needs
   * through `worker.connections` (e.g. `HipaaVpc.allowServiceAccess`, `connections.allowTo(database)`)
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /** Key for the log group (must admit CloudWatch Logs). */
  readonly logsKey: kms.IKey;
  /** Key for the dead-letter queue and the environment variables. */
  readonly dataKey: kms.IKey;
  /**
   * Alias name of `dataKey`, used by the dead-letter queue.
   * @default - the key ARN
   */
  readonly dataKeyAliasName?: string;
  /**
   * Log retention in days (at least 365).
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * Concurrent executions reserved for (and limiting) this worker.
   * @default 10
   */
  readonly reservedConcurrency?: number;
  /**
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Non-secret settings (ARNs, names). A name that looks like a secret (PASSWORD, TOKEN, ...) is refused:
   * pass the secret's ARN and read the value from Secrets Manager at run time.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /** What the worker does, for the console and the evidence. */
  readonly description: string;
}

/**
 * A Lambda worker with the guarantees of this project (45 CFR 164.312(a)(1), (b), (e)(1)): in isolated
 * subnets with no public IP and no internet route; its own least-privilege role (grants land in a managed
 * policy); reserved concurrency; a KMS-encrypted dead-letter queue; a KMS-encrypted log group kept at least
 * a year; environment encrypted with a customer key and free of secrets; ARM64, Node.js 22, bundled locally.
 *
 * Grant it access with the usual CDK grants: `secret.grantRead(worker)`, `queue.grantConsumeMessages(worker)`.
 */
export class PrivateWorker extends Construct implements iam.IGrantable, ec2.IConnectable {
  public readonly function: nodejs.NodejsFunction;
  /** The function's security group (its own unless one was given). */
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly role: ManagedPolicyRole;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: PrivateWorkerProps) {
    super(scope, id);
    for (const name of Object.keys(props.environment ?? {})) {
      if (SECRET_LIKE_NAME.test(name)) {
        throw new Error(
          `PrivateWorker ${this.node.path}: environment variable "${name}" looks like a secret; store it in Secrets Manager and pass its ARN (e.g. ${name}_SECRET_ARN)`,
        );
      }
    }
    const reserved = props.reservedConcurrency ?? 10;
    if (!Number.isInteger(reserved) || reserved < 1) {
      throw new Error(`PrivateWorker ${this.node.path}: reservedConcurrency ${reserved} must be a positive integer`);
    }

    this.securityGroup =
      props.securityGroup ??
      new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: `${props.description}: its own group, egress only where granted`,
        allowAllOutbound: false,
      });

    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')],
      description: props.description,
    });
    this.grantPrincipal = this.role;

    this.deadLetterQueue = new EncryptedQueue(this, 'DeadLetters', {
      encryptionKey: props.dataKey,
      encryptionKeyAliasName: props.dataKeyAliasName,
      retentionPeriod: Duration.days(14),
      isDeadLetterQueue: true,
    }).queue;

    const logGroup = new EncryptedLogGroup(this, 'Logs', {
      encryptionKey: props.logsKey,
      retentionDays: props.logRetentionDays ?? LOG_RETENTION_DAYS.min,
      removalPolicy: RemovalPolicy.RETAIN,
    }).logGroup;

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler ?? 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      allowPublicSubnet: false,
      reservedConcurrentExecutions: reserved,
      deadLetterQueueEnabled: true,
      deadLetterQueue: this.deadLetterQueue,
      logGroup,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      environmentEncryption: props.dataKey,
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        target: 'node22',
        externalModules: ['@aws-sdk/*', 'pg-native'],
        // esbuild's warnings and errors only, not a size table per function at every synth.
        logLevel: nodejs.LogLevel.WARNING,
      },
    });
    // The function's own DLQ statement is sqs:SendMessage alone; an encrypted queue also needs the key.
    this.deadLetterQueue.grantSendMessages(this.role);

    const vpcInAnotherStack = [props.vpc, this.securityGroup].some((c) => Stack.of(c) !== Stack.of(this));
    if (vpcInAnotherStack) {
      acceptFinding(this.function.node.defaultChild!, {
        ruleId: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
        reason:
          'CT.LAMBDA.PR.3 accepts only literal subnet and security-group ids or references inside the same template; the VPC and security group live in other stacks, so the ids are cross-stack references the rule cannot follow.',
        compensatingControl:
          'VpcConfig always has the isolated worker subnets and the worker security group (PrivateWorker requires both); cdk-nag HIPAA.Security-LambdaInsideVPC resolves them and passes',
      });
    }
  }

  /** The function's network connections (its security group). */
  public get connections(): ec2.Connections {
    return this.function.connections;
  }

  /**
   * Let the worker read one secret: `secretsmanager:GetSecretValue`/`DescribeSecret` on it, and
   * `kms:Decrypt` on its key only when called through Secrets Manager in this region. Written as
   * identity-policy statements so a key in another stack needs no key-policy change (and no cycle).
   */
  public grantReadSecret(secret: secretsmanager.ISecret): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [secret.secretArn],
      }),
    );
    if (secret.encryptionKey) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [secret.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
  }
}
