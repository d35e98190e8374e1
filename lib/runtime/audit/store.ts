import * as readline from 'readline';
import { Readable } from 'stream';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { StoredLine } from './verify-chain';

/** Key prefix of one writer's chain for one tenant. */
export const chainPrefix = (tenant: string, writerId: string) => `audit/tenants/${tenant}/writers/${writerId}/`;
/** Key of the batch object whose first record has `seq`. */
export const batchKey = (tenant: string, writerId: string, seq: number) =>
  `${chainPrefix(tenant, writerId)}${String(seq).padStart(12, '0')}.jsonl`;
/** Key of the writer's head pointer (last sequence and hash written). */
export const headKey = (tenant: string, writerId: string) => `${chainPrefix(tenant, writerId)}HEAD.json`;

export const isBatchKey = (key: string) => /\/\d{12}\.jsonl$/.test(key);

/** Every batch key of a chain, in order, page by page. */
export async function* batchKeys(
  s3: S3Client,
  bucket: string,
  prefix: string,
  startAfter?: string,
): AsyncGenerator<{ key: string; lastModified?: Date }> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, StartAfter: token ? undefined : startAfter }),
    );
    for (const o of page.Contents ?? []) if (o.Key && isBatchKey(o.Key)) yield { key: o.Key, lastModified: o.LastModified };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Read an object's body as text. */
export async function readText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await r.Body?.transformToString('utf8')) ?? '';
}

/** The lines of a chain, object by object, streamed (one object's body in flight at a time). */
export async function* chainLines(
  s3: S3Client,
  bucket: string,
  prefix: string,
  onObject?: (key: string) => Promise<void>,
): AsyncGenerator<StoredLine> {
  let pending: StoredLine | undefined;
  for await (const { key } of batchKeys(s3, bucket, prefix)) {
    await onObject?.(key);
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = r.Body as Readable | undefined;
    if (!body) continue;
    const rl = readline.createInterface({ input: body, crlfDelay: Infinity });
    let n = 0;
    for await (const text of rl) {
      n++;
      if (text === '') continue;
      if (pending) yield pending;
      pending = { key, line: n, text };
    }
  }
  if (pending) yield { ...pending, last: true };
}

/** The first sequence number of a batch key, or undefined if the key is not a batch key. */
export function batchSeqOf(key: string): number | undefined {
  const m = /\/(\d{12})\.jsonl$/.exec(key);
  return m ? Number(m[1]) : undefined;
}
