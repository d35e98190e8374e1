import { daysCoveringYears, retentionFloorDays } from '../../baseline/durations';
import { DATA_CLASS_TAG, DataClass } from '../../baseline/contract';
import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, refersTo, ResourceView, statements, StrictRule, tags } from './rule';
/** Whether a statement's actions include `action` (exactly, or by `s3:*` / `s3:PutObject*`-style wildcards). */
const covers = (actions: unknown, action: string) =>
  [actions].flat().some((a) => typeof a === 'string' && new RegExp(`^${a.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(action));

/**
 * Whether the bucket's policy refuses, to anyone, an object retention shorter than `floorDays`: a Deny on
 * s3:PutObject and s3:PutObjectRetention with NumericLessThan on s3:object-lock-remaining-retention-days of
 * at least `floorDays`, and no other condition.
 */
export function deniesShortRetention(bucket: ResourceView, floorDays: number): boolean {
  const policy = bucket.stack.resourcesOfType('AWS::S3::BucketPolicy').find((p) => refersTo(p.props.Bucket, bucket.logicalId));
  if (!policy) return false;
  const st = statements(policy.props.PolicyDocument).filter((st) => {
    const principal = st.Principal;
    const anyone = principal === '*' || (typeof principal === 'object' && (principal as { AWS?: unknown }).AWS === '*');
    const cond = st.Condition as Record<string, Record<string, unknown>> | undefined;
    const onlyFloor = cond && Object.keys(cond).length === 1 && Object.keys(cond.NumericLessThan ?? {}).length === 1;
    const days = Number(cond?.NumericLessThan?.['s3:object-lock-remaining-retention-days']);
    return st.Effect === 'Deny' && anyone && onlyFloor && Number.isFinite(days) && days >= floorDays;
  });
  return ['s3:PutObject', 's3:PutObjectRetention'].every((a) => st.some((x) => covers(x.Action, a)));
}

/**
 * An audit bucket (tagged data-class=audit, or any bucket with Object Lock) is in COMPLIANCE mode with a
 * default retention of at least the audit years; no lifecycle rule expires current versions sooner; and
 * noncurrent versions expire sooner only when Object Lock is what keeps them, that is when the bucket policy
 * refuses any retention shorter than the audit years (else a version written with a short explicit
 * retention would be removed by the lifecycle early).
 */
export const S3AuditBucketWorm: StrictRule = {
  id: 'S3AuditBucketWORM',
  section: '164.312(c)(1), 164.316(b)(2)(i)',
  info: 'The audit bucket is not write-once for the audit retention: Object Lock missing, not COMPLIANCE mode, too short, a lifecycle rule expires current versions sooner, or noncurrent versions expire sooner without a bucket policy refusing retentions shorter than the audit years.',
  explanation:
    'Audit records must survive tampering and deletion by anyone, root included, for the whole retention period; only COMPLIANCE-mode Object Lock guarantees that.',
  check(r, t) {
    if (r.type !== 'AWS::S3::Bucket') return NOT_APPLICABLE;
    const p = r.props;
    const isAudit = tags(r)[DATA_CLASS_TAG] === DataClass.AUDIT || p.ObjectLockEnabled === true;
    if (!isAudit) return NOT_APPLICABLE;
    const lock = p.ObjectLockConfiguration as
      { ObjectLockEnabled?: string; Rule?: { DefaultRetention?: { Mode?: string; Years?: number; Days?: number } } } | undefined;
    const retention = lock?.Rule?.DefaultRetention;
    const days = retention?.Years !== undefined ? daysCoveringYears(retention.Years) : (retention?.Days ?? 0);
    if (p.ObjectLockEnabled !== true || lock?.ObjectLockEnabled !== 'Enabled' || retention?.Mode !== 'COMPLIANCE') return NON_COMPLIANT;
    if (days < daysCoveringYears(t.auditRetentionYears)) return NON_COMPLIANT;
    const rules = ((p.LifecycleConfiguration as { Rules?: Array<Record<string, unknown>> } | undefined)?.Rules ?? []).filter(
      (r) => r.Status !== 'Disabled',
    );
    const bucket = r;
    for (const r of rules) {
      const expiration = r.ExpirationInDays as number | undefined;
      const noncurrent =
        (r.NoncurrentVersionExpiration as { NoncurrentDays?: number } | undefined)?.NoncurrentDays ??
        (r.NoncurrentVersionExpirationInDays as number | undefined);
      if (expiration !== undefined && expiration < daysCoveringYears(t.auditRetentionYears)) return NON_COMPLIANT;
      if (
        noncurrent !== undefined &&
        noncurrent < daysCoveringYears(t.auditRetentionYears) &&
        !deniesShortRetention(bucket, retentionFloorDays(t.auditRetentionYears))
      )
        return NON_COMPLIANT;
      if (r.ExpirationDate !== undefined) return NON_COMPLIANT;
    }
    return COMPLIANT;
  },
};
