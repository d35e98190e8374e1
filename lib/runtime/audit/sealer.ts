import * as crypto from 'crypto';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { checkpointKey, signCheckpoint, Signer } from './checkpoint';
import { listChains } from './store';
import { verifyS3Chain } from './verify-s3';
import { describeAwsError } from './writer';

export interface SealerOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** The checkpoint key (ARN), recorded in each checkpoint. */
  readonly keyId: string;
  readonly sign: Signer;
  /** The checkpoint public key: earlier checkpoints are checked before a new one extends them. */
  readonly publicKey: crypto.KeyObject;
  readonly retentionYears: number;
  /** The audit bucket's KMS key: checkpoints are written with SSE-KMS under it. @default - the bucket's default encryption */
  readonly bucketKeyId?: string;
  /** @default - now */
  readonly now?: Date;
}

export interface SealResult {
  readonly chain: string;
  /** The checkpoint written, or why none was. */
  readonly checkpoint?: string;
  readonly size?: number;
  readonly skipped?: string;
}

/**
 * Seal every chain in the bucket: verify it (version-aware, checkpoints included) and, if it is intact and has
 * grown since its last checkpoint, sign a new checkpoint over all its records and write it under
 * `audit/checkpoints/`, where the bucket's default Object Lock retention locks it. A chain with any finding is
 * not sealed (the result says why; the Lambda fails, which alarms): a signature never covers a broken chain.
 */
export async function sealChains(o: SealerOptions): Promise<SealResult[]> {
  const results: SealResult[] = [];
  const now = o.now ?? new Date();
  for await (const { tenant, writerId } of listChains(o.s3, o.bucket)) {
    const chain = `${tenant}/${writerId}`;
    const r = await verifyS3Chain(o.s3, {
      bucket: o.bucket,
      tenant,
      writerId,
      retentionYears: o.retentionYears,
      publicKey: o.publicKey,
      allowEmpty: true,
      now,
    });
    if (!r.ok) {
      results.push({
        chain,
        skipped: `not sealed: ${r.findings.map((f) => `${f.kind} at ${f.key}${f.versionId ? `@${f.versionId}` : ''}`).join('; ')}`,
      });
      continue;
    }
    if (r.records === 0 || r.records === r.sealing.sealedRecords) {
      results.push({ chain, skipped: 'nothing new to seal' });
      continue;
    }
    const cp = await signCheckpoint(
      { chain, size: r.records, root: Buffer.from(r.root, 'hex'), lastHash: r.lastHash!, time: now },
      o.keyId,
      o.sign,
    );
    const key = checkpointKey(tenant, writerId, r.records);
    try {
      await o.s3.send(
        new PutObjectCommand({
          Bucket: o.bucket,
          Key: key,
          Body: JSON.stringify(cp),
          ContentType: 'application/json',
          IfNoneMatch: '*',
          ...(o.bucketKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: o.bucketKeyId, BucketKeyEnabled: true } : {}),
        }),
      );
    } catch (e) {
      if ((e as S3ServiceException).$metadata?.httpStatusCode === 412) {
        results.push({ chain, skipped: `${key} exists already (another sealer run)` });
        continue;
      }
      throw describeAwsError(e, `writing ${key}`);
    }
    results.push({ chain, checkpoint: key, size: r.records });
  }
  return results;
}
