import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** IAM database authentication is on (short-lived tokens instead of long-lived passwords). */
export const RdsIamAuthentication: StrictRule = {
  id: 'RDSIAMAuthentication',
  section: '164.312(d)',
  info: 'The database instance does not have IAM database authentication enabled.',
  explanation: 'IAM authentication ties each database login to an IAM principal and CloudTrail, with 15-minute tokens.',
  check(r) {
    if (r.type !== 'AWS::RDS::DBInstance') return NOT_APPLICABLE;
    return r.props.EnableIAMDatabaseAuthentication === true ? COMPLIANT : NON_COMPLIANT;
  },
};
