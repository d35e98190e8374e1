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
import { main as liveVerify } from '../../lib/runtime/cli/live-verify';
import { main as offboard } from '../../lib/runtime/cli/tenant-offboard';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1111';
const s3mock = mockClient(S3Client);
const kmsmock = mockClient(KMSClient);
const clients = { s3: new S3Client({ region: 'us-east-1' }), kms: new KMSClient({ region: 'us-east-1' }) };
const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, o: (s: string) => out.push(s), e: (s: string) => err.push(s) };
};
const outputsFile = (audit: Record<string, string> = { AuditRetentionYears: '7' }) => {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'out-')), 'cdk-outputs.json');
  fs.writeFileSync(f, JSON.stringify({ 'prod-Audit': { AuditBucketName: 'audit-bucket', ...audit }, 'prod-Keys': { AuditKeyArn: KEY } }));
  return f;
};

function asDeployed() {
  s3mock.reset();
  kmsmock.reset();
  s3mock
    .on(GetObjectLockConfigurationCommand)
    .resolves({ ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 7 } } } });
  s3mock.on(GetBucketEncryptionCommand).resolves({
    ServerSideEncryptionConfiguration: {
      Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY } }],
    },
  });
  s3mock.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
  s3mock.on(GetPublicAccessBlockCommand).resolves({
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
  });
  s3mock.on(GetBucketPolicyCommand).resolves({
    Policy: JSON.stringify({
      Statement: [
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
        { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } },
      ],
    }),
  });
  kmsmock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: '1111', Arn: KEY, KeyState: 'Enabled', KeyManager: 'CUSTOMER' } });
  kmsmock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true, RotationPeriodInDays: 365 });
  kmsmock.on(GetKeyPolicyCommand).resolves({
    Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*' }] }),
  });
}

describe('live verification of a deployed account', () => {
  beforeEach(asDeployed);

  test('an account as the templates promise passes, using read calls only', async () => {
    const c = io();
    expect(await liveVerify(['--outputs', outputsFile()], clients, c.o, c.e)).toBe(0);
    expect(c.out.join('\n')).toMatch(/All 10 checks match the templates/);
    const sent = [...s3mock.calls(), ...kmsmock.calls()].map((call) => (call.args[0] as object).constructor.name);
    expect(sent.every((n) => /^(Get|Describe|List)/.test(n))).toBe(true);
  });

  test.each([
    [
      'governance-mode Object Lock',
      () =>
        s3mock.on(GetObjectLockConfigurationCommand).resolves({
          ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Years: 7 } } },
        }),
      /DRIFT .* object lock mode: GOVERNANCE/,
    ],
    [
      'a shorter retention',
      () =>
        s3mock.on(GetObjectLockConfigurationCommand).resolves({
          ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } },
        }),
      /DRIFT .* object lock retention: 30 days/,
    ],
    [
      'another encryption key',
      () =>
        s3mock
          .on(GetBucketEncryptionCommand)
          .resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }),
      /DRIFT .* default encryption: AES256/,
    ],
    [
      'versioning suspended',
      () => s3mock.on(GetBucketVersioningCommand).resolves({ Status: 'Suspended' }),
      /DRIFT .* versioning: Suspended/,
    ],
    [
      'public access allowed',
      () =>
        s3mock.on(GetPublicAccessBlockCommand).resolves({
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: false,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
        }),
      /DRIFT .* public access block/,
    ],
    [
      'the TLS-only policy removed',
      () => s3mock.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify({ Statement: [] }) }),
      /DRIFT .* TLS-only policy: missing/,
    ],
    [
      'rotation disabled',
      () => kmsmock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: false }),
      /DRIFT .* key rotation: disabled/,
    ],
    [
      'a key pending deletion',
      () =>
        kmsmock
          .on(DescribeKeyCommand)
          .resolves({ KeyMetadata: { KeyId: '1111', Arn: KEY, KeyState: 'PendingDeletion', KeyManager: 'CUSTOMER' } }),
      /DRIFT .* key state: PendingDeletion/,
    ],
    [
      'an open key policy',
      () =>
        kmsmock
          .on(GetKeyPolicyCommand)
          .resolves({ Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt' }] }) }),
      /DRIFT .* key policy principals: 1 open statement/,
    ],
  ])('drift is reported and exits 1: %s', async (_name, drift, message) => {
    drift();
    const c = io();
    expect(await liveVerify(['--outputs', outputsFile()], clients, c.o, c.e)).toBe(1);
    expect(c.out.join('\n')).toMatch(message);
  });

  test('the audit years come from the deployed AuditRetentionYears output, not an assumed 7', async () => {
    asDeployed(); // the bucket locks 7 years
    const c = io();
    expect(await liveVerify(['--outputs', outputsFile({ AuditRetentionYears: '9' })], clients, c.o, c.e)).toBe(1);
    expect(c.out.join('\n')).toMatch(/DRIFT audit-bucket object lock retention: 7 years \(expected >= 9 years\)/);
    const ok = io();
    expect(await liveVerify(['--outputs', outputsFile({ AuditRetentionYears: '7' })], clients, ok.o, ok.e)).toBe(0);
    expect(ok.out.join('\n')).toMatch(/ok +audit-bucket object lock retention: 7 years/);
    // An explicit --audit-years still wins over the output.
    const flag = io();
    expect(await liveVerify(['--outputs', outputsFile({ AuditRetentionYears: '9' }), '--audit-years', '7'], clients, flag.o, flag.e)).toBe(
      0,
    );
  });

  test('a missing AuditRetentionYears output is a set-up error (exit 2) naming the output, never a default', async () => {
    asDeployed();
    const c = io();
    expect(await liveVerify(['--outputs', outputsFile({})], clients, c.o, c.e)).toBe(2);
    expect(c.err.join()).toMatch(/has no AuditRetentionYears output .*no default is assumed/);
    expect(c.out).toEqual([]);
    const bad = io();
    expect(await liveVerify(['--outputs', outputsFile({ AuditRetentionYears: 'seven' })], clients, bad.o, bad.e)).toBe(2);
    expect(bad.err.join()).toMatch(/--outputs AuditRetentionYears got "seven"; must be a whole number of years from 6/);
    const none = io();
    expect(await liveVerify(['--bucket', 'audit-bucket', '--region', 'us-east-1'], clients, none.o, none.e)).toBe(2);
    expect(none.err.join()).toMatch(/audit years are unknown: pass --outputs .*AuditRetentionYears.* or --audit-years N/);
  });

  test.each([
    [2556, 1],
    [2557, 0],
  ])('a default retention of %i days against 7 audit years exits %i (days covering 7 calendar years: 2557)', async (days, code) => {
    asDeployed();
    s3mock.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: days } } },
    });
    const c = io();
    expect(await liveVerify(['--outputs', outputsFile()], clients, c.o, c.e)).toBe(code);
  });

  test('access denied and bad arguments are clear errors with exit code 2', async () => {
    s3mock.on(GetObjectLockConfigurationCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const c = io();
    expect(await liveVerify(['--bucket', 'audit-bucket', '--region', 'us-east-1', '--audit-years', '7'], clients, c.o, c.e)).toBe(2);
    expect(c.err.join()).toMatch(/object lock on audit-bucket failed: AccessDenied.*lack permission/);
    expect(await liveVerify(['--audit-years', '3', '--bucket', 'audit-bucket'], clients, c.o, c.e)).toBe(2);
    expect(c.err.join()).toMatch(/--audit-years got "3"; must be a whole number of years from 6/);
    expect(await liveVerify([], clients, c.o, c.e)).toBe(2);
    expect(c.err.join()).toMatch(/no audit bucket/);
    expect(await liveVerify(['--bogus'], clients, c.o, c.e)).toBe(2);
  });
});

describe('tenant crypto-shredding', () => {
  const tenantKey = () => {
    asDeployed();
    kmsmock.on(ListResourceTagsCommand).resolves({ Tags: [{ TagKey: 'hipaa-stack:tenant', TagValue: 'acme' }] });
    kmsmock.on(ListAliasesCommand).resolves({ Aliases: [{ AliasName: 'alias/hipaa/prod/tenant/acme' }] });
    kmsmock.on(ScheduleKeyDeletionCommand).resolves({ DeletionDate: new Date('2026-12-23T00:00:00Z'), PendingWindowInDays: 30 });
    s3mock.on(GetObjectCommand).rejects(Object.assign(new Error('nope'), { name: 'NoSuchKey' }));
    s3mock.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3mock.on(PutObjectCommand).resolves({});
  };
  const args = ['--tenant', 'acme', '--key', KEY, '--actor', 'alice@example.com'];

  test('without --confirm it is a dry run: prints the plan, naming account, region and environment, and changes nothing', async () => {
    tenantKey();
    const c = io();
    expect(await offboard([...args, '--outputs', outputsFile()], clients, c.o, c.e)).toBe(0);
    expect(c.out.join()).toMatch(
      /Plan: schedule deletion of KMS key .*1111 .* in 30 days; account 111122223333, region us-east-1, environment prod; audit event to bucket audit-bucket/,
    );
    expect(c.out.join()).toMatch(/Dry run: nothing was changed. Re-run with --confirm/);
    expect(kmsmock.commandCalls(ScheduleKeyDeletionCommand)).toHaveLength(0);
    expect(s3mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  test('with --confirm it schedules deletion with a 30-day window, then records the outcome in the audit log', async () => {
    tenantKey();
    const order: string[] = [];
    s3mock.on(PutObjectCommand).callsFake((i: { Key: string }) => {
      order.push(`put ${i.Key.split('/').pop()}`);
      return {};
    });
    kmsmock.on(ScheduleKeyDeletionCommand).callsFake(() => {
      order.push('schedule');
      return { DeletionDate: new Date('2026-12-23T00:00:00Z') };
    });
    const c = io();
    expect(await offboard([...args, '--outputs', outputsFile(), '--confirm'], clients, c.o, c.e)).toBe(0);
    expect(order).toEqual(['schedule', 'put 000000000000.jsonl', 'put HEAD.json']);
    expect(kmsmock.commandCalls(ScheduleKeyDeletionCommand)[0].args[0].input).toEqual({ KeyId: KEY, PendingWindowInDays: 30 });
    const body = String(s3mock.commandCalls(PutObjectCommand)[0].args[0].input.Body);
    expect(JSON.parse(body.trim())).toMatchObject({
      event: {
        action: 'tenant.offboard.schedule-key-deletion',
        tenant: 'acme',
        actor: 'alice@example.com',
        resource: KEY,
        outcome: 'success',
      },
    });
    expect(s3mock.commandCalls(PutObjectCommand)[0].args[0].input.Key).toBe('audit/tenants/acme/writers/offboarding/000000000000.jsonl');
    expect(c.out.join()).toMatch(/will be deleted on 2026-12-23/);
  });

  test.each([
    [
      'a key of another tenant',
      () => kmsmock.on(ListResourceTagsCommand).resolves({ Tags: [{ TagKey: 'hipaa-stack:tenant', TagValue: 'globex' }] }),
      /not tagged hipaa-stack:tenant=acme \(found "globex"\)/,
    ],
    [
      'an untagged key',
      () => kmsmock.on(ListResourceTagsCommand).resolves({ Tags: [] }),
      /not tagged hipaa-stack:tenant=acme \(found null\)/,
    ],
    [
      'a shared data-class key',
      () =>
        kmsmock.on(ListResourceTagsCommand).resolves({
          Tags: [
            { TagKey: 'hipaa-stack:tenant', TagValue: 'acme' },
            { TagKey: 'hipaa-stack:shared', TagValue: 'true' },
          ],
        }),
      /shared data-class key/,
    ],
    [
      'a key with a foreign alias',
      () => kmsmock.on(ListAliasesCommand).resolves({ Aliases: [{ AliasName: 'alias/hipaa/prod/database' }] }),
      /aliases that are not alias\/hipaa\/prod\/tenant\/acme: alias\/hipaa\/prod\/database/,
    ],
    [
      'an AWS-managed key',
      () => kmsmock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: '1', Arn: KEY, KeyState: 'Enabled', KeyManager: 'AWS' } }),
      /AWS-managed/,
    ],
  ])('refuses %s, even with --confirm', async (_n, setup, message) => {
    tenantKey();
    setup();
    const c = io();
    expect(await offboard([...args, '--outputs', outputsFile(), '--confirm'], clients, c.o, c.e)).toBe(1);
    expect(c.err.join()).toMatch(message);
    expect(kmsmock.commandCalls(ScheduleKeyDeletionCommand)).toHaveLength(0);
  });

  test('a failed scheduling is recorded as a failure event (and no success) and reported', async () => {
    tenantKey();
    kmsmock.on(ScheduleKeyDeletionCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    const c = io();
    expect(await offboard([...args, '--outputs', outputsFile(), '--confirm'], clients, c.o, c.e)).toBe(2);
    expect(c.err.join()).toMatch(/scheduling deletion of .* failed: AccessDeniedException/);
    const bodies = s3mock
      .commandCalls(PutObjectCommand)
      .map((x) => String(x.args[0].input.Body))
      .filter((b) => b.includes('"outcome"'));
    expect(bodies.map((b) => (JSON.parse(b.trim()) as { event: { outcome: string } }).event.outcome)).toEqual(['failure']);
  });

  test('missing arguments exit 2', async () => {
    const c = io();
    expect(await offboard(['--tenant', 'acme'], clients, c.o, c.e)).toBe(2);
    expect(c.err.join()).toMatch(/--actor is required/);
  });
});
