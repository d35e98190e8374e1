import { Stack, StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import { Construct } from 'constructs';
import { GuardDutyDetector } from '../../constructs/guard-duty-detector';
import { GuardDutyFindingsForwarder } from '../../constructs/guard-duty-findings-forwarder';
import { HipaaKey } from '../../constructs/hipaa-key';
import { LockedBackupVault } from '../../constructs/locked-backup-vault';

export interface DrBackupStackProps extends StackProps {
  readonly environmentName: string;
  /** Name of the vault (the primary region's backup plan copies into it by name). */
  readonly vaultName: string;
  /** Vault Lock minimum retention, in days. */
  readonly minRetentionDays: number;
  /**
   * Create a GuardDuty detector in the DR region too (the trail is multi-region, and so is the threat
   * detection); the same config switch as the primary region's detector.
   */
  readonly guardDuty: boolean;
  /** The primary region: GuardDuty findings of this region go to its default event bus (and on to the alerts topic). */
  readonly primaryRegion: string;
}

/**
 * The disaster-recovery region (45 CFR 164.308(a)(7)(ii)(B)): a locked vault with a key of its own that
 * receives a copy of every recovery point, a GuardDuty detector for that region, and a rule forwarding its
 * findings to the primary region's default event bus (where they reach the alerts topic). Deployed before the
 * primary data stack.
 */
export class DrBackupStack extends Stack {
  public readonly vault: backup.BackupVault;
  public readonly detector?: guardduty.CfnDetector;
  public readonly findingsForwarder: GuardDutyFindingsForwarder;

  constructor(scope: Construct, id: string, props: DrBackupStackProps) {
    super(scope, id, props);
    const key = new HipaaKey(this, 'DrBackup', { dataClass: 'backup-dr', aliasPrefix: `hipaa/${props.environmentName}` }).key;
    this.vault = new LockedBackupVault(this, 'Vault', {
      vaultName: props.vaultName,
      encryptionKey: key,
      minRetentionDays: props.minRetentionDays,
    }).vault;
    if (props.guardDuty) this.detector = new GuardDutyDetector(this, 'GuardDuty').detector;
    // Whoever owns this region's detector (ours, or an organization's), its findings must reach the alerts.
    this.findingsForwarder = new GuardDutyFindingsForwarder(this, 'GuardDutyFindings', { targetRegion: props.primaryRegion });
  }
}
