import { DATA_CLASS_TAG, DataClass } from '../../baseline/contract';
import { LOG_RETENTION_DAYS } from '../../baseline/thresholds';
import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule, tags } from './rule';

const MIN_LOG_RETENTION_DAYS = LOG_RETENTION_DAYS.min;

/**
 * Log groups are KMS-encrypted and kept at least a year; audit-class groups (tagged data-class=audit: the
 * CloudTrail and database audit logs) at least the audit retention.
 */
export const LogGroupRetention: StrictRule = {
  id: 'LogGroupRetention',
  section: '164.312(b), 164.316(b)(2)(i)',
  info: `The log group has no KMS key, keeps logs under ${MIN_LOG_RETENTION_DAYS} days (or never expires them), or is an audit log group kept less than the audit retention.`,
  explanation: 'Logs are evidence: they must be encrypted and outlive the investigations and audits that need them.',
  check(r, t) {
    if (r.type !== 'AWS::Logs::LogGroup') return NOT_APPLICABLE;
    const p = r.props;
    const days = p.RetentionInDays as number | undefined;
    if (p.KmsKeyId === undefined || days === undefined || days < MIN_LOG_RETENTION_DAYS) return NON_COMPLIANT;
    if (tags(r)[DATA_CLASS_TAG] === DataClass.AUDIT && days < t.auditLogRetentionDays) return NON_COMPLIANT;
    return COMPLIANT;
  },
};
