import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { HipaaKey } from '../../constructs/hipaa-key';
import { STACK_OUTPUTS } from '../baseline/contract';

export interface KeysStackProps extends StackProps {
  /** Environment name, used in key aliases. */
  readonly environmentName: string;
  /** Name of the audit trail (CloudTrail may decrypt with the audit key for that trail only). */
  readonly auditTrailName: string;
}

/**
 * Customer-managed KMS keys, one per data class (45 CFR 164.312(a)(2)(iv)). Keys are stateful: this stack
 * holds nothing else, so the stateless stacks can be replaced without touching a key.
 */
export class KeysStack extends Stack {
  /** RDS storage, snapshots, Performance Insights and the database secret. */
  public readonly databaseKey: kms.Key;
  /** The WORM audit bucket, CloudTrail, every CloudWatch log group, the security-alerts topic. */
  public readonly auditKey: kms.Key;
  /** Alias name of the audit key (a literal, for services that accept one, such as CloudTrail). */
  public readonly auditKeyAliasName: string;
  /** AWS Backup vaults. */
  public readonly backupKey: kms.Key;
  /** Application data: the PHI bucket, worker queues. */
  public readonly dataKey: kms.Key;
  /** Alias name of the application-data key. */
  public readonly dataKeyAliasName: string;

  constructor(scope: Construct, id: string, props: KeysStackProps) {
    super(scope, id, props);
    const aliasPrefix = `hipaa/${props.environmentName}`;

    this.databaseKey = new HipaaKey(this, 'Database', { dataClass: 'database', aliasPrefix }).key;

    const audit = new HipaaKey(this, 'AuditAndLogs', { dataClass: 'audit-and-logs', aliasPrefix });
    audit.allowCloudWatchLogs();
    // The audit bucket uses an S3 Bucket Key under this key, so the trail also needs kms:Decrypt.
    audit.allowCloudTrail([this.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: props.auditTrailName })]);
    audit.allowServiceOfThisAccount('AllowCloudWatchAlarmsToEncryptedTopics', 'cloudwatch.amazonaws.com', [
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    ]);
    this.auditKey = audit.key;
    this.auditKeyAliasName = audit.aliasName;

    this.backupKey = new HipaaKey(this, 'Backup', { dataClass: 'backup', aliasPrefix }).key;
    const appData = new HipaaKey(this, 'AppData', { dataClass: 'app-data', aliasPrefix });
    this.dataKey = appData.key;
    this.dataKeyAliasName = appData.aliasName;

    for (const [name, key] of Object.entries({
      [STACK_OUTPUTS.auditKey]: this.auditKey,
      [STACK_OUTPUTS.databaseKey]: this.databaseKey,
      [STACK_OUTPUTS.backupKey]: this.backupKey,
      [STACK_OUTPUTS.appDataKey]: this.dataKey,
    })) {
      new CfnOutput(this, name, { value: key.keyArn, description: 'Customer-managed key (live-verify, audit writer)' });
    }
  }
}
