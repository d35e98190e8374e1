import { ACMClient } from '@aws-sdk/client-acm';
import { BackupClient, DescribeBackupVaultCommand } from '@aws-sdk/client-backup';
import { CloudFormationClient, DescribeStackResourceCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GuardDutyClient, ListDetectorsCommand } from '@aws-sdk/client-guardduty';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeDBInstancesCommand, DescribeOrderableDBInstanceOptionsCommand, RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../lib/preflight/cli';
import { readDeployment, regionsOf } from '../../lib/preflight/deployment';
import { runPreflight } from '../../lib/preflight/run';
import { synthReference, testConfig } from '../helpers/synth';
import { ACCOUNT, awsError } from './fixtures';

// The reference deployment as `cdk synth` writes it, with three tenants: what preflight reads.
const config = testConfig({
  account: ACCOUNT,
  tenants: [
    { id: 'acme', slot: 0 },
    { id: 'globex', slot: 1 },
    { id: 'initech', slot: 2 },
  ],
});
const synth = synthReference(config, { complianceGate: false });
const deployment = readDeployment(synth.assemblyDir);

const sts = mockClient(STSClient);
const ssm = mockClient(SSMClient);
const lambda = mockClient(LambdaClient);
const gd = mockClient(GuardDutyClient);
const rds = mockClient(RDSClient);
const cfn = mockClient(CloudFormationClient);
const logs = mockClient(CloudWatchLogsClient);
const backup = mockClient(BackupClient);
const kms = mockClient(KMSClient);
const s3 = mockClient(S3Client);
/** Every service stub, by name: reset together, and searched for the commands sent. */
const stubs: Record<string, { reset(): unknown; calls(): { args: readonly unknown[] }[] }> = {
  sts,
  ssm,
  lambda,
  guardduty: gd,
  rds,
  cloudformation: cfn,
  logs,
  backup,
  kms,
  s3,
  acm: mockClient(ACMClient),
  route53: mockClient(Route53Client),
  sns: mockClient(SNSClient),
};

/** A fresh account that is ready: bootstrapped, quota raised, nothing deployed. */
function readyAccount(): void {
  Object.values(stubs).forEach((s) => s.reset());
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:role/deployer` });
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '30' } });
  lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 } });
  gd.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
  rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({
    OrderableDBInstanceOptions: [
      { SupportsStorageEncryption: true, MultiAZCapable: true, SupportsIAMDatabaseAuthentication: true, SupportsPerformanceInsights: true },
    ],
  });
  rds.on(DescribeDBInstancesCommand).rejects(awsError('DBInstanceNotFoundFault'));
  cfn.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id x does not exist'));
  cfn.on(DescribeStackResourceCommand).rejects(awsError('ValidationError', 'Stack with id x does not exist'));
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
  backup.on(DescribeBackupVaultCommand).rejects(awsError('ResourceNotFoundException'));
  kms.on(DescribeKeyCommand).rejects(awsError('NotFoundException'));
  s3.on(HeadBucketCommand).rejects(awsError('NotFound'));
}
beforeEach(readyAccount);

test('reads every stack of the stage, in both regions', () => {
  expect(regionsOf(deployment)).toEqual([config.region, config.drRegion]);
  expect(deployment.stacks.map((s) => s.path)).toEqual(expect.arrayContaining(['example/DrBackup', 'example/Data', 'example/Monitoring']));
  expect(deployment.stacks.every((s) => s.requiredBootstrapVersion >= 6)).toBe(true);
});

test('a ready account passes; the certificate step that waits on a person is a warning', async () => {
  const rows = await runPreflight(deployment, config);
  expect(rows.filter((r) => r.result !== 'pass')).toEqual([
    expect.objectContaining({ check: 'certificate', result: 'warn' }),
    expect.objectContaining({ check: 'alert e-mails example-Monitoring', result: 'warn' }),
  ]);
  expect(rows.map((r) => r.check)).toEqual(
    expect.arrayContaining([`bootstrap ${config.region}`, `bootstrap ${config.drRegion}`, `lambda concurrency ${config.region}`]),
  );
  // Fixed names the templates hold today are each probed (whatever the "deploy" branch leaves fixed).
  expect(rows.filter((r) => r.check.startsWith('name ')).length).toBeGreaterThan(0);
});

test('never writes: every request is a Get, List, Describe or Head', async () => {
  await runPreflight(deployment, config);
  const sent = Object.entries(stubs).flatMap(([svc, s]) => s.calls().map((c) => `${svc}:${(c.args[0] as object).constructor.name}`));
  expect(sent.length).toBeGreaterThan(10);
  for (const name of sent) expect(name).toMatch(/^[a-z0-9]+:(Get|List|Describe|Head)[A-Za-z]+Command$/);
});

test('a new account: blockers in the DR region and the Lambda quota; exit 1', async () => {
  ssm.on(GetParameterCommand).callsFake(async (_i: unknown, getClient: () => SSMClient) => {
    if ((await getClient().config.region()) === config.drRegion) throw awsError('ParameterNotFound');
    return { Parameter: { Value: '30' } };
  });
  lambda.on(GetAccountSettingsCommand).resolves({ AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 } });
  const out: string[] = [];
  const code = await main(
    ['-c', `config=default`, '--assembly', synth.assemblyDir],
    undefined,
    (s) => out.push(s),
    () => undefined,
  );
  expect(code).toBe(1);
  const table = out.join('\n');
  expect(table).toMatch(new RegExp(`bootstrap ${config.drRegion}\\s+FAIL.*npx cdk bootstrap aws://${ACCOUNT}/${config.drRegion}`));
  expect(table).toMatch(/lambda concurrency us-east-1\s+FAIL/);
});

test('exit 0 on a ready account (warnings allowed), 2 without credentials, 2 on bad arguments', async () => {
  const quiet = () => undefined;
  expect(await main(['--config', 'default', '--assembly', synth.assemblyDir], undefined, quiet, quiet)).toBe(0);
  sts.on(GetCallerIdentityCommand).rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
  const err: string[] = [];
  expect(await main(['--config', 'default', '--assembly', synth.assemblyDir], undefined, quiet, (s) => err.push(s))).toBe(2);
  expect(err.join('\n')).toMatch(/sso login/);
  expect(await main(['-c', 'config'], undefined, quiet, quiet)).toBe(2);
  expect(await main(['--config', 'nope', '--assembly', synth.assemblyDir], undefined, quiet, quiet)).toBe(2);
  expect(await main(['--config', 'default', '-c', 'config=other'], undefined, quiet, quiet)).toBe(2);
});
