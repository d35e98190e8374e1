import * as fs from 'fs';
import { Stack } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { retentionDaysInUse } from '../lib/config/schema';
import { STACK_MAX_RESOURCES, STACK_MAX_TEMPLATE_BYTES, TENANTS_PER_SHARD } from '../lib/config/shards';
import { legacyHashShard, placeTenants, tenantShard } from '../lib/tenants';
import { synthReference, testConfig } from './helpers/synth';

/**
 * 1,000 tenants whose ids all hash to the same one of 8 shards: the distribution that overflowed a stack when
 * tenants were placed by a hash of their id (90 such tenants were enough). Retention varies over four values.
 */
function adversarialTenants(n: number) {
  const out: Array<{ id: string; slot: number; retention?: { records?: string; exports?: string } }> = [];
  for (let i = 0; out.length < n; i++) {
    const id = `t${String(i).padStart(6, '0')}`;
    if (legacyHashShard(id, 8) !== 0) continue;
    const k = out.length;
    out.push({ id, slot: k, ...(k % 4 === 1 ? { retention: { records: '6y' } } : k % 4 === 2 ? { retention: { exports: 'none' } } : {}) });
  }
  return out;
}

describe('1,000 tenants', () => {
  test('synthesize with every stack under 400 resources and 800 KB, 50 tenants a stack, lifecycle rules by retention only', () => {
    const tenants = adversarialTenants(1000);
    expect(new Set(tenants.map((t) => legacyHashShard(t.id, 8)))).toEqual(new Set([0]));
    const r = synthReference(testConfig({ tenants }), { complianceGate: false });
    const assembly = r.stage.synth();
    const sizes = r.stage.node.children
      .filter((c): c is Stack => Stack.isStack(c))
      .map((s) => {
        const artifact = assembly.getStackArtifact(s.artifactId);
        return {
          stack: s.node.id,
          resources: Object.keys((artifact.template as { Resources: object }).Resources).length,
          bytes: fs.statSync(artifact.templateFullPath).size,
        };
      });
    // Assert on the synthesized templates: no stack over our ceilings (CloudFormation's: 500 and 1 MB).
    expect(sizes.filter((s) => s.resources >= STACK_MAX_RESOURCES || s.bytes >= STACK_MAX_TEMPLATE_BYTES)).toEqual([]);
    expect(sizes.filter((s) => s.stack.startsWith('Tenants')).map((s) => s.stack)).toEqual(
      Array.from({ length: 1000 / TENANTS_PER_SHARD }, (_, k) => `Tenants${k}`),
    );
    expect(r.stage.tenants.map((s) => Object.keys(s.tenants).length)).toEqual(Array(20).fill(TENANTS_PER_SHARD));
    expect(r.stage.tenants.flatMap((s) => Object.keys(s.tenants)).sort()).toEqual(tenants.map((t) => t.id).sort());
    // The PHI bucket: one rule per distinct retention (30d, 6y, 7y) plus the upload rule; not 3 per tenant.
    const phi = Object.values(r.template('Data').findResources('AWS::S3::Bucket')).find((b) =>
      JSON.stringify(b).includes('hipaa-retention-days'),
    )!;
    expect(retentionDaysInUse(r.config.tenants)).toEqual([30, 2192, 2557]);
    expect(phi.Properties.LifecycleConfiguration.Rules.map((x: { Id: string }) => x.Id)).toEqual([
      'abort-incomplete-uploads',
      'retention-30d',
      'retention-2192d',
      'retention-2557d',
    ]);
    // The figures (docs/benchmarks.md).
    const tenantStacks = sizes.filter((s) => s.stack.startsWith('Tenants'));
    const largest = [...sizes].sort((a, b) => b.bytes - a.bytes)[0];
    process.stdout.write(
      `1,000 tenants: ${tenantStacks.length} tenant stacks of ${tenantStacks[0].resources} resources, ` +
        `${Math.round(Math.max(...tenantStacks.map((s) => s.bytes)) / 1024)} KB at most; largest stack ${largest.stack} ${Math.round(largest.bytes / 1024)} KB\n`,
    );
  });
});

describe('placement by slot', () => {
  const place = (slots: number[]) => {
    const where = new Map<number, number>();
    placeTenants(slots.map((slot) => ({ slot }))).forEach((shard, k) => shard.forEach((t) => where.set(t.slot, k)));
    return { where, shards: placeTenants(slots.map((slot) => ({ slot }))) };
  };

  test('adding tenants never moves another, and no stack ever holds more than 50, whatever the slots', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 9999 }), { minLength: 1, maxLength: 400 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 9999 }), { maxLength: 50 }),
        (before, added) => {
          const a = place(before);
          const b = place([...before, ...added.filter((s) => !before.includes(s))]);
          for (const s of before) expect(b.where.get(s)).toBe(a.where.get(s));
          // Stacks are only ever added: every stack of before is still synthesized.
          expect(b.shards.length).toBeGreaterThanOrEqual(a.shards.length);
          expect(Math.max(...b.shards.map((x) => x.length))).toBeLessThanOrEqual(TENANTS_PER_SHARD);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('an offboarded tenant keeps its slot: its stack stays (emptied) even when it held the highest slot', () => {
    const shards = placeTenants([{ slot: 0 }, { slot: 120, offboarded: true }]);
    expect(shards.map((x) => x.length)).toEqual([1, 0, 0]);
    expect(tenantShard(120)).toBe(2);
  });
});
