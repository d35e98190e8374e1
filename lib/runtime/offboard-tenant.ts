import {
  DescribeKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { aws, AuditLogWriter, describeAwsError } from './audit/writer';

/** Tag that marks a key as one tenant's own. */
export const TENANT_TAG = 'hipaa-stack:tenant';

export interface OffboardPlan {
  readonly tenant: string;
  readonly keyArn: string;
  readonly aliases: string[];
  readonly pendingWindowDays: 30;
}

export class OffboardRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OffboardRefused';
  }
}

/**
 * Check that a key is the tenant's own (customer-managed, enabled, tagged with the tenant and nothing
 * shared) and return what would be scheduled. Read-only.
 */
export async function planOffboarding(kms: KMSClient, tenant: string, keyId: string): Promise<OffboardPlan> {
  const d = await aws(`describing key ${keyId}`, () => kms.send(new DescribeKeyCommand({ KeyId: keyId })));
  const m = d.KeyMetadata!;
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
  if (t['hipaa-stack:data-class'] !== undefined || t['hipaa-stack:shared'] !== undefined) {
    throw new OffboardRefused(`key ${m.Arn} is a shared data-class key (${JSON.stringify(t)}); refusing`);
  }
  const aliases = await aws(`listing the aliases of ${m.Arn}`, () => kms.send(new ListAliasesCommand({ KeyId: m.KeyId })));
  const names = (aliases.Aliases ?? []).map((a) => a.AliasName ?? '');
  const foreign = names.filter((n) => !n.includes(`/tenant/${tenant}`));
  if (foreign.length) throw new OffboardRefused(`key ${m.Arn} has aliases that are not this tenant's: ${foreign.join(', ')}; refusing`);
  return { tenant, keyArn: m.Arn!, aliases: names, pendingWindowDays: 30 };
}

/**
 * Crypto-shred a tenant: write an audit event, then schedule deletion of the tenant's key with the maximum
 * 30-day window. Every ciphertext under the key becomes unreadable once the key is deleted.
 */
export async function offboardTenant(
  kms: KMSClient,
  audit: AuditLogWriter,
  plan: OffboardPlan,
  actor: string,
  requestId: string,
): Promise<Date> {
  const event = (outcome: 'success' | 'failure') => ({
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
  audit.append(event('success'));
  await audit.flush();
  try {
    const r = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: plan.keyArn, PendingWindowInDays: plan.pendingWindowDays }));
    return r.DeletionDate!;
  } catch (e) {
    audit.append(event('failure'));
    await audit.flush().catch(() => undefined);
    throw describeAwsError(e, `scheduling deletion of ${plan.keyArn}`);
  }
}
