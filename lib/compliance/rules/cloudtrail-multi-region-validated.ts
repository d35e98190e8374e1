import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/**
 * The trail records every region and signs its log files: a single-region trail misses API calls made in any
 * other region (an attacker's favourite), and without log file validation a changed or deleted log file goes
 * unnoticed. https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html
 */
export const CloudTrailMultiRegionValidated: StrictRule = {
  id: 'CloudTrailMultiRegionValidated',
  section: '164.312(b), 164.312(c)(2)',
  info: 'The CloudTrail trail is not multi-region (IsMultiRegionTrail: true) or does not validate its log files (EnableLogFileValidation: true).',
  explanation:
    'Audit controls must record activity in every region, and the digest files of log file validation are what make a changed or deleted record detectable.',
  check(r) {
    if (r.type !== 'AWS::CloudTrail::Trail') return NOT_APPLICABLE;
    return r.props.IsMultiRegionTrail === true && r.props.EnableLogFileValidation === true ? COMPLIANT : NON_COMPLIANT;
  },
};
