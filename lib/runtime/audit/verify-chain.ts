import { batchSeqOf } from './store';
import { ChainRecord, checkStoredRecord, CLOCK_TOLERANCE_MS, GENESIS_HASH } from './record';

/**
 * How a chain was broken:
 * - modified: a record's content no longer matches its hash, or the record before it was altered and re-hashed;
 * - invalid-record: a line that is not a valid record (schema, integer seq, hex hashes, event fields);
 * - wrong-chain: a record of another tenant or writer (copied in);
 * - deleted: records missing, never found later;
 * - inserted: a record that is not linked into the chain (a forged extra, or a second record with a used seq);
 * - replayed: an exact copy of a record already in the chain;
 * - swapped: two records, or two objects' contents, exchanged;
 * - reordered: records present but out of order (other than a swap);
 * - sequence-gap: linked by hash, but its sequence number was changed;
 * - misplaced: an object whose records do not start at the sequence its key names;
 * - time-backwards / time-future: timestamps that run back (beyond the tolerance) or lie ahead of the verifier's clock;
 * - truncated: the chain ends before a record it is known to reach (head, checkpoint), or its last line is cut off.
 */
export type BreakKind =
  | 'modified'
  | 'invalid-record'
  | 'wrong-chain'
  | 'deleted'
  | 'inserted'
  | 'replayed'
  | 'swapped'
  | 'reordered'
  | 'sequence-gap'
  | 'misplaced'
  | 'time-backwards'
  | 'time-future'
  | 'truncated';

/** One line of a stored chain, as read (in key order, then line order). */
export interface StoredLine {
  /** Object key holding the line. */
  readonly key: string;
  /** The object version read (the original, on a versioned bucket). */
  readonly versionId?: string;
  /** 1-based line number in that object. */
  readonly line: number;
  readonly text: string;
  /** True for the last line of the last object. */
  readonly last?: boolean;
}

export interface ChainBreak {
  readonly kind: BreakKind;
  /** Sequence number at (or after) which the chain breaks. */
  readonly seq: number | null;
  readonly key: string;
  readonly versionId?: string;
  readonly line: number;
  readonly detail: string;
}

export interface ChainReport {
  readonly ok: boolean;
  readonly chain: string;
  readonly records: number;
  readonly lastSeq: number | null;
  readonly lastHash: string | null;
  /** Time of the last verified record. */
  readonly lastTime: string | null;
  readonly firstBreak: ChainBreak | null;
}

/** The end the chain is known to reach (the writer's head, a signed checkpoint): no truncated tail. */
export interface ExpectedEnd {
  readonly seq: number;
  readonly hash: string;
  /** Where the claim comes from, for the report (e.g. "HEAD.json version 0003…"). */
  readonly source?: string;
}

export interface VerifyChainOptions {
  /** The chain id, `<tenant>/<writer>`: every record must carry it. */
  readonly chain: string;
  /** Records must reach this (a function is asked once the records are read: a head listed after them). */
  readonly end?: ExpectedEnd | (() => ExpectedEnd | undefined);
  /** The verifier's clock. @default - now */
  readonly now?: Date;
  /** Tolerance for timestamps running backwards or ahead. @default CLOCK_TOLERANCE_MS (5 minutes) */
  readonly toleranceMs?: number;
  /** Called with every record verified, in order (the Merkle tree of checkpoints is built from these). */
  readonly onRecord?: (r: ChainRecord, at: StoredLine) => void;
  /**
   * Records kept after a break to classify it (and record hashes kept before it, to recognise a replay). Bounds
   * the verifier's memory whatever the chain's length.
   * @default 65536
   */
  readonly window?: number;
}

interface Seen {
  readonly r: ChainRecord;
  readonly at: StoredLine;
}

/**
 * Walk a chain and recompute every hash, streaming (memory bounded by `window`, not by the chain's length).
 * Checks each record strictly (schema, chain id, own hash), the link to the previous one, the sequence
 * numbers against the object keys, and timestamps; reports the first break, classified.
 */
export async function verifyChain(lines: AsyncIterable<StoredLine> | Iterable<StoredLine>, opts: VerifyChainOptions): Promise<ChainReport> {
  const { chain } = opts;
  const now = (opts.now ?? new Date()).getTime();
  const tolerance = opts.toleranceMs ?? CLOCK_TOLERANCE_MS;
  const window = opts.window ?? 65_536;
  /** Hashes of the last `window` verified records, by seq (for replay detection). */
  const recent = new Map<number, string>();
  let prev: Seen | undefined;
  let count = 0;
  let maxTime = -Infinity;
  let brk: ChainBreak | undefined;
  const at = (s: StoredLine, kind: BreakKind, detail: string, seq: number | null): ChainBreak => ({
    kind,
    seq,
    key: s.key,
    versionId: s.versionId,
    line: s.line,
    detail,
  });
  /** Records after a break, for classification. */
  const after: Seen[] = [];
  let pendingClassify: ((rest: Seen[]) => ChainBreak) | undefined;
  /** Line within the current object: its expected seq is keySeq + line - 1. */
  let objectKey: string | undefined;
  let objectLines = 0;

  const check = (s: StoredLine): ChainBreak | undefined => {
    if (s.key !== objectKey) {
      objectKey = s.key;
      objectLines = 0;
    }
    objectLines++;
    const parsed = checkStoredRecord(s.text, chain);
    if (typeof parsed === 'string') {
      const seq = claimedSeq(s.text);
      if (s.last && parsed === 'not valid JSON') return at(s, 'truncated', `the last line is cut off (${parsed})`, seq);
      if (parsed.includes('belongs to chain') || parsed.includes("event's tenant")) return at(s, 'wrong-chain', parsed, seq);
      return at(s, parsed.includes('own hash') ? 'modified' : 'invalid-record', parsed, seq);
    }
    const r = parsed;
    const expectedSeq = prev ? prev.r.seq + 1 : 0;
    const expectedPrev = prev?.r.hash ?? GENESIS_HASH;
    const cur: Seen = { r, at: s };
    if (r.prev !== expectedPrev || r.seq !== expectedSeq) {
      // Classify with what follows: keep reading up to `window` records.
      pendingClassify = (rest) => classify(cur, rest, prev, expectedSeq, expectedPrev, recent);
      return undefined;
    }
    const keySeq = batchSeqOf(s.key);
    if (keySeq !== undefined && keySeq + objectLines - 1 !== r.seq)
      return at(s, 'misplaced', `line ${objectLines} of ${s.key} should hold sequence ${keySeq + objectLines - 1}, holds ${r.seq}`, r.seq);
    const t = Date.parse(r.event.time);
    if (t > now + tolerance)
      return at(s, 'time-future', `time ${r.event.time} is ahead of the verifier's clock by more than the tolerance`, r.seq);
    if (t < maxTime - tolerance)
      return at(
        s,
        'time-backwards',
        `time ${r.event.time} is more than ${tolerance / 60_000} minutes before an earlier record's (${new Date(maxTime).toISOString()})`,
        r.seq,
      );
    maxTime = Math.max(maxTime, t);
    opts.onRecord?.(r, s);
    recent.set(r.seq, r.hash);
    recent.delete(r.seq - window);
    prev = cur;
    count++;
    return undefined;
  };

  for await (const s of lines as AsyncIterable<StoredLine>) {
    if (pendingClassify) {
      const p = checkStoredRecord(s.text, chain);
      if (typeof p !== 'string') after.push({ r: p, at: s });
      if (after.length >= window) break;
      continue;
    }
    brk = check(s);
    if (brk) break;
  }
  if (pendingClassify) brk = pendingClassify(after);
  const expected = typeof opts.end === 'function' ? opts.end() : opts.end;
  if (!brk && expected) {
    const src = expected.source ?? 'the expected end';
    const end: StoredLine = { key: src, line: 0, text: '' };
    if (!prev || prev.r.seq < expected.seq)
      brk = at(
        end,
        'truncated',
        `the chain ends at ${prev?.r.seq ?? 'nothing'}; ${src} says it reaches ${expected.seq}`,
        (prev?.r.seq ?? -1) + 1,
      );
    else if (prev.r.seq === expected.seq && prev.r.hash !== expected.hash)
      brk = at(prev.at, 'modified', `the hash of record ${prev.r.seq} differs from ${src}`, prev.r.seq);
  }
  return {
    ok: !brk,
    chain,
    records: count,
    lastSeq: prev?.r.seq ?? null,
    lastHash: prev?.r.hash ?? null,
    lastTime: prev?.r.event.time ?? null,
    firstBreak: brk ?? null,
  };
}

/** Classify a link break at `cur` (expected `seq`, linked to `expectedPrev`), given the records that follow it. */
function classify(
  cur: Seen,
  rest: Seen[],
  prev: Seen | undefined,
  seq: number,
  expectedPrev: string,
  recent: ReadonlyMap<number, string>,
): ChainBreak {
  const r = cur.r;
  const mk = (kind: BreakKind, detail: string, s: number | null = r.seq, where: StoredLine = cur.at): ChainBreak => ({
    kind,
    seq: s,
    key: where.key,
    versionId: where.versionId,
    line: where.line,
    detail,
  });
  const from = prev ? `record ${prev.r.seq}` : 'the start';
  if (r.prev === expectedPrev)
    return mk('sequence-gap', `sequence ${r.seq} is linked to ${from} but should be ${seq}: its sequence number was changed`);
  if (r.seq < seq) {
    if (recent.get(r.seq) === r.hash) return mk('replayed', `record ${r.seq} appears again (an exact copy of the one already verified)`);
    return mk('inserted', `a second, different record with sequence ${r.seq}`);
  }
  const next = rest[0]?.r;
  if (r.seq === seq) {
    if (next && next.prev === expectedPrev && next.seq === seq)
      return mk('inserted', `record ${r.seq} is not linked to ${from}; the one after it is`);
    if (prev)
      return mk(
        'modified',
        `record ${prev.r.seq} was altered and re-hashed: record ${r.seq} links to ${r.prev.slice(0, 12)}…, not to ${prev.r.hash.slice(0, 12)}…`,
        prev.r.seq,
        prev.at,
      );
    return mk('modified', `record 0 does not start the chain (prev is not the genesis hash)`);
  }
  // r.seq > seq: records seq..r.seq-1 are not here. Found later (out of order) or never (deleted)?
  const order = [r.seq, ...rest.map((x) => x.r.seq)];
  const laterAt = order.indexOf(seq);
  if (laterAt < 0) return mk('deleted', `records ${seq}..${r.seq - 1} are missing (after ${from})`, seq);
  // The displaced segment: the shortest prefix that holds exactly seq..seq+L-1.
  let max = -1;
  let len = 0;
  for (let i = 0; i < order.length; i++) {
    max = Math.max(max, order[i]);
    if (max === seq + i && new Set(order.slice(0, i + 1)).size === i + 1 && i >= laterAt) {
      len = i + 1;
      break;
    }
  }
  const seg = order.slice(0, len || order.length);
  const runs: number[][] = [];
  for (const s of seg) {
    const last = runs[runs.length - 1];
    if (last && s === last[last.length - 1] + 1) last.push(s);
    else runs.push([s]);
  }
  const swap =
    len > 0 && ((runs.length === 2 && runs[0].length === runs[1].length) || (runs.length === 3 && runs[0].length === runs[2].length));
  const where = laterAt === 0 ? cur.at : rest[laterAt - 1].at;
  return swap
    ? mk(
        'swapped',
        `records ${runs[0][0]}..${runs[0].at(-1)} and ${runs.at(-1)![0]}..${runs.at(-1)!.at(-1)} exchanged places (${seq} is at ${where.key} line ${where.line})`,
        seq,
      )
    : mk('reordered', `sequence ${r.seq} where ${seq} was expected; ${seq} comes later`, seq);
}

/** The integer sequence number a line claims, if it has one (for naming a bad line). */
function claimedSeq(text: string): number | null {
  try {
    const seq = (JSON.parse(text) as { seq?: unknown }).seq;
    return Number.isSafeInteger(seq) ? (seq as number) : null;
  } catch {
    return null;
  }
}
