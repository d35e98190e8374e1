/**
 * Bad arguments and inputs for the command-line tools: each gets its own clear message and the right exit
 * code (2: arguments or set-up, 1: findings), and nothing destructive happens.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import {
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { run as evidence } from '../../lib/evidence/cli';
import { main as configCheck } from '../../lib/config/check-cli';
import { main as liveVerify } from '../../lib/runtime/cli/live-verify';
import { main as offboard } from '../../lib/runtime/cli/tenant-offboard';

const ACCOUNT = '111122223333';
const key = (env: string, id = '1111', region = 'us-east-1', account = ACCOUNT) =>
  `arn:aws:kms:${region}:${account}:key/${env === 'prod' ? id : `${id}5`}`;
const s3mock = mockClient(S3Client);
const kmsmock = mockClient(KMSClient);
const clients = { s3: new S3Client({ region: 'us-east-1' }), kms: new KMSClient({ region: 'us-east-1' }) };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-corpus-'));
const file = (name: string, content: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, content);
  return f;
};
const envOutputs = (env: string) => ({
  [`${env}-Audit`]: { AuditBucketName: `audit-${env}`, AuditRetentionYears: '7' },
  [`${env}-Keys`]: { AuditKeyArn: key(env), DatabaseKeyArn: key(env, '2222') },
});
const PROD = file('prod.json', JSON.stringify(envOutputs('prod')));
const BOTH = file('both.json', JSON.stringify({ ...envOutputs('prod'), ...envOutputs('staging'), 'other-stack': { X: 'y' } }));

function deployed() {
  s3mock.reset();
  kmsmock.reset();
  s3mock
    .on(GetObjectLockConfigurationCommand)
    .resolves({ ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 7 } } } });
  s3mock.on(GetBucketEncryptionCommand).callsFake((i: { Bucket: string }) => ({
    ServerSideEncryptionConfiguration: {
      Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key(i.Bucket.replace('audit-', '')) } }],
    },
  }));
  s3mock.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
  s3mock.on(GetPublicAccessBlockCommand).resolves({
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
  });
  s3mock.on(GetBucketPolicyCommand).resolves({
    Policy: JSON.stringify({
      Statement: [
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } },
      ],
    }),
  });
  kmsmock.on(DescribeKeyCommand).callsFake((i: { KeyId: string }) => ({
    KeyMetadata: { KeyId: '1111', Arn: i.KeyId.startsWith('arn:') ? i.KeyId : key('prod'), KeyState: 'Enabled', KeyManager: 'CUSTOMER' },
  }));
  kmsmock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true });
  kmsmock.on(GetKeyPolicyCommand).resolves({ Policy: JSON.stringify({ Statement: [] }) });
  kmsmock.on(ListResourceTagsCommand).resolves({ Tags: [{ TagKey: 'hipaa-stack:tenant', TagValue: 'acme' }] });
  kmsmock.on(ListAliasesCommand).resolves({ Aliases: [{ AliasName: 'alias/hipaa/prod/tenant/acme' }] });
  kmsmock.on(ScheduleKeyDeletionCommand).resolves({ DeletionDate: new Date('2027-01-03T00:00:00Z') });
  s3mock.on(GetObjectCommand).rejects(Object.assign(new Error('none'), { name: 'NoSuchKey' }));
  s3mock.on(ListObjectsV2Command).resolves({ Contents: [] });
  s3mock.on(PutObjectCommand).resolves({});
}
beforeEach(deployed);

const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });
const calls = () => [...s3mock.calls(), ...kmsmock.calls()].length;
type Run = (argv: string[], c: typeof clients, o: (s: string) => void, e: (s: string) => void) => Promise<number>;
async function run(cli: Run, argv: string[]) {
  const lines: string[] = [];
  const code = await cli(
    argv,
    clients,
    (s) => lines.push(s),
    (s) => lines.push(s),
  );
  return { code, text: lines.join('\n') };
}

/** [what, arguments, exit code, message, AWS set-up before the run] */
type Case = [string, string[], number, RegExp, (() => void)?];

/** Every row with a set-up function, so that jest sees five arguments and no `done` callback. */
const withSetup = ([what, argv, code, message, setup]: Case): [string, string[], number, RegExp, () => void] => [
  what,
  argv,
  code,
  message,
  setup ?? (() => undefined),
];

const LIVE: Case[] = [
  ['--help', ['--help'], 0, /usage: live-verify .*\n[\s\S]*Exit codes: 0 as promised, 1 drift, 2/],
  ['an unknown option', ['--bogus'], 2, /Unknown option '--bogus'[\s\S]*usage: live-verify/],
  ['a repeated option', ['--outputs', PROD, '--outputs', BOTH], 2, /--outputs is given more than once/],
  [
    'audit years below the HIPAA minimum',
    ['--outputs', PROD, '--audit-years', '5'],
    2,
    /--audit-years got "5"; .*from 6 \(the HIPAA minimum/,
  ],
  ['fractional audit years', ['--outputs', PROD, '--audit-years', '6.5'], 2, /--audit-years got "6\.5"/],
  ['audit years as words', ['--outputs', PROD, '--audit-years', 'seven'], 2, /--audit-years got "seven"/],
  ['an outputs file that does not exist', ['--outputs', path.join(dir, 'nope.json')], 2, /nope\.json: cannot be read \(ENOENT\)/],
  ['an outputs file that is not JSON', ['--outputs', file('txt.json', 'root:x:0:0:SECRET')], 2, /txt\.json: is not valid JSON/],
  ['an outputs file holding null', ['--outputs', file('null.json', 'null')], 2, /null\.json: holds null; expected an object of stack name/],
  ['an outputs file holding an array', ['--outputs', file('arr.json', '[]')], 2, /holds an array/],
  ['a stack holding a string', ['--outputs', file('str.json', '{"prod-Audit": "x"}')], 2, /stack prod-Audit holds string/],
  [
    'an output that is a number',
    ['--outputs', file('num.json', '{"prod-Audit": {"AuditBucketName": 7}}')],
    2,
    /prod-Audit\.AuditBucketName is number; expected a string/,
  ],
  ['an outputs file of another app', ['--outputs', file('other.json', '{"MyStack": {"A": "b"}}')], 2, /holds no stack of this app/],
  [
    'several environments without --environment',
    ['--outputs', BOTH],
    2,
    /holds several environments \(prod, staging\); pass --environment/,
  ],
  [
    'an environment not in the file',
    ['--outputs', BOTH, '--environment', 'dev'],
    2,
    /--environment dev: not in .* which holds prod, staging/,
  ],
  ['an invalid environment name', ['--outputs', BOTH, '--environment', 'Prod!'], 2, /--environment got "Prod!"/],
  [
    '--environment without --outputs',
    ['--environment', 'prod', '--bucket', 'audit-prod'],
    2,
    /--environment chooses from an --outputs file/,
  ],
  ['a key that is not an ARN', ['--outputs', PROD, '--key', 'mykey'], 2, /--key got "mykey"; must be a KMS key ARN/],
  ['a key of another region', ['--outputs', PROD, '--key', key('prod', '3333', 'eu-west-1')], 2, /different accounts or regions/],
  [
    'a key of another account',
    ['--outputs', PROD, '--key', key('prod', '3333', 'us-east-1', '999988887777')],
    2,
    /different accounts or regions/,
  ],
  [
    'a --region that contradicts the ARNs',
    ['--outputs', PROD, '--region', 'eu-west-1'],
    2,
    /--region eu-west-1 differs from the region of the key ARNs \(us-east-1\)/,
  ],
  ['a malformed --region', ['--outputs', PROD, '--region', 'useast1'], 2, /--region got "useast1"/],
  ['no region anywhere', ['--bucket', 'audit-prod'], 2, /no region: pass --region/],
  ['a malformed bucket name', ['--bucket', 'Audit_Bucket', '--region', 'us-east-1'], 2, /--bucket got "Audit_Bucket"/],
  ['no bucket', ['--region', 'us-east-1'], 2, /no audit bucket/],
  [
    'the SDK without a region: set-up, not drift',
    ['--outputs', PROD],
    2,
    /object lock on audit-prod failed: .*Region is missing \(no AWS region is set/,
    () => s3mock.on(GetObjectLockConfigurationCommand).rejects(awsError('Error', 'Region is missing')),
  ],
  [
    'no credentials: set-up, not drift',
    ['--outputs', PROD],
    2,
    /CredentialsProviderError.*no AWS credentials were found/,
    () => s3mock.on(GetObjectLockConfigurationCommand).rejects(awsError('CredentialsProviderError', 'Could not load credentials')),
  ],
  [
    'a missing bucket: set-up, not drift',
    ['--outputs', PROD],
    2,
    /NoSuchBucket/,
    () => s3mock.on(GetObjectLockConfigurationCommand).rejects(awsError('NoSuchBucket')),
  ],
  [
    'access denied on a key: set-up, not drift',
    ['--outputs', PROD],
    2,
    /key rotation on .* failed: AccessDeniedException/,
    () => kmsmock.on(GetKeyRotationStatusCommand).rejects(awsError('AccessDeniedException')),
  ],
  [
    'an unexpected AWS error: set-up, not drift',
    ['--outputs', PROD],
    2,
    /versioning on audit-prod failed: InternalError/,
    () => s3mock.on(GetBucketVersioningCommand).rejects(awsError('InternalError')),
  ],
  [
    'Object Lock not configured: drift',
    ['--outputs', PROD],
    1,
    /DRIFT audit-prod object lock: not configured \(ObjectLockConfigurationNotFoundError\)/,
    () => s3mock.on(GetObjectLockConfigurationCommand).rejects(awsError('ObjectLockConfigurationNotFoundError')),
  ],
  [
    'one environment of several, chosen',
    ['--outputs', BOTH, '--environment', 'staging'],
    0,
    /Checking account 111122223333, region us-east-1, environment staging: bucket audit-staging/,
  ],
];

const OFFBOARD_BASE = ['--actor', 'alice@example.com'];
const OFFBOARD: Case[] = [
  ['--help', ['--help'], 0, /usage: tenant-offboard[\s\S]*Without --confirm it is a dry run/],
  ['an upper-case tenant id', ['--tenant', 'ACME', ...OFFBOARD_BASE, '--outputs', PROD], 2, /--tenant got "ACME"; a tenant id is 3-32/],
  ['a tenant id escaping a prefix', ['--tenant', '../acme', ...OFFBOARD_BASE, '--outputs', PROD], 2, /--tenant got "\.\.\/acme"/],
  [
    'a repeated --tenant',
    ['--tenant', 'acme', '--tenant', 'globex', ...OFFBOARD_BASE, '--outputs', PROD],
    2,
    /--tenant is given more than once/,
  ],
  ['an empty actor', ['--tenant', 'acme', '--actor', ' ', '--outputs', PROD], 2, /--actor got " "/],
  [
    '--confirm with a value',
    ['--tenant', 'acme', ...OFFBOARD_BASE, '--outputs', PROD, '--confirm', 'acme'],
    2,
    /Unexpected argument 'acme'/,
  ],
  [
    'no environment at all',
    ['--tenant', 'acme', ...OFFBOARD_BASE, '--bucket', 'audit-prod', '--audit-key', key('prod')],
    2,
    /the environment, its audit bucket and its audit key are needed/,
  ],
  [
    'several environments without --environment',
    ['--tenant', 'acme', ...OFFBOARD_BASE, '--outputs', BOTH],
    2,
    /several environments \(prod, staging\)/,
  ],
  [
    'a key ARN of another region than the environment',
    ['--tenant', 'acme', ...OFFBOARD_BASE, '--outputs', PROD, '--key', key('prod', '1111', 'eu-west-1')],
    2,
    /different accounts or regions/,
  ],
  [
    'a key alias instead of an ARN',
    ['--tenant', 'acme', ...OFFBOARD_BASE, '--outputs', PROD, '--key', 'alias/hipaa/prod/tenant/acme'],
    2,
    /--key got "alias\/hipaa\/prod\/tenant\/acme"; must be a KMS key ARN/,
  ],
  [
    'the staging key of the tenant with prod outputs (alias of another environment)',
    ['--tenant', 'acme', ...OFFBOARD_BASE, '--outputs', PROD, '--confirm'],
    1,
    /aliases that are not alias\/hipaa\/prod\/tenant\/acme: alias\/hipaa\/staging\/tenant\/acme; refusing/,
    () => kmsmock.on(ListAliasesCommand).resolves({ Aliases: [{ AliasName: 'alias/hipaa/staging/tenant/acme' }] }),
  ],
  [
    'an alias that only contains the expected one',
    ['--tenant', 'acme', ...OFFBOARD_BASE, '--outputs', PROD, '--confirm'],
    1,
    /aliases that are not alias\/hipaa\/prod\/tenant\/acme: alias\/hipaa\/prod\/tenant\/acme2/,
    () =>
      kmsmock
        .on(ListAliasesCommand)
        .resolves({ Aliases: [{ AliasName: 'alias/hipaa/prod/tenant/acme' }, { AliasName: 'alias/hipaa/prod/tenant/acme2' }] }),
  ],
  [
    'a key without the tenant alias',
    ['--tenant', 'acme', ...OFFBOARD_BASE, '--outputs', PROD, '--confirm'],
    1,
    /does not carry alias\/hipaa\/prod\/tenant\/acme/,
    () => kmsmock.on(ListAliasesCommand).resolves({ Aliases: [] }),
  ],
  [
    'a key in another account than the environment',
    ['--tenant', 'acme', ...OFFBOARD_BASE, '--outputs', PROD, '--confirm'],
    1,
    /is in account 999988887777, region us-east-1, but environment prod is in account 111122223333, region us-east-1/,
    () =>
      kmsmock.on(DescribeKeyCommand).resolves({
        KeyMetadata: { KeyId: '9', Arn: key('prod', '9999', 'us-east-1', '999988887777'), KeyState: 'Enabled', KeyManager: 'CUSTOMER' },
      }),
  ],
  [
    'a key that does not exist: set-up',
    ['--tenant', 'acme', ...OFFBOARD_BASE, '--outputs', PROD, '--confirm'],
    2,
    /describing key alias\/hipaa\/prod\/tenant\/acme failed: NotFoundException/,
    () => kmsmock.on(DescribeKeyCommand).rejects(awsError('NotFoundException')),
  ],
  [
    'an audit bucket that cannot be opened: nothing scheduled',
    ['--tenant', 'acme', ...OFFBOARD_BASE, '--outputs', PROD, '--confirm'],
    2,
    /opening the audit log in audit-prod \(nothing was changed\) failed/,
    () => s3mock.on(ListObjectsV2Command).rejects(awsError('AccessDenied')),
  ],
];

describe('live-verify: bad arguments and inputs', () => {
  test.each(LIVE.map(withSetup))('%s', async (_what, argv, code, message, setup) => {
    setup();
    const r = await run(liveVerify, argv);
    expect(r.text).toMatch(message);
    expect(r.code).toBe(code);
    expect(r.text).not.toMatch(/SECRET|\n\s+at /);
  });
});

describe('tenant-offboard: bad arguments and inputs never act', () => {
  test.each(OFFBOARD.map(withSetup))('%s', async (_what, argv, code, message, setup) => {
    setup();
    const r = await run(offboard, argv);
    expect(r.text).toMatch(message);
    expect(r.code).toBe(code);
    expect(kmsmock.commandCalls(ScheduleKeyDeletionCommand)).toHaveLength(0);
    expect(s3mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  test('the tenant id is checked before any AWS call', async () => {
    await run(offboard, ['--tenant', 'ACME', ...OFFBOARD_BASE, '--outputs', PROD, '--confirm']);
    expect(calls()).toBe(0);
  });

  test('with --environment, the key, the plan and the audit event all belong to that environment', async () => {
    kmsmock
      .on(DescribeKeyCommand)
      .resolves({ KeyMetadata: { KeyId: '11115', Arn: key('staging'), KeyState: 'Enabled', KeyManager: 'CUSTOMER' } });
    kmsmock.on(ListAliasesCommand).resolves({ Aliases: [{ AliasName: 'alias/hipaa/staging/tenant/acme' }] });
    const r = await run(offboard, ['--tenant', 'acme', ...OFFBOARD_BASE, '--outputs', BOTH, '--environment', 'staging', '--confirm']);
    expect(r.code).toBe(0);
    expect(kmsmock.commandCalls(DescribeKeyCommand)[0].args[0].input.KeyId).toBe('alias/hipaa/staging/tenant/acme');
    expect(r.text).toMatch(/environment staging; audit event to bucket audit-staging/);
    const puts = s3mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.length).toBeGreaterThan(0);
    expect(puts.every((p) => p.Bucket === 'audit-staging' && p.SSEKMSKeyId === key('staging'))).toBe(true);
  });
});

test('a multi-region key ARN is a key ARN', async () => {
  const mrk = 'arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab';
  const r = await run(liveVerify, ['--outputs', PROD, '--key', mrk]);
  expect(r.code).toBe(0);
  expect(kmsmock.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input.KeyId)).toContain(mrk);
});

describe('every command answers --help with its usage and exit code 0', () => {
  test.each([
    ['evidence', (o: (s: string) => void) => Promise.resolve(evidence(['--help'], o, o))],
    ['config:check', (o: (s: string) => void) => Promise.resolve(configCheck(['--help'], o, o))],
    ['live-verify', (o: (s: string) => void) => liveVerify(['--help'], clients, o, o)],
    ['tenant-offboard', (o: (s: string) => void) => offboard(['-h'], clients, o, o)],
  ])('%s', async (_name, call) => {
    const lines: string[] = [];
    expect(await call((s) => lines.push(s))).toBe(0);
    expect(lines.join('\n')).toMatch(/usage/);
    expect(calls()).toBe(0);
  });
});
