import * as path from 'path';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as eventsources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EncryptedQueue } from '../../constructs/encrypted-queue';
import { HipaaVpc } from '../../constructs/hipaa-vpc';
import { PrivateWorker } from '../../constructs/private-worker';
import { AUDIT_RECORD_PREFIX, HANDLER_ENV } from '../baseline/contract';

export interface WorkersStackProps extends StackProps {
  readonly network: HipaaVpc;
  readonly logsKey: kms.IKey;
  readonly dataKey: kms.IKey;
  readonly dataKeyAliasName: string;
  /** The database the queue consumer connects to (as each tenant's IAM-authenticated login, never as master). */
  readonly database: rds.IDatabaseInstance;
  /** The database's security group (it admits the consumer, not the internet-facing API function). */
  readonly databaseSecurityGroup: ec2.ISecurityGroup;
  /** The database port. */
  readonly databasePort: number;
  /** Reserved concurrency of the API function and of the queue consumer (also its SQS maximum concurrency, at least 2). */
  readonly reservedConcurrency: { readonly api: number; readonly consumer: number };
  /** The WORM audit bucket the queue consumer appends its audit records to (through the audit writer). */
  readonly auditBucket: s3.IBucket;
  /** The audit key: audit records are written with SSE-KMS under it. */
  readonly auditKey: kms.IKey;
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
      logsKey: props.logsKey,
      dataKey: props.dataKey,
      dataKeyAliasName: props.dataKeyAliasName,
    };

    this.api = new PrivateWorker(this, 'Api', {
      ...common,
      entry: path.join(HANDLERS, 'health.ts'),
      description: 'Load balancer target: health endpoint',
      reservedConcurrency: props.reservedConcurrency.api,
    });
    // Internet-facing (behind the load balancer): its own security group, the endpoints only; the database
    // security group does not admit it.
    props.network.allowServiceAccess(this.api, { s3: false });

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
      reservedConcurrency: props.reservedConcurrency.consumer,
      // No master secret: the consumer assumes the tenant's role and connects as the tenant's login with an
      // IAM authentication token (rds-db:connect on that login only, granted by TenantResources).
      environment: {
        [HANDLER_ENV.dbHost]: props.database.dbInstanceEndpointAddress,
        [HANDLER_ENV.dbPort]: String(props.databasePort),
        [HANDLER_ENV.auditBucket]: props.auditBucket.bucketName,
        [HANDLER_ENV.auditKeyArn]: props.auditKey.keyArn,
        // One audit chain per tenant per concurrency slot (not per cold start): see queue-consumer.ts.
        [HANDLER_ENV.auditWriterSlots]: String(props.reservedConcurrency.consumer),
      },
    });
    this.grantAuditWriter(this.consumer, props.auditBucket, props.auditKey);
    // The endpoints, S3 (tenant access points, the audit writer) through the gateway endpoint, the database.
    props.network.allowServiceAccess(this.consumer, { s3: true });
    this.consumer.connections.allowTo(props.databaseSecurityGroup, ec2.Port.tcp(props.databasePort), 'PostgreSQL from the queue consumer');
    this.consumer.function.addEventSource(
      // Never more concurrent batches than the function may run: throttled batches would count towards the redrive limit.
      new eventsources.SqsEventSource(this.workQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: props.reservedConcurrency.consumer,
      }),
    );
  }

  /**
   * What an audit writer needs, and no more: append objects under the audit-record prefix (the bucket policy
   * refuses a batch PUT without If-None-Match, and Object Lock keeps every first version), read and list its
   * chains to resume after a restart, and the audit key through S3 only. No delete, no retention change, no
   * legal hold, nothing outside the prefix (CloudTrail's logs and the sealer's checkpoints among it).
   */
  private grantAuditWriter(worker: PrivateWorker, bucket: s3.IBucket, key: kms.IKey): void {
    worker.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AuditAppendAndResume',
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: [bucket.arnForObjects(`${AUDIT_RECORD_PREFIX}*`)],
      }),
    );
    worker.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AuditListChains',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${AUDIT_RECORD_PREFIX}*`] } },
      }),
    );
    worker.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AuditKeyThroughS3',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }
}
