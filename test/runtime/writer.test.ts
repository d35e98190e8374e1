import { headKey } from '../../lib/baseline/contract';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as fc from 'fast-check';
import { ChainRecord } from '../../lib/runtime/audit/record';
import { verifyS3Chain } from '../../lib/runtime/audit/verify-s3';
import { AuditLogWriter, ChainForkError, CorruptChainError } from '../../lib/runtime/audit/writer';
import { AuditS3, BUCKET, event, startAuditS3 } from '../helpers/audit-s3';
import { S3AllowStatement } from '../helpers/versioned-s3';

/**
 * A worker's audit grant as the workers stack writes it (lib/stacks/workers-stack.ts grantAuditWriter): put and get
 * under the audit-record prefix, list only with an s3:prefix under it. (workers.test.ts runs the same writer under
 * the statements read from the synthesized template.)
 */
const WORKER_GRANT: readonly S3AllowStatement[] = [
  { actions: ['s3:PutObject', 's3:GetObject'], resources: [`arn:aws:s3:::${BUCKET}/audit/tenants/*`] },
  { actions: ['s3:ListBucket'], resources: [`arn:aws:s3:::${BUCKET}`], prefixLike: ['audit/tenants/*'] },
];

let local: AuditS3;
let writerId = 0;
beforeAll(async () => {
  local = await startAuditS3(7, 1000, { worker: { statements: WORKER_GRANT } });
});
afterAll(() => local.stop());

/** A fresh writer id per test: each test has its own chain in the shared local bucket. */
const nextId = () => `w-${++writerId}`;
const prefix = (id: string) => `audit/tenants/acme/writers/${id}/`;

/** Records stored in the current versions of a chain's batch objects, in key order. */
function stored(id: string): ChainRecord[] {
  const objects = local.model.buckets.get(BUCKET)!.objects;
  return [...objects.keys()]
    .filter((k) => k.startsWith(prefix(id)) && k.endsWith('.jsonl'))
    .sort()
    .flatMap((k) => {
      const vs = objects.get(k)!;
      return vs[vs.length - 1].body
        .toString()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as ChainRecord);
    });
}

/** Fault injection on an S3 client: the next matching request fails before it is sent, or after it landed. */
function faulty(s3: S3Client) {
  const faults: ('none' | 'before' | 'after')[] = [];
  s3.middlewareStack.add(
    (next) => async (args) => {
      const f = faults.shift();
      if (f === 'before') throw Object.assign(new Error('connect ECONNRESET (injected)'), { name: 'TimeoutError' });
      const r = await next(args);
      if (f === 'after') throw Object.assign(new Error('socket hang up after the request landed (injected)'), { name: 'TimeoutError' });
      return r;
    },
    { step: 'initialize', name: 'faultInjection' },
  );
  return faults;
}

/** A writer on the shared local bucket; the head is written after every batch unless `headEvery` says otherwise. */
const writer = (id: string, s3 = local.client('writer'), batchSize = 4, more: { headEvery?: number; maxRelinks?: number } = {}) =>
  new AuditLogWriter({
    s3,
    bucket: BUCKET,
    kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k',
    tenant: 'acme',
    writerId: id,
    batchSize,
    headEvery: more.headEvery ?? 1,
    maxRelinks: more.maxRelinks,
  });

describe('audit writer', () => {
  test('chains records, batches them under the tenant prefix, with SSE-KMS, a SHA-256 checksum, and locked by the bucket default', async () => {
    const id = nextId();
    const w = writer(id);
    await w.open();
    for (let i = 0; i < 10; i++) expect(w.append(event(i))).toBe(i);
    expect(await w.flush()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const keys = [...local.model.buckets.get(BUCKET)!.objects.keys()].filter((k) => k.startsWith(prefix(id))).sort();
    expect(keys.map((k) => k.slice(prefix(id).length))).toEqual([
      '000000000000.jsonl',
      '000000000004.jsonl',
      '000000000008.jsonl',
      'HEAD.json',
    ]);
    const first = local.model.versions(BUCKET, keys[0])[0];
    expect(first.headers).toMatchObject({
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:us-east-1:111122223333:key/k',
    });
    expect(first.lockMode).toBe('COMPLIANCE');
    const records = stored(id);
    expect(records.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(records[1].prev).toBe(records[0].hash);
    expect(JSON.parse(local.model.versions(BUCKET, headKey('acme', id)).at(-1)!.body.toString())).toMatchObject({ seq: 9 });
  });

  test('a longer explicit retention goes on every object; a past one is refused', async () => {
    const until = new Date(Date.now() + 10 * 366 * 86_400_000);
    const id = nextId();
    const w = new AuditLogWriter({
      s3: local.client('writer'),
      bucket: BUCKET,
      kmsKeyId: 'k',
      tenant: 'acme',
      writerId: id,
      retainUntil: until,
    });
    await w.open();
    w.append(event(0));
    await w.flush();
    expect(local.model.versions(BUCKET, `${prefix(id)}000000000000.jsonl`)[0]).toMatchObject({
      lockMode: 'COMPLIANCE',
      retainUntil: until,
    });
    expect(
      () =>
        new AuditLogWriter({
          s3: local.client('writer'),
          bucket: BUCKET,
          kmsKeyId: 'k',
          tenant: 'acme',
          writerId: id,
          retainUntil: new Date(0),
        }),
    ).toThrow(/retainUntil .* must be in the future/);
  });

  test('appends during a flush go to the next flush; overlapping flushes store every record once, in order', async () => {
    const id = nextId();
    const w = writer(id);
    await w.open();
    for (let i = 0; i < 3; i++) w.append(event(i));
    const a = w.flush();
    w.append(event(3));
    const b = w.flush();
    const c = w.flush();
    w.append(event(4));
    expect(await a).toEqual([0, 1, 2]);
    expect(await b).toEqual([3]);
    expect(await c).toEqual([]);
    expect(w.pending).toBe(1);
    expect(await w.flush()).toEqual([4]);
    expect(stored(id).map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
  });

  test('a new writer process resumes where the chain ends, also past a head whose update was lost', async () => {
    const id = nextId();
    const s3 = local.client('writer');
    const faults = faulty(s3);
    const a = writer(id, s3);
    await a.open();
    for (let i = 0; i < 6; i++) a.append(event(i));
    await a.flush();
    a.append(event(6));
    faults.push('none', 'before'); // the batch lands, its head update fails
    await expect(a.flush()).rejects.toThrow(/updating the chain head .* \(the records are stored\)/);
    const b = writer(id); // the process restarts
    await b.open();
    expect(b.append(event(7))).toBe(7);
    await b.flush();
    expect(stored(id).map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  test('a retried batch that had landed is recognised (same bytes, same key): no fork, no duplicate', async () => {
    const id = nextId();
    const s3 = local.client('writer');
    const faults = faulty(s3);
    const w = writer(id, s3);
    await w.open();
    w.append(event(0));
    w.append(event(1));
    faults.push('after'); // the batch lands, the response is lost
    await expect(w.flush()).rejects.toThrow(/writing .*000000000000.jsonl failed/);
    w.append(event(2)); // the retry must not change the batch's content
    await expect(w.flush()).resolves.toEqual([0, 1, 2]);
    expect(stored(id).map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(local.model.versions(BUCKET, `${prefix(id)}000000000000.jsonl`)).toHaveLength(1);
  });

  test('a second process with the same writer id (two containers on one slot) re-links after the other: one chain, no fork', async () => {
    const id = nextId();
    const a = writer(id);
    await a.open();
    const twin = writer(id);
    await twin.open();
    a.append(event(0));
    await expect(a.flush()).resolves.toEqual([0]);
    twin.append(event(1)); // provisional seq 0: the key is taken, so it becomes seq 1 after a's record
    await expect(twin.flush()).resolves.toEqual([1]);
    a.append(event(2));
    a.append(event(3));
    await expect(a.flush()).resolves.toEqual([2, 3]);
    expect(stored(id).map((r) => [r.seq, r.event.requestId])).toEqual([
      [0, 'req-0'],
      [1, 'req-1'],
      [2, 'req-2'],
      [3, 'req-3'],
    ]);
    expect(local.model.versions(BUCKET, `${prefix(id)}000000000000.jsonl`)).toHaveLength(1);
    const report = await verifyS3Chain(local.client('auditor'), { bucket: BUCKET, tenant: 'acme', writerId: id, retentionYears: 7 });
    expect(report.findings).toEqual([]);
    expect(report.records).toBe(4);
  });

  test('a key taken more often than maxRelinks allows is a ChainForkError; nothing of the loser is written', async () => {
    const id = nextId();
    const a = writer(id);
    await a.open();
    const twin = writer(id, undefined, 4, { maxRelinks: 0 });
    await twin.open();
    a.append(event(0));
    await a.flush();
    twin.append(event(42));
    await expect(twin.flush()).rejects.toThrow(ChainForkError);
    await expect(twin.flush()).rejects.toThrow(
      /taken by another writer with id "w-\d+" 1 times in a row; give concurrent writers distinct ids/,
    );
    expect(twin.pending).toBe(1);
    expect(stored(id).map((r) => r.event.requestId)).toEqual(['req-0']);
    // A writer that may re-link again takes the records after the chain's end.
    const patient = writer(id, undefined, 4, { maxRelinks: 3 });
    await patient.open();
    patient.append(event(43));
    await expect(patient.flush()).resolves.toEqual([1]);
  });

  test('a new chain opens and writes under the worker grant (ListBucket only with an s3:prefix): the writer never GETs a missing key', async () => {
    const worker = local.client('worker');
    const id = nextId();
    // What S3 does with this grant: a GET of a missing key is 403, not 404 (the GET carries no s3:prefix) ...
    await expect(worker.send(new GetObjectCommand({ Bucket: BUCKET, Key: headKey('acme', id) }))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(local.client('writer').send(new GetObjectCommand({ Bucket: BUCKET, Key: headKey('acme', id) }))).rejects.toMatchObject({
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
    // ... and a list outside the prefix (or of the whole bucket) is refused.
    await expect(worker.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'audit/checkpoints/' }))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    await expect(worker.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({ name: 'AccessDenied' });
    const w = writer(id, worker, 2, { headEvery: 2 });
    await w.open();
    for (let i = 0; i < 5; i++) w.append(event(i));
    await expect(w.flush()).resolves.toEqual([0, 1, 2, 3, 4]);
    const resumed = writer(id, worker, 2, { headEvery: 2 });
    await resumed.open();
    expect(resumed.append(event(5))).toBe(5);
    await resumed.flush();
    expect(stored(id).map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('the head is written every headEvery batches; open() and the verifier look past a stale head', async () => {
    const id = nextId();
    const w = writer(id, undefined, 1, { headEvery: 3 });
    await w.open();
    for (let i = 0; i < 7; i++) w.append(event(i));
    await w.flush();
    const heads = local.model.versions(BUCKET, headKey('acme', id));
    expect(heads.map((v) => (JSON.parse(v.body.toString()) as { seq: number }).seq)).toEqual([2, 5]);
    const resumed = writer(id, undefined, 1, { headEvery: 3 });
    await resumed.open();
    expect(resumed.append(event(7))).toBe(7);
    await resumed.flush();
    const report = await verifyS3Chain(local.client('auditor'), { bucket: BUCKET, tenant: 'acme', writerId: id, retentionYears: 7 });
    expect(report.findings).toEqual([]);
    expect(report.records).toBe(8);
    expect(() => writer('x', undefined, 1, { headEvery: 0 })).toThrow(/headEvery 0 must be an integer from 1 to 1000/);
    expect(() => writer('x', undefined, 1, { maxRelinks: -1 })).toThrow(/maxRelinks -1 must be an integer from 0 to 100/);
  });

  test.each([
    ['seq "NaN"', (h: Record<string, unknown>) => ({ ...h, seq: 'NaN' }), /seq "NaN" must be an integer >= 0/],
    ['a negative seq', (h: Record<string, unknown>) => ({ ...h, seq: -5 }), /seq -5 must be an integer >= 0/],
    ['a fractional seq', (h: Record<string, unknown>) => ({ ...h, seq: 2.5 }), /seq 2.5 must be an integer/],
    [
      'a key outside the chain',
      (h: Record<string, unknown>) => ({ ...h, key: 'audit/tenants/acme/writers/other/000000000000.jsonl' }),
      /key .* must be a batch object of this chain/,
    ],
    ['a seq the object does not end with', (h: Record<string, unknown>) => ({ ...h, seq: 1 }), /names sequence 1 .* ends with sequence 2/],
    ["a hash that is not the record's", (h: Record<string, unknown>) => ({ ...h, hash: 'a'.repeat(64) }), /names sequence 2 \(a{64}\) but/],
  ])('a head with %s is refused with a clear error and nothing is written', async (_, mutate, message) => {
    const id = nextId();
    const w = writer(id);
    await w.open();
    for (let i = 0; i < 3; i++) w.append(event(i));
    await w.flush();
    const hk = headKey('acme', id);
    const head = JSON.parse(local.model.versions(BUCKET, hk).at(-1)!.body.toString()) as Record<string, unknown>;
    await local.client('writer').send(new PutObjectCommand({ Bucket: BUCKET, Key: hk, Body: JSON.stringify(mutate(head)) }));
    const before = stored(id).length;
    const r = writer(id);
    await expect(r.open()).rejects.toThrow(CorruptChainError);
    await expect(writer(id).open()).rejects.toThrow(message);
    expect(() => r.append(event(3))).toThrow(/open\(\) must be awaited/);
    expect(stored(id)).toHaveLength(before);
  });

  test('a garbage head or a garbage last object is refused, never written past', async () => {
    const id = nextId();
    const w = writer(id);
    await w.open();
    w.append(event(0));
    await w.flush();
    const s3 = local.client('writer');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: headKey('acme', id), Body: '{"seq": 0, "hash": ' }));
    await expect(writer(id).open()).rejects.toThrow(/the chain head .*HEAD.json is not JSON/);
    const id2 = nextId();
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix(id2)}000000000000.jsonl`, Body: 'not a record\n' }));
    await expect(writer(id2).open()).rejects.toThrow(/ends in .*000000000000.jsonl line 1: not valid JSON; run audit:verify/);
  });

  test('malformed records, mismatched tenants and impossible times are refused before anything is written', async () => {
    const w = writer(nextId());
    await w.open();
    expect(() => w.append({ ...event(0), outcome: 'maybe' })).toThrow(/outcome: got "maybe"; must be success, failure or denied/);
    expect(() => w.append(event(0, 'globex'))).toThrow(/event tenant "globex" does not match this writer's tenant "acme"/);
    expect(() => w.append(event(0, 'acme', new Date(Date.now() + 3_600_000).toISOString()))).toThrow(/is in the future/);
    w.append(event(1));
    expect(() => w.append(event(0, 'acme', new Date(Date.now() - 86_400_000).toISOString()))).toThrow(/before the previous record's/);
    expect(w.pending).toBe(1);
    expect(() => writer('../x')).toThrow(/writerId "..\/x"/);
    expect(() => writer('x', undefined, 0)).toThrow(/batchSize 0 must be an integer/);
    expect(() => writer('x').append(event(0))).toThrow(/open\(\) must be awaited/);
  });

  test('AWS errors are reported clearly and nothing is reported as written', async () => {
    const id = nextId();
    const w = new AuditLogWriter({ s3: local.client('auditor'), bucket: BUCKET, kmsKeyId: 'k', tenant: 'acme', writerId: id });
    await w.open();
    w.append(event(0));
    await expect(w.flush()).rejects.toThrow(/writing .*000000000000.jsonl failed: AccessDenied: .*\(the caller lacks permission/);
    expect(w.pending).toBe(1);
    const gone = new AuditLogWriter({ s3: local.client('writer'), bucket: 'gone', kmsKeyId: 'k', tenant: 'acme', writerId: id });
    await expect(gone.open()).rejects.toThrow(/listing the chain head of acme\/.* failed: NoSuchBucket.*check the stack outputs/);
  });
});

type Op = { t: 'append'; n: number } | { t: 'flush' } | { t: 'settle' } | { t: 'fault'; when: 'before' | 'after' } | { t: 'crash' };

const ops: fc.Arbitrary<Op[]> = fc.array<Op>(
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ t: fc.constant('append' as const), n: fc.integer({ min: 1, max: 6 }) }) },
    { weight: 4, arbitrary: fc.constant({ t: 'flush' as const }) },
    { weight: 2, arbitrary: fc.constant({ t: 'settle' as const }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('fault' as const), when: fc.constantFrom('before' as const, 'after' as const) }) },
    { weight: 1, arbitrary: fc.constant({ t: 'crash' as const }) },
  ),
  { minLength: 1, maxLength: 25 },
);

describe('audit writer under random interleavings of append, flush, retry, crash and restart (fast-check)', () => {
  test('every confirmed record is stored exactly once, no false fork, and the chain verifies', async () => {
    await fc.assert(
      fc.asyncProperty(ops, fc.integer({ min: 1, max: 5 }), async (plan, batchSize) => {
        const id = nextId();
        const s3 = local.client('writer');
        const faults = faulty(s3);
        const confirmed = new Set<string>();
        const forks: unknown[] = [];
        let inFlight: Promise<void>[] = [];
        let w = writer(id, s3, batchSize);
        const openWriter = async () => {
          for (;;) {
            w = writer(id, s3, batchSize);
            try {
              await w.open();
              return;
            } catch (e) {
              if (!/injected/.test(String((e as Error).message))) throw e;
            }
          }
        };
        await openWriter();
        const requestIds = new Map<number, string>();
        let counter = 0;
        const settle = async () => {
          await Promise.all(inFlight);
          inFlight = [];
        };
        for (const op of plan) {
          if (op.t === 'append')
            for (let i = 0; i < op.n; i++) {
              const e = event(counter++);
              requestIds.set(w.append(e), e.requestId);
            }
          else if (op.t === 'flush') {
            const current = w;
            const ids = requestIds;
            inFlight.push(
              current.flush().then(
                (seqs) => seqs.forEach((s) => confirmed.add(ids.get(s)!)),
                (e: unknown) => void (e instanceof ChainForkError && forks.push(e)),
              ),
            );
          } else if (op.t === 'settle') await settle();
          else if (op.t === 'fault') faults.push(op.when);
          else {
            await settle(); // the process dies once its requests have landed or failed; its buffer is lost
            requestIds.clear();
            await openWriter();
          }
        }
        await settle();
        faults.length = 0;
        await w.flush().then((seqs) => seqs.forEach((s) => confirmed.add(requestIds.get(s)!)));
        expect(forks).toEqual([]);
        const records = stored(id);
        const count = new Map<string, number>();
        for (const r of records) count.set(r.event.requestId, (count.get(r.event.requestId) ?? 0) + 1);
        for (const rid of confirmed) expect([rid, count.get(rid)]).toEqual([rid, 1]);
        expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i));
        const report = await verifyS3Chain(local.client('auditor'), {
          bucket: BUCKET,
          tenant: 'acme',
          writerId: id,
          retentionYears: 7,
          allowEmpty: true,
        });
        expect(report.findings).toEqual([]);
        expect(report.records).toBe(records.length);
      }),
      { numRuns: 80 },
    );
  });
});
