import {
  DescribeKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { DATA_CLASS_TAG, TENANT_ID, TENANT_TAG, tenantKeyAlias } from '../baseline/contract';
import { MS_PER_DAY } from '../baseline/durations';
import { KMS_KEY_DELETION_WINDOW_DAYS } from '../baseline/thresholds';
import { AuditLogWriter } from './audit/writer';
import { SetupError, setupErrorFromAws } from './setup-error';

// Part of the public runtime API (hipaa-stack/runtime) before lib/baseline/contract.ts held them.
export { TENANT_TAG, tenantKeyAlias };

/** Where the offboarding must happen: the environment, and its account and region (from its outputs). */
export interface OffboardTarget {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
}

export interface OffboardPlan extends OffboardTarget {
  readonly tenant: string;
  readonly keyArn: string;
  readonly aliases: string[];
  readonly pendingWindowDays: typeof KMS_KEY_DELETION_WINDOW_DAYS.required;
}

export class OffboardRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OffboardRefused';
  }
}

async function aws<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw setupErrorFromAws(e, what);
  }
}

/**
 * Check that a key is the tenant's own in the target environment: in the target's account and region,
 * customer-managed, enabled, tagged with the tenant and nothing shared, carrying exactly the environment's
 * alias for the tenant and no other. Returns what would be scheduled. Read-only; the tenant id is checked
 * before any call.
 */
export async function planOffboarding(kms: KMSClient, tenant: string, keyId: string, target: OffboardTarget): Promise<OffboardPlan> {
  if (!TENANT_ID.test(tenant))
    throw new SetupError(`tenant id ${JSON.stringify(tenant)} is not valid (3-32 lower-case letters and digits)`);
  const d = await aws(`describing key ${keyId}`, () => kms.send(new DescribeKeyCommand({ KeyId: keyId })));
  const m = d.KeyMetadata;
  if (!m?.Arn || !m.KeyId) throw new SetupError(`describing key ${keyId} returned no key metadata`);
  const [, , , region, account] = m.Arn.split(':');
  if (account !== target.account || region !== target.region) {
    throw new OffboardRefused(
      `key ${m.Arn} is in account ${account}, region ${region}, but environment ${target.environment} is in account ${target.account}, region ${target.region}`,
    );
  }
  if (m.KeyManager !== 'CUSTOMER')
    throw new OffboardRefused(`key ${m.Arn} is AWS-managed; only a tenant's own customer-managed key can be shredded`);
  if (m.KeyState === 'PendingDeletion')
    throw new OffboardRefused(`key ${m.Arn} is already scheduled for deletion on ${m.DeletionDate?.toISOString()}`);
  if (m.KeyState !== 'Enabled') throw new OffboardRefused(`key ${m.Arn} is ${m.KeyState}; expected Enabled`);
  const tags = await aws(`listing the tags of ${m.Arn}`, () => kms.send(new ListResourceTagsCommand({ KeyId: m.KeyId })));
  const t: Record<string, string | undefined> = Object.fromEntries((tags.Tags ?? []).map((x) => [x.TagKey ?? '', x.TagValue]));
  if (t[TENANT_TAG] !== tenant) {
    throw new OffboardRefused(
      `key ${m.Arn} is not tagged ${TENANT_TAG}=${tenant} (found ${JSON.stringify(t[TENANT_TAG] ?? null)}); refusing: it may be shared or another tenant's`,
    );
  }
  if (t[DATA_CLASS_TAG] !== undefined || t['hipaa-stack:shared'] !== undefined) {
    throw new OffboardRefused(`key ${m.Arn} is a shared data-class key (${JSON.stringify(t)}); refusing`);
  }
  const aliases = await aws(`listing the aliases of ${m.Arn}`, () => kms.send(new ListAliasesCommand({ KeyId: m.KeyId })));
  const names = (aliases.Aliases ?? []).map((a) => a.AliasName ?? '');
  const expected = tenantKeyAlias(target.environment, tenant);
  const foreign = names.filter((n) => n !== expected);
  if (foreign.length) throw new OffboardRefused(`key ${m.Arn} has aliases that are not ${expected}: ${foreign.join(', ')}; refusing`);
  if (!names.includes(expected)) {
    throw new OffboardRefused(
      `key ${m.Arn} does not carry ${expected}: it is not tenant ${tenant}'s key in environment ${target.environment}`,
    );
  }
  return { ...target, tenant, keyArn: m.Arn, aliases: names, pendingWindowDays: KMS_KEY_DELETION_WINDOW_DAYS.required };
}

/** The plan in one sentence: the account, region, environment and resource the action touches. */
export function describePlan(plan: OffboardPlan, auditBucket: string): string {
  return (
    `schedule deletion of KMS key ${plan.keyArn} (aliases: ${plan.aliases.join(', ')}) of tenant ${plan.tenant} in ` +
    `${plan.pendingWindowDays} days; account ${plan.account}, region ${plan.region}, environment ${plan.environment}; ` +
    `audit event to bucket ${auditBucket}`
  );
}

/**
 * Crypto-shred a tenant: schedule deletion of the tenant's key with the maximum 30-day window, then record
 * the outcome (success or failure) in the audit log. The writer must be open (its bucket reachable) first.
 * Every ciphertext under the key becomes unreadable once the key is deleted.
 */
export async function offboardTenant(
  kms: KMSClient,
  audit: AuditLogWriter,
  plan: OffboardPlan,
  actor: string,
  requestId: string,
): Promise<Date> {
  const record = async (outcome: 'success' | 'failure') => {
    audit.append({
      actor,
      action: 'tenant.offboard.schedule-key-deletion',
      resource: plan.keyArn,
      tenant: plan.tenant,
      time: new Date().toISOString(),
      sourceIp: '127.0.0.1',
      userAgent: 'hipaa-stack tenant-offboard',
      outcome,
      requestId,
    });
    await audit.flush();
  };
  let deletionDate: Date;
  try {
    const r = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: plan.keyArn, PendingWindowInDays: plan.pendingWindowDays }));
    deletionDate = r.DeletionDate ?? new Date(Date.now() + plan.pendingWindowDays * MS_PER_DAY);
  } catch (e) {
    await record('failure').catch(() => undefined);
    throw setupErrorFromAws(e, `scheduling deletion of ${plan.keyArn}`);
  }
  try {
    await record('success');
  } catch (e) {
    throw new Error(
      `the deletion of ${plan.keyArn} is scheduled for ${deletionDate.toISOString()}, but its audit event could not be written ` +
        `(${(e as Error).message}); record it by hand, or cancel with "aws kms cancel-key-deletion --key-id ${plan.keyArn}"`,
      { cause: e },
    );
  }
  return deletionDate;
}
