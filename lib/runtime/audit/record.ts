import * as crypto from 'crypto';
import { z } from 'zod';

/** Format version of a stored chain record. */
export const RECORD_VERSION = 1;
/** `prev` of the first record of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

const TENANT = /^[a-z][a-z0-9]{2,31}$/;
const WRITER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** One audit event, as an application reports it. */
export const auditEventSchema = z.strictObject({
  actor: z.string().min(1, { error: 'must name who acted (user id, service principal)' }).max(256),
  action: z.string().regex(/^[a-z][a-z0-9_.:-]{1,127}$/, { error: 'must be a lower-case verb path such as "patient.record.read"' }),
  resource: z.string().min(1, { error: 'must name what was acted on' }).max(1024),
  tenant: z.string().regex(TENANT, { error: 'must be a tenant id: 3-32 lower-case letters and digits, starting with a letter' }),
  time: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp such as 2026-11-23T12:00:00Z' }),
  sourceIp: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }),
  userAgent: z.string().max(1024),
  outcome: z.enum(['success', 'failure', 'denied'], { error: 'must be success, failure or denied' }),
  requestId: z.string().min(1, { error: 'must be the request id' }).max(256),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** One stored record: the event, its position in the chain, the previous record's hash and its own. */
export interface ChainRecord {
  readonly v: number;
  readonly chain: string;
  readonly seq: number;
  readonly prev: string;
  readonly hash: string;
  readonly event: AuditEvent;
}

export class InvalidAuditEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAuditEventError';
  }
}

/** Validate an event; throws InvalidAuditEventError naming every bad field, the value and what is allowed. */
export function validateEvent(raw: unknown): AuditEvent {
  const r = auditEventSchema.safeParse(raw, { reportInput: true });
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    const field = i.path.join('.') || '(record)';
    if (i.code === 'unrecognized_keys') return `- ${i.keys.join(', ')}: unknown field(s)`;
    const given = 'input' in i ? JSON.stringify(i.input) : '(missing)';
    return `- ${field}: got ${given ?? '(missing)'}; ${i.message}`;
  });
  throw new InvalidAuditEventError(`Invalid audit event:\n${lines.join('\n')}`);
}

export function validateChainIds(tenant: string, writerId: string): void {
  if (!TENANT.test(tenant))
    throw new InvalidAuditEventError(`tenant ${JSON.stringify(tenant)} must be 3-32 lower-case letters and digits, starting with a letter`);
  if (!WRITER.test(writerId))
    throw new InvalidAuditEventError(
      `writerId ${JSON.stringify(writerId)} must be 1-64 characters of [A-Za-z0-9._-], starting with a letter or digit`,
    );
}

/** JSON with object keys sorted at every level: the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export const sha256Hex = (s: string | Buffer) => crypto.createHash('sha256').update(s).digest('hex');

/** The hash of a record: SHA-256 of the canonical JSON of everything but the hash itself. */
export function recordHash(r: Omit<ChainRecord, 'hash'>): string {
  return sha256Hex(canonicalJson({ v: r.v, chain: r.chain, seq: r.seq, prev: r.prev, event: r.event }));
}

/** Build the next record of a chain. */
export function chainRecord(chain: string, seq: number, prev: string, event: AuditEvent): ChainRecord {
  const base = { v: RECORD_VERSION, chain, seq, prev, event };
  return { ...base, hash: recordHash(base) };
}

/**
 * Clock tolerance for record timestamps: a record may carry a time up to this much before the previous
 * record's of its chain (requests finish out of order) or ahead of the verifier's clock (clock skew).
 */
export const CLOCK_TOLERANCE_MS = 5 * 60_000;

const HEX64 = /^[0-9a-f]{64}$/;
const recordSchema = z.strictObject({
  v: z.literal(RECORD_VERSION),
  chain: z.string(),
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  prev: z.string().regex(HEX64),
  hash: z.string().regex(HEX64),
  event: auditEventSchema,
});

/**
 * Parse one stored line strictly: the record schema (integer seq, hex hashes, a valid event), the chain id
 * it claims equal to `chain` and its event's tenant equal to the chain's tenant, and its own hash right.
 * Returns the record, or a sentence saying what is wrong.
 */
export function checkStoredRecord(text: string, chain: string): ChainRecord | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  const r = recordSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    return `not a valid chain record: ${i.path.join('.') || '(record)'}: ${i.message}`;
  }
  const rec = r.data as ChainRecord;
  if (rec.chain !== chain) return `the record says it belongs to chain ${JSON.stringify(rec.chain)}, not ${chain}`;
  if (rec.event.tenant !== chain.split('/')[0]) return `the event's tenant ${JSON.stringify(rec.event.tenant)} is not the chain's`;
  if (recordHash(rec) !== rec.hash) return 'the record does not match its own hash';
  return rec;
}
