import * as crypto from 'crypto';

/**
 * The tenant stack a tenant lives in: a stable hash of its id, modulo the shard count. Adding or removing
 * a tenant never moves another one; changing the shard count does (a migration: see README).
 */
export function tenantShard(tenantId: string, shards: number): number {
  return parseInt(crypto.createHash('sha256').update(tenantId).digest('hex').slice(0, 8), 16) % shards;
}
