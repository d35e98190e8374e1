/**
 * Integration test of the reference deployment in a sandbox account: what the templates alone cannot prove.
 *   1. an alarm state change reaches a subscriber of the alerts topic;
 *   2. an AWS Backup job of the PHI bucket completes;
 *   3. a tenant stack's custom resource completes and the tenant login connects with IAM auth;
 *   4. a worker writes audit events through the audit writer.
 * Every assertion waits (`waitForAssertions`), so a failed one fails the deploy of the assertion stack.
 * Run and cost: docs/runbook.md, "Integration tests". Offline snapshot: test/integ-snapshot.test.ts.
 */
import * as path from 'path';
import { AwsApiCall, ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { addReferenceDeployment } from '../../lib/app';
import { parseConfig } from '../../lib/config/load';
import { DeploymentConfig } from '../../lib/config/schema';
import { HipaaStage } from '../../lib/stage';

/** The tenant the test provisions and probes. */
export const INTEG_TENANT = 'integacme';
/** Placeholder certificate for the offline snapshot; a sandbox run passes `-c integ:certificateArn=<arn>`. */
const PLACEHOLDER_CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000';

/** The sandbox config, from `-c integ:<field>=<value>` context (defaults give a deterministic offline snapshot). */
export function integConfig(app: App): DeploymentConfig {
  const ctx = (k: string) => app.node.tryGetContext(`integ:${k}`) as string | undefined;
  return parseConfig(
    {
      environment: 'integ',
      account: ctx('account'),
      region: ctx('region') ?? 'us-east-1',
      drRegion: ctx('drRegion') ?? 'us-west-2',
      domainName: ctx('domainName') ?? 'integ.example.com',
      certificate: { mode: 'existing', arn: ctx('certificateArn') ?? PLACEHOLDER_CERTIFICATE },
      alertEmails: [ctx('alertEmail') ?? 'integ-alerts@example.com'],
      database: { instanceClass: 'db.t4g.medium', allocatedStorageGiB: 20, maxAllocatedStorageGiB: 20 },
      tenants: [{ id: INTEG_TENANT, slot: 0 }],
    },
    'integ context',
  );
}

/** Build the deployment under test and its assertions into an app. Returns the assertion stack. */
export function buildIntegApp(app: App): Stack {
  const config = integConfig(app);
  // The gate has its own tests; the assertion machinery would trip its rules.
  const stage: HipaaStage = addReferenceDeployment(app, config, { complianceGate: false });
  // A sandbox must be removable: `cdk destroy` is refused on protected stacks.
  for (const s of stage.node.children) if (s instanceof Stack) s.terminationProtection = false;

  // The assertion stack lives in the stage, so it may reference the stage's stacks.
  const assertions = new Stack(stage, 'IntegAssertions', { env: { account: config.account, region: config.region } });
  const integ = new IntegTest(app, 'ReferenceDeployment', {
    testCases: stage.node.children.filter((c): c is Stack => c instanceof Stack && c !== assertions),
    assertionStack: assertions,
    diffAssets: false,
  });

  // 1. An alarm state change reaches a subscriber of the alerts topic.
  const subscriber = new sqs.Queue(assertions, 'AlertsSubscriber', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
  new sns.Subscription(assertions, 'AlertsSubscription', {
    topic: stage.monitoring.alerts.topic,
    protocol: sns.SubscriptionProtocol.SQS,
    endpoint: subscriber.queueArn,
    rawMessageDelivery: true,
  });
  subscriber.grantSendMessages(
    new iam.ServicePrincipal('sns.amazonaws.com', {
      conditions: { ArnEquals: { 'aws:SourceArn': stage.monitoring.alerts.topic.topicArn } },
    }),
  );
  const alarm = stage.monitoring.node.findAll().find((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm);
  if (!alarm) throw new Error('the Monitoring stack has no CloudWatch alarm to fire');
  integ.assertions
    .awsApiCall('CloudWatch', 'setAlarmState', {
      AlarmName: alarm.alarmName,
      StateValue: 'ALARM',
      StateReason: 'hipaa-stack integration test',
    })
    .next(
      integ.assertions
        .awsApiCall('SQS', 'receiveMessage', { QueueUrl: subscriber.queueUrl, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 })
        .expect(
          ExpectedResult.objectLike({
            Messages: Match.arrayWith([Match.objectLike({ Body: Match.stringLikeRegexp('NewStateValue.{1,6}ALARM') })]),
          }),
        )
        .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) }),
    );

  // 2. An AWS Backup job of the PHI bucket completes (the bucket policy must admit AWS Backup's direct requests).
  const backupRole = stage.data.backup.node.findAll().find((c): c is iam.Role => c instanceof iam.Role);
  if (!backupRole) throw new Error('the backup construct has no role');
  const start = integ.assertions.awsApiCall('Backup', 'startBackupJob', {
    BackupVaultName: stage.data.backup.vault.backupVaultName,
    ResourceArn: stage.data.phiBucket.bucketArn,
    IamRoleArn: backupRole.roleArn,
  });
  start.provider.addToRolePolicy({ Effect: 'Allow', Action: ['iam:PassRole'], Resource: [backupRole.roleArn] });
  start.next(
    integ.assertions
      .awsApiCall('Backup', 'describeBackupJob', { BackupJobId: start.getAttString('BackupJobId') })
      .expect(ExpectedResult.objectLike({ State: 'COMPLETED' }))
      .waitForAssertions({ totalTimeout: Duration.minutes(55), interval: Duration.minutes(1) }),
  );

  // 3. The tenant stack deployed (its custom resource answered CloudFormation) and its login connects with IAM auth.
  const db = stage.data.postgres.instance;
  const probeSg = new ec2.SecurityGroup(assertions, 'ProbeSecurityGroup', {
    vpc: stage.network.network.vpc,
    description: 'Integration probe: tenant login',
    allowAllOutbound: false,
  });
  // Both rules live in the assertion stack, so removing it leaves the deployment as it was.
  const dbSg = stage.data.databaseSecurityGroup.securityGroupId;
  const dbPort = { ipProtocol: 'tcp', fromPort: db.instanceEndpoint.port, toPort: db.instanceEndpoint.port };
  new ec2.CfnSecurityGroupEgress(assertions, 'ProbeToDatabase', {
    groupId: probeSg.securityGroupId,
    destinationSecurityGroupId: dbSg,
    ...dbPort,
  });
  new ec2.CfnSecurityGroupIngress(assertions, 'DatabaseFromProbe', {
    groupId: dbSg,
    sourceSecurityGroupId: probeSg.securityGroupId,
    ...dbPort,
  });
  const probe = new nodejs.NodejsFunction(assertions, 'TenantLoginProbe', {
    entry: path.join(__dirname, 'probe', 'tenant-login-probe.ts'),
    runtime: lambda.Runtime.NODEJS_22_X,
    timeout: Duration.seconds(30),
    vpc: stage.network.network.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [probeSg],
    environment: { DB_HOST: db.dbInstanceEndpointAddress, DB_PORT: db.dbInstanceEndpointPort },
  });
  db.grantConnect(probe, `tenant_${INTEG_TENANT}`);
  for (const t of stage.tenants) probe.node.addDependency(t);
  integ.assertions
    .invokeFunction({ functionName: probe.functionName, payload: JSON.stringify({ tenantId: INTEG_TENANT }) })
    .expect(ExpectedResult.objectLike({ Payload: `"tenant_${INTEG_TENANT}"` }))
    .waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(30) });

  // 4. A worker writes audit events through the writer: a job on the work queue leads to a chain batch in the audit bucket.
  const send = integ.assertions.awsApiCall('SQS', 'sendMessage', {
    QueueUrl: stage.workers.workQueue.queueUrl,
    MessageBody: JSON.stringify({ jobId: 'integ-audit-1', tenantId: INTEG_TENANT, type: 'reindex', recordId: 'integ-record-1' }),
  });
  const queueKey = stage.workers.workQueue.encryptionMasterKey;
  if (queueKey)
    send.provider.addToRolePolicy({ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: [queueKey.keyArn] });
  const list = integ.assertions
    .awsApiCall('S3', 'listObjectsV2', { Bucket: stage.audit.auditBucket.bucketName, Prefix: `audit/tenants/${INTEG_TENANT}/` })
    .expect(ExpectedResult.objectLike({ Contents: Match.arrayWith([Match.objectLike({ Key: Match.stringLikeRegexp('\\.jsonl$') })]) }))
    .waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) });
  send.next(list);
  // ListObjectsV2 is authorized as s3:ListBucket, which the provider cannot derive from the API name.
  (list as AwsApiCall).waiterProvider?.addToRolePolicy({
    Effect: 'Allow',
    Action: ['s3:ListBucket'],
    Resource: [stage.audit.auditBucket.bucketArn],
  });
  return assertions;
}

if (require.main === module) {
  const app = new App();
  buildIntegApp(app);
  app.synth();
}
