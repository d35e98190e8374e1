import { Duration } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { LockedBackupVault } from './locked-backup-vault';
import { ManagedPolicyRole } from './managed-policy-role';

export interface BackupProtectionProps {
  /** Name of the vault created here. */
  readonly vaultName: string;
  /** Key for the vault. */
  readonly encryptionKey: kms.IKey;
  /** Days each daily recovery point is kept (also the Vault Lock minimum). */
  readonly retentionDays: number;
  /** ARN of a vault in the disaster-recovery region that receives a copy of every recovery point. */
  readonly copyToVaultArn: string;
  /** Resources to protect. */
  readonly resources: backup.BackupResource[];
}

/**
 * Daily AWS Backup recovery points (45 CFR 164.308(a)(7)(ii)(A),(B)) kept `retentionDays` in a locked vault
 * encrypted with a customer-managed key, each copied to a vault in the disaster-recovery region.
 */
export class BackupProtection extends Construct {
  public readonly vault: backup.BackupVault;
  public readonly plan: backup.BackupPlan;
  /** The role AWS Backup takes and restores recovery points with (name it in restore jobs too). */
  public readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: BackupProtectionProps) {
    super(scope, id);
    this.vault = new LockedBackupVault(this, 'Vault', {
      vaultName: props.vaultName,
      encryptionKey: props.encryptionKey,
      minRetentionDays: props.retentionDays,
    }).vault;
    const copyTarget = backup.BackupVault.fromBackupVaultArn(this, 'DrVault', props.copyToVaultArn);

    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupVault: this.vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'daily',
          // 06:00 UTC: after the RDS backup (03:00-04:00) and maintenance (Sun 04:15-05:15) windows.
          scheduleExpression: events.Schedule.cron({ hour: '6', minute: '0' }),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(8),
          deleteAfter: Duration.days(props.retentionDays),
          copyActions: [{ destinationBackupVault: copyTarget, deleteAfter: Duration.days(props.retentionDays) }],
        }),
      ],
    });
    const role = (this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AWSBackupServiceRolePolicyForS3Backup'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AWSBackupServiceRolePolicyForS3Restore'),
      ],
      description: 'AWS Backup takes and restores recovery points of the selected resources',
    }));
    this.plan.addSelection('Selection', { resources: props.resources, role, allowRestores: false });
  }
}
