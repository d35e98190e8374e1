#!/usr/bin/env node
/**
 * Crypto-shred a tenant: schedule deletion of the tenant's own KMS key (30-day window), after writing an
 * audit event. Without --confirm <tenant id> it only prints the plan.
 *   npm run tenant-offboard -- --tenant acme --key <arn|alias> --actor alice@example.com
 *        --outputs cdk-outputs.json [--confirm acme]
 * Exit codes: 0 scheduled (or plan printed and confirmed), 1 refused or not confirmed, 2 bad arguments or AWS error.
 */
import { randomUUID } from 'crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { AuditLogWriter, auditS3Client } from '../audit/writer';
import { OffboardRefused, offboardTenant, planOffboarding } from '../offboard-tenant';
import { auditTargets } from './outputs';
import { parseCliArgs, runWhenMain } from './args';

const USAGE =
  'usage: tenant-offboard --tenant <id> --key <arn|alias> --actor <who> (--outputs <file> | --bucket <audit bucket> --audit-key <arn>) [--confirm <tenant id>]';

export async function main(
  argv: string[],
  clients?: { s3: S3Client; kms: KMSClient },
  out = console.log,
  err = console.error,
): Promise<number> {
  const v = parseCliArgs(
    argv,
    {
      tenant: { type: 'string' },
      key: { type: 'string' },
      actor: { type: 'string' },
      confirm: { type: 'string' },
      outputs: { type: 'string' },
      bucket: { type: 'string' },
      'audit-key': { type: 'string' },
      region: { type: 'string' },
    },
    ['tenant', 'key', 'actor'],
    USAGE,
    err,
  );
  if (!v) return 2;
  try {
    const { bucket, auditKey } = auditTargets(v);
    if (!bucket || !auditKey) {
      err(`the audit bucket and key are needed to record the offboarding: pass --outputs, or --bucket and --audit-key\n${USAGE}`);
      return 2;
    }
    const { s3, kms } = clients ?? { s3: auditS3Client({ region: v.region }), kms: new KMSClient({ region: v.region }) };
    const plan = await planOffboarding(kms, v.tenant!, v.key!);
    out(
      `Plan: schedule deletion of ${plan.keyArn} (aliases: ${plan.aliases.join(', ') || 'none'}) for tenant ${plan.tenant}, in ${plan.pendingWindowDays} days.`,
    );
    if (v.confirm !== v.tenant) {
      err(`not confirmed: re-run with --confirm ${v.tenant} to schedule the deletion. Nothing was changed.`);
      return 1;
    }
    const writer = new AuditLogWriter({ s3, bucket, kmsKeyId: auditKey, tenant: plan.tenant, writerId: 'offboarding' });
    await writer.open();
    const when = await offboardTenant(kms, writer, plan, v.actor!, randomUUID());
    out(
      `Scheduled: ${plan.keyArn} will be deleted on ${when.toISOString()}. Cancel before then with "aws kms cancel-key-deletion --key-id ${plan.keyArn}".`,
    );
    return 0;
  } catch (e) {
    if (e instanceof OffboardRefused) {
      err(`refused: ${e.message}`);
      return 1;
    }
    err(`error: ${(e as Error).message}`);
    return 2;
  }
}

runWhenMain(module, main);
