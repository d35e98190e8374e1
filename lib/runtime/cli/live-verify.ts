#!/usr/bin/env node
/**
 * Check a deployed account against what the templates promise (read-only: Get, Describe and List calls only).
 * Exit codes: 0 as promised, 1 drift, 2 the caller's set-up (arguments, region, credentials, permissions).
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { liveVerify } from '../live-verify';
import { EXIT, parseCommand, runWhenMain, SetupError } from './args';
import { auditTargets, OUTPUT_NAMES } from './outputs';
import { AUDIT_RETENTION_YEARS } from '../../baseline/thresholds';
import { Arn, auditYearsOption, bucketOption, kmsArnOption, regionOption } from './validate';

export const USAGE = `usage: live-verify (--outputs <cdk-outputs.json> [--environment <name>] | --bucket <name> --audit-key <arn> [--key <arn>...])
                   [--audit-years N] [--region R] [--json]
  Checks the audit bucket (Object Lock COMPLIANCE, retention, KMS encryption, versioning, public access
  block, TLS-only policy) and every customer-managed key (enabled, rotating, no open policy). Read-only.
  --outputs <file>      the file "cdk deploy --all --outputs-file <file>" wrote
  --environment <name>  which environment, when the outputs file holds several
  --bucket, --audit-key, --key   the resources, instead of (or on top of) --outputs
  --audit-years N       years the Object Lock retention must cover (at least ${AUDIT_RETENTION_YEARS.min}); default: the
                        deployed value, the Audit stack's ${OUTPUT_NAMES.auditRetentionYears} output in --outputs
  --region R            default: the region of the key ARNs
Exit codes: 0 as promised, 1 drift, 2 arguments or set-up (region, credentials, permissions).`;

/**
 * The audit years the deployment enforces, from the Audit stack's output: never assumed. Missing (no --outputs,
 * or outputs of an Audit stack without the output) or not a whole number of years in range: a SetupError (exit 2).
 */
export function deployedAuditYears(outputs: Readonly<Record<string, string>>, file: string | undefined): number {
  const name = OUTPUT_NAMES.auditRetentionYears;
  const value = outputs[name];
  if (value === undefined) {
    throw new SetupError(
      file
        ? `--outputs ${file} has no ${name} output (the Audit stack writes it; redeploy it with this version, or pass --audit-years N); no default is assumed`
        : `the audit years are unknown: pass --outputs with the Audit stack's ${name} output, or --audit-years N; no default is assumed`,
    );
  }
  return auditYearsOption(`--outputs ${name}`, value);
}

/** The one account and region every ARN names; a SetupError when they disagree with each other or with --region. */
export function placeOf(arns: ReadonlyArray<{ option: string; arn: Arn }>, region?: string): { account?: string; region: string } {
  const places = new Map(arns.map((a) => [`${a.arn.account} ${a.arn.region}`, a.option]));
  if (places.size > 1) {
    throw new SetupError(
      `the keys are in different accounts or regions (${[...places].map(([p, o]) => `${o}: ${p}`).join('; ')}); check one environment at a time`,
    );
  }
  const [account, arnRegion] = places.size ? [...places.keys()][0].split(' ') : [undefined, undefined];
  if (region && arnRegion && region !== arnRegion) {
    throw new SetupError(
      `--region ${region} differs from the region of the key ARNs (${arnRegion}); leave --region out to use ${arnRegion}`,
    );
  }
  const r = region ?? arnRegion;
  if (!r) throw new SetupError('no region: pass --region, or --outputs / --audit-key to take it from their ARNs');
  return { account, region: r };
}

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
        outputs: { type: 'string' },
        environment: { type: 'string' },
        bucket: { type: 'string' },
        'audit-key': { type: 'string' },
        key: { type: 'string', multiple: true },
        'audit-years': { type: 'string' },
        region: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      usage: USAGE,
    },
    out,
    err,
  );
  if ('exit' in p) return p.exit;
  const v = p.values;
  try {
    const given = v['audit-years'] === undefined ? undefined : auditYearsOption('--audit-years', v['audit-years']);
    const region = v.region === undefined ? undefined : regionOption('--region', v.region);
    if (v.environment !== undefined && !v.outputs) throw new SetupError('--environment chooses from an --outputs file; pass --outputs too');
    const { bucket, auditKey, outputs, deployment } = auditTargets(v);
    if (!bucket) throw new SetupError(`no audit bucket: pass --bucket, or --outputs with ${OUTPUT_NAMES.auditBucket}`);
    bucketOption('--bucket', bucket);
    const keys = [
      ...new Set([...(v.key ?? []), ...OUTPUT_NAMES.keys.map((k) => outputs[k]).filter(Boolean), ...(auditKey ? [auditKey] : [])]),
    ];
    const place = placeOf(
      keys.map((k) => ({
        option: v.key?.includes(k) ? '--key' : k === v['audit-key'] ? '--audit-key' : '--outputs',
        arn: kmsArnOption('--key', k),
      })),
      region,
    );
    const years = given ?? deployedAuditYears(outputs, v.outputs);
    const where = `account ${place.account ?? '(of your credentials)'}, region ${place.region}${deployment ? `, environment ${deployment.environment}` : ''}`;
    const { s3, kms } = clients ?? { s3: new S3Client({ region: place.region }), kms: new KMSClient({ region: place.region }) };
    const checks = await liveVerify(s3, kms, { auditBucket: bucket, auditKeyArn: auditKey, keyArns: keys, auditRetentionYears: years });
    const drift = checks.filter((c) => !c.ok);
    if (v.json)
      out(
        JSON.stringify(
          { ok: drift.length === 0, account: place.account, region: place.region, environment: deployment?.environment, checks },
          undefined,
          2,
        ),
      );
    else {
      out(`Checking ${where}: bucket ${bucket}, ${keys.length} key(s).`);
      for (const c of checks)
        out(`${c.ok ? 'ok   ' : 'DRIFT'} ${c.resource} ${c.check}: ${c.actual}${c.ok ? '' : ` (expected ${c.expected})`}`);
      out(
        drift.length
          ? `${drift.length} of ${checks.length} checks drifted from the templates.`
          : `All ${checks.length} checks match the templates.`,
      );
    }
    return drift.length ? EXIT.findings : EXIT.ok;
  } catch (e) {
    // SetupError (arguments, region, credentials, permissions) and anything unexpected: never drift.
    err(`error: ${(e as Error).message}`);
    return EXIT.setup;
  }
}

runWhenMain(module, main);
