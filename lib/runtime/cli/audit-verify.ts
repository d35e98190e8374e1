#!/usr/bin/env node
/**
 * Verify a tamper-evident audit chain in the WORM bucket (read-only, version-aware).
 * Exit codes: 0 intact, 1 a finding (break, tampering, retention, missing chain, unsealed with --require-sealed),
 * 2 bad arguments or an AWS / set-up error.
 */
import * as fs from 'fs';
import * as crypto from 'crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import { fetchPublicKey, publicKeyFromPem } from '../audit/checkpoint';
import { STACK_OUTPUTS } from '../../baseline/contract';
import { validateChainIds } from '../audit/record';
import { MIN_AUDIT_YEARS, S3ChainReport, verifyS3Chain } from '../audit/verify-s3';
import { AUDIT_RETENTION_YEARS } from '../../baseline/thresholds';
import { auditS3Client } from '../audit/writer';
import { parseCliArgs, runWhenMain } from './args';
import { readOutputsFile } from './outputs';

const USAGE = `usage: audit-verify --tenant <id> --writer <id> (--outputs <cdk-outputs.json> | --bucket <name> --retention-years <${MIN_AUDIT_YEARS}-${AUDIT_RETENTION_YEARS.max}>)
                    [--public-key <pem file> | --checkpoint-key <KMS key id or ARN>] [--allow-empty] [--require-sealed]
                    [--json] [--region <region>] [--endpoint <url>]
  --outputs          the file "cdk deploy --outputs-file" wrote: gives the bucket (${STACK_OUTPUTS.auditBucket}), the audit years
                     (${STACK_OUTPUTS.auditRetentionYears}) and the checkpoint key (${STACK_OUTPUTS.auditCheckpointKey}); flags override it
  --retention-years  years every object version must be locked (COMPLIANCE); at least ${MIN_AUDIT_YEARS}
  --public-key       the checkpoint public key (PEM), checked offline; else --checkpoint-key fetches it once (kms:GetPublicKey)
  --allow-empty      this chain may be missing or empty (otherwise that is a finding)
  --require-sealed   records not yet covered by a signed checkpoint are a finding (otherwise reported, exit 0)
exit codes: 0 intact, 1 findings, 2 bad arguments or an AWS error`;

const OPTIONS = {
  bucket: { type: 'string' },
  tenant: { type: 'string' },
  writer: { type: 'string' },
  outputs: { type: 'string' },
  'retention-years': { type: 'string' },
  'public-key': { type: 'string' },
  'checkpoint-key': { type: 'string' },
  'allow-empty': { type: 'boolean', default: false },
  'require-sealed': { type: 'boolean', default: false },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

/** Options given twice are refused (the shared parser would keep the last one silently). */
export function repeatedOptions(argv: readonly string[], names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  for (const a of argv) {
    const m = /^--([^=]+)/.exec(a);
    if (m && names.includes(m[1])) seen.set(m[1], (seen.get(m[1]) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

export async function main(argv: string[], out = console.log, err = console.error): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    out(USAGE);
    return 0;
  }
  const repeated = repeatedOptions(argv, Object.keys(OPTIONS));
  if (repeated.length) {
    err(`${repeated.map((r) => `--${r}`).join(', ')} given more than once; give each once\n${USAGE}`);
    return 2;
  }
  const values = parseCliArgs(argv, OPTIONS, ['tenant', 'writer'], USAGE, err);
  if (!values) return 2;
  try {
    validateChainIds(values.tenant!, values.writer!);
  } catch (e) {
    err(`${(e as Error).message.replace(/^tenant/, '--tenant').replace(/^writerId/, '--writer')}\n${USAGE}`);
    return 2;
  }
  let outputs: Record<string, string> = {};
  try {
    if (values.outputs) outputs = readOutputsFile(values.outputs);
  } catch (e) {
    err(`error: ${(e as Error).message}`);
    return 2;
  }
  const bucket = values.bucket ?? outputs[STACK_OUTPUTS.auditBucket];
  const yearsText = values['retention-years'] ?? outputs[STACK_OUTPUTS.auditRetentionYears];
  if (!bucket) {
    err(`the audit bucket is unknown: give --bucket, or --outputs with ${STACK_OUTPUTS.auditBucket}\n${USAGE}`);
    return 2;
  }
  if (yearsText === undefined) {
    err(
      `the audit years are unknown: give --retention-years, or --outputs with ${STACK_OUTPUTS.auditRetentionYears} (no default is assumed)\n${USAGE}`,
    );
    return 2;
  }
  const years = Number(yearsText);
  if (!/^\d+$/.test(String(yearsText)) || years < MIN_AUDIT_YEARS || years > AUDIT_RETENTION_YEARS.max) {
    err(
      `--retention-years got ${JSON.stringify(yearsText)}; must be a whole number of years from ${MIN_AUDIT_YEARS} (45 CFR 164.316(b)(2)(i)) to ${AUDIT_RETENTION_YEARS.max}, as the config allows`,
    );
    return 2;
  }
  let publicKey: crypto.KeyObject | undefined;
  const cpKey = values['checkpoint-key'] ?? outputs[STACK_OUTPUTS.auditCheckpointKey];
  try {
    if (values['public-key']) publicKey = publicKeyFromPem(fs.readFileSync(values['public-key'], 'utf8'));
    else if (cpKey) publicKey = await fetchPublicKey(new KMSClient({ region: values.region ?? regionOf(cpKey) }), cpKey);
  } catch (e) {
    err(`error: the checkpoint public key: ${(e as Error).message}`);
    return 2;
  }
  try {
    const s3 = auditS3Client({ region: values.region, endpoint: values.endpoint, forcePathStyle: Boolean(values.endpoint) });
    const r = await verifyS3Chain(s3, {
      bucket,
      tenant: values.tenant!,
      writerId: values.writer!,
      retentionYears: years,
      publicKey,
      allowEmpty: values['allow-empty'],
    });
    const unsealedFails = values['require-sealed'] && r.sealing.unsealedRecords > 0;
    if (values.json) out(JSON.stringify(r, undefined, 2));
    else for (const line of describe(r)) out(line);
    return r.ok && !unsealedFails ? 0 : 1;
  } catch (e) {
    err(`error: ${(e as Error).message}`);
    return 2;
  }
}

/** The report in words, one line per finding. */
export function describe(r: S3ChainReport): string[] {
  const lines: string[] = [];
  if (r.ok)
    lines.push(
      `OK: chain ${r.chain}: ${r.records} records in ${r.objects} objects (${r.versions} versions listed), every hash verified, every version locked >= ${r.retentionYears} years; head ${r.lastSeq} ${r.lastHash}`,
    );
  for (const f of r.findings)
    lines.push(
      `${f.kind.toUpperCase()}: ${f.key}${f.versionId ? ` version ${f.versionId}` : ''}${f.line ? ` line ${f.line}` : ''}${
        f.seq !== undefined && f.seq !== null ? ` sequence ${f.seq}` : ''
      }: ${f.detail}`,
    );
  const s = r.sealing;
  if (!s.checked) lines.push(`UNSEALED: no checkpoint public key given: none of the ${r.records} records is proven against a signature`);
  else if (s.unsealedRecords)
    lines.push(
      `UNSEALED: ${s.unsealedRecords} records after the last signed checkpoint (${s.sealedRecords} sealed), the oldest from ${s.oldestUnsealedTime} (${s.oldestUnsealedAgeSeconds} s ago)`,
    );
  else lines.push(`SEALED: all ${s.sealedRecords} records are covered by ${s.checkpoints} signed checkpoint(s)`);
  if (!r.ok) lines.push(`${r.records} records verified before the first break; ${r.findings.length} finding(s).`);
  return lines;
}

const regionOf = (arn: string) => (arn.startsWith('arn:') ? arn.split(':')[3] : undefined);

runWhenMain(module, main);
