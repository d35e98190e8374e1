import fc from 'fast-check';
import { AuditEvent, chainRecord, ChainRecord, GENESIS_HASH, recordHash, validateEvent } from '../../lib/runtime/audit/record';
import { StoredLine, verifyChain } from '../../lib/runtime/audit/verify-chain';

const event = (i: number): AuditEvent => ({
  actor: `user-${i}`,
  action: 'patient.record.read',
  resource: `patient/${i}`,
  tenant: 'acme',
  time: new Date(Date.UTC(2026, 10, 23, 0, 0, i)).toISOString(),
  sourceIp: '203.0.113.7',
  userAgent: 'test',
  outcome: 'success',
  requestId: `req-${i}`,
});

function chain(n: number, events: (i: number) => AuditEvent = event): ChainRecord[] {
  const out: ChainRecord[] = [];
  for (let i = 0; i < n; i++) out.push(chainRecord('acme/w1', i, out[i - 1]?.hash ?? GENESIS_HASH, events(i)));
  return out;
}
const rehash = (r: Omit<ChainRecord, 'hash'>): ChainRecord => ({ ...r, hash: recordHash(r) });

/** Lines as stored: `batch` records per object. */
function lines(records: Array<ChainRecord | string>, batch = 4): StoredLine[] {
  return records.map((r, i) => ({
    key: `audit/tenants/acme/writers/w1/${String(Math.floor(i / batch) * batch).padStart(12, '0')}.jsonl`,
    line: (i % batch) + 1,
    text: typeof r === 'string' ? r : JSON.stringify(r),
    last: i === records.length - 1,
  }));
}
const head = (records: ChainRecord[]) => ({ seq: records[records.length - 1].seq, hash: records[records.length - 1].hash });

describe('chain verifier: every tamper kind', () => {
  const c = chain(10);

  test('an untampered chain verifies', async () => {
    expect(await verifyChain(lines(c), { chain: 'acme/w1', end: head(c) })).toMatchObject({
      ok: true,
      records: 10,
      lastSeq: 9,
      lastHash: c[9].hash,
      firstBreak: null,
    });
  });

  test('modified: a field edited in place', async () => {
    const t = [...c];
    t[4] = { ...t[4], event: { ...t[4].event, actor: 'mallory' } };
    expect((await verifyChain(lines(t), { chain: 'acme/w1', end: head(c) })).firstBreak).toMatchObject({
      kind: 'modified',
      seq: 4,
      line: 1,
    });
  });

  test('modified: a field edited and the record re-hashed (the next link breaks)', async () => {
    const t = [...c];
    t[4] = rehash({ ...t[4], event: { ...t[4].event, outcome: 'denied' } });
    expect((await verifyChain(lines(t), { chain: 'acme/w1', end: head(c) })).firstBreak).toMatchObject({
      kind: 'modified',
      seq: 4,
      key: 'audit/tenants/acme/writers/w1/000000000004.jsonl',
      line: 1,
      detail: /record 4 was altered and re-hashed/,
    });
  });

  test('deleted: records removed from the middle', async () => {
    const t = [...c.slice(0, 3), ...c.slice(5)];
    expect((await verifyChain(lines(t), { chain: 'acme/w1', end: head(c) })).firstBreak).toMatchObject({ kind: 'deleted', seq: 3 });
  });

  test('inserted: a forged record spliced in', async () => {
    const forged = chainRecord('acme/w1', 3, c[2].hash, event(99));
    const t = [...c.slice(0, 3), forged, ...c.slice(3)];
    expect((await verifyChain(lines(t), { chain: 'acme/w1', end: head(c) })).firstBreak).toMatchObject({ kind: 'inserted', seq: 3 });
  });

  test('a duplicate sequence number: an exact copy is replayed, a different record is inserted', async () => {
    const t = [...c.slice(0, 4), c[3], ...c.slice(4)];
    expect((await verifyChain(lines(t), { chain: 'acme/w1', end: head(c) })).firstBreak).toMatchObject({ kind: 'replayed', seq: 3 });
    const u = [...c.slice(0, 4), chainRecord('acme/w1', 3, c[2].hash, event(55)), ...c.slice(4)];
    expect((await verifyChain(lines(u), { chain: 'acme/w1', end: head(c) })).firstBreak).toMatchObject({ kind: 'inserted', seq: 3 });
  });

  test('swapped: two records exchanged (adjacent or not), or two objects', async () => {
    const t = [...c];
    [t[5], t[6]] = [t[6], t[5]];
    expect((await verifyChain(lines(t), { chain: 'acme/w1', end: head(c) })).firstBreak).toMatchObject({
      kind: 'swapped',
      seq: 5,
      line: 2,
    });
    const u = [...c];
    [u[2], u[7]] = [u[7], u[2]];
    expect((await verifyChain(lines(u), { chain: 'acme/w1', end: head(c) })).firstBreak).toMatchObject({ kind: 'swapped', seq: 2 });
    const objectsSwapped = [...c.slice(0, 2), ...c.slice(4, 6), ...c.slice(2, 4), ...c.slice(6)];
    expect((await verifyChain(lines(objectsSwapped, 2), { chain: 'acme/w1', end: head(c) })).firstBreak).toMatchObject({
      kind: 'swapped',
      seq: 2,
      key: 'audit/tenants/acme/writers/w1/000000000002.jsonl',
    });
  });

  test('reordered: a record moved further than a swap', async () => {
    const t = [...c.slice(0, 2), c[3], c[4], c[5], c[2], ...c.slice(6)];
    expect((await verifyChain(lines(t), { chain: 'acme/w1', end: head(c) })).firstBreak).toMatchObject({ kind: 'reordered', seq: 2 });
  });

  test('replayed: a batch appended again (exact copies), not "reordered"', async () => {
    const t = [...c, ...c.slice(0, 4)];
    expect((await verifyChain(lines(t), { chain: 'acme/w1', end: head(c) })).firstBreak).toMatchObject({
      kind: 'replayed',
      seq: 0,
      key: 'audit/tenants/acme/writers/w1/000000000008.jsonl',
      line: 3,
    });
  });

  test('wrong-chain: a record of another tenant or writer copied in', async () => {
    const other = chain(10).map((r) => rehash({ ...r, chain: 'acme/w2' }));
    expect((await verifyChain(lines(other), { chain: 'acme/w1' })).firstBreak).toMatchObject({ kind: 'wrong-chain', line: 1 });
    const globex = chain(3, (i) => ({ ...event(i), tenant: 'globex' }));
    expect((await verifyChain(lines(globex), { chain: 'acme/w1' })).firstBreak).toMatchObject({
      kind: 'wrong-chain',
      detail: /tenant "globex"/,
    });
  });

  test('invalid-record: a schema violation, even with a matching hash', async () => {
    const bad = [...c.slice(0, 3), rehash({ ...c[3], seq: 3.5 })];
    expect((await verifyChain(lines(bad), { chain: 'acme/w1' })).firstBreak).toMatchObject({ kind: 'invalid-record', detail: /seq/ });
    const noEvent = [...c.slice(0, 3), rehash({ ...c[3], event: { ...c[3].event, sourceIp: 'nowhere' } })];
    expect((await verifyChain(lines(noEvent), { chain: 'acme/w1' })).firstBreak).toMatchObject({
      kind: 'invalid-record',
      detail: /sourceIp/,
    });
  });

  test('time-backwards and time-future, beyond the tolerance', async () => {
    const back = chain(6, (i) => ({ ...event(i), time: new Date(Date.UTC(2026, 10, 23, i === 4 ? 0 : 1, 0, i)).toISOString() }));
    expect((await verifyChain(lines(back), { chain: 'acme/w1' })).firstBreak).toMatchObject({ kind: 'time-backwards', seq: 4 });
    const slightlyBack = chain(6, (i) => ({ ...event(i), time: new Date(Date.UTC(2026, 10, 23, 1, i === 4 ? 0 : 3, i)).toISOString() }));
    expect((await verifyChain(lines(slightlyBack), { chain: 'acme/w1' })).ok).toBe(true);
    const future = chain(3, (i) => ({ ...event(i), time: new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString() }));
    expect((await verifyChain(lines(future), { chain: 'acme/w1' })).firstBreak).toMatchObject({ kind: 'time-future', seq: 0 });
  });

  test('misplaced: an object whose records do not start at the sequence its key names', async () => {
    const ls = lines(c, 4).map((l) => ({ ...l, key: l.key.replace('000000000004', '000000000005') }));
    expect((await verifyChain(ls, { chain: 'acme/w1' })).firstBreak).toMatchObject({ kind: 'misplaced', seq: 4 });
  });

  test('truncated: the tail cut off (against the writer head)', async () => {
    expect((await verifyChain(lines(c.slice(0, 7)), { chain: 'acme/w1', end: head(c) })).firstBreak).toMatchObject({
      kind: 'truncated',
      seq: 7,
    });
  });

  test('truncated: the last line cut in half', async () => {
    const t: Array<ChainRecord | string> = [...c.slice(0, 9), JSON.stringify(c[9]).slice(0, 40)];
    expect((await verifyChain(lines(t), { chain: 'acme/w1', end: head(c) })).firstBreak).toMatchObject({ kind: 'truncated' });
  });

  test('sequence gap: records renumbered with the hash chain intact', async () => {
    const t: ChainRecord[] = [];
    for (const [i, r] of c.entries()) t.push(rehash({ ...r, seq: i < 5 ? i : i + 1, prev: t[i - 1]?.hash ?? GENESIS_HASH }));
    expect((await verifyChain(lines(t), { chain: 'acme/w1' })).firstBreak).toMatchObject({ kind: 'sequence-gap', seq: 6 });
  });

  test('the break names the object key and line', async () => {
    const t = [...c];
    t[6] = { ...t[6], hash: 'f'.repeat(64) };
    expect((await verifyChain(lines(t, 4), { chain: 'acme/w1', end: head(c) })).firstBreak).toMatchObject({
      key: 'audit/tenants/acme/writers/w1/000000000004.jsonl',
      line: 3,
    });
  });
});

describe('chain verifier: properties', () => {
  const eventArb = fc.record({
    actor: fc.string({ minLength: 1, maxLength: 12 }),
    resource: fc.string({ minLength: 1, maxLength: 12 }),
    outcome: fc.constantFrom('success' as const, 'failure' as const, 'denied' as const),
    n: fc.nat(1000),
  });
  const chainArb = fc.array(eventArb, { minLength: 2, maxLength: 40 }).map((es) =>
    chain(es.length, (i) => ({
      ...event(i),
      requestId: `r-${es[i].n}`,
      actor: es[i].actor,
      resource: es[i].resource,
      outcome: es[i].outcome,
    })),
  );

  test('an untampered chain always verifies, whatever the batching', async () => {
    await fc.assert(
      fc.asyncProperty(chainArb, fc.integer({ min: 1, max: 7 }), async (c, batch) => {
        const r = await verifyChain(lines(c, batch), { chain: 'acme/w1', end: head(c) });
        return r.ok && r.records === c.length;
      }),
      { numRuns: 150 },
    );
  });

  type Tamper = (c: ChainRecord[], i: number, j: number) => ChainRecord[];
  const tampers: Record<string, Tamper> = {
    editField: (c, i) => c.map((r, k) => (k === i ? { ...r, event: { ...r.event, resource: `${r.event.resource}!` } } : r)),
    editAndRehash: (c, i) => c.map((r, k) => (k === i ? rehash({ ...r, event: { ...r.event, actor: `${r.event.actor}?` } }) : r)),
    deleteOne: (c, i) => c.filter((_, k) => k !== i),
    insertForged: (c, i) => [...c.slice(0, i), chainRecord('acme/w1', i, c[i - 1]?.hash ?? GENESIS_HASH, event(7777)), ...c.slice(i)],
    swap: (c, i, j) =>
      c[i].hash === c[j].hash
        ? c.map((r, k) => (k === i ? { ...r, seq: r.seq + 1000 } : r))
        : c.map((r, k) => (k === i ? c[j] : k === j ? c[i] : r)),
    truncate: (c, i) => c.slice(0, Math.max(1, i)),
    renumber: (c, i) => c.map((r, k) => (k === i ? rehash({ ...r, seq: r.seq + 1 }) : r)),
  };

  test('random tampering of any kind is always detected', async () => {
    await fc.assert(
      fc.asyncProperty(chainArb, fc.constantFrom(...Object.keys(tampers)), fc.nat(), fc.nat(), async (c, kind, a, b) => {
        const i = a % c.length;
        let j = b % c.length;
        if (j === i) j = (i + 1) % c.length;
        const t = tampers[kind](c, i, j);
        const r = await verifyChain(lines(t, 3), { chain: 'acme/w1', end: head(c) });
        return !r.ok && r.firstBreak !== null;
      }),
      { numRuns: 400 },
    );
  });
});

describe('audit events are validated', () => {
  test('a valid event passes', () => {
    expect(validateEvent(event(1))).toEqual(event(1));
  });
  test('a malformed event names every bad field', () => {
    expect(() => validateEvent({ ...event(1), tenant: 'ACME', sourceIp: 'localhost', outcome: 'ok', extra: 1, time: 'yesterday' })).toThrow(
      /tenant: got "ACME"; must be a tenant id[\s\S]*time: got "yesterday"; must be an ISO-8601[\s\S]*sourceIp: got "localhost"; must be an IPv4 or IPv6[\s\S]*outcome: got "ok"; must be success, failure or denied[\s\S]*extra: unknown field/,
    );
  });
});
