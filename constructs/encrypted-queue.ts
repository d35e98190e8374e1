import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface EncryptedQueueProps {
  /** Customer-managed key for SSE-KMS. */
  readonly encryptionKey: kms.IKey;
  /**
   * Alias name (`alias/...`) of `encryptionKey`. SQS accepts an alias: a literal that rule engines can
   * read even when the key lives in another stack.
   * @default - the key ARN
   */
  readonly encryptionKeyAliasName?: string;
  /**
   * How long a message is kept.
   * @default Duration.days(4)
   */
  readonly retentionPeriod?: Duration;
  /**
   * Visibility timeout (at least the consumer's timeout).
   * @default Duration.seconds(30)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Where messages that keep failing go. Required unless this queue is itself a dead-letter queue.
   * @default - none; then `isDeadLetterQueue` must be true
   */
  readonly deadLetterQueue?: sqs.DeadLetterQueue;
  /**
   * This queue is a dead-letter queue (of an SQS queue or of a Lambda function's async invocations): it
   * gets no dead-letter queue of its own and is marked as one with a redrive-allow policy.
   * @default false
   */
  readonly isDeadLetterQueue?: boolean;
}

/** An SQS queue encrypted with a customer-managed key whose policy refuses any request without TLS. */
export class EncryptedQueue extends Construct {
  public readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string, props: EncryptedQueueProps) {
    super(scope, id);
    if (!props.deadLetterQueue && !props.isDeadLetterQueue) {
      throw new Error(`EncryptedQueue ${this.node.path}: give it a deadLetterQueue, or set isDeadLetterQueue if it is one`);
    }
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(30),
      deadLetterQueue: props.deadLetterQueue,
      redriveAllowPolicy: props.isDeadLetterQueue ? { redrivePermission: sqs.RedrivePermission.ALLOW_ALL } : undefined,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (props.encryptionKeyAliasName) {
      (this.queue.node.defaultChild as sqs.CfnQueue).kmsMasterKeyId = props.encryptionKeyAliasName;
    }
  }
}
