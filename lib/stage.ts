import { Stage, StageProps } from 'aws-cdk-lib';
import { DEFAULT_DATABASE_PORT } from '../constructs/hipaa-postgres';
import { STACK_IDS, tenantStackId } from './baseline/contract';
import { Construct } from 'constructs';
import { auditLogRetentionDays, availabilityZones, DeploymentConfig, retentionDaysInUse } from './config/schema';
import { AuditStack } from './stacks/audit-stack';
import { DataStack } from './stacks/data-stack';
import { DrBackupStack } from './stacks/dr-backup-stack';
import { EdgeStack } from './stacks/edge-stack';
import { MonitoringStack } from './stacks/monitoring-stack';
import { KeysStack } from './stacks/keys-stack';
import { NetworkStack } from './stacks/network-stack';
import { TenantsStack } from './stacks/tenants-stack';
import { WorkersStack } from './stacks/workers-stack';
import { placeTenants } from './tenants';

export interface HipaaStageProps extends StageProps {
  readonly config: DeploymentConfig;
}

/** One environment of the reference deployment: every stack, wired together, from one validated config. */
export class HipaaStage extends Stage {
  public readonly keys: KeysStack;
  public readonly network: NetworkStack;
  public readonly audit: AuditStack;
  public readonly drBackup: DrBackupStack;
  public readonly data: DataStack;
  public readonly workers: WorkersStack;
  public readonly edge: EdgeStack;
  /** Tenant shard stacks, one per 50 slots up to the highest slot in use, also those that hold no tenant. */
  public readonly tenants: TenantsStack[] = [];
  public readonly monitoring: MonitoringStack;

  constructor(scope: Construct, id: string, props: HipaaStageProps) {
    super(scope, id, props);
    const config = props.config;
    const env = { account: config.account, region: config.region };
    const common = { env, terminationProtection: true };

    const auditTrailName = `hipaa-${config.environment}-audit`;
    this.keys = new KeysStack(this, STACK_IDS.keys, { ...common, environmentName: config.environment, auditTrailName });
    this.network = new NetworkStack(this, STACK_IDS.network, {
      ...common,
      cidr: config.vpcCidr,
      availabilityZones: availabilityZones(config),
      logsKey: this.keys.auditKey,
    });
    this.audit = new AuditStack(this, STACK_IDS.audit, {
      ...common,
      environmentName: config.environment,
      trailName: auditTrailName,
      auditKey: this.keys.auditKey,
      auditKeyAliasName: this.keys.auditKeyAliasName,
      auditRetentionYears: config.auditRetentionYears,
      auditLogRetentionDays: auditLogRetentionDays(config),
      auditSigningPeriodMinutes: config.auditSigningPeriodMinutes,
      network: this.network.network,
    });

    const drVaultName = `hipaa-${config.environment}-dr`;
    this.drBackup = new DrBackupStack(this, STACK_IDS.drBackup, {
      env: { account: config.account, region: config.drRegion },
      terminationProtection: true,
      environmentName: config.environment,
      vaultName: drVaultName,
      minRetentionDays: config.backupRetentionDays,
      guardDuty: config.guardDuty.enabled,
      primaryRegion: config.region,
    });
    this.data = new DataStack(this, STACK_IDS.data, {
      ...common,
      environmentName: config.environment,
      network: this.network.network,
      databaseKey: this.keys.databaseKey,
      logsKey: this.keys.auditKey,
      backupKey: this.keys.backupKey,
      database: config.database,
      databaseLogRetentionDays: auditLogRetentionDays(config),
      backupRetentionDays: config.backupRetentionDays,
      drVault: { name: drVaultName, region: config.drRegion },
      dataKey: this.keys.dataKey,
      dataKeyAliasName: this.keys.dataKeyAliasName,
      accessLogsBucket: this.audit.accessLogBucket,
      provisionerReservedConcurrency: config.workers.reservedConcurrency.tenantDatabaseProvisioner,
      retentionDays: retentionDaysInUse(config.tenants),
    });
    // The backup plan copies into the DR vault by name: that vault must exist first.
    this.data.addStackDependency(this.drBackup, 'backup copies go to the DR-region vault');

    this.workers = new WorkersStack(this, STACK_IDS.workers, {
      ...common,
      network: this.network.network,
      logsKey: this.keys.auditKey,
      dataKey: this.keys.dataKey,
      dataKeyAliasName: this.keys.dataKeyAliasName,
      database: this.data.postgres.instance,
      databaseSecurityGroup: this.data.databaseSecurityGroup,
      databasePort: DEFAULT_DATABASE_PORT,
      reservedConcurrency: config.workers.reservedConcurrency,
      auditBucket: this.audit.auditBucket,
      auditKey: this.keys.auditKey,
    });

    // Tenants, placed by their slot (50 slots per stack, lib/config/shards.ts): no stack can pass the
    // CloudFormation limits whatever the tenant ids, and adding or removing a tenant never moves another.
    // Every shard stack up to the highest slot exists, with or without tenants: removing the last tenant of a
    // shard then updates its stack (the tenant's role, access point and policy go) instead of leaving it
    // deployed, unseen by cdk deploy. Offboarded tenants (`offboarded: true`) keep their slot, so the stack of
    // the highest slot stays too (docs/tenants.md).
    const shards = placeTenants(config.tenants);
    for (let k = 0; k < shards.length; k++) {
      this.tenants.push(
        new TenantsStack(this, tenantStackId(k), {
          ...common,
          environmentName: config.environment,
          tenants: shards[k],
          bucket: this.data.phiBucket,
          vpc: this.network.network.vpc,
          workerRole: this.workers.consumer.role,
          databaseProvisioner: this.data.tenantDatabaseProvisioner.function.functionArn,
          database: this.data.postgres.instance,
        }),
      );
    }

    this.edge = new EdgeStack(this, STACK_IDS.edge, {
      ...common,
      environmentName: config.environment,
      network: this.network.network,
      domainName: config.domainName,
      certificate: config.certificate,
      accessLogsBucket: this.audit.accessLogBucket,
      logsKey: this.keys.auditKey,
      apiFunction: this.workers.api.function,
      waf: config.waf,
    });

    this.monitoring = new MonitoringStack(this, STACK_IDS.monitoring, {
      ...common,
      alertsKey: this.keys.auditKey,
      alertEmails: config.alertEmails,
      trailLogGroup: this.audit.trail.logGroup,
      loadBalancer: this.edge.alb.loadBalancer,
      database: this.data.postgres.instance,
      databaseStorageGiB: config.database.allocatedStorageGiB,
      deadLetterQueues: {
        Work: this.workers.workDeadLetterQueue,
        Api: this.workers.api.deadLetterQueue,
        Consumer: this.workers.consumer.deadLetterQueue,
      },
      guardDuty: config.guardDuty.enabled,
    });
  }
}
