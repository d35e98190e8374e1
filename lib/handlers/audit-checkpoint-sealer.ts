/**
 * Scheduled sealer: signs a checkpoint (RFC 9162 tree head) for every audit chain that grew since its last one.
 * Environment (set by the AuditCheckpointSealer construct): AUDIT_BUCKET, AUDIT_BUCKET_KEY_ARN, CHECKPOINT_KEY_ARN,
 * AUDIT_RETENTION_YEARS. Throws when any chain could not be sealed (a finding or an error): the invocation fails and
 * its error metric and dead-letter queue show it.
 */
import { KMSClient } from '@aws-sdk/client-kms';
import { HANDLER_ENV } from '../baseline/contract';
import { fetchPublicKey, kmsSigner } from '../runtime/audit/checkpoint';
import { sealChains, SealResult } from '../runtime/audit/sealer';
import { auditS3Client } from '../runtime/audit/writer';

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is not set (the AuditCheckpointSealer construct sets it)`);
  return v;
}

export async function handler(): Promise<SealResult[]> {
  const keyId = env(HANDLER_ENV.checkpointKeyArn);
  const kms = new KMSClient({});
  const results = await sealChains({
    s3: auditS3Client(),
    bucket: env(HANDLER_ENV.auditBucket),
    bucketKeyId: env(HANDLER_ENV.auditBucketKeyArn),
    keyId,
    sign: kmsSigner(kms, keyId),
    publicKey: await fetchPublicKey(kms, keyId),
    retentionYears: Number(env(HANDLER_ENV.auditRetentionYears)),
  });
  console.log(JSON.stringify({ sealed: results.filter((r) => r.checkpoint), skipped: results.filter((r) => r.skipped) }));
  const refused = results.filter((r) => r.skipped?.startsWith('not sealed'));
  if (refused.length)
    throw new Error(
      `audit chains not sealed (tampering or retention findings): ${refused.map((r) => `${r.chain}: ${r.skipped}`).join(' | ')}`,
    );
  return results;
}
