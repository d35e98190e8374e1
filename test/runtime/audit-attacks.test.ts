/**
 * Every attack class of issue 13, performed against the local versioned Object Lock S3 with the credentials the
 * class assumes (the writer's, unless stated), and the verifier's verdict: detected, classified, and named by key,
 * version id, line and sequence number.
 */
import { batchKey, headKey } from '../../lib/baseline/contract';
import * as crypto from 'crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, PutObjectRetentionCommand } from '@aws-sdk/client-s3';
import { checkpointKey, signCheckpoint } from '../../lib/runtime/audit/checkpoint';
import { MerkleAccumulator, recordLeaf } from '../../lib/runtime/audit/merkle';
import { chainRecord, ChainRecord, recordHash } from '../../lib/runtime/audit/record';
import { sealChains } from '../../lib/runtime/audit/sealer';
import { Finding, S3ChainReport, verifyS3Chain } from '../../lib/runtime/audit/verify-s3';
import { AuditLogWriter } from '../../lib/runtime/audit/writer';
import { AuditS3, BUCKET, DAY, event, startAuditS3 } from '../helpers/audit-s3';

const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const sign = (m: Buffer) => Promise.resolve(crypto.sign('sha256', m, { key: privateKey, dsaEncoding: 'der' }));
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/checkpoint';

let local: AuditS3;
let n = 0;
beforeAll(async () => {
  local = await startAuditS3(7);
});
afterAll(() => local.stop());

const writerS3 = () => local.client('writer');
const put = (Key: string, Body: string, extra: Partial<ConstructorParameters<typeof PutObjectCommand>[0]> = {}) =>
  writerS3().send(new PutObjectCommand({ Bucket: BUCKET, Key, Body, ...extra }));
const body = (records: ChainRecord[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';
const rehash = (r: Omit<ChainRecord, 'hash'>): ChainRecord => ({ ...r, hash: recordHash(r) });

/** A chain of `count` records written by the real writer, 4 per object, the head after each; returns its id and records. */
async function writeChain(count = 12, tenant = 'acme'): Promise<{ id: string; records: ChainRecord[] }> {
  const id = `atk-${++n}`;
  const w = new AuditLogWriter({ s3: writerS3(), bucket: BUCKET, kmsKeyId: 'k', tenant, writerId: id, batchSize: 4, headEvery: 1 });
  await w.open();
  for (let i = 0; i < count; i++) w.append(event(i, tenant));
  await w.flush();
  const records: ChainRecord[] = [];
  for (let s = 0; s < count; s += 4) {
    const text = await (
      await writerS3().send(new GetObjectCommand({ Bucket: BUCKET, Key: batchKey(tenant, id, s) }))
    ).Body!.transformToString();
    records.push(
      ...text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ChainRecord),
    );
  }
  return { id, records };
}

const verify = (id: string, extra: Partial<Parameters<typeof verifyS3Chain>[1]> = {}, tenant = 'acme') =>
  verifyS3Chain(local.client('auditor'), { bucket: BUCKET, tenant, writerId: id, retentionYears: 7, publicKey, ...extra });
const seal = () => sealChains({ s3: local.client('sealer'), bucket: BUCKET, keyId: KEY_ARN, sign, publicKey, retentionYears: 7 });
const kinds = (r: S3ChainReport) => r.findings.map((f) => f.kind);
const find = (r: S3ChainReport, kind: Finding['kind']) => r.findings.find((f) => f.kind === kind);

describe('a chain nobody attacked', () => {
  test('verifies: every version locked, sealed after the sealer runs, unsealed records reported before', async () => {
    const { id } = await writeChain(10);
    const before = await verify(id);
    expect(before).toMatchObject({ ok: true, records: 10, objects: 3, sealing: { checked: true, sealedRecords: 0, unsealedRecords: 10 } });
    expect(before.sealing.oldestUnsealedAgeSeconds).toBeGreaterThan(3000);
    expect((await seal()).find((s) => s.chain === `acme/${id}`)).toMatchObject({ size: 10 });
    expect(await verify(id)).toMatchObject({ ok: true, sealing: { checkpoints: 1, sealedRecords: 10, unsealedRecords: 0 } });
  });
});

describe('attacks by a holder of the writer credentials', () => {
  test('rewriting history consistently (record changed, every later hash recomputed, HEAD rewritten): the new versions are tampering, the locked originals are the evidence', async () => {
    const { id, records } = await writeChain(12);
    const forged: ChainRecord[] = [];
    for (const r of records) {
      const e = r.seq === 5 ? { ...r.event, outcome: 'denied' as const } : r.event;
      forged.push(rehash({ v: r.v, chain: r.chain, seq: r.seq, prev: forged[r.seq - 1]?.hash ?? records[0].prev, event: e }));
    }
    for (let s = 4; s < 12; s += 4) await put(batchKey('acme', id, s), body(forged.slice(s, s + 4)));
    await put(headKey('acme', id), JSON.stringify({ seq: 11, hash: forged[11].hash, key: batchKey('acme', id, 8) }));
    const r = await verify(id);
    expect(r.ok).toBe(false);
    expect(r.findings.filter((f) => f.kind === 'overwritten').map((f) => f.key)).toEqual([
      batchKey('acme', id, 4),
      batchKey('acme', id, 8),
    ]);
    expect(find(r, 'overwritten')!.versionId).toMatch(/^\d+/);
    expect(r.records).toBe(12); // the originals verify...
    expect(r.lastHash).toBe(records[11].hash); // ...and are what the report stands on
  });

  test('appending forged records past the head, with correct hashes: reported unsealed (count, age), a finding with --require-sealed; sealed records cannot be forged', async () => {
    const { id, records } = await writeChain(8);
    await seal();
    const forged = chainRecord(`acme/${id}`, 8, records[7].hash, event(8));
    await put(batchKey('acme', id, 8), body([forged]));
    const r = await verify(id);
    expect(r.sealing).toMatchObject({ sealedRecords: 8, unsealedRecords: 1, oldestUnsealedTime: forged.event.time });
  });

  test('truncating the tail with delete markers and deleting the head: delete markers over locked originals, chain still complete', async () => {
    const { id } = await writeChain(12);
    await writerS3().send(new DeleteObjectCommand({ Bucket: BUCKET, Key: batchKey('acme', id, 8) }));
    await writerS3().send(new DeleteObjectCommand({ Bucket: BUCKET, Key: headKey('acme', id) }));
    const r = await verify(id);
    expect(kinds(r).sort()).toEqual(['delete-marker', 'delete-marker']);
    expect(r.findings.map((f) => f.key).sort()).toEqual([batchKey('acme', id, 8), headKey('acme', id)].sort());
    expect(r.records).toBe(12);
  });

  test('the locked versions themselves cannot be deleted nor their retention shortened (Object Lock COMPLIANCE)', async () => {
    const { id } = await writeChain(4);
    const v = local.model.versions(BUCKET, batchKey('acme', id, 0))[0];
    await expect(
      writerS3().send(new DeleteObjectCommand({ Bucket: BUCKET, Key: batchKey('acme', id, 0), VersionId: v.versionId })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    await expect(
      writerS3().send(
        new PutObjectRetentionCommand({
          Bucket: BUCKET,
          Key: batchKey('acme', id, 0),
          VersionId: v.versionId,
          Retention: { Mode: 'COMPLIANCE', RetainUntilDate: new Date(Date.now() + DAY) },
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    expect((await verify(id)).ok).toBe(true);
  });

  test('rolling back the head (a new version with a lower sequence) and nulling it', async () => {
    const { id, records } = await writeChain(12);
    await put(headKey('acme', id), JSON.stringify({ seq: 3, hash: records[3].hash, key: batchKey('acme', id, 0) }));
    const r = await verify(id);
    expect(find(r, 'head-rolled-back')).toMatchObject({ key: headKey('acme', id), seq: 3 });
    await put(headKey('acme', id), 'null');
    expect(find(await verify(id), 'invalid-head')).toMatchObject({ key: headKey('acme', id), detail: /not a valid head: "null"/ });
  });

  test('a garbage or hostile head (seq "NaN", negative) is a finding (exit 1), never an AWS error', async () => {
    const { id } = await writeChain(4);
    for (const h of ['{"seq": "NaN"', '{"seq":"NaN","hash":"x","key":"k"}', '{"seq":-1,"hash":"' + 'a'.repeat(64) + '"}'])
      await put(headKey('acme', id), h);
    const r = await verify(id);
    expect(r.findings.filter((f) => f.kind === 'invalid-head')).toHaveLength(3);
    expect(r.records).toBe(4);
  });

  test('an empty or never-written chain is a failure unless no records are expected', async () => {
    const r = await verify('never-written');
    expect(r).toMatchObject({ ok: false, records: 0 });
    expect(find(r, 'missing-chain')!.detail).toMatch(/no records for acme\/never-written.*--allow-empty/);
    expect(await verify('never-written', { allowEmpty: true })).toMatchObject({ ok: true, records: 0 });
  });

  test('a chain copied from another tenant or another writer is not this one', async () => {
    const other = await writeChain(4, 'globex');
    const id = `atk-${++n}`;
    await put(batchKey('acme', id, 0), body(other.records));
    expect((await verify(id)).findings[0]).toMatchObject({ kind: 'wrong-chain', key: batchKey('acme', id, 0), line: 1, seq: 0 });
    const sibling = await writeChain(4);
    const id2 = `atk-${++n}`;
    await put(batchKey('acme', id2, 0), body(sibling.records));
    expect((await verify(id2)).findings[0]).toMatchObject({
      kind: 'wrong-chain',
      detail: new RegExp(`belongs to chain "acme/${sibling.id}"`),
    });
  });

  test('records with an invalid schema, timestamps running backwards or into the future (appended, linked, re-hashed)', async () => {
    const cases: [string, (prev: ChainRecord, chain: string) => ChainRecord, string][] = [
      ['invalid-record', (p, c) => rehash({ v: 1, chain: c, seq: 4, prev: p.hash, event: { ...p.event, actor: '' } }), 'actor'],
      [
        'time-backwards',
        (p, c) => chainRecord(c, 4, p.hash, { ...p.event, time: new Date(Date.parse(p.event.time) - DAY).toISOString() }),
        'minutes before',
      ],
      ['time-future', (p, c) => chainRecord(c, 4, p.hash, { ...p.event, time: new Date(Date.now() + DAY).toISOString() }), 'ahead'],
    ];
    for (const [kind, forge, detail] of cases) {
      const { id, records } = await writeChain(4);
      await put(batchKey('acme', id, 4), body([forge(records[3], `acme/${id}`)]));
      expect((await verify(id)).findings[0]).toMatchObject({
        kind,
        key: batchKey('acme', id, 4),
        line: 1,
        seq: 4,
        detail: new RegExp(detail),
      });
    }
  });

  test('an object whose Object Lock retention is too short (set by the writer on PUT), always checked', async () => {
    const { id, records } = await writeChain(4);
    const next = chainRecord(`acme/${id}`, 4, records[3].hash, event(4));
    await put(batchKey('acme', id, 4), body([next]), {
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: new Date(Date.now() + DAY),
    });
    const r = await verify(id);
    expect(r.findings).toEqual([
      expect.objectContaining({
        kind: 'retention',
        key: batchKey('acme', id, 4),
        detail: expect.stringMatching(/expected at least .* \(7 years/),
      }),
    ]);
    expect(r.findings[0].versionId).toBeDefined();
  });

  test('a replayed batch (copies of earlier records appended as a new object) is "replayed", not "reordered"', async () => {
    const { id, records } = await writeChain(8);
    await put(batchKey('acme', id, 8), body(records.slice(0, 4)));
    expect((await verify(id)).findings[0]).toMatchObject({ kind: 'replayed', key: batchKey('acme', id, 8), line: 1, seq: 0 });
  });

  test("swapping two objects' contents: both new versions are tampering; the originals verify", async () => {
    const { id, records } = await writeChain(12);
    await put(batchKey('acme', id, 0), body(records.slice(8, 12)));
    await put(batchKey('acme', id, 8), body(records.slice(0, 4)));
    const r = await verify(id);
    expect(r.findings.map((f) => `${f.kind} ${f.key}`)).toEqual([
      `overwritten ${batchKey('acme', id, 0)}`,
      `overwritten ${batchKey('acme', id, 8)}`,
    ]);
    expect(r.records).toBe(12);
  });

  test('a forged checkpoint (signed with another key) or one over another size is refused', async () => {
    const { id, records } = await writeChain(4);
    const acc = new MerkleAccumulator();
    records.forEach((r) => acc.push(recordLeaf(r.hash)));
    const mallory = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const cp = await signCheckpoint(
      { chain: `acme/${id}`, size: 4, root: acc.root(), lastHash: records[3].hash, time: new Date() },
      KEY_ARN,
      (m) => Promise.resolve(crypto.sign('sha256', m, { key: mallory, dsaEncoding: 'der' })),
    );
    await put(checkpointKey('acme', id, 4), JSON.stringify(cp));
    const r = await verify(id);
    expect(find(r, 'invalid-checkpoint')).toMatchObject({ key: checkpointKey('acme', id, 4), detail: /signature does not verify/ });
    expect(r.sealing.sealedRecords).toBe(0);
  });
});

describe('attacks beyond the writer credentials', () => {
  test('a sealed record changed after its Object Lock expired (an administrator, years later): the signed root no longer matches', async () => {
    const id = `atk-${++n}`;
    const w = new AuditLogWriter({ s3: writerS3(), bucket: BUCKET, kmsKeyId: 'k', tenant: 'acme', writerId: id, batchSize: 4 });
    await w.open();
    for (let i = 0; i < 4; i++) w.append(event(i));
    await w.flush();
    await seal();
    const key = batchKey('acme', id, 0);
    const original = local.model.versions(BUCKET, key)[0];
    const real = local.model.now;
    const later = new Date(Date.now() + (7 * 366 + 2) * DAY);
    local.model.now = () => later;
    try {
      await local.client('admin').send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key, VersionId: original.versionId }));
      const recs = original.body
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ChainRecord);
      const forged: ChainRecord[] = [];
      for (const r of recs) forged.push(rehash({ ...r, prev: forged[r.seq - 1]?.hash ?? r.prev, event: { ...r.event, actor: 'mallory' } }));
      await local.client('admin').send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body(forged) }));
      const r = await verify(id, { now: later });
      expect(find(r, 'checkpoint-mismatch')).toMatchObject({ key, seq: 3, line: 4, detail: /do not have the Merkle root signed in/ });
    } finally {
      local.model.now = real;
    }
  });
});
