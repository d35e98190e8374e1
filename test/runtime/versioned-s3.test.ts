import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as crypto from 'crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { VersionedS3 } from '../helpers/versioned-s3';

const client = (endpoint: string, accessKeyId = 'admin') =>
  new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey: 'x' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
const text = async (s3: S3Client, Key: string, VersionId?: string, Bucket = 'b') =>
  (await s3.send(new GetObjectCommand({ Bucket, Key, VersionId }))).Body!.transformToString();
const sha = (s: string) => crypto.createHash('sha256').update(s).digest('base64');

let model: VersionedS3;
let rver: S3rver;
let modelS3: S3Client;
let rverS3: S3Client;
const day = 86_400_000;

beforeAll(async () => {
  model = new VersionedS3({ maxKeys: 3 });
  modelS3 = client(await model.start());
  rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-')) });
  const info = await rver.run();
  rverS3 = client(`http://127.0.0.1:${info.port}`, 'S3RVER');
});
afterAll(async () => {
  await model.stop();
  await rver.close();
});

describe('the versioned S3 model agrees with s3rver on the subset both implement', () => {
  test('put, get, head, overwrite, list (the model pages by 3), delete', async () => {
    const observe = async (s3: S3Client) => {
      await s3.send(new CreateBucketCommand({ Bucket: 'bkt' }));
      for (const k of ['a/1', 'a/2', 'a/3', 'a/4', 'b/1'])
        await s3.send(new PutObjectCommand({ Bucket: 'bkt', Key: k, Body: `body ${k}` }));
      await s3.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'a/2', Body: 'second' }));
      await s3.send(new DeleteObjectCommand({ Bucket: 'bkt', Key: 'a/3' }));
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const p = await s3.send(new ListObjectsV2Command({ Bucket: 'bkt', Prefix: 'a/', ContinuationToken: token }));
        keys.push(...(p.Contents ?? []).map((c) => `${c.Key}:${c.Size}`));
        token = p.IsTruncated ? p.NextContinuationToken : undefined;
      } while (token);
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'a/2' }));
      const missing = await s3.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'a/3' })).catch((e: Error) => e.name);
      return { keys, a2: await text(s3, 'a/2', undefined, 'bkt'), etag: head.ETag, size: head.ContentLength, missing };
    };
    expect(await observe(modelS3)).toEqual(await observe(rverS3));
  });
});

describe('versioning and Object Lock COMPLIANCE (not in s3rver)', () => {
  beforeAll(() => model.createBucket('lock', { objectLock: true, defaultRetention: { mode: 'COMPLIANCE', days: 7 * 366 } }));
  const s3 = () => modelS3;

  test('every put is a version; a delete adds a marker; both are listed; the locked original stays readable', async () => {
    await s3().send(new PutObjectCommand({ Bucket: 'lock', Key: 'k', Body: 'v1' }));
    await s3().send(new PutObjectCommand({ Bucket: 'lock', Key: 'k', Body: 'v2' }));
    await s3().send(new DeleteObjectCommand({ Bucket: 'lock', Key: 'k' }));
    const listed = await s3().send(new ListObjectVersionsCommand({ Bucket: 'lock', Prefix: 'k' }));
    expect(listed.Versions?.map((v) => v.IsLatest)).toEqual([false, false]);
    expect(listed.DeleteMarkers).toHaveLength(1);
    const original = listed.Versions![1].VersionId!;
    expect(await (await s3().send(new GetObjectCommand({ Bucket: 'lock', Key: 'k', VersionId: original }))).Body!.transformToString()).toBe(
      'v1',
    );
    await expect(s3().send(new GetObjectCommand({ Bucket: 'lock', Key: 'k' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect((await s3().send(new ListObjectsV2Command({ Bucket: 'lock', Prefix: 'k' }))).Contents).toBeUndefined();
    const h = await s3().send(new HeadObjectCommand({ Bucket: 'lock', Key: 'k', VersionId: original }));
    expect(h.ObjectLockMode).toBe('COMPLIANCE');
    expect(h.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now() + 7 * 365 * day);
  });

  test('a locked version cannot be deleted nor its retention shortened, even by the bucket owner', async () => {
    const put = await s3().send(new PutObjectCommand({ Bucket: 'lock', Key: 'locked', Body: 'x' }));
    await expect(s3().send(new DeleteObjectCommand({ Bucket: 'lock', Key: 'locked', VersionId: put.VersionId }))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    await expect(
      s3().send(
        new PutObjectRetentionCommand({
          Bucket: 'lock',
          Key: 'locked',
          VersionId: put.VersionId,
          Retention: { Mode: 'COMPLIANCE', RetainUntilDate: new Date(Date.now() + day) },
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    // Extending is allowed.
    await s3().send(
      new PutObjectRetentionCommand({
        Bucket: 'lock',
        Key: 'locked',
        VersionId: put.VersionId,
        Retention: { Mode: 'COMPLIANCE', RetainUntilDate: new Date(Date.now() + 9 * 366 * day) },
      }),
    );
    expect(model.versions('lock', 'locked')).toHaveLength(1);
  });

  test('an expired version can be deleted', async () => {
    const put = await s3().send(
      new PutObjectCommand({
        Bucket: 'lock',
        Key: 'short',
        Body: 'x',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date(Date.now() + day),
      }),
    );
    const realNow = model.now;
    model.now = () => new Date(Date.now() + 2 * day);
    try {
      await s3().send(new DeleteObjectCommand({ Bucket: 'lock', Key: 'short', VersionId: put.VersionId }));
    } finally {
      model.now = realNow;
    }
    expect(model.versions('lock', 'short')).toHaveLength(0);
  });

  test('If-None-Match: * refuses an existing key; a wrong SHA-256 is refused; unknown keys are denied', async () => {
    await s3().send(new PutObjectCommand({ Bucket: 'lock', Key: 'once', Body: 'a', IfNoneMatch: '*', ChecksumSHA256: sha('a') }));
    await expect(s3().send(new PutObjectCommand({ Bucket: 'lock', Key: 'once', Body: 'b', IfNoneMatch: '*' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 412 },
    });
    await expect(
      s3().send(new PutObjectCommand({ Bucket: 'lock', Key: 'bad', Body: 'a', ChecksumSHA256: sha('b') })),
    ).rejects.toMatchObject({
      name: 'BadDigest',
    });
    await expect(
      client(`http://127.0.0.1:${new URL(await endpointOf(modelS3)).port}`, 'intruder').send(
        new GetObjectCommand({ Bucket: 'lock', Key: 'once' }),
      ),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });

  test('versions list pages by key and version markers without losing or repeating one', async () => {
    for (let i = 0; i < 4; i++) await s3().send(new PutObjectCommand({ Bucket: 'lock', Key: 'p/x', Body: `${i}` }));
    await s3().send(new PutObjectCommand({ Bucket: 'lock', Key: 'p/y', Body: 'y' }));
    const seen: string[] = [];
    let km: string | undefined;
    let vm: string | undefined;
    do {
      const p = await s3().send(new ListObjectVersionsCommand({ Bucket: 'lock', Prefix: 'p/', KeyMarker: km, VersionIdMarker: vm }));
      seen.push(...(p.Versions ?? []).map((v) => `${v.Key}@${v.VersionId}`));
      km = p.IsTruncated ? p.NextKeyMarker : undefined;
      vm = p.IsTruncated ? p.NextVersionIdMarker : undefined;
    } while (km);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });
});

async function endpointOf(s3: S3Client): Promise<string> {
  const e = await s3.config.endpoint!();
  return `${e.protocol}//${e.hostname}:${e.port}`;
}
