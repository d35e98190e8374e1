import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** Backup vaults carry a Vault Lock whose minimum retention covers the configured backup retention. */
export const BackupVaultLocked: StrictRule = {
  id: 'BackupVaultLocked',
  section: '164.308(a)(7)(ii)(A), 164.312(c)(1)',
  info: 'The backup vault has no Vault Lock, or its minimum retention is shorter than the configured backup retention.',
  explanation: 'Vault Lock stops anyone, including an attacker with admin rights, from deleting recovery points early.',
  check(r, t) {
    if (r.type !== 'AWS::Backup::BackupVault') return NOT_APPLICABLE;
    const lock = r.props.LockConfiguration as { MinRetentionDays?: number } | undefined;
    return lock?.MinRetentionDays !== undefined && lock.MinRetentionDays >= t.backupRetentionDays ? COMPLIANT : NON_COMPLIANT;
  },
};
