import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
// s3rver: a small S3-compatible server in Node, started here on loopback. It does not implement Object Lock,
// SSE-KMS, checksum validation or conditional writes (If-None-Match); those are covered by the mocked tests.
import S3rver from 's3rver';
import { main as auditVerify } from '../../lib/runtime/cli/audit-verify';
import { AuditLogWriter, auditS3Client } from '../../lib/runtime/audit/writer';

let server: S3rver;
let endpoint: string;
const creds = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-')) });
  const info = await server.run();
  endpoint = `http://127.0.0.1:${info.port}`;
  await auditS3Client({ region: 'us-east-1', endpoint, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: 'audit' }));
});
afterAll(async () => {
  await server.close();
});

describe('audit log against a real S3-compatible server on loopback (s3rver)', () => {
  test('written records verify through the CLI; an object altered in the bucket breaks the chain', async () => {
    const s3 = auditS3Client({ region: 'us-east-1', endpoint, forcePathStyle: true });
    const w = new AuditLogWriter({
      s3,
      bucket: 'audit',
      kmsKeyId: 'alias/hipaa/test/audit-and-logs',
      tenant: 'acme',
      writerId: 'it-1',
      batchSize: 25,
    });
    await w.open();
    for (let i = 0; i < 60; i++) {
      w.append({
        actor: `user-${i}`,
        action: 'patient.record.read',
        resource: `patient/${i}`,
        tenant: 'acme',
        time: new Date(Date.UTC(2026, 10, 23, 12, 0, i)).toISOString(),
        sourceIp: '198.51.100.4',
        userAgent: 'it',
        outcome: 'success',
        requestId: `req-${i}`,
      });
    }
    expect(await w.flush()).toHaveLength(60);

    // A second process resumes the same chain from the bucket.
    const w2 = new AuditLogWriter({ s3, bucket: 'audit', kmsKeyId: 'k', tenant: 'acme', writerId: 'it-1', batchSize: 25 });
    await w2.open();
    expect(
      w2.append({
        actor: 'x',
        action: 'patient.record.read',
        resource: 'p',
        tenant: 'acme',
        time: '2026-11-23T13:00:00Z',
        sourceIp: '198.51.100.4',
        userAgent: 'it',
        outcome: 'denied',
        requestId: 'r',
      }),
    ).toBe(60);
    await w2.flush();

    const out: string[] = [];
    const args = ['--bucket', 'audit', '--tenant', 'acme', '--writer', 'it-1', '--endpoint', endpoint, '--region', 'us-east-1'];
    expect(
      await auditVerify(
        args,
        (s) => out.push(s),
        (s) => out.push(s),
      ),
    ).toBe(0);
    expect(out.join()).toMatch(/OK: chain acme\/it-1: 61 records in 4 objects/);

    const key = 'audit/tenants/acme/writers/it-1/000000000025.jsonl';
    const body = await (await s3.send(new GetObjectCommand({ Bucket: 'audit', Key: key }))).Body!.transformToString();
    await s3.send(new PutObjectCommand({ Bucket: 'audit', Key: key, Body: body.replace('"outcome":"success"', '"outcome":"denied"') }));
    const broken: string[] = [];
    expect(
      await auditVerify(
        [...args, '--json'],
        (s) => broken.push(s),
        (s) => broken.push(s),
      ),
    ).toBe(1);
    expect(JSON.parse(broken.join())).toMatchObject({ ok: false, firstBreak: { kind: 'modified', seq: 25, key, line: 1 } });
  });
});
