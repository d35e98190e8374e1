import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acceptNagFinding } from '../baseline/acknowledge';
import { AccessLogBucket } from '../../constructs/access-log-bucket';
import { AuditCheckpointSealer } from '../../constructs/audit-checkpoint-sealer';
import { AuditTrail } from '../../constructs/audit-trail';
import { HipaaVpc } from '../../constructs/hipaa-vpc';
import { STACK_OUTPUTS, AUDIT_RECORD_PREFIX } from '../baseline/contract';
import { WormAuditBucket } from '../../constructs/worm-audit-bucket';
import { daysCoveringYears } from '../baseline/durations';

export interface AuditStackProps extends StackProps {
  readonly environmentName: string;
  /** Name of the multi-region trail (the audit key admits it by name). */
  readonly trailName: string;
  /** Key for the audit bucket, the trail and its log group. */
  readonly auditKey: kms.IKey;
  /** Alias name of the audit key. */
  readonly auditKeyAliasName: string;
  /** Years audit records are kept in write-once storage. */
  readonly auditRetentionYears: number;
  /** CloudWatch Logs retention (days) covering the audit years. */
  readonly auditLogRetentionDays: number;
  /** Minutes between signed audit checkpoints. */
  readonly auditSigningPeriodMinutes: number;
  /** The VPC whose isolated worker subnets run the checkpoint sealer. */
  readonly network: HipaaVpc;
}

/** The audit trail: WORM audit bucket, access-log bucket, multi-region CloudTrail. */
export class AuditStack extends Stack {
  public readonly auditBucket: s3.Bucket;
  public readonly accessLogBucket: s3.Bucket;
  public readonly trail: AuditTrail;
  public readonly sealer: AuditCheckpointSealer;

  constructor(scope: Construct, id: string, props: AuditStackProps) {
    super(scope, id, props);
    this.accessLogBucket = new AccessLogBucket(this, 'AccessLogs', {
      retentionDays: daysCoveringYears(props.auditRetentionYears),
    }).bucket;

    this.auditBucket = new WormAuditBucket(this, 'AuditBucket', {
      encryptionKey: props.auditKey,
      retentionYears: props.auditRetentionYears,
      serverAccessLogsBucket: this.accessLogBucket,
    }).bucket;

    // Audit record batches are append-only for everyone with write access: a PUT of a batch object must carry
    // If-None-Match (s3:if-none-match), so no writer can put a new version on top of a record it wrote. Object
    // Lock keeps the first version; this stops the forged second one. HEAD.json (a resume hint the verifier
    // does not trust) and CloudTrail's own keys are outside the pattern.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html
    this.auditBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyAuditBatchPutWithoutIfNoneMatch',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.auditBucket.arnForObjects(`${AUDIT_RECORD_PREFIX}*.jsonl`)],
        conditions: { Null: { 's3:if-none-match': 'true' } },
      }),
    );

    acceptNagFinding(this.auditBucket.node.defaultChild!, 'S3BucketReplicationEnabled', {
      reason:
        'Cross-region replication of an Object Lock bucket needs a second locked bucket and key in the DR region, managed from a DR-region stack; not built yet.',
      compensatingControl:
        'Object Lock COMPLIANCE mode (no deletion or overwrite by anyone until retention ends), versioning, S3 multi-AZ durability, and a second independent copy of every CloudTrail event in the KMS-encrypted CloudWatch log group kept for the audit years',
    });
    new CfnOutput(this, STACK_OUTPUTS.auditBucket, {
      value: this.auditBucket.bucketName,
      description: 'WORM audit bucket (audit writer, audit:verify, live-verify)',
    });
    this.sealer = new AuditCheckpointSealer(this, 'CheckpointSealer', {
      bucket: this.auditBucket,
      bucketKey: props.auditKey,
      retentionYears: props.auditRetentionYears,
      signingPeriod: Duration.minutes(props.auditSigningPeriodMinutes),
      vpc: props.network.vpc,
      subnets: props.network.workerSubnets,
      logsKey: props.auditKey,
      logsKeyAliasName: props.auditKeyAliasName,
    });
    // Egress to the destinations the sealer needs only: S3 (prefix list) and the interface endpoints, on 443.
    props.network.allowServiceAccess(this.sealer.worker, { s3: true });
    new CfnOutput(this, STACK_OUTPUTS.auditCheckpointKey, {
      value: this.sealer.signingKey.keyArn,
      description: 'Audit checkpoint signing key: its public key verifies checkpoints and proofs (audit:verify, audit:verify-proof)',
    });
    new CfnOutput(this, STACK_OUTPUTS.auditRetentionYears, {
      value: String(props.auditRetentionYears),
      description: 'Years every audit object version is locked (audit:verify checks it)',
    });
    this.trail = new AuditTrail(this, 'Trail', {
      trailName: props.trailName,
      bucket: this.auditBucket,
      encryptionKey: props.auditKey,
      encryptionKeyAliasName: props.auditKeyAliasName,
      logRetentionDays: props.auditLogRetentionDays,
    });
  }
}
