import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** Every rule of a backup plan copies its recovery points to another vault (the disaster-recovery region). */
export const BackupPlanDrCopy: StrictRule = {
  id: 'BackupPlanDRCopy',
  section: '164.308(a)(7)(ii)(B)',
  info: 'A backup plan rule has no copy action: its recovery points stay in one region only.',
  explanation: 'The disaster recovery plan restores from the copy in the second region when the primary region is lost.',
  check(r) {
    if (r.type !== 'AWS::Backup::BackupPlan') return NOT_APPLICABLE;
    const rules =
      (r.props.BackupPlan as { BackupPlanRule?: Array<{ CopyActions?: Array<{ DestinationBackupVaultArn?: unknown }> }> })
        ?.BackupPlanRule ?? [];
    const copied = rules.length > 0 && rules.every((x) => (x.CopyActions ?? []).some((c) => c.DestinationBackupVaultArn !== undefined));
    return copied ? COMPLIANT : NON_COMPLIANT;
  },
};
