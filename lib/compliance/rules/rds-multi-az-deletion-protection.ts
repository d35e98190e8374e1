import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** A standalone database instance has a Multi-AZ standby and deletion protection. */
export const RdsMultiAzDeletionProtection: StrictRule = {
  id: 'RDSMultiAZDeletionProtection',
  section: '164.308(a)(7)(ii)(B), 164.308(a)(7)(ii)(C)',
  info: 'The database instance is not Multi-AZ (MultiAZ: true) or not protected from deletion (DeletionProtection: true).',
  explanation:
    'Emergency-mode operation needs a standby that takes over when an availability zone fails; deletion protection stops one API call from destroying the PHI database.',
  check(r) {
    if (r.type !== 'AWS::RDS::DBInstance' || r.props.DBClusterIdentifier !== undefined) return NOT_APPLICABLE;
    return r.props.MultiAZ === true && r.props.DeletionProtection === true ? COMPLIANT : NON_COMPLIANT;
  },
};
