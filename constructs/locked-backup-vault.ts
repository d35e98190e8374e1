import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { VAULT_LOCK_CHANGEABLE_FOR_DAYS } from '../lib/baseline/thresholds';

export interface LockedBackupVaultProps {
  /** Physical vault name (fixed, so a vault in another region can be named as a copy target). */
  readonly vaultName: string;
  /** Customer-managed key the recovery points are encrypted with. */
  readonly encryptionKey: kms.IKey;
  /** Vault Lock minimum retention: no recovery point can be deleted earlier, by anyone. */
  readonly minRetentionDays: number;
  /**
   * Grace period during which the lock can still be removed; after it the lock is immutable (compliance
   * mode). Leave it out only for governance mode (the lock can be removed by privileged users).
   * @default - 3 days, the shortest AWS allows, then compliance mode
   */
  readonly changeableForDays?: number;
}

/**
 * An AWS Backup vault encrypted with a customer-managed key and protected by Vault Lock, retained on update
 * and delete (`RetainExceptOnCreate`: a failed first create leaves no vault behind to block the retry).
 *
 * Vault Lock in compliance mode is immutable once `changeableForDays` have passed: `minRetentionDays` can then
 * no longer be changed, and a stack update that changes it fails.
 */
export class LockedBackupVault extends Construct {
  public readonly vault: backup.BackupVault;

  constructor(scope: Construct, id: string, props: LockedBackupVaultProps) {
    super(scope, id);
    if (!Number.isInteger(props.minRetentionDays) || props.minRetentionDays < 1) {
      throw new Error(`LockedBackupVault minRetentionDays ${props.minRetentionDays} must be a positive integer`);
    }
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: props.vaultName,
      encryptionKey: props.encryptionKey,
      // RetainExceptOnCreate: retained on update and delete, but a vault made by a first create that rolls back
      // (still empty) is deleted, so the retry does not fail on a vault name that already exists.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      lockConfiguration: {
        minRetention: Duration.days(props.minRetentionDays),
        changeableFor: Duration.days(props.changeableForDays ?? VAULT_LOCK_CHANGEABLE_FOR_DAYS.default),
      },
    });
  }
}
