import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** Automated backups (point-in-time recovery) cover at least the configured window. */
export const RdsBackupRetention: StrictRule = {
  id: 'RDSBackupRetention',
  section: '164.308(a)(7)(ii)(A)',
  info: 'The database keeps automated backups for fewer days than the configured point-in-time recovery window.',
  explanation: 'Point-in-time recovery is only possible inside the automated-backup window.',
  check(r, t) {
    if (r.type !== 'AWS::RDS::DBInstance') return NOT_APPLICABLE;
    return Number(r.props.BackupRetentionPeriod ?? 1) >= t.rdsBackupRetentionDays ? COMPLIANT : NON_COMPLIANT;
  },
};
