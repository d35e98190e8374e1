import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { BackupClient, DescribeBackupVaultCommand } from '@aws-sdk/client-backup';
import { CloudFormationClient, DescribeStackResourceCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { KMSClient } from '@aws-sdk/client-kms';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeOrderableDBInstanceOptionsCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { checkAccount } from '../../lib/preflight/checks/account';
import { checkAlertSubscriptions } from '../../lib/preflight/checks/alert-subscriptions';
import { checkBootstrap } from '../../lib/preflight/checks/bootstrap';
import { checkCertificate, nameCovers } from '../../lib/preflight/checks/certificate';
import { checkGuardDuty } from '../../lib/preflight/checks/guardduty';
import { checkLambdaConcurrency, minimumUnreserved } from '../../lib/preflight/checks/lambda-concurrency';
import { checkNamedResources } from '../../lib/preflight/checks/named-resources';
import { checkRdsOrderable } from '../../lib/preflight/checks/rds-orderable';
import { checkStackState } from '../../lib/preflight/checks/stack-state';
import { AwsClients } from '../../lib/preflight/clients';
import { PreflightSetupError } from '../../lib/preflight/types';
import { testConfig } from '../helpers/synth';
import { ACCOUNT, awsError, context, fn, stack } from './fixtures';

const ssm = mockClient(SSMClient);
const sts = mockClient(STSClient);
const lambda = mockClient(LambdaClient);
const gd = mockClient(GuardDutyClient);
const rds = mockClient(RDSClient);
const acm = mockClient(ACMClient);
const r53 = mockClient(Route53Client);
const cfn = mockClient(CloudFormationClient);
const logs = mockClient(CloudWatchLogsClient);
const backup = mockClient(BackupClient);
const mocks = [ssm, sts, lambda, gd, rds, acm, r53, cfn, logs, backup, mockClient(KMSClient), mockClient(S3Client)];
beforeEach(() => mocks.forEach((m) => m.reset()));

const DENIED = awsError('AccessDeniedException', 'User is not authorized');
const results = (rows: { result: string }[]) => rows.map((r) => r.result);

describe('account', () => {
  const cfg = testConfig({ account: ACCOUNT });
  test('pass when the credentials are for config.account', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: 'arn:aws:iam::111111111111:user/d' });
    expect((await checkAccount(new AwsClients(), cfg)).row.result).toBe('pass');
  });
  test('fail on another account', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '222222222222' });
    const { row } = await checkAccount(new AwsClients(), cfg);
    expect(row).toMatchObject({ result: 'fail', finding: expect.stringMatching(/222222222222.*111111111111/) });
  });
  test('warn, naming the account, when config.account is unset', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
    expect((await checkAccount(new AwsClients(), testConfig())).row).toMatchObject({
      result: 'warn',
      action: expect.stringContaining(ACCOUNT),
    });
  });
  test('no or denied credentials are a set-up error, not a row', async () => {
    sts.on(GetCallerIdentityCommand).rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    await expect(checkAccount(new AwsClients(), cfg)).rejects.toThrow(PreflightSetupError);
    sts.on(GetCallerIdentityCommand).rejects(awsError('AccessDenied'));
    await expect(checkAccount(new AwsClients(), cfg)).rejects.toThrow(/sso login/);
  });
});

describe('bootstrap, in every region of the assembly', () => {
  const ctx = context([stack('t-Data', 'us-east-1', {}, 6), stack('t-DrBackup', 'us-west-2', {}, 21)]);
  test('pass when each region has a recent enough version', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '30' } });
    expect(results(await checkBootstrap(ctx))).toEqual(['pass', 'pass']);
  });
  test('fail in the DR region when it is not bootstrapped, with the command that fixes it', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '30' } });
    ssm.on(GetParameterCommand).callsFake(async (_input: unknown, getClient: () => SSMClient) => {
      if ((await getClient().config.region()) === 'us-west-2') throw awsError('ParameterNotFound');
      return { Parameter: { Value: '30' } };
    });
    const rows = await checkBootstrap(ctx);
    expect(rows[1]).toMatchObject({ check: 'bootstrap us-west-2', result: 'fail', action: `npx cdk bootstrap aws://${ACCOUNT}/us-west-2` });
    expect(rows[0].result).toBe('pass');
  });
  test('fail when older than the version the stacks need', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '14' } });
    const rows = await checkBootstrap(ctx);
    expect(rows[1]).toMatchObject({ result: 'fail', finding: expect.stringMatching(/version 14.*need 21/) });
    expect(rows[0].result).toBe('pass');
  });
  test('access denied is an error row naming the action', async () => {
    ssm.on(GetParameterCommand).rejects(DENIED);
    expect((await checkBootstrap(ctx))[0]).toMatchObject({ result: 'error', finding: expect.stringContaining('ssm:GetParameter') });
  });
});

describe('lambda concurrency, summed from the templates', () => {
  const ctx = context([
    stack('t-Data', 'us-east-1', { A: fn(5), B: fn(20) }),
    stack('t-Workers', 'us-east-1', { C: fn(10), D: { Type: 'AWS::Lambda::Function' } }),
  ]);
  test('Lambda keeps 100 unreserved, or the whole quota when it is 100 or less (AWS docs)', () => {
    expect(minimumUnreserved(1000)).toBe(100);
    expect(minimumUnreserved(10)).toBe(10);
  });
  test('pass with the default quota of 1000', async () => {
    lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 } });
    expect(await checkLambdaConcurrency(ctx)).toEqual([
      expect.objectContaining({ result: 'pass', finding: expect.stringContaining('reserve 35') }),
    ]);
  });
  test('fail in a new account (quota 10), asking for 135', async () => {
    lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 } });
    const [row] = await checkLambdaConcurrency(ctx);
    expect(row).toMatchObject({ result: 'fail', action: expect.stringContaining('--desired-value 135') });
  });
  test('fail when other functions already hold the headroom', async () => {
    lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 120 } });
    expect((await checkLambdaConcurrency(ctx))[0]).toMatchObject({
      result: 'fail',
      action: expect.stringContaining('--desired-value 1015'),
    });
  });
  test('access denied', async () => {
    lambda.on(GetAccountSettingsCommand).rejects(DENIED);
    expect((await checkLambdaConcurrency(ctx))[0]).toMatchObject({
      result: 'error',
      finding: expect.stringContaining('lambda:GetAccountSettings'),
    });
  });
});

describe('guardduty detectors, read from the templates', () => {
  const detector = { Type: 'AWS::GuardDuty::Detector', Properties: { Enable: true } };
  const ctx = context([stack('t-Monitoring', 'us-east-1', { G: detector }), stack('t-DrBackup', 'us-west-2', { G: detector })]);
  test('pass where no detector exists yet', async () => {
    gd.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    expect(results(await checkGuardDuty(ctx))).toEqual(['pass', 'pass']);
  });
  test('fail where an organization already made one', async () => {
    gd.on(ListDetectorsCommand).resolves({ DetectorIds: ['abc123'] });
    expect((await checkGuardDuty(ctx))[0]).toMatchObject({ result: 'fail', action: expect.stringContaining('"enabled": false') });
  });
  test('templates without a detector: pass if one exists, warn if none', async () => {
    const none = context([stack('t-Monitoring', 'us-east-1')]);
    gd.on(ListDetectorsCommand).resolves({ DetectorIds: ['abc123'] });
    expect(results(await checkGuardDuty(none))).toEqual(['pass']);
    gd.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    expect(results(await checkGuardDuty(none))).toEqual(['warn']);
  });
  test('access denied', async () => {
    gd.on(ListDetectorsCommand).rejects(DENIED);
    expect(results(await checkGuardDuty(ctx))).toEqual(['error', 'error']);
  });
});

describe('rds orderable options', () => {
  const db = {
    Type: 'AWS::RDS::DBInstance',
    Properties: {
      Engine: 'postgres',
      EngineVersion: '16.4',
      DBInstanceClass: 'db.r6g.large',
      StorageEncrypted: true,
      MultiAZ: true,
      EnableIAMDatabaseAuthentication: true,
    },
  };
  const ctx = context([stack('t-Data', 'us-east-1', { Db: db })]);
  const full = { SupportsStorageEncryption: true, MultiAZCapable: true, SupportsIAMDatabaseAuthentication: true };
  test('pass when orderable with the features the template turns on', async () => {
    rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [full] });
    expect(results(await checkRdsOrderable(ctx))).toEqual(['pass']);
    expect(rds.commandCalls(DescribeOrderableDBInstanceOptionsCommand)[0].args[0].input).toMatchObject({
      Engine: 'postgres',
      EngineVersion: '16.4',
      DBInstanceClass: 'db.r6g.large',
    });
  });
  test('fail when RDS no longer creates the version', async () => {
    rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [] });
    expect((await checkRdsOrderable(ctx))[0]).toMatchObject({
      result: 'fail',
      finding: expect.stringContaining('no longer creates postgres 16.4'),
      action: expect.stringContaining('database.engineVersion'),
    });
  });
  test('fail when the class is not offered for the version', async () => {
    rds.on(DescribeOrderableDBInstanceOptionsCommand, { DBInstanceClass: 'db.r6g.large' }).resolves({ OrderableDBInstanceOptions: [] });
    rds.on(DescribeOrderableDBInstanceOptionsCommand, { DBInstanceClass: undefined }).resolves({ OrderableDBInstanceOptions: [full] });
    expect((await checkRdsOrderable(ctx))[0]).toMatchObject({ result: 'fail', action: expect.stringContaining('database.instanceClass') });
  });
  test('fail when a turned-on feature is unsupported', async () => {
    rds
      .on(DescribeOrderableDBInstanceOptionsCommand)
      .resolves({ OrderableDBInstanceOptions: [{ ...full, SupportsIAMDatabaseAuthentication: false }] });
    expect((await checkRdsOrderable(ctx))[0]).toMatchObject({
      result: 'fail',
      finding: expect.stringContaining('IAM database authentication'),
    });
  });
  test('access denied', async () => {
    rds.on(DescribeOrderableDBInstanceOptionsCommand).rejects(DENIED);
    expect(results(await checkRdsOrderable(ctx))).toEqual(['error']);
  });
});

describe('certificate', () => {
  const arn = `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/12345678-1234-1234-1234-123456789012`;
  const existing = context([], testConfig({ certificate: { mode: 'existing', arn } }));
  test('wildcards cover one label only', () => {
    expect(nameCovers('*.example.com', 'app.example.com')).toBe(true);
    expect(nameCovers('*.example.com', 'a.b.example.com')).toBe(false);
    expect(nameCovers('example.com', 'app.example.com')).toBe(false);
  });
  test('pass: issued, same region, covers domainName', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: { Status: 'ISSUED', DomainName: '*.example.com', Type: 'AMAZON_ISSUED' } });
    expect(results(await checkCertificate(existing))).toEqual(['pass']);
  });
  test('warn while pending validation; fail when expired, not covering, missing or in another region', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: { Status: 'PENDING_VALIDATION', DomainName: 'app.example.com' } });
    expect(results(await checkCertificate(existing))).toEqual(['warn']);
    acm.on(DescribeCertificateCommand).resolves({ Certificate: { Status: 'EXPIRED', DomainName: 'app.example.com' } });
    expect(results(await checkCertificate(existing))).toEqual(['fail']);
    acm.on(DescribeCertificateCommand).resolves({ Certificate: { Status: 'ISSUED', DomainName: 'other.example.org' } });
    expect((await checkCertificate(existing))[0]).toMatchObject({
      result: 'fail',
      finding: expect.stringContaining('does not cover app.example.com'),
    });
    acm.on(DescribeCertificateCommand).rejects(awsError('ResourceNotFoundException'));
    expect(results(await checkCertificate(existing))).toEqual(['fail']);
    // The config already refuses such an ARN; preflight checks it again on its own (a config edited after synth).
    const west = context([], { ...testConfig(), certificate: { mode: 'existing', arn: arn.replace('us-east-1', 'us-west-2') } });
    expect((await checkCertificate(west))[0]).toMatchObject({ result: 'fail', finding: expect.stringContaining('in us-west-2') });
  });
  test('access denied', async () => {
    acm.on(DescribeCertificateCommand).rejects(DENIED);
    expect(results(await checkCertificate(existing))).toEqual(['error']);
  });
  const zoned = context([], testConfig({ certificate: { mode: 'create', hostedZoneId: 'Z0123456789ABC', hostedZoneName: 'example.com' } }));
  test('hosted zone: pass when public and named as configured', async () => {
    r53
      .on(GetHostedZoneCommand)
      .resolves({ HostedZone: { Id: 'Z0123456789ABC', Name: 'example.com.', CallerReference: 'x', Config: { PrivateZone: false } } });
    expect(results(await checkCertificate(zoned))).toEqual(['pass']);
  });
  test('hosted zone: fail when missing, private or another name', async () => {
    r53.on(GetHostedZoneCommand).rejects(awsError('NoSuchHostedZone'));
    expect(results(await checkCertificate(zoned))).toEqual(['fail']);
    r53
      .on(GetHostedZoneCommand)
      .resolves({ HostedZone: { Id: 'Z', Name: 'example.com.', CallerReference: 'x', Config: { PrivateZone: true } } });
    expect((await checkCertificate(zoned))[0].finding).toMatch(/private/);
    r53.on(GetHostedZoneCommand).resolves({ HostedZone: { Id: 'Z', Name: 'example.org.', CallerReference: 'x' } });
    expect(results(await checkCertificate(zoned))).toEqual(['fail']);
  });
  test('hosted zone: access denied', async () => {
    r53.on(GetHostedZoneCommand).rejects(awsError('AccessDenied'));
    expect(results(await checkCertificate(zoned))).toEqual(['error']);
  });
  test('no zone: warn that the deploy waits for a person to add the DNS record', async () => {
    expect((await checkCertificate(context([])))[0]).toMatchObject({ result: 'warn', action: expect.stringContaining('72 hours') });
  });
});

describe('stack state', () => {
  const ctx = context([stack('t-Data', 'us-east-1')]);
  test('pass when absent or deployable', async () => {
    cfn.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id t-Data does not exist'));
    expect(results(await checkStackState(ctx))).toEqual(['pass']);
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 't-Data', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] });
    expect(results(await checkStackState(ctx))).toEqual(['pass']);
  });
  test('fail after a failed first create, saying how to clear it', async () => {
    cfn
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: 't-Data', StackStatus: 'ROLLBACK_COMPLETE', CreationTime: new Date() }] });
    expect((await checkStackState(ctx))[0]).toMatchObject({
      result: 'fail',
      action: expect.stringContaining('delete-stack --stack-name t-Data'),
    });
  });
  test('access denied', async () => {
    cfn.on(DescribeStacksCommand).rejects(DENIED);
    expect(results(await checkStackState(ctx))).toEqual(['error']);
  });
});

describe('named resources', () => {
  const ctx = context([
    stack('t-Data', 'us-east-1', {
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/rds/instance/x/postgresql' }, DeletionPolicy: 'Retain' },
      Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'hipaa-t-primary' }, DeletionPolicy: 'Retain' },
    }),
  ]);
  test('pass when the names are free', async () => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: '/aws/rds/instance/x/postgresql-other' }] });
    backup.on(DescribeBackupVaultCommand).rejects(awsError('ResourceNotFoundException'));
    expect(results(await checkNamedResources(ctx))).toEqual(['pass', 'pass']);
  });
  test('fail on a leftover of a failed create; pass when the stack owns it', async () => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: '/aws/rds/instance/x/postgresql' }] });
    backup.on(DescribeBackupVaultCommand).resolves({ BackupVaultName: 'hipaa-t-primary' });
    cfn.on(DescribeStackResourceCommand).rejects(awsError('ValidationError', 'Stack t-Data does not exist'));
    const rows = await checkNamedResources(ctx);
    expect(rows[0]).toMatchObject({
      result: 'fail',
      finding: expect.stringContaining('retained'),
      action: expect.stringContaining('delete-log-group'),
    });
    expect(rows[1]).toMatchObject({ result: 'fail', action: expect.stringContaining('Vault Lock') });
    cfn.on(DescribeStackResourceCommand).callsFake((input: { LogicalResourceId: string }) => ({
      StackResourceDetail: {
        PhysicalResourceId: input.LogicalResourceId === 'Logs' ? '/aws/rds/instance/x/postgresql' : 'hipaa-t-primary',
      },
    }));
    expect(results(await checkNamedResources(ctx))).toEqual(['pass', 'pass']);
  });
  test('access denied', async () => {
    logs.on(DescribeLogGroupsCommand).rejects(DENIED);
    backup.on(DescribeBackupVaultCommand).rejects(DENIED);
    expect(results(await checkNamedResources(ctx))).toEqual(['error', 'error']);
  });
});

describe('alert e-mail subscriptions', () => {
  const sns = mockClient(SNSClient);
  beforeEach(() => sns.reset());
  const ctx = context([
    stack('t-Monitoring', 'us-east-1', {
      Topic: { Type: 'AWS::SNS::Topic' },
      Sub: { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'email', Endpoint: 'sec@example.com', TopicArn: { Ref: 'Topic' } } },
    }),
  ]);
  const topicArn = 'arn:aws:sns:us-east-1:111111111111:alerts';
  const deployed = () => cfn.on(DescribeStackResourceCommand).resolves({ StackResourceDetail: { PhysicalResourceId: topicArn } as never });
  test('before the first deploy: warn that a person must confirm', async () => {
    cfn.on(DescribeStackResourceCommand).rejects(awsError('ValidationError', 'Stack t-Monitoring does not exist'));
    expect((await checkAlertSubscriptions(ctx))[0]).toMatchObject({ result: 'warn', finding: expect.stringContaining('sec@example.com') });
  });
  test('pass once confirmed; warn while pending', async () => {
    deployed();
    sns
      .on(ListSubscriptionsByTopicCommand)
      .resolves({ Subscriptions: [{ Endpoint: 'sec@example.com', SubscriptionArn: `${topicArn}:abc` }] });
    expect(results(await checkAlertSubscriptions(ctx))).toEqual(['pass']);
    sns
      .on(ListSubscriptionsByTopicCommand)
      .resolves({ Subscriptions: [{ Endpoint: 'sec@example.com', SubscriptionArn: 'PendingConfirmation' }] });
    expect((await checkAlertSubscriptions(ctx))[0]).toMatchObject({ result: 'warn', finding: 'not confirmed: sec@example.com' });
  });
  test('access denied', async () => {
    deployed();
    sns.on(ListSubscriptionsByTopicCommand).rejects(awsError('AuthorizationError'));
    expect(results(await checkAlertSubscriptions(ctx))).toEqual(['error']);
  });
});
