/**
 * Record-level proofs for auditors: the selected records of one chain, each with an RFC 9162 inclusion proof
 * against a signed checkpoint, and optionally a consistency proof from an earlier checkpoint. Checked with the
 * checkpoint public key alone; no other record is disclosed (a proof holds only hashes of other records).
 */
import { chainPrefix, checkpointPrefix } from '../../baseline/contract';
import * as crypto from 'crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { Checkpoint, checkCheckpoint, checkpointSizeOf } from './checkpoint';
import { consistencyProof, inclusionProof, recordLeaf, verifyConsistency, verifyInclusion } from './merkle';
import { canonicalJson, ChainRecord, checkStoredRecord } from './record';
import { isBatchKey, readVersionText, versionGroups, versionLines } from './store';

export const PROOF_VERSION = 1;

/** Which records to prove: all given conditions must hold. */
export interface RecordSelector {
  /** Events by this actor (a user id). */
  readonly actor?: string;
  /** Events on this resource, or under it when it ends with `/` or `*` (e.g. `patient/123`). */
  readonly resource?: string;
  /** Events at or after this time. */
  readonly from?: Date;
  /** Events before this time. */
  readonly to?: Date;
}

export function selects(sel: RecordSelector, r: ChainRecord): boolean {
  const t = Date.parse(r.event.time);
  const res = sel.resource;
  return (
    (sel.actor === undefined || r.event.actor === sel.actor) &&
    (res === undefined || (/[/*]$/.test(res) ? r.event.resource.startsWith(res.replace(/\*$/, '')) : r.event.resource === res)) &&
    (sel.from === undefined || t >= sel.from.getTime()) &&
    (sel.to === undefined || t < sel.to.getTime())
  );
}

const HEX64 = z.string().regex(/^[0-9a-f]{64}$/);
const bundleSchema = z.strictObject({
  v: z.literal(PROOF_VERSION),
  checkpoint: z.unknown(),
  records: z.array(z.strictObject({ record: z.unknown(), proof: z.array(HEX64) })),
  consistency: z.strictObject({ checkpoint: z.unknown(), proof: z.array(HEX64) }).optional(),
});

export interface ProofBundle {
  readonly v: number;
  readonly checkpoint: Checkpoint;
  readonly records: { record: ChainRecord; proof: string[] }[];
  /** From an earlier checkpoint to `checkpoint`: the log only grew. */
  readonly consistency?: { checkpoint: Checkpoint; proof: string[] };
}

/**
 * Read a chain's checkpoints and records (original versions) and build the proof bundle for the records `sel`
 * picks, against the latest valid checkpoint. Keeps the leaf hashes of the sealed records (32 bytes each) to
 * compute the proofs. Returns also how many matching records are not sealed yet (not provable).
 */
export async function buildProof(
  s3: S3Client,
  o: { bucket: string; tenant: string; writerId: string; publicKey: crypto.KeyObject; select: RecordSelector; fromSize?: number },
): Promise<{ bundle: ProofBundle; unsealedMatches: number }> {
  const chain = `${o.tenant}/${o.writerId}`;
  const cps: Checkpoint[] = [];
  for await (const g of versionGroups(s3, o.bucket, checkpointPrefix(o.tenant, o.writerId))) {
    const original = g.versions[g.versions.length - 1];
    if (!original) continue;
    const c = checkCheckpoint(await readVersionText(s3, o.bucket, g.key, original.versionId), o.publicKey);
    if (typeof c !== 'string' && c.chain === chain && c.size === checkpointSizeOf(g.key)) cps.push(c);
  }
  cps.sort((a, b) => a.size - b.size);
  const latest = cps[cps.length - 1];
  if (!latest) throw new Error(`the chain ${chain} has no valid signed checkpoint yet: nothing can be proven (run audit:verify)`);
  const earlier = o.fromSize === undefined ? undefined : cps.find((c) => c.size === o.fromSize);
  if (o.fromSize !== undefined && !earlier)
    throw new Error(`no valid checkpoint of size ${o.fromSize}; valid sizes: ${cps.map((c) => c.size).join(', ')}`);
  const leaves = Buffer.alloc(latest.size * 32);
  const picked: ChainRecord[] = [];
  let n = 0;
  let unsealedMatches = 0;
  for await (const g of versionGroups(s3, o.bucket, chainPrefix(o.tenant, o.writerId))) {
    if (!isBatchKey(g.key) || !g.versions.length) continue;
    const original = g.versions[g.versions.length - 1].versionId;
    for await (const l of versionLines(s3, o.bucket, g.key, original)) {
      const r = checkStoredRecord(l.text, chain);
      if (typeof r === 'string' || r.seq !== n)
        throw new Error(`${g.key} version ${original} line ${l.line} is not record ${n} of ${chain}; run audit:verify`);
      if (n < latest.size) {
        recordLeaf(r.hash).copy(leaves, n * 32);
        if (selects(o.select, r)) picked.push(r);
      } else if (selects(o.select, r)) unsealedMatches++;
      n++;
    }
  }
  if (n < latest.size) throw new Error(`the chain has ${n} records but its checkpoint covers ${latest.size}; run audit:verify`);
  const leaf = (i: number) => leaves.subarray(i * 32, i * 32 + 32);
  const hex = (bs: Buffer[]) => bs.map((b) => b.toString('hex'));
  return {
    bundle: {
      v: PROOF_VERSION,
      checkpoint: latest,
      records: picked.map((record) => ({ record, proof: hex(inclusionProof(leaf, record.seq, latest.size)) })),
      consistency: earlier ? { checkpoint: earlier, proof: hex(consistencyProof(leaf, earlier.size, latest.size)) } : undefined,
    },
    unsealedMatches,
  };
}

export interface ProofVerdict {
  readonly ok: boolean;
  readonly chain?: string;
  readonly checkpointSize?: number;
  readonly verified: number;
  readonly problems: string[];
}

/** Check a proof bundle with only the checkpoint public key. Any altered byte makes it fail. */
export function verifyProof(text: string, publicKey: crypto.KeyObject): ProofVerdict {
  const problems: string[] = [];
  let raw: unknown;
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  try {
    raw = JSON.parse(body);
  } catch {
    return { ok: false, verified: 0, problems: ['the proof is not valid JSON'] };
  }
  // Exactly the bytes audit:prove wrote (compact JSON): no byte may change, not even whitespace.
  if (JSON.stringify(raw) !== body)
    return { ok: false, verified: 0, problems: ['the proof is not in the form audit:prove writes (altered)'] };
  const b = bundleSchema.safeParse(raw);
  if (!b.success)
    return { ok: false, verified: 0, problems: [`not a proof bundle: ${b.error.issues[0].path.join('.')}: ${b.error.issues[0].message}`] };
  const cp = checkSignedCheckpoint(b.data.checkpoint, publicKey);
  if (typeof cp === 'string') return { ok: false, verified: 0, problems: [`checkpoint: ${cp}`] };
  const root = Buffer.from(cp.root, 'hex');
  let verified = 0;
  for (const [i, entry] of b.data.records.entries()) {
    const r = checkStoredRecord(JSON.stringify(entry.record), cp.chain);
    if (typeof r === 'string') problems.push(`record ${i}: ${r}`);
    else if (canonicalJson(r) !== canonicalJson(entry.record)) problems.push(`record ${i}: not in canonical form`);
    else if (!verifyInclusion(recordLeaf(r.hash), r.seq, cp.size, entry.proof.map(unhex), root))
      problems.push(`record ${i} (sequence ${r.seq}): the inclusion proof does not lead to the signed root`);
    else verified++;
  }
  if (b.data.consistency) {
    const old = checkSignedCheckpoint(b.data.consistency.checkpoint, publicKey);
    if (typeof old === 'string') problems.push(`earlier checkpoint: ${old}`);
    else if (old.chain !== cp.chain) problems.push(`earlier checkpoint is of chain ${old.chain}, not ${cp.chain}`);
    else if (!verifyConsistency(old.size, cp.size, unhex(old.root), root, b.data.consistency.proof.map(unhex)))
      problems.push(`the log of size ${cp.size} does not extend the one of size ${old.size}: the consistency proof fails`);
  }
  return { ok: problems.length === 0, chain: cp.chain, checkpointSize: cp.size, verified, problems };
}

const unhex = (s: string) => Buffer.from(s, 'hex');

/** A checkpoint object from a bundle: canonical JSON, schema, signature (base64 in canonical form). */
function checkSignedCheckpoint(raw: unknown, publicKey: crypto.KeyObject): Checkpoint | string {
  const c = checkCheckpoint(JSON.stringify(raw), publicKey);
  if (typeof c === 'string') return c;
  if (Buffer.from(c.signature, 'base64').toString('base64') !== c.signature) return 'the signature is not canonical base64';
  return c;
}
