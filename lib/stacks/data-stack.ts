import { Aws, Stack, StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BackupProtection } from '../../constructs/backup-protection';
import { DEFAULT_DATABASE_PORT, HipaaPostgres } from '../../constructs/hipaa-postgres';
import { HipaaVpc } from '../../constructs/hipaa-vpc';
import { RDS_MAX_BACKUP_RETENTION_DAYS } from '../config/schema';

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
}

/** The database, its credentials and rotation, the security groups around it, and its backups. */
export class DataStack extends Stack {
  public readonly postgres: HipaaPostgres;
  public readonly databaseSecurityGroup: ec2.SecurityGroup;
  /** The security group every worker uses: egress only to the endpoints and the database. */
  public readonly workersSecurityGroup: ec2.SecurityGroup;
  public readonly backup: BackupProtection;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const vpc = props.network.vpc;
    const port = ec2.Port.tcp(DEFAULT_DATABASE_PORT);

    this.databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc,
      description: `PostgreSQL: ${DEFAULT_DATABASE_PORT} from the workers and the rotation function only`,
      allowAllOutbound: false,
    });
    this.workersSecurityGroup = new ec2.SecurityGroup(this, 'WorkersSecurityGroup', {
      vpc,
      description: `Workers: egress to the VPC endpoints (443) and the database (${DEFAULT_DATABASE_PORT}) only`,
      allowAllOutbound: false,
    });
    const rotationSecurityGroup = new ec2.SecurityGroup(this, 'RotationSecurityGroup', {
      vpc,
      description: `Secret rotation: egress to the VPC endpoints (443) and the database (${DEFAULT_DATABASE_PORT}) only`,
      allowAllOutbound: false,
    });
    for (const [name, sg] of [
      ['workers', this.workersSecurityGroup],
      ['rotation', rotationSecurityGroup],
    ] as const) {
      sg.addEgressRule(props.network.endpointSecurityGroup, ec2.Port.tcp(443), 'HTTPS to the VPC interface endpoints');
      sg.addEgressRule(this.databaseSecurityGroup, port, 'PostgreSQL');
      this.databaseSecurityGroup.addIngressRule(sg, port, `PostgreSQL from the ${name}`);
    }

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
      backupRetentionDays: Math.min(props.backupRetentionDays, RDS_MAX_BACKUP_RETENTION_DAYS),
      rotation: {
        subnets: props.network.workerSubnets,
        securityGroup: rotationSecurityGroup,
        endpoint: props.network.endpoint('SecretsManager'),
      },
    });

    this.backup = new BackupProtection(this, 'Backup', {
      vaultName: `hipaa-${props.environmentName}-primary`,
      encryptionKey: props.backupKey,
      retentionDays: props.backupRetentionDays,
      copyToVaultArn: `arn:${Aws.PARTITION}:backup:${props.drVault.region}:${Aws.ACCOUNT_ID}:backup-vault:${props.drVault.name}`,
      resources: [backup.BackupResource.fromRdsDatabaseInstance(this.postgres.instance)],
    });
  }
}
