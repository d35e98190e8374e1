import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** Storage is encrypted with a customer-managed key (not the AWS-managed aws/rds key). */
export const RdsCustomerKey: StrictRule = {
  id: 'RDSCustomerKey',
  section: '164.312(a)(2)(iv)',
  info: 'The database instance is not encrypted with a customer-managed KMS key.',
  explanation: 'Without KmsKeyId RDS uses the AWS-managed key, whose policy the customer cannot restrict or audit.',
  check(r) {
    if (r.type !== 'AWS::RDS::DBInstance') return NOT_APPLICABLE;
    const p = r.props;
    if (p.DBClusterIdentifier !== undefined) return NOT_APPLICABLE;
    const key = p.KmsKeyId;
    const awsManaged = typeof key === 'string' && key.endsWith('alias/aws/rds');
    return p.StorageEncrypted === true && key !== undefined && !awsManaged ? COMPLIANT : NON_COMPLIANT;
  },
};
