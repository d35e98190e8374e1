import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** Every backup plan rule (and each copy) keeps recovery points at least the configured days. */
export const BackupPlanRetention: StrictRule = {
  id: 'BackupPlanRetention',
  section: '164.308(a)(7)(ii)(A)',
  info: 'A backup plan rule or copy action deletes recovery points sooner than the configured backup retention.',
  explanation: 'The backup retention promised to customers must hold in every copy.',
  check(r, t) {
    if (r.type !== 'AWS::Backup::BackupPlan') return NOT_APPLICABLE;
    type Lifecycle = { DeleteAfterDays?: number };
    const rules =
      (r.props.BackupPlan as { BackupPlanRule?: Array<{ Lifecycle?: Lifecycle; CopyActions?: Array<{ Lifecycle?: Lifecycle }> }> })
        ?.BackupPlanRule ?? [];
    if (rules.length === 0) return NON_COMPLIANT;
    const lifecycles = rules.flatMap((r) => [r.Lifecycle, ...(r.CopyActions ?? []).map((c) => c.Lifecycle)]);
    const ok = lifecycles.every((l) => l?.DeleteAfterDays === undefined || l.DeleteAfterDays >= t.backupRetentionDays);
    return ok ? COMPLIANT : NON_COMPLIANT;
  },
};
