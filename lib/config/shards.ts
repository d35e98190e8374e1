/** CloudFormation's hard limits on one stack (AWS CloudFormation quotas). */
export const CLOUDFORMATION_MAX_RESOURCES = 500;
export const CLOUDFORMATION_MAX_TEMPLATE_BYTES = 1024 * 1024;

/** Our own ceilings per stack, with room under CloudFormation's: test/scale.test.ts holds every stack to them. */
export const STACK_MAX_RESOURCES = 400;
export const STACK_MAX_TEMPLATE_BYTES = 800 * 1024;

/**
 * Resources a tenant shard stack (lib/stacks/tenants-stack.ts) holds, as a function of its tenant count:
 * per tenant a KMS key and alias, an access point, a role and its managed policy, and the database schema
 * custom resource; fixed: the CDK metadata resource. test/config-limits.test.ts synthesizes a stack and keeps
 * these in step.
 */
export const TENANT_STACK_RESOURCES = { fixed: 1, perTenant: 6 } as const;

/**
 * Slots per tenant stack: tenant slots 0-49 live in Tenants0, 50-99 in Tenants1, and so on. A full stack holds
 * 50 × 6 + 1 = 301 resources (limit 500, our ceiling 400) and about 0.6 MB of template with 7-character ids (test/scale.test.ts; under 800 KB with 32-character ids, test/config-limits.test.ts):
 * room for one more resource per tenant. Never change it once tenants are deployed: it places every tenant.
 */
export const TENANTS_PER_SHARD = 50;

/** The highest slot the config accepts: 200 stacks of 50. */
export const MAX_TENANT_SLOT = 9999;

/** Resources of a tenant shard stack holding `tenants` tenants. */
export function tenantStackResources(tenants: number): number {
  return TENANT_STACK_RESOURCES.fixed + TENANT_STACK_RESOURCES.perTenant * tenants;
}

/** Lifecycle rules one S3 bucket may have (https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html). */
export const S3_MAX_LIFECYCLE_RULES = 1000;
/**
 * Distinct retentions (in lifecycle days) the tenants of one deployment may use: one lifecycle rule each on
 * the PHI bucket, plus its rule for incomplete uploads and old versions.
 */
export const MAX_RETENTION_CLASSES = S3_MAX_LIFECYCLE_RULES - 1;
