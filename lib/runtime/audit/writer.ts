import * as crypto from 'crypto';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { AuditEvent, chainRecord, ChainRecord, GENESIS_HASH, sha256Hex, validateChainIds, validateEvent } from './record';
import { batchKey, batchKeys, chainPrefix, headKey, readText } from './store';

export interface AuditLogWriterProps {
  readonly s3: S3Client;
  /** The Object Lock audit bucket (stack output `AuditBucketName`). */
  readonly bucket: string;
  /** The audit KMS key (ARN or alias, stack output `AuditKeyArn`): objects are written with SSE-KMS under it. */
  readonly kmsKeyId: string;
  /** Tenant whose prefix receives the events. Every event must carry this tenant. */
  readonly tenant: string;
  /**
   * This writer's id: one chain per writer (per process or container), so concurrent writers never
   * contend for a chain. Two processes must never share a writer id: the second one's writes are refused.
   */
  readonly writerId: string;
  /**
   * Object Lock retain-until for each object, longer than the bucket default when a record must be kept
   * longer.
   * @default - the bucket's default retention (COMPLIANCE, the audit years)
   */
  readonly retainUntil?: Date;
  /**
   * Records per object.
   * @default 100
   */
  readonly batchSize?: number;
}

/** Another process writes with the same writer id: its chain would fork. */
export class ChainForkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChainForkError';
  }
}

/** Await an AWS call; any error becomes a clear one (see describeAwsError). */
export async function aws<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw describeAwsError(e, what);
  }
}

/** An AWS error, said plainly: what failed, on what, and what to check. */
export function describeAwsError(e: unknown, what: string): Error {
  const name = (e as { name?: string }).name ?? 'Error';
  const hints: Record<string, string> = {
    AccessDenied: 'the caller lacks permission (check the role policy, the bucket policy and the KMS key policy)',
    NoSuchBucket: 'the bucket does not exist in this account and region (check the stack outputs and AWS_REGION)',
    NoSuchKey: 'the object does not exist',
    SlowDown: 'S3 throttled the requests even after retries; lower the rate or enlarge the batch',
    ThrottlingException: 'the service throttled the requests even after retries',
    KMSAccessDeniedException: 'the caller may not use the KMS key',
    NotFoundException: 'the key does not exist',
    CredentialsProviderError: 'no AWS credentials were found',
  };
  const message = (e as Error).message ?? String(e);
  return new Error(`${what} failed: ${name}: ${message}${hints[name] ? ` (${hints[name]})` : ''}`, { cause: e });
}

const sha256Base64 = (body: string) => crypto.createHash('sha256').update(body).digest('base64');

/**
 * Writes tamper-evident audit events into the WORM bucket. Each event becomes a record carrying its
 * sequence number and the SHA-256 of the previous record of the same chain (one chain per tenant and
 * writer id). Records are batched into JSON-lines objects under `audit/tenants/<tenant>/writers/<id>/`,
 * written with SSE-KMS (the audit key), `ChecksumSHA256`, Object Lock retention, and `If-None-Match: *`:
 * a retried write of the same batch is recognised (same bytes) and never forks or duplicates the chain.
 * `flush()` resolves only once the batch is stored; nothing is reported written before that.
 */
export class AuditLogWriter {
  private readonly batchSize: number;
  private readonly chain: string;
  private nextSeq = 0;
  private lastHash = GENESIS_HASH;
  private buffer: ChainRecord[] = [];
  private opened = false;

  constructor(private readonly props: AuditLogWriterProps) {
    validateChainIds(props.tenant, props.writerId);
    this.batchSize = props.batchSize ?? 100;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > 10_000) {
      throw new Error(`batchSize ${props.batchSize} must be an integer from 1 to 10000`);
    }
    if (props.retainUntil && props.retainUntil.getTime() <= Date.now()) {
      throw new Error(`retainUntil ${props.retainUntil.toISOString()} must be in the future`);
    }
    this.chain = `${props.tenant}/${props.writerId}`;
  }

  /** Resume the chain where it ends in the bucket (or start it). */
  async open(): Promise<void> {
    const { s3, bucket, tenant, writerId } = this.props;
    let head: { seq: number; hash: string; key: string } | undefined;
    try {
      head = JSON.parse(await readText(s3, bucket, headKey(tenant, writerId))) as { seq: number; hash: string; key: string };
    } catch (e) {
      if ((e as { name?: string }).name !== 'NoSuchKey') throw describeAwsError(e, `reading the chain head of ${this.chain}`);
    }
    // A batch written after the last head update (the head write failed) is newer than the head says.
    let lastKey: string | undefined = head?.key;
    try {
      for await (const { key } of batchKeys(s3, bucket, chainPrefix(tenant, writerId), head?.key)) lastKey = key;
    } catch (e) {
      throw describeAwsError(e, `listing the chain ${this.chain}`);
    }
    if (lastKey && lastKey !== head?.key) {
      const lines = (await readText(s3, bucket, lastKey)).trim().split('\n');
      const last = JSON.parse(lines[lines.length - 1]) as ChainRecord;
      head = { seq: last.seq, hash: last.hash, key: lastKey };
    }
    this.nextSeq = head ? head.seq + 1 : 0;
    this.lastHash = head?.hash ?? GENESIS_HASH;
    this.opened = true;
  }

  /** Validate an event and add it to the chain; returns its sequence number. Written at the next flush. */
  append(raw: unknown): number {
    if (!this.opened) throw new Error('AuditLogWriter.open() must be awaited before append()');
    const event: AuditEvent = validateEvent(raw);
    if (event.tenant !== this.props.tenant) {
      throw new Error(`event tenant "${event.tenant}" does not match this writer's tenant "${this.props.tenant}"`);
    }
    const r = chainRecord(this.chain, this.nextSeq, this.lastHash, event);
    this.buffer.push(r);
    this.nextSeq++;
    this.lastHash = r.hash;
    return r.seq;
  }

  /** Records appended but not yet stored. */
  get pending(): number {
    return this.buffer.length;
  }

  /**
   * Store the buffered records, `batchSize` per object, in order. Resolves with the sequence numbers
   * stored. On failure the unwritten records stay buffered (a later flush retries them, byte-identical).
   */
  async flush(): Promise<number[]> {
    const written: number[] = [];
    while (this.buffer.length) {
      const batch = this.buffer.slice(0, this.batchSize);
      await this.writeBatch(batch);
      this.buffer = this.buffer.slice(batch.length);
      written.push(...batch.map((r) => r.seq));
    }
    return written;
  }

  private async writeBatch(batch: ChainRecord[]): Promise<void> {
    const { s3, bucket, tenant, writerId, kmsKeyId, retainUntil } = this.props;
    const key = batchKey(tenant, writerId, batch[0].seq);
    const body = batch.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const put = (Key: string, Body: string, ifNoneMatch: boolean) =>
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key,
          Body,
          ContentType: 'application/x-ndjson',
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: kmsKeyId,
          BucketKeyEnabled: true,
          ChecksumSHA256: sha256Base64(Body),
          IfNoneMatch: ifNoneMatch ? '*' : undefined,
          ObjectLockMode: retainUntil ? 'COMPLIANCE' : undefined,
          ObjectLockRetainUntilDate: retainUntil,
        }),
      );
    try {
      await put(key, body, true);
    } catch (e) {
      const status = (e as S3ServiceException).$metadata?.httpStatusCode;
      if (status !== 412 && (e as { name?: string }).name !== 'PreconditionFailed') throw describeAwsError(e, `writing ${key}`);
      // The key exists: our own earlier attempt (same bytes: done), or another writer with our id (a fork).
      const existing = await aws(`reading back ${key}`, () => readText(s3, bucket, key));
      if (sha256Hex(existing) !== sha256Hex(body)) {
        throw new ChainForkError(
          `${key} already holds different records: another process writes with writer id "${writerId}"; give each writer its own id`,
        );
      }
    }
    const last = batch[batch.length - 1];
    try {
      await put(
        headKey(tenant, writerId),
        JSON.stringify({ seq: last.seq, hash: last.hash, key, updatedAt: new Date().toISOString() }),
        false,
      );
    } catch (e) {
      // The batch is stored; a stale head is repaired by open() (it looks past the head).
      throw describeAwsError(e, `updating the chain head after ${key} (the records are stored)`);
    }
  }
}

/**
 * An S3 client for the audit log: adaptive retries with exponential backoff on throttling (up to 8
 * attempts), and checksums sent only where required (the writer sets ChecksumSHA256 itself).
 */
export function auditS3Client(options: { region?: string; endpoint?: string; forcePathStyle?: boolean } = {}): S3Client {
  return new S3Client({
    ...options,
    maxAttempts: 8,
    retryMode: 'adaptive',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
