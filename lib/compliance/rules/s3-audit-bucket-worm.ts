import { daysCoveringYears } from '../../baseline/durations';
import { DATA_CLASS_TAG, DataClass } from '../../baseline/contract';
import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule, tags } from './rule';

/**
 * An audit bucket (tagged data-class=audit, or any bucket with Object Lock) is in COMPLIANCE mode with a
 * default retention of at least the audit years, and no lifecycle rule expires objects sooner.
 */
export const S3AuditBucketWorm: StrictRule = {
  id: 'S3AuditBucketWORM',
  section: '164.312(c)(1), 164.316(b)(2)(i)',
  info: 'The audit bucket is not write-once for the audit retention: Object Lock missing, not COMPLIANCE mode, too short, or a lifecycle rule expires objects sooner.',
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
    for (const r of rules) {
      const expiration = r.ExpirationInDays as number | undefined;
      const noncurrent =
        (r.NoncurrentVersionExpiration as { NoncurrentDays?: number } | undefined)?.NoncurrentDays ??
        (r.NoncurrentVersionExpirationInDays as number | undefined);
      if (expiration !== undefined && expiration < daysCoveringYears(t.auditRetentionYears)) return NON_COMPLIANT;
      if (noncurrent !== undefined && noncurrent < daysCoveringYears(t.auditRetentionYears)) return NON_COMPLIANT;
      if (r.ExpirationDate !== undefined) return NON_COMPLIANT;
    }
    return COMPLIANT;
  },
};
