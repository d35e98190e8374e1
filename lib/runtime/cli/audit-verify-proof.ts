#!/usr/bin/env node
/**
 * Check an audit proof bundle (from audit:prove) with only the checkpoint public key: the checkpoint's signature,
 * every record's own hash and its inclusion proof, and the consistency proof if present. Needs no AWS access when
 * given a PEM. Exit codes: 0 every proof holds, 1 any fails, 2 bad arguments.
 */
import * as fs from 'fs';
import * as crypto from 'crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import { fetchPublicKey, publicKeyFromPem } from '../audit/checkpoint';
import { verifyProof } from '../audit/proof';
import { repeatedOptions } from './audit-verify';
import { parseCliArgs, runWhenMain } from './args';

const USAGE = `usage: audit-verify-proof --proof <file> (--public-key <pem file> | --checkpoint-key <KMS key id or ARN>) [--json] [--region <region>]`;
const OPTIONS = {
  proof: { type: 'string' },
  'public-key': { type: 'string' },
  'checkpoint-key': { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean', default: false },
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
  const v = parseCliArgs(argv, OPTIONS, ['proof'], USAGE, err);
  if (!v) return 2;
  let text: string;
  let publicKey: crypto.KeyObject;
  try {
    text = fs.readFileSync(v.proof!, 'utf8');
  } catch (e) {
    err(`error: --proof ${v.proof}: ${(e as Error).message}`);
    return 2;
  }
  try {
    if (v['public-key']) publicKey = publicKeyFromPem(fs.readFileSync(v['public-key'], 'utf8'));
    else if (v['checkpoint-key']) publicKey = await fetchPublicKey(new KMSClient({ region: v.region }), v['checkpoint-key']);
    else {
      err(`the checkpoint public key is unknown: give --public-key or --checkpoint-key\n${USAGE}`);
      return 2;
    }
  } catch (e) {
    err(`error: the checkpoint public key: ${(e as Error).message}`);
    return 2;
  }
  const r = verifyProof(text, publicKey);
  if (v.json) out(JSON.stringify(r, undefined, 2));
  else if (r.ok) out(`OK: ${r.verified} record(s) of ${r.chain} proven in the signed checkpoint of ${r.checkpointSize} records`);
  else for (const p of r.problems) out(`INVALID: ${p}`);
  return r.ok ? 0 : 1;
}

runWhenMain(module, main);
