import { S3Client } from '@aws-sdk/client-s3';
import { daysCoveringYears } from '../../lib/baseline/durations';
import { AuditEvent } from '../../lib/runtime/audit/record';
import { auditS3Client } from '../../lib/runtime/audit/writer';
import { S3Action, S3Grant, VersionedS3 } from './versioned-s3';

export const BUCKET = 'audit';
export const DAY = 86_400_000;

/**
 * Who holds which credentials on the local audit bucket:
 * - writer: the application's audit writer. Deliberately generous (worst case of a compromised worker): it may put,
 *   read, list, add delete markers, and even try to delete versions or change retention (Object Lock refuses both).
 * - auditor: read-only, version-aware (what audit:verify needs).
 * - sealer: reads the chains and writes checkpoints.
 */
export const PRINCIPALS: Record<'writer' | 'auditor' | 'sealer' | 'admin', readonly S3Action[]> = {
  writer: ['s3:PutObject', 's3:GetObject', 's3:ListBucket', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention'],
  auditor: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:ListBucketVersions', 's3:GetObjectRetention'],
  sealer: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:ListBucketVersions', 's3:PutObject'],
  admin: [
    's3:PutObject',
    's3:GetObject',
    's3:GetObjectVersion',
    's3:ListBucket',
    's3:ListBucketVersions',
    's3:DeleteObject',
    's3:DeleteObjectVersion',
    's3:PutObjectRetention',
    's3:GetObjectRetention',
    's3:CreateBucket',
    's3:PutBucketObjectLockConfiguration',
  ],
};

export interface AuditS3 {
  readonly model: VersionedS3;
  readonly endpoint: string;
  client(who: keyof typeof PRINCIPALS | (string & {})): S3Client;
  stop(): Promise<void>;
}

/**
 * A local versioned Object Lock bucket (COMPLIANCE, `years` default retention) on loopback. `extra` adds
 * principals (e.g. one holding a role's real statements).
 */
export async function startAuditS3(years = 7, maxKeys = 1000, extra: Record<string, S3Grant> = {}): Promise<AuditS3> {
  const model = new VersionedS3({ principals: { ...PRINCIPALS, ...extra }, maxKeys });
  const endpoint = await model.start();
  model.createBucket(BUCKET, { objectLock: true, defaultRetention: { mode: 'COMPLIANCE', days: daysCoveringYears(years) } });
  return {
    model,
    endpoint,
    client: (who) =>
      auditS3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: who, secretAccessKey: 'local' } }),
    stop: () => model.stop(),
  };
}

export const event = (i: number, tenant = 'acme', time = new Date(Date.now() - 3_600_000 + i * 1000).toISOString()): AuditEvent => ({
  actor: `user-${i % 7}`,
  action: 'patient.record.read',
  resource: `patient/${i % 11}`,
  tenant,
  time,
  sourceIp: '198.51.100.4',
  userAgent: 'jest',
  outcome: 'success',
  requestId: `req-${i}`,
});
