#!/usr/bin/env node
/**
 * Verify a tamper-evident audit chain in the WORM bucket (read-only):
 *   npm run audit:verify -- --bucket <name> --tenant <id> --writer <id> [--retention-years 7] [--json]
 *                           [--region us-east-1] [--endpoint http://127.0.0.1:4569]
 * Exit codes: 0 intact, 1 a break or a retention problem, 2 bad arguments or an AWS error.
 */
import { auditS3Client } from '../audit/writer';
import { verifyS3Chain } from '../audit/verify-s3';
import { parseCliArgs, runWhenMain } from './args';

const USAGE = 'usage: audit-verify --bucket <name> --tenant <id> --writer <id> [--retention-years N] [--json]';

export async function main(argv: string[], out = console.log, err = console.error): Promise<number> {
  const values = parseCliArgs(
    argv,
    {
      bucket: { type: 'string' },
      tenant: { type: 'string' },
      writer: { type: 'string' },
      'retention-years': { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    ['bucket', 'tenant', 'writer'],
    USAGE,
    err,
  );
  if (!values) return 2;
  const years = values['retention-years'] === undefined ? undefined : Number(values['retention-years']);
  if (years !== undefined && (!Number.isInteger(years) || years < 1 || years > 100)) {
    err(`--retention-years got ${JSON.stringify(values['retention-years'])}; must be a whole number of years from 1 to 100`);
    return 2;
  }
  try {
    const s3 = auditS3Client({ region: values.region, endpoint: values.endpoint, forcePathStyle: Boolean(values.endpoint) });
    const r = await verifyS3Chain(s3, { bucket: values.bucket!, tenant: values.tenant!, writerId: values.writer!, retentionYears: years });
    if (values.json) out(JSON.stringify(r, undefined, 2));
    else if (r.ok)
      out(
        `OK: chain ${values.tenant}/${values.writer}: ${r.records} records in ${r.objects} objects, every hash verified; head ${r.lastSeq} ${r.lastHash}`,
      );
    else {
      if (r.firstBreak)
        out(
          `BROKEN: ${r.firstBreak.kind} at sequence ${r.firstBreak.seq} (${r.firstBreak.key} line ${r.firstBreak.line}): ${r.firstBreak.detail}`,
        );
      for (const p of r.retentionProblems) out(`RETENTION: ${p.key}: ${p.detail}`);
      out(`${r.records} records verified before the first problem.`);
    }
    return r.ok ? 0 : 1;
  } catch (e) {
    err(`error: ${(e as Error).message}`);
    return 2;
  }
}

runWhenMain(module, main);
