import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/**
 * The database instance says PubliclyAccessible: false explicitly (the CloudFormation default depends on the
 * subnet group: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html).
 */
export const RdsNotPublic: StrictRule = {
  id: 'RDSNotPublic',
  section: '164.312(a)(1)',
  info: 'The database instance is not explicitly private (PubliclyAccessible must be false).',
  explanation: 'A publicly accessible instance gets a public DNS name and address: the PHI database must be reachable from the VPC only.',
  check(r) {
    if (r.type !== 'AWS::RDS::DBInstance') return NOT_APPLICABLE;
    return r.props.PubliclyAccessible === false ? COMPLIANT : NON_COMPLIANT;
  },
};
