import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, props, StrictRule } from './rule';

/** Storage is encrypted with a customer-managed key (not the AWS-managed aws/rds key). */
export const RdsCustomerKey: StrictRule = {
  id: 'RDSCustomerKey',
  section: '164.312(a)(2)(iv)',
  info: 'The database instance is not encrypted with a customer-managed KMS key.',
  explanation: 'Without KmsKeyId RDS uses the AWS-managed key, whose policy the customer cannot restrict or audit.',
  check(node) {
    if (node.cfnResourceType !== 'AWS::RDS::DBInstance') return NOT_APPLICABLE;
    const p = props(node);
    if (p.DBClusterIdentifier !== undefined) return NOT_APPLICABLE;
    const key = p.KmsKeyId;
    const awsManaged = typeof key === 'string' && key.endsWith('alias/aws/rds');
    return p.StorageEncrypted === true && key !== undefined && !awsManaged ? COMPLIANT : NON_COMPLIANT;
  },
};
