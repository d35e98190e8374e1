import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { aws, describeAwsError } from './writer';
import { chainPrefix, headKey, chainLines, readText } from './store';
import { ChainReport, ExpectedHead, verifyChain } from './verify-chain';

export interface RetentionProblem {
  readonly key: string;
  readonly detail: string;
}

export interface S3ChainReport extends ChainReport {
  readonly objects: number;
  readonly retentionProblems: RetentionProblem[];
}

/**
 * Verify one writer's chain in the bucket: every hash recomputed, the chain reaching the writer's head, and
 * each object's Object Lock retention checked against the policy (COMPLIANCE, at least `retentionYears`
 * after it was written).
 */
export async function verifyS3Chain(
  s3: S3Client,
  opts: { bucket: string; tenant: string; writerId: string; retentionYears?: number },
): Promise<S3ChainReport> {
  const { bucket, tenant, writerId } = opts;
  let head: ExpectedHead | undefined;
  try {
    head = JSON.parse(await readText(s3, bucket, headKey(tenant, writerId))) as ExpectedHead;
  } catch (e) {
    if ((e as { name?: string }).name !== 'NoSuchKey') throw describeAwsError(e, 'reading the chain head');
  }
  const retentionProblems: RetentionProblem[] = [];
  let objects = 0;
  const checkRetention = async (key: string) => {
    objects++;
    if (opts.retentionYears === undefined) return;
    const h = await aws(`reading the retention of ${key}`, () => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    const written = h.LastModified ?? new Date();
    const needed = new Date(written.getTime() + (opts.retentionYears * 365.25 - 1) * 86_400_000);
    if (h.ObjectLockMode !== 'COMPLIANCE')
      retentionProblems.push({ key, detail: `Object Lock mode is ${h.ObjectLockMode ?? 'none'}, expected COMPLIANCE` });
    else if (!h.ObjectLockRetainUntilDate || h.ObjectLockRetainUntilDate < needed) {
      retentionProblems.push({
        key,
        detail: `retained until ${h.ObjectLockRetainUntilDate?.toISOString() ?? 'never'}, expected at least ${needed.toISOString()} (${opts.retentionYears} years)`,
      });
    }
  };
  let report: ChainReport;
  try {
    report = await verifyChain(chainLines(s3, bucket, chainPrefix(tenant, writerId), checkRetention), head);
  } catch (e) {
    if (e instanceof Error && e.message.includes(' failed: ')) throw e;
    throw describeAwsError(e, `reading the chain ${tenant}/${writerId}`);
  }
  return { ...report, ok: report.ok && retentionProblems.length === 0, objects, retentionProblems };
}
