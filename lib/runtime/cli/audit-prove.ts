#!/usr/bin/env node
/**
 * Hand an auditor the records of one patient, one user or one time range, each with an inclusion proof against
 * the latest signed checkpoint (read-only). The output is checked with `audit:verify-proof` and the public key only.
 * Exit codes: 0 written, 1 nothing provable (no valid checkpoint, or the chain does not match it), 2 bad arguments.
 */
import * as fs from 'fs';
import * as crypto from 'crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import { fetchPublicKey, publicKeyFromPem } from '../audit/checkpoint';
import { STACK_OUTPUTS } from '../../baseline/contract';
import { buildProof, RecordSelector } from '../audit/proof';
import { validateChainIds } from '../audit/record';
import { auditS3Client } from '../audit/writer';
import { repeatedOptions } from './audit-verify';
import { parseCliArgs, runWhenMain } from './args';
import { readOutputsFile } from './outputs';

const USAGE = `usage: audit-prove --tenant <id> --writer <id> (--outputs <cdk-outputs.json> | --bucket <name>)
                   (--public-key <pem file> | --checkpoint-key <KMS key id or ARN>)
                   [--actor <user id>] [--resource <id, or prefix ending in / or *>] [--from <ISO time>] [--to <ISO time>]
                   [--from-checkpoint <size>] [--out <file>] [--region <region>] [--endpoint <url>]
  selects the records matching every condition given (at least one), proves each against the latest signed checkpoint,
  and with --from-checkpoint adds a consistency proof from that earlier checkpoint; writes JSON to --out or stdout`;

const OPTIONS = {
  tenant: { type: 'string' },
  writer: { type: 'string' },
  outputs: { type: 'string' },
  bucket: { type: 'string' },
  'public-key': { type: 'string' },
  'checkpoint-key': { type: 'string' },
  actor: { type: 'string' },
  resource: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'from-checkpoint': { type: 'string' },
  out: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
} as const;

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
  const v = parseCliArgs(argv, OPTIONS, ['tenant', 'writer'], USAGE, err);
  if (!v) return 2;
  const bad = (m: string) => (err(`${m}\n${USAGE}`), 2);
  try {
    validateChainIds(v.tenant!, v.writer!);
  } catch (e) {
    return bad((e as Error).message.replace(/^tenant/, '--tenant').replace(/^writerId/, '--writer'));
  }
  const time = (name: 'from' | 'to') => {
    const s = v[name];
    if (s === undefined) return undefined;
    const t = new Date(s);
    if (!/^\d{4}-\d\d-\d\d(T[\d:.]+(Z|[+-]\d\d:\d\d))?$/.test(s) || Number.isNaN(t.getTime()))
      throw new Error(`--${name} got ${JSON.stringify(s)}; must be an ISO-8601 date or time such as 2026-11-23 or 2026-11-23T12:00:00Z`);
    return t;
  };
  let select: RecordSelector;
  let fromSize: number | undefined;
  try {
    select = { actor: v.actor, resource: v.resource, from: time('from'), to: time('to') };
    if (v['from-checkpoint'] !== undefined) {
      fromSize = Number(v['from-checkpoint']);
      if (!/^\d+$/.test(v['from-checkpoint']) || fromSize < 1)
        throw new Error(`--from-checkpoint got ${JSON.stringify(v['from-checkpoint'])}; must be a checkpoint size (a whole number >= 1)`);
    }
  } catch (e) {
    return bad((e as Error).message);
  }
  if (Object.values(select).every((x) => x === undefined)) return bad('give at least one of --actor, --resource, --from, --to');
  let outputs: Record<string, string> = {};
  try {
    if (v.outputs) outputs = readOutputsFile(v.outputs);
  } catch (e) {
    err(`error: ${(e as Error).message}`);
    return 2;
  }
  const bucket = v.bucket ?? outputs[STACK_OUTPUTS.auditBucket];
  if (!bucket) return bad(`the audit bucket is unknown: give --bucket, or --outputs with ${STACK_OUTPUTS.auditBucket}`);
  let publicKey: crypto.KeyObject;
  const cpKey = v['checkpoint-key'] ?? outputs[STACK_OUTPUTS.auditCheckpointKey];
  try {
    if (v['public-key']) publicKey = publicKeyFromPem(fs.readFileSync(v['public-key'], 'utf8'));
    else if (cpKey) publicKey = await fetchPublicKey(new KMSClient({ region: v.region }), cpKey);
    else return bad('the checkpoint public key is unknown: give --public-key or --checkpoint-key');
  } catch (e) {
    err(`error: the checkpoint public key: ${(e as Error).message}`);
    return 2;
  }
  try {
    const s3 = auditS3Client({ region: v.region, endpoint: v.endpoint, forcePathStyle: Boolean(v.endpoint) });
    const { bundle, unsealedMatches } = await buildProof(s3, {
      bucket,
      tenant: v.tenant!,
      writerId: v.writer!,
      publicKey,
      select,
      fromSize,
    });
    const text = JSON.stringify(bundle);
    if (v.out) fs.writeFileSync(v.out, text + '\n');
    else out(text);
    err(
      `${bundle.records.length} record(s) proven against the checkpoint of ${bundle.checkpoint.size} records signed ${bundle.checkpoint.time}` +
        (unsealedMatches ? `; ${unsealedMatches} more matching record(s) are after it (unsealed) and cannot be proven yet` : ''),
    );
    return 0;
  } catch (e) {
    err(`error: ${(e as Error).message}`);
    return /failed: /.test((e as Error).message) ? 2 : 1;
  }
}

runWhenMain(module, main);
