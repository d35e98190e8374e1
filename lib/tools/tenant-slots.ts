#!/usr/bin/env node
/**
 * Move a config from hash-placed tenants (`tenantShards`, before slots) to slots, keeping every deployed tenant in
 * the stack it is in:
 *   npm run tenant-slots -- <config file> [--write]
 * A tenant the hash put in stack Tenants<k> gets a free slot from k × 50 to k × 50 + 49, so it stays in Tenants<k>
 * (same stack, same logical ids: nothing is replaced). Prints the new config (or writes it with --write).
 * Exit codes: 0 done, 1 some tenants cannot stay (more than 50 in one old stack: listed), 2 bad arguments or file.
 */
import * as fs from 'fs';
import { parseArgs } from 'util';
import { TENANTS_PER_SHARD } from '../config/shards';
import { legacyHashShard } from '../tenants';

type RawTenant = { id: string; slot?: number } & Record<string, unknown>;

export interface SlotProposal {
  readonly tenants: RawTenant[];
  /** Tenants that cannot stay in their old stack (it held more than TENANTS_PER_SHARD): they need a move. */
  readonly mustMove: Array<{ id: string; oldShard: number }>;
}

/**
 * Slots for tenants placed by the old hash (`legacyHashShard(id, tenantShards)`). Slots already given are kept;
 * each other tenant gets the lowest free slot of its old stack's range.
 */
export function proposeSlots(tenants: readonly RawTenant[], tenantShards = 8): SlotProposal {
  const used = new Set(tenants.map((t) => t.slot).filter((s): s is number => typeof s === 'number'));
  const mustMove: SlotProposal['mustMove'] = [];
  const out = tenants.map((t) => {
    if (typeof t.slot === 'number') return t;
    const k = legacyHashShard(t.id, tenantShards);
    for (let s = k * TENANTS_PER_SHARD; s < (k + 1) * TENANTS_PER_SHARD; s++) {
      if (!used.has(s)) {
        used.add(s);
        return { ...t, slot: s };
      }
    }
    mustMove.push({ id: t.id, oldShard: k });
    return t;
  });
  return { tenants: out, mustMove };
}

export function main(
  argv: string[],
  out = (s: string): unknown => process.stdout.write(s),
  err = (s: string): unknown => process.stderr.write(s),
): number {
  let values: { write?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: { write: { type: 'boolean' } }, allowPositionals: true }));
  } catch (e) {
    err(`${(e as Error).message}\nusage: tenant-slots <config file> [--write]\n`);
    return 2;
  }
  if (positionals.length !== 1) {
    err('usage: tenant-slots <config file> [--write]\n');
    return 2;
  }
  const file = positionals[0];
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    err(`${file}: cannot read it as JSON: ${(e as Error).message}\n`);
    return 2;
  }
  const shards = raw.tenantShards === undefined ? 8 : raw.tenantShards;
  if (typeof shards !== 'number' || !Number.isInteger(shards) || shards < 1 || shards > 32) {
    err(`${file}: tenantShards: got ${JSON.stringify(shards)}; must be the integer from 1 to 32 the tenants were deployed with\n`);
    return 2;
  }
  if (
    !Array.isArray(raw.tenants) ||
    raw.tenants.some((t) => typeof t !== 'object' || t === null || typeof (t as RawTenant).id !== 'string')
  ) {
    err(`${file}: tenants: must be a list of objects with an "id" each\n`);
    return 2;
  }
  const { tenants, mustMove } = proposeSlots(raw.tenants as RawTenant[], shards);
  const next: Record<string, unknown> = { ...raw, tenants };
  delete next.tenantShards;
  const text = JSON.stringify(next, undefined, 2) + '\n';
  if (mustMove.length) {
    err(
      `${mustMove.length} tenant(s) cannot stay in their stack (more than ${TENANTS_PER_SHARD} tenants were in it): ` +
        mustMove.map((m) => `${m.id} (Tenants${m.oldShard})`).join(', ') +
        '. Give each a slot by hand; moving a tenant to another stack replaces its access point, role and schema resource (docs/tenants.md, "Moving to slots").\n',
    );
    return 1;
  }
  if (values.write) fs.writeFileSync(file, text);
  else out(text);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
