import * as readline from 'readline';
import { Readable } from 'stream';
import { AUDIT_RECORD_PREFIX } from '../../baseline/contract';
import { GetObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';

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

/** One version or delete marker of an object, as listed. */
export interface ObjectVersionEntry {
  readonly versionId: string;
  readonly lastModified?: Date;
  readonly isLatest: boolean;
}

/** Every version and delete marker of one key (versions newest first, as S3 lists them). */
export interface VersionGroup {
  readonly key: string;
  readonly versions: ObjectVersionEntry[];
  readonly deleteMarkers: ObjectVersionEntry[];
}

/** The keys under a prefix with all their versions and delete markers, key by key, page by page (ListObjectVersions). */
export async function* versionGroups(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<VersionGroup> {
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  let carry: VersionGroup | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker }),
    );
    const groups = new Map<string, VersionGroup>();
    if (carry) groups.set(carry.key, carry);
    const group = (key: string) => {
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { key, versions: [], deleteMarkers: [] }));
      return g;
    };
    for (const v of page.Versions ?? [])
      group(v.Key!).versions.push({ versionId: v.VersionId ?? 'null', lastModified: v.LastModified, isLatest: Boolean(v.IsLatest) });
    for (const d of page.DeleteMarkers ?? [])
      group(d.Key!).deleteMarkers.push({ versionId: d.VersionId ?? 'null', lastModified: d.LastModified, isLatest: Boolean(d.IsLatest) });
    const keys = [...groups.keys()].sort();
    const truncated = Boolean(page.IsTruncated);
    // The last key of a truncated page may continue on the next page.
    carry = truncated ? groups.get(keys[keys.length - 1]) : undefined;
    for (const k of truncated ? keys.slice(0, -1) : keys) yield groups.get(k)!;
    keyMarker = truncated ? page.NextKeyMarker : undefined;
    versionMarker = truncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
  if (carry) yield carry;
}

/** Read one version of an object as text. */
export async function readVersionText(s3: S3Client, bucket: string, key: string, versionId: string): Promise<string> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  return (await r.Body?.transformToString('utf8')) ?? '';
}

/** The lines of one object version, streamed. */
export async function* versionLines(
  s3: S3Client,
  bucket: string,
  key: string,
  versionId: string,
): AsyncGenerator<{ line: number; text: string }> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  const body = r.Body as Readable | undefined;
  if (!body) return;
  const rl = readline.createInterface({ input: body, crlfDelay: Infinity });
  let n = 0;
  for await (const text of rl) {
    n++;
    if (text !== '') yield { line: n, text };
  }
}

/** The chains in the bucket: every `<tenant>/<writer>` with a prefix under `audit/tenants/`. */
export async function* listChains(s3: S3Client, bucket: string): AsyncGenerator<{ tenant: string; writerId: string }> {
  const prefixes = async function* (prefix: string): AsyncGenerator<string> {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }));
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) yield p.Prefix.slice(prefix.length, -1);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  };
  for await (const tenant of prefixes(AUDIT_RECORD_PREFIX))
    for await (const writerId of prefixes(`${AUDIT_RECORD_PREFIX}${tenant}/writers/`)) yield { tenant, writerId };
}

/** The first sequence number of a batch key, or undefined if the key is not a batch key. */
export function batchSeqOf(key: string): number | undefined {
  const m = /\/(\d{12})\.jsonl$/.exec(key);
  return m ? Number(m[1]) : undefined;
}
