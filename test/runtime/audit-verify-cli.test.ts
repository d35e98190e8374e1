import { headKey } from '../../lib/baseline/contract';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { sealChains } from '../../lib/runtime/audit/sealer';
import { AuditLogWriter } from '../../lib/runtime/audit/writer';
import { main } from '../../lib/runtime/cli/audit-verify';
import { AuditS3, BUCKET, event, startAuditS3 } from '../helpers/audit-s3';

const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-cli-'));
const pem = path.join(dir, 'checkpoint.pem');
fs.writeFileSync(pem, publicKey.export({ type: 'spki', format: 'pem' }));
const outputsFile = path.join(dir, 'outputs.json');
fs.writeFileSync(outputsFile, JSON.stringify({ 'hipaa-prod-Audit': { AuditBucketName: BUCKET, AuditRetentionYears: '7' } }));

let local: AuditS3;
let base: string[];
beforeAll(async () => {
  local = await startAuditS3(7);
  process.env.AWS_ACCESS_KEY_ID = 'auditor';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  base = ['--endpoint', local.endpoint, '--region', 'us-east-1'];
  const w = new AuditLogWriter({
    s3: local.client('writer'),
    bucket: BUCKET,
    kmsKeyId: 'k',
    tenant: 'acme',
    writerId: 'api-1',
    batchSize: 4,
  });
  await w.open();
  for (let i = 0; i < 6; i++) w.append(event(i));
  await w.flush();
});
afterAll(() => local.stop());

const run = async (...argv: string[]) => {
  const lines: string[] = [];
  const code = await main(
    argv,
    (s) => lines.push(s),
    (s) => lines.push(s),
  );
  return { code, text: lines.join('\n') };
};

describe('audit:verify CLI: bad arguments exit 2 with what is allowed', () => {
  test.each([
    [['--bucket', 'b'], /--tenant is required/],
    [
      ['--tenant', 'acme', '--writer', 'w', '--bucket', 'b', '--retention-years', 'seven'],
      /--retention-years got "seven"; must be a whole number of years from 6/,
    ],
    [
      ['--tenant', 'acme', '--writer', 'w', '--bucket', 'b', '--retention-years', '5'],
      /--retention-years got "5"; .* from 6 \(45 CFR 164.316/,
    ],
    [['--tenant', 'acme', '--writer', 'w', '--bucket', 'b', '--retention-years', '11'], /--retention-years got "11"/],
    [['--tenant', 'ACME', '--writer', 'w', '--bucket', 'b', '--retention-years', '7'], /--tenant "ACME" must be 3-32 lower-case letters/],
    [['--tenant', '../acme', '--writer', 'w', '--bucket', 'b', '--retention-years', '7'], /--tenant "..\/acme"/],
    [['--tenant', 'acme', '--tenant', 'globex', '--writer', 'w'], /--tenant given more than once/],
    [
      ['--tenant', 'acme', '--writer', 'w', '--bucket', 'b'],
      /audit years are unknown: give --retention-years, or --outputs with AuditRetentionYears/,
    ],
    [['--tenant', 'acme', '--writer', 'w', '--retention-years', '7'], /audit bucket is unknown/],
    [['--nope'], /Unknown option '--nope'/],
  ])('%j', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.text).toMatch(message);
  });

  test('--help prints the usage and exits 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/^usage: audit-verify --tenant <id> --writer <id>/);
  });
});

describe('audit:verify CLI against the local versioned Object Lock S3', () => {
  test('an intact chain, bucket and years from the stack outputs: OK, and UNSEALED until the sealer runs', async () => {
    const r = await run('--outputs', outputsFile, '--tenant', 'acme', '--writer', 'api-1', '--public-key', pem, ...base);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/OK: chain acme\/api-1: 6 records in 2 objects .* every version locked >= 7 years/);
    expect(r.text).toMatch(/UNSEALED: 6 records after the last signed checkpoint \(0 sealed\)/);
    expect(
      (await run('--outputs', outputsFile, '--tenant', 'acme', '--writer', 'api-1', '--public-key', pem, '--require-sealed', ...base)).code,
    ).toBe(1);
    const sign = (m: Buffer) => Promise.resolve(crypto.sign('sha256', m, { key: privateKey, dsaEncoding: 'der' }));
    await sealChains({ s3: local.client('sealer'), bucket: BUCKET, keyId: 'k', sign, publicKey, retentionYears: 7 });
    const sealed = await run(
      '--outputs',
      outputsFile,
      '--tenant',
      'acme',
      '--writer',
      'api-1',
      '--public-key',
      pem,
      '--require-sealed',
      ...base,
    );
    expect(sealed).toMatchObject({ code: 0, text: expect.stringMatching(/SEALED: all 6 records are covered by 1 signed checkpoint/) });
  });

  test('without a public key nothing is reported as sealed', async () => {
    const r = await run('--bucket', BUCKET, '--retention-years', '7', '--tenant', 'acme', '--writer', 'api-1', ...base);
    expect(r).toMatchObject({ code: 0, text: expect.stringMatching(/UNSEALED: no checkpoint public key given/) });
  });

  test('a chain that does not exist is a finding (exit 1) unless --allow-empty', async () => {
    const args = ['--bucket', BUCKET, '--retention-years', '7', '--tenant', 'acme', '--writer', 'nobody', ...base];
    expect(await run(...args)).toMatchObject({
      code: 1,
      text: expect.stringMatching(/MISSING-CHAIN: audit\/tenants\/acme\/writers\/nobody\//),
    });
    expect((await run(...args, '--allow-empty')).code).toBe(0);
  });

  test('a garbage head is a broken chain (exit 1), not an AWS error; --json carries key and version id', async () => {
    await local.client('writer').send(new PutObjectCommand({ Bucket: BUCKET, Key: headKey('acme', 'api-1'), Body: '{"seq":' }));
    const r = await run('--bucket', BUCKET, '--retention-years', '7', '--tenant', 'acme', '--writer', 'api-1', '--json', ...base);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.text).findings).toEqual([
      expect.objectContaining({ kind: 'invalid-head', key: headKey('acme', 'api-1'), versionId: expect.any(String) }),
    ]);
  });

  test('a missing bucket or denied access is an error with exit 2, not a verdict', async () => {
    const r = await run('--bucket', 'gone', '--retention-years', '7', '--tenant', 'acme', '--writer', 'api-1', ...base);
    expect(r).toMatchObject({ code: 2, text: expect.stringMatching(/error: .*NoSuchBucket.*check the stack outputs/) });
    process.env.AWS_ACCESS_KEY_ID = 'intruder';
    try {
      const d = await run('--bucket', BUCKET, '--retention-years', '7', '--tenant', 'acme', '--writer', 'api-1', ...base);
      expect(d).toMatchObject({ code: 2, text: expect.stringMatching(/AccessDenied.*the caller lacks permission/) });
    } finally {
      process.env.AWS_ACCESS_KEY_ID = 'auditor';
    }
  });
});
