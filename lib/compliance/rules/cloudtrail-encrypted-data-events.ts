import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** Whether the trail's event selectors (basic or advanced) record S3 object-level data events. */
function recordsS3DataEvents(props: Record<string, unknown>): boolean {
  const basic = ((props.EventSelectors as Array<{ DataResources?: Array<{ Type?: string }> }> | undefined) ?? []).some((s) =>
    (s.DataResources ?? []).some((d) => d.Type === 'AWS::S3::Object'),
  );
  const advanced = (
    (props.AdvancedEventSelectors as Array<{ FieldSelectors?: Array<{ Field?: string; Equals?: string[] }> }> | undefined) ?? []
  ).some((s) => (s.FieldSelectors ?? []).some((f) => f.Field === 'resources.type' && (f.Equals ?? []).includes('AWS::S3::Object')));
  return basic || advanced;
}

/**
 * The trail encrypts its log files with a KMS key, delivers to CloudWatch Logs (where the security alarms
 * read it) and records S3 object-level data events (who read or wrote which PHI object).
 */
export const CloudTrailEncryptedDataEvents: StrictRule = {
  id: 'CloudTrailEncryptedDataEvents',
  section: '164.312(b), 164.308(a)(1)(ii)(D)',
  info: 'The CloudTrail trail lacks a KMS key (KMSKeyId), CloudWatch Logs delivery (CloudWatchLogsLogGroupArn) or S3 object data events (an event selector for AWS::S3::Object).',
  explanation:
    'Access to PHI objects is audited only through S3 data events; the alarms on security events read the CloudWatch copy; the log files themselves are sensitive.',
  check(r) {
    if (r.type !== 'AWS::CloudTrail::Trail') return NOT_APPLICABLE;
    const p = r.props;
    return p.KMSKeyId !== undefined && p.CloudWatchLogsLogGroupArn !== undefined && recordsS3DataEvents(p) ? COMPLIANT : NON_COMPLIANT;
  },
};
