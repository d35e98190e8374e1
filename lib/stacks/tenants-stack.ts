import { CfnWaitConditionHandle, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TenantResources } from '../../constructs/tenant-resources';
import { DeploymentConfig, tenantRetentionDays } from '../config/schema';

export interface TenantsStackProps extends StackProps {
  readonly environmentName: string;
  /** The tenants of this shard (slots shard × TENANTS_PER_SHARD to (shard + 1) × TENANTS_PER_SHARD - 1). */
  readonly tenants: DeploymentConfig['tenants'];
  readonly bucket: s3.IBucket;
  readonly vpc: ec2.IVpc;
  readonly workerRole: iam.IRole;
  readonly databaseProvisioner: string;
  readonly database: rds.IDatabaseInstance;
}

/**
 * One shard of tenants: each tenant's key, access point, role and database schema. A shard without tenants
 * keeps a single no-cost placeholder (CloudFormation needs a resource), so its stack stays in the app.
 */
export class TenantsStack extends Stack {
  public readonly tenants: Record<string, TenantResources> = {};

  constructor(scope: Construct, id: string, props: TenantsStackProps) {
    super(scope, id, props);
    if (props.tenants.length === 0) new CfnWaitConditionHandle(this, 'EmptyShard');
    for (const t of props.tenants) {
      this.tenants[t.id] = new TenantResources(this, t.id, {
        tenantId: t.id,
        environment: props.environmentName,
        bucket: props.bucket,
        vpc: props.vpc,
        workerRole: props.workerRole,
        retentionDays: tenantRetentionDays(t),
        databaseProvisioner: props.databaseProvisioner,
        database: props.database,
      });
    }
  }
}
