import * as crypto from 'crypto';
import { TENANTS_PER_SHARD } from './config/shards';

/**
 * The tenant stack a tenant lives in: its slot (tenants[].slot, an integer given once, at onboarding)
 * divided by the fixed number of slots per stack. It depends on nothing but the tenant's own slot, so adding or
 * removing a tenant never moves another, and a stack never holds more than TENANTS_PER_SHARD tenants,
 * whatever their ids.
 */
export function tenantShard(slot: number): number {
  return Math.floor(slot / TENANTS_PER_SHARD);
}

/** Shard stacks the app synthesizes for these slots: every shard up to the highest used, at least one. */
export function tenantShardCount(slots: readonly number[]): number {
  return slots.reduce((n, s) => Math.max(n, tenantShard(s) + 1), 1);
}

/**
 * The shard of a tenant in releases before slots: a hash of its id modulo `tenantShards` (default 8). Used only
 * to propose slots that keep existing tenants in the stacks they are deployed in (lib/tools/tenant-slots.ts).
 */
export function legacyHashShard(tenantId: string, shards: number): number {
  return parseInt(crypto.createHash('sha256').update(tenantId).digest('hex').slice(0, 8), 16) % shards;
}

/**
 * The tenants of each shard stack, for shards 0 to tenantShardCount - 1 (empty ones included). Offboarded
 * tenants keep their slot (so the shard count never drops under them) and get no resources.
 */
export function placeTenants<T extends { readonly slot: number; readonly offboarded?: boolean }>(tenants: readonly T[]): T[][] {
  const shards: T[][] = Array.from({ length: tenantShardCount(tenants.map((t) => t.slot)) }, () => []);
  for (const t of tenants) if (!t.offboarded) shards[tenantShard(t.slot)].push(t);
  return shards;
}
