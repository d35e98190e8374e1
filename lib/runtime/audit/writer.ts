import { batchKey, chainPrefix, headKey } from '../../baseline/contract';
import * as crypto from 'crypto';
import { ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
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
   * This writer's id: one chain per writer id. Keep it stable (e.g. one per concurrency slot, `consumer-<slot>`),
   * so the number of chains stays bounded. Two processes that happen to share an id are detected by the
   * conditional PUT of each batch (`If-None-Match: *` answers 412): the loser re-reads the chain's tail, re-links
   * its unwritten records after it and retries (`maxRelinks` times), so the chain never forks.
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
  /**
   * Write the head pointer (HEAD.json) after every this many batches. The head is a hint only: open() and the
   * verifier look past a stale head, and each head write leaves one more Object Lock-retained version.
   * @default 10
   */
  readonly headEvery?: number;
  /**
   * How often one batch may be re-linked after another writer with the same id took its key, before the flush
   * fails with ChainForkError.
   * @default 5
   */
  readonly maxRelinks?: number;
}

/**
 * Another process kept taking this writer's batch keys (more than `maxRelinks` times in a row), or a batch key
 * holds records that do not link to the chain: writing further would fork it.
 */
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
  private readonly headEvery: number;
  private readonly maxRelinks: number;
  /** Where the chain is known to end in the bucket (undefined: nothing stored yet). */
  private end?: ChainEnd;
  /** Batches stored since the head was last written. */
  private sinceHead = 0;

  constructor(private readonly props: AuditLogWriterProps) {
    validateChainIds(props.tenant, props.writerId);
    this.batchSize = props.batchSize ?? 100;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > 10_000) {
      throw new Error(`batchSize ${props.batchSize} must be an integer from 1 to 10000`);
    }
    if (props.retainUntil && props.retainUntil.getTime() <= Date.now()) {
      throw new Error(`retainUntil ${props.retainUntil.toISOString()} must be in the future`);
    }
    this.headEvery = props.headEvery ?? 10;
    if (!Number.isInteger(this.headEvery) || this.headEvery < 1 || this.headEvery > 1000) {
      throw new Error(`headEvery ${props.headEvery} must be an integer from 1 to 1000`);
    }
    this.maxRelinks = props.maxRelinks ?? 5;
    if (!Number.isInteger(this.maxRelinks) || this.maxRelinks < 0 || this.maxRelinks > 100) {
      throw new Error(`maxRelinks ${props.maxRelinks} must be an integer from 0 to 100`);
    }
    this.chain = `${props.tenant}/${props.writerId}`;
  }

  /**
   * Resume the chain where it ends in the bucket (or start it). The head object is only a hint: it is
   * checked against the record it names, and batches written after it (a head written every `headEvery`
   * batches, or a head update that failed) are found by listing. A head or last object that is not a valid
   * record of this chain is refused (CorruptChainError): the writer never writes past a state it cannot verify.
   *
   * Every read is of a key the listing just showed: the writer never GETs a key that may not exist. A worker
   * may list only under the audit prefix (s3:ListBucket with an s3:prefix condition), and a GET carries no
   * s3:prefix, so for a missing key S3 answers 403 AccessDenied, not 404 NoSuchKey: "If you don't have the
   * s3:ListBucket permission, Amazon S3 returns an HTTP status code 403 (access denied)"
   * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, Permissions).
   */
  async open(): Promise<void> {
    const { s3, bucket, tenant, writerId } = this.props;
    const hk = headKey(tenant, writerId);
    let end: ChainEnd | undefined;
    const listed = await aws(`listing the chain head of ${this.chain}`, () =>
      s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: hk, MaxKeys: 1 })),
    );
    if ((listed.Contents ?? []).some((o) => o.Key === hk)) {
      const headText = await aws(`reading the chain head of ${this.chain}`, () => readText(s3, bucket, hk));
      const head = parseHead(headText, tenant, writerId);
      const rec = await this.lastRecordOf(head.key);
      if (rec.seq !== head.seq || rec.hash !== head.hash)
        throw new CorruptChainError(
          `the chain head ${hk} names sequence ${head.seq} (${head.hash}) but ${head.key} ends with sequence ${rec.seq} (${rec.hash}); run audit:verify before writing`,
        );
      end = head;
    }
    end = await this.endAfter(end);
    this.nextSeq = end ? end.seq + 1 : 0;
    this.lastHash = end?.hash ?? GENESIS_HASH;
    this.end = end;
    this.opened = true;
  }

  /** The chain's end at or after `known`: batches listed after it (written later, by us or a twin) win. */
  private async endAfter(known: ChainEnd | undefined): Promise<ChainEnd | undefined> {
    const { s3, bucket, tenant, writerId } = this.props;
    let lastKey: string | undefined;
    try {
      for await (const { key } of batchKeys(s3, bucket, chainPrefix(tenant, writerId), known?.key)) lastKey = key;
    } catch (e) {
      throw describeAwsError(e, `listing the chain ${this.chain}`);
    }
    if (!lastKey) return known;
    const rec = await this.lastRecordOf(lastKey);
    if (known && rec.seq <= known.seq)
      throw new CorruptChainError(
        `${lastKey} ends with sequence ${rec.seq}, not after the head's ${known.seq}; run audit:verify before writing`,
      );
    return { seq: rec.seq, hash: rec.hash, key: lastKey };
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
    let relinks = 0;
    while (this.batches.length) {
      const batch = this.batches[0];
      if (!(await this.writeBatch(batch))) {
        // Another writer with our id took the key: follow its tail and try again, a bounded number of times.
        if (++relinks > this.maxRelinks)
          throw new ChainForkError(
            `${batchKey(this.props.tenant, this.props.writerId, batch[0].seq)} was taken by another writer with id "${this.props.writerId}" ${relinks} times in a row; give concurrent writers distinct ids (e.g. one per concurrency slot)`,
          );
        await this.relink();
        continue;
      }
      relinks = 0;
      this.batches.shift();
      written.push(...batch.map((r) => r.seq));
    }
    return written;
  }

  /**
   * Re-read the chain's tail past the last key we know, and re-chain every unwritten record (the queued batches,
   * keeping their sizes, then the loose ones) after it: new sequence numbers and hashes, the same events.
   */
  private async relink(): Promise<void> {
    const end = await this.endAfter(this.end);
    let seq = end ? end.seq + 1 : 0;
    let prev = end?.hash ?? GENESIS_HASH;
    const rechain = (r: ChainRecord) => {
      const n = chainRecord(this.chain, seq++, prev, r.event);
      prev = n.hash;
      return n;
    };
    for (let i = 0; i < this.batches.length; i++) this.batches[i] = this.batches[i].map(rechain);
    this.loose = this.loose.map(rechain);
    this.nextSeq = seq;
    this.lastHash = prev;
    this.end = end;
  }

  /** Store one batch; false when another writer with our id holds its key (re-link and retry). */
  private async writeBatch(batch: ChainRecord[]): Promise<boolean> {
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
      const name = (e as { name?: string }).name;
      // 412: the key exists. 409 ConditionalRequestConflict: a concurrent conditional write of the key won
      // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
      if (status !== 412 && status !== 409 && name !== 'PreconditionFailed' && name !== 'ConditionalRequestConflict')
        throw describeAwsError(e, `writing ${key}`);
      // Our own earlier attempt (same bytes: done), or another writer with our id (re-link after its records).
      // The PUT said the key exists (or is being written), so this read is of a key that exists.
      let existing: string | undefined;
      try {
        existing = await readText(s3, bucket, key);
      } catch (readError) {
        if (status !== 409) throw describeAwsError(readError, `reading back ${key}`);
      }
      if (existing === undefined || sha256Hex(existing) !== sha256Hex(body)) return false;
    }
    const last = batch[batch.length - 1];
    this.end = { seq: last.seq, hash: last.hash, key };
    if (++this.sinceHead < this.headEvery) return true;
    try {
      await put(
        headKey(tenant, writerId),
        JSON.stringify({ seq: last.seq, hash: last.hash, key, updatedAt: new Date().toISOString() }),
        false,
      );
      this.sinceHead = 0;
    } catch (e) {
      // The batch is stored; a stale head is repaired by open() (it looks past the head).
      throw describeAwsError(e, `updating the chain head after ${key} (the records are stored)`);
    }
    return true;
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
