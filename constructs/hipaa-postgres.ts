import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acceptFinding } from '../lib/baseline/acknowledge';
import { DEFAULT_DATABASE_PORT } from '../lib/baseline/contract';
import { RDS_BACKUP_RETENTION_DAYS, SECRET_ROTATION_DAYS } from '../lib/baseline/thresholds';
import { EncryptedLogGroup } from './encrypted-log-group';
import { ManagedPolicyRole } from './managed-policy-role';

// Public API of hipaa-stack/constructs; defined once in lib/baseline/contract.ts (the handlers read it too).
export { DEFAULT_DATABASE_PORT };

/** Characters left out of generated passwords (they break connection strings and shells). */
const EXCLUDED_PASSWORD_CHARACTERS = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\';

/** Daily automated-backup window (UTC). */
export const POSTGRES_BACKUP_WINDOW = '03:00-04:00';
/** Weekly maintenance window (UTC): after the backup window, ending before AWS Backup's 06:00 start. */
export const POSTGRES_MAINTENANCE_WINDOW = 'sun:04:15-sun:05:15';

/** Every log type RDS for PostgreSQL can export to CloudWatch Logs. */
export const POSTGRES_LOG_EXPORTS = ['postgresql', 'upgrade', 'iam-db-auth-error'] as const;

export interface HipaaPostgresProps {
  readonly vpc: ec2.IVpc;
  /** Isolated subnets for the instance and its standby. */
  readonly subnets: ec2.SubnetSelection;
  /** Security group of the instance (the caller decides who may connect). */
  readonly securityGroup: ec2.ISecurityGroup;
  /** Fixed instance identifier; the exported log groups are named after it. */
  readonly instanceIdentifier: string;
  /** Key for storage, snapshots, Performance Insights and the master secret. */
  readonly encryptionKey: kms.IKey;
  /** Key for the exported log groups (must admit CloudWatch Logs). */
  readonly logsKey: kms.IKey;
  /** Retention of the exported logs (database audit records), in days. */
  readonly logRetentionDays: number;
  /** PostgreSQL version, `<major>.<minor>`. */
  readonly engineVersion: string;
  /** Instance class, e.g. `db.r6g.large`. */
  readonly instanceClass: string;
  readonly allocatedStorageGiB: number;
  readonly maxAllocatedStorageGiB: number;
  /**
   * Days of automated backups (the point-in-time recovery window); RDS allows at most 35.
   * @default 35
   */
  readonly backupRetentionDays?: number;
  /**
   * Master user name (never the engine default `postgres`).
   * @default 'hipaa_admin'
   */
  readonly masterUsername?: string;
  /** Subnets and security group of the rotation function, and the Secrets Manager endpoint it uses. */
  readonly rotation: {
    readonly subnets: ec2.SubnetSelection;
    readonly securityGroup: ec2.ISecurityGroup;
    readonly endpoint: ec2.IInterfaceVpcEndpoint;
  };
  /**
   * TCP port of the database.
   * @default DEFAULT_DATABASE_PORT (5433)
   */
  readonly port?: number;
  /**
   * Days between master-password rotations.
   * @default 30
   */
  readonly rotationDays?: number;
}

/**
 * RDS PostgreSQL for PHI (45 CFR 164.312(a)(2)(iv), (b), (d), (e)(1), 164.308(a)(7)).
 *
 * A Multi-AZ instance (synchronous standby in a second AZ, automatic failover) in isolated subnets;
 * storage, snapshots and Performance Insights encrypted with a customer-managed key; automated backups for
 * point-in-time recovery across the whole window; deletion protection and a final snapshot; TLS forced
 * (`rds.force_ssl = 1`, TLS 1.2 minimum) in a parameter group it owns; IAM database authentication;
 * pgAudit, connection logging and every log type exported into KMS-encrypted log groups; enhanced
 * monitoring; minor-version auto-upgrades; never publicly accessible; a non-default master user whose
 * password lives in Secrets Manager and is rotated by a function in the isolated subnets.
 */
export class HipaaPostgres extends Construct {
  public readonly instance: rds.DatabaseInstance;
  public readonly secret: secretsmanager.ISecret;
  public readonly parameterGroup: rds.ParameterGroup;
  public readonly logGroups: Record<(typeof POSTGRES_LOG_EXPORTS)[number], EncryptedLogGroup>;

  constructor(scope: Construct, id: string, props: HipaaPostgresProps) {
    super(scope, id);
    const backupRetentionDays = props.backupRetentionDays ?? RDS_BACKUP_RETENTION_DAYS.max;
    if (backupRetentionDays < RDS_BACKUP_RETENTION_DAYS.min || backupRetentionDays > RDS_BACKUP_RETENTION_DAYS.max) {
      throw new Error(
        `HipaaPostgres backupRetentionDays ${backupRetentionDays} must be from ${RDS_BACKUP_RETENTION_DAYS.min} to ${RDS_BACKUP_RETENTION_DAYS.max}`,
      );
    }
    const masterUsername = props.masterUsername ?? 'hipaa_admin';
    if (['postgres', 'admin', 'root', 'rdsadmin'].includes(masterUsername)) {
      throw new Error(`HipaaPostgres masterUsername "${masterUsername}" is a default name; choose another`);
    }
    const [major] = props.engineVersion.split('.');
    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.of(props.engineVersion, major) });

    this.parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: 'hipaa-stack: TLS forced, pgAudit, connection logging',
      parameters: {
        'rds.force_ssl': '1',
        ssl_min_protocol_version: 'TLSv1.2',
        password_encryption: 'scram-sha-256',
        shared_preload_libraries: 'pg_stat_statements,pgaudit',
        'pgaudit.log': 'ddl,role',
        log_connections: '1',
        log_disconnections: '1',
      },
    });

    // Pre-create the log groups RDS writes to, so they are KMS-encrypted and kept as long as audit data.
    this.logGroups = Object.fromEntries(
      POSTGRES_LOG_EXPORTS.map((type) => [
        type,
        new EncryptedLogGroup(this, `Log-${type}`, {
          encryptionKey: props.logsKey,
          retentionDays: props.logRetentionDays,
          logGroupName: `/aws/rds/instance/${props.instanceIdentifier}/${type}`,
          audit: true,
        }),
      ]),
    ) as HipaaPostgres['logGroups'];

    const monitoringRole = new ManagedPolicyRole(this, 'MonitoringRole', {
      assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonRDSEnhancedMonitoringRole')],
      description: 'RDS enhanced monitoring publishes OS metrics',
    });

    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      engine,
      instanceIdentifier: props.instanceIdentifier,
      port: props.port ?? DEFAULT_DATABASE_PORT,
      instanceType: new ec2.InstanceType(props.instanceClass.replace(/^db\./, '')),
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [props.securityGroup],
      multiAz: true,
      publiclyAccessible: false,
      storageType: rds.StorageType.GP3,
      allocatedStorage: props.allocatedStorageGiB,
      maxAllocatedStorage: props.maxAllocatedStorageGiB,
      storageEncrypted: true,
      storageEncryptionKey: props.encryptionKey,
      credentials: rds.Credentials.fromGeneratedSecret(masterUsername, {
        encryptionKey: props.encryptionKey,
        excludeCharacters: EXCLUDED_PASSWORD_CHARACTERS,
      }),
      parameterGroup: this.parameterGroup,
      iamAuthentication: true,
      backupRetention: Duration.days(backupRetentionDays),
      // Set explicitly, apart from each other and from the AWS Backup plan (BackupProtection, 06:00 UTC).
      preferredBackupWindow: POSTGRES_BACKUP_WINDOW,
      preferredMaintenanceWindow: POSTGRES_MAINTENANCE_WINDOW,
      copyTagsToSnapshot: true,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      autoMinorVersionUpgrade: true,
      cloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
      monitoringInterval: Duration.seconds(60),
      monitoringRole,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.encryptionKey,
      performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
    });
    for (const g of Object.values(this.logGroups)) this.instance.node.addDependency(g);
    this.secret = this.instance.secret!;

    const cfnInstance = this.instance.node.defaultChild!;
    acceptFinding(cfnInstance, {
      ruleId: 'cdk-validator-cfnguard::rds_instance_logging_enabled_check',
      reason:
        'CT.RDS.PR.14 accepts exactly the log types postgresql and upgrade; RDS for PostgreSQL also exports iam-db-auth-error (IAM authentication failures), which this instance exports too.',
      compensatingControl:
        'all three PostgreSQL log types are exported into KMS-encrypted log groups kept for the audit years; cdk-nag HIPAA.Security-RDSLoggingEnabled passes',
    });
    if (Token.isUnresolved(props.encryptionKey.keyArn) && Stack.of(props.encryptionKey) !== Stack.of(this)) {
      acceptFinding(cfnInstance, {
        ruleId: 'cdk-validator-cfnguard::rds_storage_encrypted_kms_key_check',
        reason:
          'CT.RDS.PR.30 accepts only a literal key ARN or a reference inside the same template; the database key lives in the Keys stack, so KmsKeyId is a cross-stack reference the rule cannot follow.',
        compensatingControl:
          'StorageEncrypted is true with KmsKeyId set to the customer-managed database key; cdk-nag HIPAA.Security-RDSStorageEncrypted passes',
      });
    }

    // SecretRotation directly (not addRotationSingleUser) so the rotation function's access to the database
    // is a rule on the literal port rather than on the instance's port token.
    const port = props.port ?? DEFAULT_DATABASE_PORT;
    new secretsmanager.SecretRotation(this, 'Rotation', {
      application: secretsmanager.SecretRotationApplication.POSTGRES_ROTATION_SINGLE_USER,
      secret: this.secret,
      target: new ec2.Connections({ securityGroups: [props.securityGroup], defaultPort: ec2.Port.tcp(port) }),
      vpc: props.vpc,
      vpcSubnets: props.rotation.subnets,
      securityGroup: props.rotation.securityGroup,
      endpoint: props.rotation.endpoint,
      automaticallyAfter: Duration.days(props.rotationDays ?? SECRET_ROTATION_DAYS.default),
      excludeCharacters: EXCLUDED_PASSWORD_CHARACTERS,
    });
  }
}
