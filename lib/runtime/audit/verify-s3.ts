import { chainPrefix, checkpointPrefix, headKey } from '../../baseline/contract';
import * as crypto from 'crypto';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { checkCheckpoint, Checkpoint, checkpointSizeOf } from './checkpoint';
import { MerkleAccumulator, recordLeaf } from './merkle';
import { batchSeqOf, readVersionText, VersionGroup, versionGroups, versionLines } from './store';
import { BreakKind, ChainReport, ExpectedEnd, StoredLine, verifyChain } from './verify-chain';
import { aws, describeAwsError } from './writer';
import { addCalendarYears, MS_PER_DAY } from '../../baseline/durations';
import { AUDIT_RETENTION_YEARS } from '../../baseline/thresholds';

/** Legal minimum of audit retention in years (HIPAA §164.316(b)(2)(i): six years): lib/baseline/thresholds.ts. */
export const MIN_AUDIT_YEARS: number = AUDIT_RETENTION_YEARS.min;

/** Everything the verifier can find wrong, beyond a break in the chain itself. */
export type FindingKind =
  | BreakKind
  | 'overwritten'
  | 'delete-marker'
  | 'foreign-object'
  | 'retention'
  | 'invalid-head'
  | 'head-rolled-back'
  | 'missing-chain'
  | 'invalid-checkpoint'
  | 'checkpoint-mismatch';

/** One problem, named by object key, version id, line and sequence number where they apply. */
export interface Finding {
  readonly kind: FindingKind;
  readonly key: string;
  readonly versionId?: string;
  readonly line?: number;
  readonly seq?: number | null;
  readonly detail: string;
}

export interface SealStatus {
  /** Checkpoints whose signature verified. */
  readonly checkpoints: number;
  /** Records covered by the last valid checkpoint. */
  readonly sealedRecords: number;
  /** Records after it: not yet provable against a signature (the writer could still forge these). */
  readonly unsealedRecords: number;
  /** Time of the first unsealed record, and its age in seconds at verification. */
  readonly oldestUnsealedTime: string | null;
  readonly oldestUnsealedAgeSeconds: number | null;
  /** False when no public key was given: nothing could be checked as sealed. */
  readonly checked: boolean;
}

export interface S3ChainReport extends ChainReport {
  /** Batch objects read (their original versions). */
  readonly objects: number;
  /** Object versions and delete markers listed under the chain's prefix. */
  readonly versions: number;
  readonly findings: Finding[];
  readonly sealing: SealStatus;
  readonly retentionYears: number;
  /** RFC 9162 root over the verified records (hex): what a new checkpoint signs. */
  readonly root: string;
}

export interface VerifyS3ChainOptions {
  readonly bucket: string;
  readonly tenant: string;
  readonly writerId: string;
  /** Audit retention the stack enforces (stack output or flag): every version must be locked that long. */
  readonly retentionYears: number;
  /** The checkpoint public key. @default - checkpoints are not checked and every record is reported unsealed */
  readonly publicKey?: crypto.KeyObject;
  /** The caller states that this chain may be missing or empty. @default false - a missing or empty chain is a finding */
  readonly allowEmpty?: boolean;
  /** The verifier's clock. @default - now */
  readonly now?: Date;
  /** Timestamp tolerance. @default CLOCK_TOLERANCE_MS */
  readonly toleranceMs?: number;
}

/**
 * Verify one writer's chain in the versioned Object Lock bucket, version by version:
 * - every key under the chain's prefix is listed with all its versions and delete markers; a batch object with
 *   more than one version, or any delete marker, is tampering; the oldest version (the original, locked one) is the
 *   evidence the chain is verified from;
 * - every version's Object Lock retention is COMPLIANCE and lasts at least `retentionYears` after it was written;
 * - the records are checked strictly and their hashes recomputed (verifyChain); the chain must reach the highest
 *   sequence any version of its head ever recorded (a head rolled back or deleted does not hide a cut tail);
 * - signed checkpoints are checked with the public key and their Merkle roots recomputed from the records; records
 *   after the last one are reported as unsealed (count and age).
 * Reads one object at a time and keeps O(log n) tree state: memory does not grow with the chain.
 */
export async function verifyS3Chain(s3: S3Client, opts: VerifyS3ChainOptions): Promise<S3ChainReport> {
  const { bucket, tenant, writerId } = opts;
  if (!Number.isInteger(opts.retentionYears) || opts.retentionYears < MIN_AUDIT_YEARS)
    throw new Error(`retentionYears ${opts.retentionYears} must be a whole number of at least ${MIN_AUDIT_YEARS}`);
  const chain = `${tenant}/${writerId}`;
  const now = opts.now ?? new Date();
  const findings: Finding[] = [];
  const prefix = chainPrefix(tenant, writerId);
  const hk = headKey(tenant, writerId);
  let versions = 0;
  let objects = 0;
  let end: ExpectedEnd | undefined;

  const checkRetention = async (key: string, versionId: string) => {
    const h = await aws(`reading the retention of ${key} version ${versionId}`, () =>
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId })),
    );
    const written = h.LastModified ?? now;
    // N calendar years after the write, less one day of slack for S3 rounding a default retention to whole days.
    const needed = new Date(addCalendarYears(written, opts.retentionYears).getTime() - MS_PER_DAY);
    if (h.ObjectLockMode !== 'COMPLIANCE')
      findings.push({
        kind: 'retention',
        key,
        versionId,
        detail: `Object Lock mode is ${h.ObjectLockMode ?? 'none'}, expected COMPLIANCE`,
      });
    else if (!h.ObjectLockRetainUntilDate || h.ObjectLockRetainUntilDate < needed)
      findings.push({
        kind: 'retention',
        key,
        versionId,
        detail: `retained until ${h.ObjectLockRetainUntilDate?.toISOString() ?? 'never'}, expected at least ${needed.toISOString()} (${opts.retentionYears} years after it was written)`,
      });
  };

  /** Versions and markers of one key: tampering findings, retention, and the original version to read. */
  const examine = async (g: VersionGroup, isBatch: boolean): Promise<string | undefined> => {
    versions += g.versions.length + g.deleteMarkers.length;
    for (const d of g.deleteMarkers)
      findings.push({
        kind: 'delete-marker',
        key: g.key,
        versionId: d.versionId,
        detail: `a delete marker (${d.lastModified?.toISOString() ?? 'undated'}) hides ${g.versions.length ? `the locked original ${g.versions[g.versions.length - 1].versionId}` : 'nothing'}`,
      });
    const original = g.versions[g.versions.length - 1];
    if (isBatch)
      for (const v of g.versions.slice(0, -1))
        findings.push({
          kind: 'overwritten',
          key: g.key,
          versionId: v.versionId,
          detail: `a second version (${v.lastModified?.toISOString() ?? 'undated'}) over the original ${original.versionId}; the original is verified`,
        });
    for (const v of g.versions) await checkRetention(g.key, v.versionId);
    return original?.versionId;
  };

  /** Head versions, newest first: each must parse; sequence never decreases with time; the highest is the end. */
  const examineHead = async (g: VersionGroup) => {
    await examine(g, false);
    let newer: { seq: number; versionId: string } | undefined;
    for (const v of g.versions) {
      const text = await aws(`reading ${g.key} version ${v.versionId}`, () => readVersionText(s3, bucket, g.key, v.versionId));
      let h: { seq?: unknown; hash?: unknown } | undefined;
      try {
        h = JSON.parse(text) as typeof h;
      } catch {
        /* reported below */
      }
      if (!h || !Number.isSafeInteger(h.seq) || (h.seq as number) < 0 || typeof h.hash !== 'string' || !/^[0-9a-f]{64}$/.test(h.hash)) {
        findings.push({
          kind: 'invalid-head',
          key: g.key,
          versionId: v.versionId,
          detail: `not a valid head: ${JSON.stringify(text.slice(0, 80))}`,
        });
        continue;
      }
      const seq = h.seq as number;
      if (newer && newer.seq < seq)
        findings.push({
          kind: 'head-rolled-back',
          key: g.key,
          versionId: newer.versionId,
          seq: newer.seq,
          detail: `this head version says ${newer.seq}, an older one (${v.versionId}) said ${seq}`,
        });
      if (!end || seq > end.seq) end = { seq, hash: h.hash, source: `${g.key} version ${v.versionId}` };
      newer = { seq, versionId: v.versionId };
    }
  };

  // Signed checkpoints, checked first (a few small objects per chain).
  const checkpoints: Checkpoint[] = [];
  const cpLocation = new Map<number, { key: string; versionId: string }>();
  if (opts.publicKey) {
    for await (const g of guard(versionGroups(s3, bucket, checkpointPrefix(tenant, writerId)), 'listing the checkpoints')) {
      const original = await examine(g, true);
      const size = checkpointSizeOf(g.key);
      if (!original) continue;
      const text = await aws(`reading ${g.key}`, () => readVersionText(s3, bucket, g.key, original));
      const c = checkCheckpoint(text, opts.publicKey);
      if (typeof c === 'string' || c.chain !== chain || c.size !== size) {
        findings.push({
          kind: 'invalid-checkpoint',
          key: g.key,
          versionId: original,
          detail: typeof c === 'string' ? c : `the checkpoint is for ${c.chain} size ${c.size}, its key says ${chain} size ${size}`,
        });
        continue;
      }
      checkpoints.push(c);
      cpLocation.set(c.size, { key: g.key, versionId: original });
    }
    checkpoints.sort((a, b) => a.size - b.size);
  }

  const acc = new MerkleAccumulator();
  let nextCp = 0;
  let sealedRecords = 0;
  let firstUnsealedTime: string | null = null;
  const onRecord = (r: { hash: string; seq: number; event: { time: string } }, at: StoredLine) => {
    acc.push(recordLeaf(r.hash));
    while (nextCp < checkpoints.length && checkpoints[nextCp].size === acc.size) {
      const c = checkpoints[nextCp++];
      const where = cpLocation.get(c.size)!;
      if (acc.root().toString('hex') !== c.root || c.lastHash !== r.hash)
        findings.push({
          kind: 'checkpoint-mismatch',
          key: at.key,
          versionId: at.versionId,
          line: at.line,
          seq: r.seq,
          detail: `the records 0..${r.seq} do not have the Merkle root signed in ${where.key} (version ${where.versionId}): a sealed record was changed`,
        });
      else sealedRecords = c.size;
    }
    if (acc.size > sealedRecords && firstUnsealedTime === null) firstUnsealedTime = r.event.time;
    if (acc.size === sealedRecords) firstUnsealedTime = null;
  };

  async function* lines(): AsyncGenerator<StoredLine> {
    for await (const g of guard(versionGroups(s3, bucket, prefix), `listing the versions of ${chain}`)) {
      if (g.key === hk) {
        await examineHead(g);
        continue;
      }
      if (batchSeqOf(g.key) === undefined) {
        await examine(g, false);
        findings.push({
          kind: 'foreign-object',
          key: g.key,
          detail: 'an object that is neither a batch nor the head, under the chain prefix',
        });
        continue;
      }
      const original = await examine(g, true);
      if (!original) continue; // only delete markers: reported above
      objects++;
      for await (const l of guard(versionLines(s3, bucket, g.key, original), `reading ${g.key} version ${original}`))
        yield { key: g.key, versionId: original, line: l.line, text: l.text };
    }
  }

  const report = await verifyChain(markLast(lines()), { chain, end: () => end, now, toleranceMs: opts.toleranceMs, onRecord });
  if (report.firstBreak) findings.unshift({ ...report.firstBreak });
  const unreached = checkpoints.filter((c) => c.size > report.records);
  if (report.ok && unreached.length) {
    const c = unreached[unreached.length - 1];
    const where = cpLocation.get(c.size)!;
    findings.push({
      kind: 'truncated',
      key: where.key,
      versionId: where.versionId,
      seq: report.records,
      detail: `a signed checkpoint covers ${c.size} records; the chain has ${report.records}`,
    });
  }
  if (!opts.allowEmpty && report.records === 0 && !report.firstBreak)
    findings.push({
      kind: 'missing-chain',
      key: prefix,
      detail: `no records for ${chain}${versions ? ' (only delete markers or a head)' : ''}; if none are expected, say so (--allow-empty)`,
    });
  const unsealed = report.records - sealedRecords;
  return {
    ...report,
    ok: findings.length === 0,
    objects,
    versions,
    findings,
    retentionYears: opts.retentionYears,
    root: acc.root().toString('hex'),
    sealing: {
      checked: Boolean(opts.publicKey),
      checkpoints: checkpoints.length,
      sealedRecords,
      unsealedRecords: unsealed,
      oldestUnsealedTime: unsealed ? firstUnsealedTime : null,
      oldestUnsealedAgeSeconds: unsealed && firstUnsealedTime ? Math.round((now.getTime() - Date.parse(firstUnsealedTime)) / 1000) : null,
    },
  };
}

/** Mark the last line (a cut-off last line is a truncation, not a modification). */
async function* markLast(src: AsyncIterable<StoredLine>): AsyncGenerator<StoredLine> {
  let pending: StoredLine | undefined;
  for await (const l of src) {
    if (pending) yield pending;
    pending = l;
  }
  if (pending) yield { ...pending, last: true };
}

/** AWS errors while iterating become clear errors naming what was being read. */
async function* guard<T>(src: AsyncIterable<T>, what: string): AsyncGenerator<T> {
  try {
    for await (const x of src) yield x;
  } catch (e) {
    if (e instanceof Error && e.message.includes(' failed: ')) throw e;
    throw describeAwsError(e, what);
  }
}
