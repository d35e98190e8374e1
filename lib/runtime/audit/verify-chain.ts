import { ChainRecord, GENESIS_HASH, recordHash } from './record';

/** How a chain was broken. */
export type BreakKind = 'modified' | 'deleted' | 'inserted' | 'reordered' | 'truncated' | 'sequence-gap';

/** One line of a stored chain, as read (in key order, then line order). */
export interface StoredLine {
  /** Object key holding the line. */
  readonly key: string;
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
  readonly line: number;
  readonly detail: string;
}

export interface ChainReport {
  readonly ok: boolean;
  readonly chain: string | null;
  readonly records: number;
  readonly lastSeq: number | null;
  readonly lastHash: string | null;
  readonly firstBreak: ChainBreak | null;
}

/** The head the writer recorded: the verifier confirms the chain reaches it (no truncated tail). */
export interface ExpectedHead {
  readonly seq: number;
  readonly hash: string;
}

interface Parsed {
  readonly at: StoredLine;
  readonly record?: ChainRecord;
  readonly error?: string;
}

function parse(at: StoredLine): Parsed {
  let raw: unknown;
  try {
    raw = JSON.parse(at.text);
  } catch {
    return { at, error: 'not valid JSON' };
  }
  const r = raw as Partial<ChainRecord>;
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.seq !== 'number' ||
    typeof r.prev !== 'string' ||
    typeof r.hash !== 'string' ||
    typeof r.chain !== 'string' ||
    !r.event
  ) {
    return { at, error: 'not a chain record (seq, prev, hash, chain, event)' };
  }
  return { at, record: r as ChainRecord };
}

/**
 * Walk a chain and recompute every hash, holding two records at a time (streaming: memory does not grow
 * with the chain). Reports the first break and its kind.
 */
export async function verifyChain(lines: AsyncIterable<StoredLine> | Iterable<StoredLine>, head?: ExpectedHead): Promise<ChainReport> {
  let prev: ChainRecord | undefined;
  let chain: string | null = null;
  let count = 0;
  let pending: Parsed | undefined;
  const broken = (kind: BreakKind, p: Parsed, detail: string, seq = p.record?.seq ?? null): ChainReport => ({
    ok: false,
    chain,
    records: count,
    lastSeq: prev?.seq ?? null,
    lastHash: prev?.hash ?? null,
    firstBreak: { kind, seq, key: p.at.key, line: p.at.line, detail },
  });

  /** Check `cur` against `prev`, with `next` (if any) as lookahead. */
  const step = (cur: Parsed, next: Parsed | undefined): ChainReport | undefined => {
    if (!cur.record) {
      return cur.at.last
        ? broken('truncated', cur, `the last line is cut off (${cur.error})`)
        : broken('modified', cur, `line is ${cur.error}`);
    }
    const r = cur.record;
    chain ??= r.chain;
    if (r.chain !== chain) return broken('inserted', cur, `record of chain ${r.chain} inside chain ${chain}`);
    if (recordHash(r) !== r.hash) return broken('modified', cur, 'the record does not match its own hash');
    const expectedPrev = prev?.hash ?? GENESIS_HASH;
    const expectedSeq = prev ? prev.seq + 1 : 0;
    if (r.prev === expectedPrev) {
      if (r.seq !== expectedSeq)
        return broken('sequence-gap', cur, `sequence ${r.seq} follows ${prev?.seq ?? 'the start'}: expected ${expectedSeq}`);
    } else {
      const n = next?.record;
      if (prev && r.seq < expectedSeq) {
        return r.seq === prev.seq
          ? broken('inserted', cur, `a second record with sequence ${r.seq}`)
          : broken('reordered', cur, `sequence ${r.seq} after ${prev.seq}`);
      }
      if (n && n.prev === expectedPrev && n.seq === expectedSeq) {
        return r.seq === expectedSeq
          ? broken('inserted', cur, `record ${r.seq} is not linked to ${prev?.seq ?? 'the start'}; the next one is`)
          : broken('reordered', cur, `sequence ${r.seq} before ${n.seq}`);
      }
      if (r.seq > expectedSeq) return broken('deleted', cur, `records ${expectedSeq}..${r.seq - 1} are missing`, expectedSeq);
      return broken(
        'modified',
        cur,
        `record ${r.seq} does not link to the hash of record ${prev?.seq ?? '(start)'}: one of them was altered`,
      );
    }
    prev = r;
    count++;
    return undefined;
  };

  for await (const at of lines as AsyncIterable<StoredLine>) {
    const cur = parse(at);
    if (pending) {
      const b = step(pending, cur);
      if (b) return b;
    }
    pending = cur;
  }
  if (pending) {
    const b = step(pending, undefined);
    if (b) return b;
  }
  if (head) {
    const end: StoredLine = { key: '(end of chain)', line: 0, text: '' };
    if (!prev || prev.seq < head.seq)
      return broken(
        'truncated',
        { at: end },
        `the chain ends at ${prev?.seq ?? 'nothing'}; the writer's head is ${head.seq}`,
        (prev?.seq ?? -1) + 1,
      );
    if (prev.seq === head.seq && prev.hash !== head.hash)
      return broken('modified', { at: end }, `the last record's hash differs from the writer's head`, prev.seq);
  }
  return { ok: true, chain, records: count, lastSeq: prev?.seq ?? null, lastHash: prev?.hash ?? null, firstBreak: null };
}
