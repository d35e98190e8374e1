import { batchKey, chainPrefix, headKey } from '../../baseline/contract';
import * as crypto from 'crypto';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import {
  AuditEvent,
  chainRecord,
  ChainRecord,
  checkStoredRecord,
  CLOCK_TOLERANCE_MS,
  GENESIS_HASH,
  InvalidAuditEventError,
  sha256Hex,
  validateChainIds,
  validateEvent,
} from './record';
import { batchKeys, batchSeqOf, readText } from './store';

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

/** The chain in the bucket cannot be continued safely (a corrupt or hostile head or last object). */
export class CorruptChainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptChainError';
  }
}

/** Where a chain ends: the last record's sequence number and hash, and the object holding it. */
interface ChainEnd {
  readonly seq: number;
  readonly hash: string;
  readonly key: string;
}

/**
 * Writes tamper-evident audit events into the WORM bucket. Each event becomes a record carrying its
 * sequence number and the SHA-256 of the previous record of the same chain (one chain per tenant and
 * writer id). Records are batched into JSON-lines objects under `audit/tenants/<tenant>/writers/<id>/`,
 * written with SSE-KMS (the audit key), `ChecksumSHA256`, Object Lock retention, and `If-None-Match: *`:
 * a retried write of the same batch is recognised (same bytes) and never forks or duplicates the chain.
 *
 * Flushes are serialized: a flush takes the records appended before it was called, cuts them into batches
 * whose content is then fixed (a retry after a failure writes the same bytes under the same key), and writes
 * them after every earlier flush has finished; records appended meanwhile go to the next flush.
 * `flush()` resolves only once its records are stored; nothing is reported written before that.
 */
export class AuditLogWriter {
  private readonly batchSize: number;
  private readonly chain: string;
  private nextSeq = 0;
  private lastHash = GENESIS_HASH;
  private lastTime = 0;
  /** Appended records not yet cut into a batch. */
  private loose: ChainRecord[] = [];
  /** Batches cut by a flush, not yet confirmed stored: their content never changes. */
  private readonly batches: ChainRecord[][] = [];
  private queue: Promise<unknown> = Promise.resolve();
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

  /**
   * Resume the chain where it ends in the bucket (or start it). The head object is only a hint: it is
   * checked against the record it names, and batches written after it (a head update that failed) are
   * found by listing. A head or last object that is not a valid record of this chain is refused
   * (CorruptChainError): the writer never writes past a state it cannot verify.
   */
  async open(): Promise<void> {
    const { s3, bucket, tenant, writerId } = this.props;
    const hk = headKey(tenant, writerId);
    let headText: string | undefined;
    try {
      headText = await readText(s3, bucket, hk);
    } catch (e) {
      if ((e as { name?: string }).name !== 'NoSuchKey') throw describeAwsError(e, `reading the chain head of ${this.chain}`);
    }
    let end: ChainEnd | undefined;
    if (headText !== undefined) {
      const head = parseHead(headText, tenant, writerId);
      const rec = await this.lastRecordOf(head.key);
      if (rec.seq !== head.seq || rec.hash !== head.hash)
        throw new CorruptChainError(
          `the chain head ${hk} names sequence ${head.seq} (${head.hash}) but ${head.key} ends with sequence ${rec.seq} (${rec.hash}); run audit:verify before writing`,
        );
      end = head;
    }
    // A batch written after the last head update (the head write failed) is newer than the head says.
    let lastKey: string | undefined;
    try {
      for await (const { key } of batchKeys(s3, bucket, chainPrefix(tenant, writerId), end?.key)) lastKey = key;
    } catch (e) {
      throw describeAwsError(e, `listing the chain ${this.chain}`);
    }
    if (lastKey) {
      const rec = await this.lastRecordOf(lastKey);
      if (end && rec.seq <= end.seq)
        throw new CorruptChainError(
          `${lastKey} ends with sequence ${rec.seq}, not after the head's ${end.seq}; run audit:verify before writing`,
        );
      end = { seq: rec.seq, hash: rec.hash, key: lastKey };
    }
    this.nextSeq = end ? end.seq + 1 : 0;
    this.lastHash = end?.hash ?? GENESIS_HASH;
    this.opened = true;
  }

  /** The last record of a batch object, validated: this chain's, its hash right, its seq within the key's batch. */
  private async lastRecordOf(key: string): Promise<ChainRecord> {
    const { s3, bucket, tenant, writerId } = this.props;
    const first = batchSeqOf(key);
    if (first === undefined || !key.startsWith(chainPrefix(tenant, writerId)))
      throw new CorruptChainError(`${key} is not a batch object of the chain ${this.chain}`);
    const text = await aws(`reading ${key}`, () => readText(s3, bucket, key));
    const lines = text.split('\n').filter((l) => l !== '');
    const problem = lines.length ? checkStoredRecord(lines[lines.length - 1], this.chain) : 'the object is empty';
    if (typeof problem === 'string')
      throw new CorruptChainError(
        `the chain ${this.chain} ends in ${key} line ${lines.length}: ${problem}; run audit:verify before writing`,
      );
    if (problem.seq !== first + lines.length - 1)
      throw new CorruptChainError(
        `${key} holds ${lines.length} records starting at ${first}, but its last record has sequence ${problem.seq}; run audit:verify before writing`,
      );
    return problem;
  }

  /** Validate an event and add it to the chain; returns its sequence number. Written at the next flush. */
  append(raw: unknown): number {
    if (!this.opened) throw new Error('AuditLogWriter.open() must be awaited before append()');
    const event: AuditEvent = validateEvent(raw);
    if (event.tenant !== this.props.tenant) {
      throw new Error(`event tenant "${event.tenant}" does not match this writer's tenant "${this.props.tenant}"`);
    }
    const t = Date.parse(event.time);
    if (t > Date.now() + CLOCK_TOLERANCE_MS)
      throw new InvalidAuditEventError(`time ${event.time} is in the future (more than ${CLOCK_TOLERANCE_MS / 60_000} minutes ahead)`);
    if (t < this.lastTime - CLOCK_TOLERANCE_MS)
      throw new InvalidAuditEventError(
        `time ${event.time} is more than ${CLOCK_TOLERANCE_MS / 60_000} minutes before the previous record's (${new Date(this.lastTime).toISOString()})`,
      );
    const r = chainRecord(this.chain, this.nextSeq, this.lastHash, event);
    this.loose.push(r);
    this.nextSeq++;
    this.lastHash = r.hash;
    this.lastTime = Math.max(this.lastTime, t);
    return r.seq;
  }

  /** Records appended but not yet stored. */
  get pending(): number {
    return this.loose.length + this.batches.reduce((n, b) => n + b.length, 0);
  }

  /**
   * Store the records appended before this call (and any left by an earlier failed flush), `batchSize` per
   * object, in order, after every earlier flush has finished. Resolves with the sequence numbers stored by
   * this call. On failure the unwritten batches stay queued, unchanged: a later flush retries them.
   */
  flush(): Promise<number[]> {
    const upTo = this.nextSeq;
    const run = this.queue.then(() => this.writeQueued(upTo));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeQueued(upTo: number): Promise<number[]> {
    const cut = this.loose.filter((r) => r.seq < upTo);
    this.loose = this.loose.slice(cut.length);
    for (let i = 0; i < cut.length; i += this.batchSize) this.batches.push(cut.slice(i, i + this.batchSize));
    const written: number[] = [];
    while (this.batches.length) {
      const batch = this.batches[0];
      await this.writeBatch(batch);
      this.batches.shift();
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

/** Parse a head object strictly: integer seq >= 0, a SHA-256 hex hash, the key of a batch of this chain. */
export function parseHead(text: string, tenant: string, writerId: string): ChainEnd {
  const where = `the chain head ${headKey(tenant, writerId)}`;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CorruptChainError(`${where} is not JSON (${JSON.stringify(text.slice(0, 80))}); run audit:verify before writing`);
  }
  const h = (raw ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (!Number.isSafeInteger(h.seq) || (h.seq as number) < 0) problems.push(`seq ${JSON.stringify(h.seq)} must be an integer >= 0`);
  if (typeof h.hash !== 'string' || !/^[0-9a-f]{64}$/.test(h.hash)) problems.push(`hash ${JSON.stringify(h.hash)} must be 64 hex digits`);
  if (typeof h.key !== 'string' || !h.key.startsWith(chainPrefix(tenant, writerId)) || batchSeqOf(h.key) === undefined)
    problems.push(`key ${JSON.stringify(h.key)} must be a batch object of this chain`);
  else if (Number.isSafeInteger(h.seq) && batchSeqOf(h.key)! > (h.seq as number))
    problems.push(`key ${h.key} starts after seq ${String(h.seq)}`);
  if (problems.length) throw new CorruptChainError(`${where} is invalid: ${problems.join('; ')}; run audit:verify before writing`);
  return { seq: h.seq as number, hash: h.hash as string, key: h.key as string };
}

/**
 * An S3 client for the audit log: adaptive retries with exponential backoff on throttling (up to 8
 * attempts), and checksums sent only where required (the writer sets ChecksumSHA256 itself).
 */
export function auditS3Client(
  options: {
    region?: string;
    endpoint?: string;
    forcePathStyle?: boolean;
    credentials?: { accessKeyId: string; secretAccessKey: string };
  } = {},
): S3Client {
  return new S3Client({
    ...options,
    maxAttempts: 8,
    retryMode: 'adaptive',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
