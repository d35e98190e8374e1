import * as path from 'path';
import { Aws, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BackupProtection } from '../../constructs/backup-protection';
import { DEFAULT_DATABASE_PORT, HipaaPostgres } from '../../constructs/hipaa-postgres';
import { HipaaVpc } from '../../constructs/hipaa-vpc';
import { PhiDataBucket } from '../../constructs/phi-data-bucket';
import { PrivateWorker } from '../../constructs/private-worker';
import { acceptFinding, acceptNagFinding } from '../baseline/acknowledge';
import { HANDLER_ENV } from '../baseline/contract';
import { NONCURRENT_VERSION_DAYS, rdsBackupRetentionDaysFor } from '../baseline/thresholds';

export interface DataStackProps extends StackProps {
  readonly environmentName: string;
  readonly network: HipaaVpc;
  readonly databaseKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly backupKey: kms.IKey;
  readonly database: { instanceClass: string; allocatedStorageGiB: number; maxAllocatedStorageGiB: number; engineVersion: string };
  /** Retention of the database logs (audit class), in days. */
  readonly databaseLogRetentionDays: number;
  readonly backupRetentionDays: number;
  /** Name and region of the locked vault in the DR region that receives backup copies. */
  readonly drVault: { readonly name: string; readonly region: string };
  /** Key of the PHI data bucket (default; tenants write under their own keys). */
  readonly dataKey: kms.IKey;
  /** Alias name of the data key (for queues). */
  readonly dataKeyAliasName: string;
  /** Bucket receiving S3 server access logs. */
  readonly accessLogsBucket: s3.IBucket;
  /** Tenants and their lifecycle days per data class. */
  /** The distinct retentions (days) tenant objects use: one PHI-bucket lifecycle rule each. */
  readonly retentionDays: readonly number[];
  /** Reserved concurrency of the tenant database provisioner. */
  readonly provisionerReservedConcurrency: number;
}

/** The database, its credentials and rotation, the security groups around it, and its backups. */
export class DataStack extends Stack {
  public readonly postgres: HipaaPostgres;
  public readonly databaseSecurityGroup: ec2.SecurityGroup;
  public readonly backup: BackupProtection;
  public readonly phiBucket: s3.Bucket;
  /** Creates each tenant's schema and role (service token of `Custom::TenantDatabaseSchema`). */
  public readonly tenantDatabaseProvisioner: PrivateWorker;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const vpc = props.network.vpc;
    const port = ec2.Port.tcp(DEFAULT_DATABASE_PORT);

    this.databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc,
      description: `PostgreSQL: ${DEFAULT_DATABASE_PORT} from the database workers and the rotation function only`,
      allowAllOutbound: false,
    });
    const rotationSecurityGroup = new ec2.SecurityGroup(this, 'RotationSecurityGroup', {
      vpc,
      description: `Secret rotation: egress to the VPC endpoints (443) and the database (${DEFAULT_DATABASE_PORT}) only`,
      allowAllOutbound: false,
    });
    rotationSecurityGroup.addEgressRule(props.network.endpointSecurityGroup, ec2.Port.tcp(443), 'HTTPS to the VPC interface endpoints');
    rotationSecurityGroup.addEgressRule(this.databaseSecurityGroup, port, 'PostgreSQL');
    this.databaseSecurityGroup.addIngressRule(rotationSecurityGroup, port, 'PostgreSQL from the rotation');

    this.postgres = new HipaaPostgres(this, 'Postgres', {
      vpc,
      subnets: props.network.dataSubnets,
      securityGroup: this.databaseSecurityGroup,
      instanceIdentifier: `hipaa-${props.environmentName}-postgres`,
      encryptionKey: props.databaseKey,
      port: DEFAULT_DATABASE_PORT,
      logsKey: props.logsKey,
      logRetentionDays: props.databaseLogRetentionDays,
      engineVersion: props.database.engineVersion,
      instanceClass: props.database.instanceClass,
      allocatedStorageGiB: props.database.allocatedStorageGiB,
      maxAllocatedStorageGiB: props.database.maxAllocatedStorageGiB,
      backupRetentionDays: rdsBackupRetentionDaysFor(props.backupRetentionDays),
      rotation: {
        subnets: props.network.workerSubnets,
        securityGroup: rotationSecurityGroup,
        endpoint: props.network.endpoint('SecretsManager'),
      },
    });

    const phiData = new PhiDataBucket(this, 'PhiData', {
      encryptionKey: props.dataKey,
      serverAccessLogsBucket: props.accessLogsBucket,
      retentionDays: props.retentionDays,
    });
    this.phiBucket = phiData.bucket;
    acceptNagFinding(this.phiBucket.node.defaultChild!, 'S3BucketReplicationEnabled', {
      reason:
        'Object-level replication to the DR region would need a replica bucket and a replica of every tenant key there, managed from a DR-region stack; not built yet.',
      compensatingControl: `AWS Backup takes daily recovery points of the bucket into the locked vault and copies each to the DR region; versioning keeps overwritten objects ${NONCURRENT_VERSION_DAYS.default} days`,
    });

    acceptFinding(this.phiBucket.node.defaultChild!, {
      ruleId: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
      reason:
        'Tenant data must be deletable when its configured retention ends (1 hour to 7 years, or none) and when a tenant is offboarded; Object Lock would forbid both. Audit records, which must not be deletable, live in the WORM audit bucket.',
      compensatingControl: `versioning (overwritten or deleted objects kept ${NONCURRENT_VERSION_DAYS.default} days), daily AWS Backup recovery points in a Vault-Locked vault copied to the DR region, object access only through each tenant's access point, CloudTrail S3 data events`,
    });

    this.tenantDatabaseProvisioner = new PrivateWorker(this, 'TenantDatabaseProvisioner', {
      entry: path.join(__dirname, '..', 'handlers', 'tenant-db-provisioner.ts'),
      description: 'Custom resource: creates each tenant database schema and IAM-authenticated role',
      vpc,
      subnets: props.network.workerSubnets,
      logsKey: props.logsKey,
      dataKey: props.dataKey,
      dataKeyAliasName: props.dataKeyAliasName,
      reservedConcurrency: props.provisionerReservedConcurrency,
      timeout: Duration.minutes(2),
      environment: { [HANDLER_ENV.dbSecretArn]: this.postgres.secret.secretArn },
    });
    this.tenantDatabaseProvisioner.grantReadSecret(this.postgres.secret);
    // Its own security group: the endpoints (Secrets Manager, KMS), S3 (the CloudFormation response bucket,
    // through the gateway endpoint: without it CloudFormation waits an hour for an answer) and the database.
    props.network.allowServiceAccess(this.tenantDatabaseProvisioner, { s3: true });
    this.tenantDatabaseProvisioner.connections.allowTo(this.databaseSecurityGroup, port, 'PostgreSQL from the tenant database provisioner');

    this.backup = new BackupProtection(this, 'Backup', {
      vaultName: `hipaa-${props.environmentName}-primary`,
      encryptionKey: props.backupKey,
      retentionDays: props.backupRetentionDays,
      copyToVaultArn: `arn:${Aws.PARTITION}:backup:${props.drVault.region}:${Aws.ACCOUNT_ID}:backup-vault:${props.drVault.name}`,
      resources: [
        backup.BackupResource.fromRdsDatabaseInstance(this.postgres.instance),
        backup.BackupResource.fromArn(this.phiBucket.bucketArn),
      ],
    });
    // AWS Backup reads (backup) and writes (restore) the PHI bucket directly, not through an access point.
    phiData.allowDirectAccess(this.backup.role);
  }
}
