import * as path from 'path';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as eventsources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EncryptedQueue } from '../../constructs/encrypted-queue';
import { HipaaVpc } from '../../constructs/hipaa-vpc';
import { PrivateWorker } from '../../constructs/private-worker';

export interface WorkersStackProps extends StackProps {
  readonly network: HipaaVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly logsKey: kms.IKey;
  readonly dataKey: kms.IKey;
  readonly dataKeyAliasName: string;
  readonly databaseSecret: secretsmanager.ISecret;
}

const HANDLERS = path.join(__dirname, '..', 'handlers');

/** Private workers: the load balancer's target and the work-queue consumer, both in isolated subnets. */
export class WorkersStack extends Stack {
  public readonly api: PrivateWorker;
  public readonly consumer: PrivateWorker;
  public readonly workQueue: sqs.Queue;
  public readonly workDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: WorkersStackProps) {
    super(scope, id, props);
    const common = {
      vpc: props.network.vpc,
      subnets: props.network.workerSubnets,
      securityGroup: props.securityGroup,
      logsKey: props.logsKey,
      dataKey: props.dataKey,
      dataKeyAliasName: props.dataKeyAliasName,
    };

    this.api = new PrivateWorker(this, 'Api', {
      ...common,
      entry: path.join(HANDLERS, 'health.ts'),
      description: 'Load balancer target: health endpoint',
      reservedConcurrency: 20,
    });

    this.workDeadLetterQueue = new EncryptedQueue(this, 'WorkDeadLetters', {
      encryptionKey: props.dataKey,
      encryptionKeyAliasName: props.dataKeyAliasName,
      retentionPeriod: Duration.days(14),
      isDeadLetterQueue: true,
    }).queue;
    this.workQueue = new EncryptedQueue(this, 'WorkQueue', {
      encryptionKey: props.dataKey,
      encryptionKeyAliasName: props.dataKeyAliasName,
      visibilityTimeout: Duration.seconds(180),
      deadLetterQueue: { queue: this.workDeadLetterQueue, maxReceiveCount: 5 },
    }).queue;

    this.consumer = new PrivateWorker(this, 'Consumer', {
      ...common,
      entry: path.join(HANDLERS, 'queue-consumer.ts'),
      description: 'Work-queue consumer',
      timeout: Duration.seconds(30),
      environment: { DB_SECRET_ARN: props.databaseSecret.secretArn },
    });
    this.consumer.grantReadSecret(props.databaseSecret);
    this.consumer.function.addEventSource(
      new eventsources.SqsEventSource(this.workQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
  }
}
