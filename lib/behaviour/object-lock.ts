import { AssemblyModel, Resolved } from './assembly-model';
import { Interaction } from './interaction';

/**
 * S3 Object Lock semantics for an interaction of method `object-lock`: in COMPLIANCE mode no principal, the
 * account root included, deletes a locked object version or shortens its retention
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes).
 * Returns whether S3 refuses the request, and why.
 */
export function objectLockRefuses(m: AssemblyModel, i: Interaction): { refused: boolean; reason: string } {
  const bucket = i.resource.owner;
  const lock = bucket ? (m.resolve(bucket.stack, bucket.props.ObjectLockConfiguration) as Record<string, Resolved> | null) : null;
  const rule = (lock?.Rule as { DefaultRetention?: { Mode?: string; Years?: number; Days?: number } } | undefined)?.DefaultRetention;
  if (
    bucket?.props.ObjectLockEnabled === true &&
    lock?.ObjectLockEnabled === 'Enabled' &&
    rule?.Mode === 'COMPLIANCE' &&
    (rule.Years ?? rule.Days ?? 0) > 0
  ) {
    const years = rule.Years ? `${rule.Years} years` : `${rule.Days} days`;
    return {
      refused: true,
      reason: `S3 Object Lock COMPLIANCE, default retention ${years} on ${i.resource.label}: no principal deletes a locked version or shortens its retention`,
    };
  }
  return {
    refused: false,
    reason: `${i.resource.label} has no Object Lock COMPLIANCE default retention (${JSON.stringify(lock)}): the bucket's policies alone decide`,
  };
}
