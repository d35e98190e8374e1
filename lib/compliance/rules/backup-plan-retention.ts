import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, props, StrictRule } from './rule';

/** Every backup plan rule (and each copy) keeps recovery points at least the configured days. */
export const BackupPlanRetention: StrictRule = {
  id: 'BackupPlanRetention',
  section: '164.308(a)(7)(ii)(A)',
  info: 'A backup plan rule or copy action deletes recovery points sooner than the configured backup retention.',
  explanation: 'The backup retention promised to customers must hold in every copy.',
  check(node, t) {
    if (node.cfnResourceType !== 'AWS::Backup::BackupPlan') return NOT_APPLICABLE;
    type Lifecycle = { DeleteAfterDays?: number };
    const rules =
      (props(node).BackupPlan as { BackupPlanRule?: Array<{ Lifecycle?: Lifecycle; CopyActions?: Array<{ Lifecycle?: Lifecycle }> }> })
        ?.BackupPlanRule ?? [];
    if (rules.length === 0) return NON_COMPLIANT;
    const lifecycles = rules.flatMap((r) => [r.Lifecycle, ...(r.CopyActions ?? []).map((c) => c.Lifecycle)]);
    const ok = lifecycles.every((l) => l?.DeleteAfterDays === undefined || l.DeleteAfterDays >= t.backupRetentionDays);
    return ok ? COMPLIANT : NON_COMPLIANT;
  },
};
