import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseConfig } from '../lib/config/load';
import { legacyHashShard, placeTenants, tenantShard } from '../lib/tenants';
import { main, proposeSlots } from '../lib/tools/tenant-slots';

const base = () => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'config', 'default.json'), 'utf8')) as Record<string, unknown>;
const idsInShard = (k: number, n: number, shards = 8) => {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) if (legacyHashShard(`t${i}x`, shards) === k) out.push(`t${i}x`);
  return out;
};

describe('moving a hash-placed config to slots (npm run tenant-slots)', () => {
  test('every tenant gets a slot in the stack the hash put it in, so nothing moves', () => {
    const ids = ['acme', 'globex', 'initech', 'umbrella', 'hooli', ...idsInShard(3, 20)];
    for (const shards of [1, 8, 32]) {
      const { tenants, mustMove } = proposeSlots(
        ids.map((id) => ({ id })),
        shards,
      );
      expect(mustMove).toEqual([]);
      for (const t of tenants) expect(tenantShard(t.slot!)).toBe(legacyHashShard(t.id, shards));
      expect(new Set(tenants.map((t) => t.slot)).size).toBe(ids.length);
    }
  });

  test('a slot already given is kept, and never handed out twice', () => {
    const [a, b] = idsInShard(0, 2);
    const { tenants } = proposeSlots([{ id: a, slot: 0 }, { id: b }]);
    expect(tenants).toEqual([
      { id: a, slot: 0 },
      { id: b, slot: 1 },
    ]);
  });

  test('the CLI writes a config the app accepts, without tenantShards; more than 50 in an old stack is refused by name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slots-'));
    const file = path.join(dir, 'prod.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ ...base(), tenantShards: 8, tenants: [{ id: 'acme', retention: { exports: '1d' } }, { id: 'globex' }] }),
    );
    expect(
      main(
        [file, '--write'],
        () => undefined,
        () => undefined,
      ),
    ).toBe(0);
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(written).not.toHaveProperty('tenantShards');
    const config = parseConfig(written);
    expect(config.tenants[0]).toMatchObject({ id: 'acme', retention: { exports: '1d' } });
    expect(placeTenants(config.tenants).findIndex((s) => s.some((t) => t.id === 'acme'))).toBe(legacyHashShard('acme', 8));

    fs.writeFileSync(file, JSON.stringify({ ...base(), tenantShards: 8, tenants: idsInShard(5, 51).map((id) => ({ id })) }));
    let err = '';
    expect(
      main(
        [file],
        () => undefined,
        (s) => void (err += s),
      ),
    ).toBe(1);
    expect(err).toMatch(/1 tenant\(s\) cannot stay in their stack .*\(Tenants5\)/);
    expect(
      main(
        [],
        () => undefined,
        () => undefined,
      ),
    ).toBe(2);
    fs.writeFileSync(file, JSON.stringify({ ...base(), tenantShards: 40, tenants: [] }));
    expect(
      main(
        [file],
        () => undefined,
        (s) => void (err += s),
      ),
    ).toBe(2);
    expect(err).toMatch(/tenantShards: got 40; must be the integer from 1 to 32/);
  });
});
