import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** Types whose deletion or replacement loses PHI, audit evidence, or the keys to them. */
export const RETAINED_TYPES: readonly string[] = [
  'AWS::KMS::Key',
  'AWS::S3::Bucket',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::Backup::BackupVault',
  'AWS::Logs::LogGroup',
];
const KEEPS = new Set(['Retain', 'Snapshot', 'RetainExceptOnCreate']);

/** Stateful resources survive stack deletion and replacement (DeletionPolicy and UpdateReplacePolicy). */
export const StatefulRetain: StrictRule = {
  id: 'StatefulRetain',
  section: '164.308(a)(7)(ii)(A), 164.312(c)(1)',
  info: 'A stateful resource (key, bucket, database, backup vault, log group) would be deleted with its stack or on replacement: DeletionPolicy and UpdateReplacePolicy must be Retain or Snapshot.',
  explanation: 'A stack deletion or a property change that forces replacement must never destroy PHI, audit records or their keys.',
  check(r) {
    if (!RETAINED_TYPES.includes(r.type)) return NOT_APPLICABLE;
    const { DeletionPolicy, UpdateReplacePolicy } = r.resource;
    return KEEPS.has(DeletionPolicy ?? 'Delete') && KEEPS.has(UpdateReplacePolicy ?? 'Delete') ? COMPLIANT : NON_COMPLIANT;
  },
};
