import { Readable } from 'stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { AuditEvent, ChainRecord, sha256Hex } from '../../lib/runtime/audit/record';
import { verifyS3Chain } from '../../lib/runtime/audit/verify-s3';
import { AuditLogWriter, ChainForkError } from '../../lib/runtime/audit/writer';

/** An in-memory bucket behind the S3 mock: honours If-None-Match, lists in key order. */
function fakeBucket(s3: ReturnType<typeof mockClient>) {
  const objects = new Map<string, { body: string; input: Record<string, unknown>; at: Date }>();
  const body = (text: string) => Object.assign(Readable.from([Buffer.from(text)]), { transformToString: () => Promise.resolve(text) });
  const err = (name: string, status: number) =>
    Object.assign(new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name }), {});
  s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string; IfNoneMatch?: string }) => {
    if (input.IfNoneMatch === '*' && objects.has(input.Key)) throw err('PreconditionFailed', 412);
    objects.set(input.Key, { body: input.Body, input, at: new Date() });
    return {};
  });
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const o = objects.get(input.Key);
    if (!o) throw err('NoSuchKey', 404);
    return { Body: body(o.body) };
  });
  s3.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
    const o = objects.get(input.Key)!;
    return { LastModified: o.at, ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date(o.at.getTime() + 7 * 366 * 86_400_000) };
  });
  s3.on(ListObjectsV2Command).callsFake((input: { Prefix: string; StartAfter?: string }) => ({
    Contents: [...objects.keys()]
      .filter((k) => k.startsWith(input.Prefix) && (!input.StartAfter || k > input.StartAfter))
      .sort()
      .map((Key) => ({ Key, LastModified: objects.get(Key)!.at })),
    IsTruncated: false,
  }));
  return objects;
}

const ev = (i: number, tenant = 'acme'): AuditEvent => ({
  actor: `user-${i}`,
  action: 'patient.record.read',
  resource: `patient/${i}`,
  tenant,
  time: '2026-11-23T12:00:00Z',
  sourceIp: '2001:db8::1',
  userAgent: 'jest',
  outcome: 'success',
  requestId: `r-${i}`,
});

describe('audit writer', () => {
  const s3mock = mockClient(S3Client);
  let objects: ReturnType<typeof fakeBucket>;
  const s3 = new S3Client({ region: 'us-east-1' });
  const writer = (props: Partial<ConstructorParameters<typeof AuditLogWriter>[0]> = {}) =>
    new AuditLogWriter({
      s3,
      bucket: 'audit',
      kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k',
      tenant: 'acme',
      writerId: 'api-1',
      batchSize: 4,
      ...props,
    });
  beforeEach(() => {
    s3mock.reset();
    objects = fakeBucket(s3mock);
  });

  test('chains records, batches them under the tenant prefix, with SSE-KMS, a SHA-256 checksum and a conditional create', async () => {
    const w = writer();
    await w.open();
    for (let i = 0; i < 10; i++) expect(w.append(ev(i))).toBe(i);
    expect(await w.flush()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...objects.keys()].sort()).toEqual([
      'audit/tenants/acme/writers/api-1/000000000000.jsonl',
      'audit/tenants/acme/writers/api-1/000000000004.jsonl',
      'audit/tenants/acme/writers/api-1/000000000008.jsonl',
      'audit/tenants/acme/writers/api-1/HEAD.json',
    ]);
    const first = objects.get('audit/tenants/acme/writers/api-1/000000000000.jsonl')!;
    expect(first.input).toMatchObject({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k',
      IfNoneMatch: '*',
    });
    expect(first.input.ChecksumSHA256).toBe(Buffer.from(sha256Hex(first.body), 'hex').toString('base64'));
    const records = first.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ChainRecord);
    expect(records.map((r) => r.seq)).toEqual([0, 1, 2, 3]);
    expect(records[1].prev).toBe(records[0].hash);
    expect(JSON.parse(objects.get('audit/tenants/acme/writers/api-1/HEAD.json')!.body)).toMatchObject({ seq: 9 });
    expect(await verifyS3Chain(s3, { bucket: 'audit', tenant: 'acme', writerId: 'api-1', retentionYears: 7 })).toMatchObject({
      ok: true,
      records: 10,
      objects: 3,
    });
  });

  test('a longer explicit retention goes on every object', async () => {
    const until = new Date(Date.now() + 10 * 365 * 86_400_000);
    const w = writer({ retainUntil: until });
    await w.open();
    w.append(ev(0));
    await w.flush();
    expect(objects.get('audit/tenants/acme/writers/api-1/000000000000.jsonl')!.input).toMatchObject({
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: until,
    });
    expect(() => writer({ retainUntil: new Date(0) })).toThrow(/retainUntil .* must be in the future/);
  });

  test('a new writer process resumes the chain where it ends, also past a stale head', async () => {
    const a = writer();
    await a.open();
    for (let i = 0; i < 6; i++) a.append(ev(i));
    await a.flush();
    // A batch landed but its head update was lost:
    const stale = objects.get('audit/tenants/acme/writers/api-1/HEAD.json')!;
    const b = writer();
    await b.open();
    b.append(ev(6));
    await b.flush();
    objects.set('audit/tenants/acme/writers/api-1/HEAD.json', stale);
    const c = writer();
    await c.open();
    expect(c.append(ev(7))).toBe(7);
    await c.flush();
    expect(await verifyS3Chain(s3, { bucket: 'audit', tenant: 'acme', writerId: 'api-1' })).toMatchObject({ ok: true, records: 8 });
  });

  test('a retried write of a batch that had landed is recognised: no fork, no duplicate', async () => {
    const w = writer();
    await w.open();
    w.append(ev(0));
    w.append(ev(1));
    let failedHead = false;
    const real = s3mock.commandCalls(PutObjectCommand).length;
    expect(real).toBe(0);
    // The batch lands, then the head update fails (network): flush reports failure, nothing is lost.
    s3mock.on(PutObjectCommand, { Key: 'audit/tenants/acme/writers/api-1/HEAD.json' }).callsFakeOnce(() => {
      failedHead = true;
      throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    });
    await expect(w.flush()).rejects.toThrow(/updating the chain head .* \(the records are stored\)/);
    expect(failedHead).toBe(true);
    expect(w.pending).toBe(2);
    objects.clear();
    fakeBucket(s3mock);
    await expect(w.flush()).resolves.toEqual([0, 1]);
  });

  test('the same records written twice (a retry) are accepted; different records under the same key are a fork', async () => {
    const a = writer();
    await a.open();
    a.append(ev(0));
    await a.flush();
    const first = objects.get('audit/tenants/acme/writers/api-1/000000000000.jsonl')!.body;
    const twin = writer();
    await twin.open();
    // Another process with the same writer id, starting from the same state:
    objects.delete('audit/tenants/acme/writers/api-1/HEAD.json');
    const other = new AuditLogWriter({ s3, bucket: 'audit', kmsKeyId: 'k', tenant: 'acme', writerId: 'api-1', batchSize: 4 });
    (other as unknown as { opened: boolean }).opened = true;
    other.append(ev(0));
    await expect(other.flush()).resolves.toEqual([0]);
    expect(objects.get('audit/tenants/acme/writers/api-1/000000000000.jsonl')!.body).toBe(first);
    const forked = new AuditLogWriter({ s3, bucket: 'audit', kmsKeyId: 'k', tenant: 'acme', writerId: 'api-1', batchSize: 4 });
    (forked as unknown as { opened: boolean }).opened = true;
    forked.append(ev(42));
    await expect(forked.flush()).rejects.toThrow(ChainForkError);
  });

  test('malformed records and mismatched tenants are refused before anything is written', async () => {
    const w = writer();
    await w.open();
    expect(() => w.append({ ...ev(0), outcome: 'maybe' })).toThrow(/outcome: got "maybe"; must be success, failure or denied/);
    expect(() => w.append(ev(0, 'globex'))).toThrow(/event tenant "globex" does not match this writer's tenant "acme"/);
    expect(w.pending).toBe(0);
    expect(() => writer({ writerId: '../x' })).toThrow(/writerId "..\/x"/);
    expect(() => writer({ batchSize: 0 })).toThrow(/batchSize 0 must be an integer/);
    await expect(writer().flush()).resolves.toEqual([]);
    expect(() => writer().append(ev(0))).toThrow(/open\(\) must be awaited/);
  });

  test('AWS errors are reported clearly and nothing is reported as written', async () => {
    const w = writer();
    await w.open();
    w.append(ev(0));
    s3mock.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    await expect(w.flush()).rejects.toThrow(
      /writing audit\/tenants\/acme\/writers\/api-1\/000000000000.jsonl failed: AccessDenied: Access Denied \(the caller lacks permission/,
    );
    expect(w.pending).toBe(1);
    s3mock.on(PutObjectCommand).rejects(Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown' }));
    await expect(w.flush()).rejects.toThrow(/SlowDown.*throttled/);
    s3mock.on(GetObjectCommand).rejects(Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket' }));
    await expect(writer().open()).rejects.toThrow(/reading the chain head of acme\/api-1 failed: NoSuchBucket.*check the stack outputs/);
  });
});
