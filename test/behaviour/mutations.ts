import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { HipaaStage } from '../../lib/stage';

/**
 * Edits of a built stage that reintroduce each finding of the deployability review (issue 11), made the way
 * a careless change would make them. They find what they edit by type and role in the construct tree, so they
 * keep working when the fixes restructure the stacks.
 */

const all = <T>(root: IConstruct, type: abstract new (...a: never[]) => T): T[] =>
  root.node.findAll().filter((c): c is IConstruct & T => c instanceof type);

/** The alerts topic policy holds only the TLS Deny (it replaces the default policy: nothing admits CloudWatch). */
export function alertsTopicPolicyWithoutCloudWatch(stage: HipaaStage): void {
  const topic = stage.monitoring.alerts.topic;
  const [policy] = all(stage.monitoring, sns.CfnTopicPolicy);
  policy.addPropertyOverride('PolicyDocument', {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowPublishThroughSSLOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: topic.topicArn,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
}

/** The PHI bucket denies every object request that does not come through an access point (AWS Backup's included). */
export function phiBucketDeniesDirectRequests(stage: HipaaStage): void {
  const bucket = stage.data.phiBucket;
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyObjectAccessOutsideAccessPointsReintroduced',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:DeleteObject*', 's3:GetObject*', 's3:PutObject*', 's3:RestoreObject'],
      resources: [bucket.arnForObjects('*')],
      conditions: { StringNotEquals: { 's3:DataAccessPointAccount': Stack.of(bucket).account } },
    }),
  );
}

const DISALLOW_ALL = { cidrIp: '255.255.255.255/32', description: 'Disallow all traffic', ipProtocol: 'icmp', fromPort: 252, toPort: 86 };
const toS3 = (r: { destinationPrefixListId?: unknown; cidrIp?: unknown }) =>
  r.destinationPrefixListId !== undefined || r.cidrIp === '0.0.0.0/0';

/** No security group of the stage has egress to the S3 prefix list (or to 0.0.0.0/0). */
export function noS3Egress(stage: HipaaStage): void {
  for (const rule of all(stage, ec2.CfnSecurityGroupEgress)) {
    if (toS3(rule)) rule.node.scope!.node.tryRemoveChild(rule.node.id);
  }
  for (const sg of all(stage, ec2.CfnSecurityGroup)) {
    const egress = Stack.of(sg).resolve(sg.securityGroupEgress) as ec2.CfnSecurityGroup.EgressProperty[] | undefined;
    if (!egress) continue;
    const kept = egress.filter((r) => !toS3(r));
    if (kept.length !== egress.length) sg.securityGroupEgress = kept.length ? kept : [DISALLOW_ALL];
  }
}

/** The S3 gateway endpoint admits the CloudFormation response bucket under a name with hyphens in the region. */
export function wrongResponseBucketName(stage: HipaaStage): void {
  for (const ep of all(stage, ec2.CfnVPCEndpoint)) {
    const stack = Stack.of(ep);
    if (ep.vpcEndpointType !== 'Gateway' || !JSON.stringify(stack.resolve(ep.serviceName)).includes('.s3')) continue;
    const doc = stack.resolve(ep.policyDocument) as { Statement: Array<Record<string, unknown>> };
    for (const st of doc.Statement) {
      if (JSON.stringify(st.Resource).includes('cloudformation-custom-resource-response')) {
        st.Resource = `arn:${stack.partition}:s3:::cloudformation-custom-resource-response-${stack.region}*/*`;
      }
    }
    ep.policyDocument = doc;
  }
}

/** The internet-facing API function shares the security groups the database admits (the consumer's). */
export function apiInDatabaseSecurityGroup(stage: HipaaStage): void {
  const api = stage.workers.api.function;
  const groups = [...api.connections.securityGroups, ...stage.workers.consumer.function.connections.securityGroups];
  (api.node.defaultChild as lambda.CfnFunction).addPropertyOverride(
    'VpcConfig.SecurityGroupIds',
    groups.map((g) => g.securityGroupId),
  );
}

/** The queue consumer reads the database master secret. */
export function consumerReadsMasterSecret(stage: HipaaStage): void {
  stage.workers.consumer.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [stage.data.postgres.secret.secretArn],
    }),
  );
}

/** The audit bucket policy without the retention floor (as before issue 11's lifecycle fix). */
export function auditBucketWithoutRetentionFloor(stage: HipaaStage): void {
  const policy = stage.audit.auditBucket.policy!.node.defaultChild as s3.CfnBucketPolicy;
  const doc = Stack.of(policy).resolve(policy.policyDocument) as { Statement: Array<{ Sid?: string }> };
  policy.addPropertyOverride('PolicyDocument', {
    ...doc,
    Statement: doc.Statement.filter((st) => st.Sid !== 'DenyRetentionShorterThanAuditYears'),
  });
}
