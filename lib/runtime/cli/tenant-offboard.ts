#!/usr/bin/env node
/**
 * Crypto-shred a tenant: schedule deletion of the tenant's own KMS key (30-day window) and record the outcome
 * in the environment's audit log. A dry run unless --confirm is given.
 * Exit codes: 0 scheduled or planned (dry run), 1 refused, 2 arguments or set-up (region, credentials, permissions).
 */
import { randomUUID } from 'crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { AuditLogWriter, auditS3Client } from '../audit/writer';
import { describePlan, OffboardRefused, offboardTenant, planOffboarding, tenantKeyAlias } from '../offboard-tenant';
import { setupErrorFromAws } from '../setup-error';
import { EXIT, parseCommand, runWhenMain, SetupError } from './args';
import { placeOf } from './live-verify';
import { auditTargets } from './outputs';
import { KMS_KEY_DELETION_WINDOW_DAYS } from '../../baseline/thresholds';
import { Arn, actorOption, bucketOption, environmentOption, kmsArnOption, regionOption, tenantIdOption } from './validate';

export const USAGE = `usage: tenant-offboard --tenant <id> --actor <who> (--outputs <file> [--environment <name>] | --environment <name> --bucket <audit bucket> --audit-key <arn>)
                       [--key <key arn>] [--region R] [--confirm]
  Schedules deletion of the tenant's own KMS key (${KMS_KEY_DELETION_WINDOW_DAYS.required} days; cancel with "aws kms cancel-key-deletion") after
  checking that the key is the tenant's, in that environment's account and region, with exactly the alias
  alias/hipaa/<environment>/tenant/<id>. The outcome goes to the same environment's audit log.
  Without --confirm it is a dry run: it prints the plan and changes nothing.
  --key    default: the tenant's alias in the environment
  --region default: the region of the audit key ARN
Exit codes: 0 scheduled or planned, 1 refused, 2 arguments or set-up (region, credentials, permissions).`;

export async function main(
  argv: string[],
  clients?: { s3: S3Client; kms: KMSClient },
  out = console.log,
  err = console.error,
): Promise<number> {
  const p = parseCommand(
    argv,
    {
      options: {
        tenant: { type: 'string' },
        key: { type: 'string' },
        actor: { type: 'string' },
        confirm: { type: 'boolean', default: false },
        outputs: { type: 'string' },
        environment: { type: 'string' },
        bucket: { type: 'string' },
        'audit-key': { type: 'string' },
        region: { type: 'string' },
      },
      required: ['tenant', 'actor'],
      usage: USAGE,
    },
    out,
    err,
  );
  if ('exit' in p) return p.exit;
  const v = p.values;
  try {
    // Every value is checked before any AWS call.
    const tenant = tenantIdOption('--tenant', v.tenant!);
    const actor = actorOption('--actor', v.actor!);
    const region = v.region === undefined ? undefined : regionOption('--region', v.region);
    const keyArn: Arn | undefined = v.key === undefined ? undefined : kmsArnOption('--key', v.key);
    if (v.environment !== undefined) environmentOption('--environment', v.environment);
    const { bucket, auditKey, deployment } = auditTargets(v);
    const environment = deployment?.environment ?? v.environment;
    if (!environment || !bucket || !auditKey) {
      throw new SetupError(
        'the environment, its audit bucket and its audit key are needed: pass --outputs, or --environment, --bucket and --audit-key',
      );
    }
    bucketOption('--bucket', bucket);
    const place = placeOf(
      [
        { option: v['audit-key'] ? '--audit-key' : '--outputs AuditKeyArn', arn: kmsArnOption('--audit-key', auditKey) },
        ...(keyArn ? [{ option: '--key', arn: keyArn }] : []),
      ],
      region,
    );
    const target = { environment, account: place.account!, region: place.region };
    const { s3, kms } = clients ?? { s3: auditS3Client({ region: place.region }), kms: new KMSClient({ region: place.region }) };
    const plan = await planOffboarding(kms, tenant, v.key ?? tenantKeyAlias(environment, tenant), target);
    out(`Plan: ${describePlan(plan, bucket)}.`);
    if (!v.confirm) {
      out('Dry run: nothing was changed. Re-run with --confirm to schedule the deletion.');
      return EXIT.ok;
    }
    // A one-off writer of one batch: its head is written with it (headEvery 1), so the chain's end is on record.
    const writer = new AuditLogWriter({ s3, bucket, kmsKeyId: auditKey, tenant: plan.tenant, writerId: 'offboarding', headEvery: 1 });
    try {
      await writer.open();
    } catch (e) {
      throw setupErrorFromAws(e, `opening the audit log in ${bucket} (nothing was changed)`);
    }
    const when = await offboardTenant(kms, writer, plan, actor, randomUUID());
    out(
      `Scheduled: ${plan.keyArn} will be deleted on ${when.toISOString()}. Cancel before then with "aws kms cancel-key-deletion --key-id ${plan.keyArn} --region ${plan.region}".`,
    );
    return EXIT.ok;
  } catch (e) {
    if (e instanceof OffboardRefused) {
      err(`refused: ${e.message}. Nothing was changed.`);
      return EXIT.findings;
    }
    err(`error: ${(e as Error).message}`);
    return EXIT.setup;
  }
}

runWhenMain(module, main);
