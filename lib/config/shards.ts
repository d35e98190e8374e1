import { tenantShard } from '../tenants';

/** CloudFormation's hard limit on resources in one stack (AWS CloudFormation quotas). */
export const CLOUDFORMATION_MAX_RESOURCES = 500;

/**
 * Resources a tenant shard stack (lib/stacks/tenants-stack.ts) holds, as a function of its tenant count:
 * per tenant a KMS key and alias, an access point, a role and its managed policy, and the database
 * schema custom resource. test/config-shards.test.ts synthesizes the stack and keeps these in step.
 */
export const TENANT_STACK_RESOURCES = { fixed: 0, perTenant: 6 } as const;

/** Resources of a tenant shard stack holding `tenants` tenants. */
export function tenantStackResources(tenants: number): number {
  return TENANT_STACK_RESOURCES.fixed + TENANT_STACK_RESOURCES.perTenant * tenants;
}

/** The most tenants one shard stack can hold under CloudFormation's resource limit. */
export function maxTenantsPerShard(): number {
  return Math.floor((CLOUDFORMATION_MAX_RESOURCES - TENANT_STACK_RESOURCES.fixed) / TENANT_STACK_RESOURCES.perTenant);
}

/** Shards that would hold more tenants than a stack can: shard number → its tenant ids. */
export function overfullShards(tenantIds: readonly string[], shards: number): Map<number, string[]> {
  const byShard = new Map<number, string[]>();
  for (const id of tenantIds) {
    const k = tenantShard(id, shards);
    byShard.set(k, [...(byShard.get(k) ?? []), id]);
  }
  const max = maxTenantsPerShard();
  return new Map([...byShard].filter(([, ids]) => ids.length > max).sort(([a], [b]) => a - b));
}
