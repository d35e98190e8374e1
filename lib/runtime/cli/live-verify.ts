#!/usr/bin/env node
/**
 * Check a deployed account against what the templates promise (read-only):
 *   npm run live-verify -- --outputs cdk-outputs.json [--audit-years 7] [--json]
 *   npm run live-verify -- --bucket <audit bucket> --audit-key <arn> --key <arn> [--key <arn> ...]
 * Exit codes: 0 as promised, 1 drift, 2 bad arguments or an AWS error (access denied, missing bucket).
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { liveVerify } from '../live-verify';
import { auditTargets, OUTPUT_NAMES } from './outputs';
import { parseCliArgs, runWhenMain } from './args';

const USAGE =
  'usage: live-verify (--outputs <cdk-outputs.json> | --bucket <name> --audit-key <arn> [--key <arn>...]) [--audit-years N] [--region R] [--json]';

export async function main(
  argv: string[],
  clients?: { s3: S3Client; kms: KMSClient },
  out = console.log,
  err = console.error,
): Promise<number> {
  const v = parseCliArgs(
    argv,
    {
      outputs: { type: 'string' },
      bucket: { type: 'string' },
      'audit-key': { type: 'string' },
      key: { type: 'string', multiple: true },
      'audit-years': { type: 'string', default: '7' },
      region: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    [],
    USAGE,
    err,
  );
  if (!v) return 2;
  const years = Number(v['audit-years']);
  if (!Number.isInteger(years) || years < 6 || years > 100) {
    err(`--audit-years got ${JSON.stringify(v['audit-years'])}; must be a whole number of years, at least 6\n${USAGE}`);
    return 2;
  }
  try {
    const { bucket, auditKey, outputs } = auditTargets(v);
    const keys = [
      ...new Set([...(v.key ?? []), ...OUTPUT_NAMES.keys.map((k) => outputs[k]).filter(Boolean), ...(auditKey ? [auditKey] : [])]),
    ];
    if (!bucket) {
      err(`no audit bucket: pass --bucket, or --outputs with ${OUTPUT_NAMES.auditBucket}\n${USAGE}`);
      return 2;
    }
    const { s3, kms } = clients ?? { s3: new S3Client({ region: v.region }), kms: new KMSClient({ region: v.region }) };
    const checks = await liveVerify(s3, kms, { auditBucket: bucket, auditKeyArn: auditKey, keyArns: keys, auditRetentionYears: years });
    const drift = checks.filter((c) => !c.ok);
    if (v.json) out(JSON.stringify({ ok: drift.length === 0, checks }, undefined, 2));
    else {
      for (const c of checks)
        out(`${c.ok ? 'ok   ' : 'DRIFT'} ${c.resource} ${c.check}: ${c.actual}${c.ok ? '' : ` (expected ${c.expected})`}`);
      out(
        drift.length
          ? `${drift.length} of ${checks.length} checks drifted from the templates.`
          : `All ${checks.length} checks match the templates.`,
      );
    }
    return drift.length ? 1 : 0;
  } catch (e) {
    err(`error: ${(e as Error).message}`);
    return 2;
  }
}

runWhenMain(module, main);
