/**
 * The limits the config checks rely on, measured on the real constructs so they cannot drift apart:
 * resources per tenant in a shard stack, and the VPC sizes the subnet plan fits.
 */
import * as fs from 'fs';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HipaaVpc } from '../constructs/hipaa-vpc';
import { VPC_PREFIX } from '../lib/config/cidr';
import {
  CLOUDFORMATION_MAX_RESOURCES,
  STACK_MAX_RESOURCES,
  STACK_MAX_TEMPLATE_BYTES,
  TENANT_STACK_RESOURCES,
  TENANTS_PER_SHARD,
  tenantStackResources,
} from '../lib/config/shards';
import { TenantsStack } from '../lib/stacks/tenants-stack';

const env = { account: '111122223333', region: 'us-east-1' };

test('tenantStackResources(n) is the resource count of a tenant shard stack holding n tenants; a full shard stays under our ceilings', () => {
  // As `cdk synth` builds it: with the CDK metadata resource (the `fixed` one).
  const app = new App({ analyticsReporting: true });
  const base = new Stack(app, 'Base', { env });
  const vpc = new ec2.Vpc(base, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const bucket = new s3.Bucket(base, 'Bucket');
  const workerRole = new iam.Role(base, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const database = rds.DatabaseInstance.fromDatabaseInstanceAttributes(base, 'Db', {
    instanceIdentifier: 'db',
    instanceEndpointAddress: 'db.example.internal',
    port: 5433,
    securityGroups: [],
    instanceResourceId: 'db-ABCDEFGHIJKLMNOP',
  });
  // The largest tenants there are: 32-character ids, a different retention in every class (one Deny each).
  const tenant = (i: number) => ({
    id: `t${String(i).padStart(31, '0')}`,
    slot: i,
    retention: { records: `${(i % 2000) + 3}d`, documents: `${(i % 2000) + 2}d`, exports: `${(i % 2000) + 1}h` },
  });
  const counts = [1, 3, TENANTS_PER_SHARD].map((n) => {
    const stack = new TenantsStack(app, `Tenants${n}`, {
      env,
      environmentName: 'example-environment',
      tenants: Array.from({ length: n }, (_, i) => tenant(i)),
      bucket,
      vpc,
      workerRole,
      databaseProvisioner: 'arn:aws:lambda:us-east-1:111122223333:function:provisioner',
      database,
    });
    return { n, stack };
  });
  const assembly = app.synth();
  for (const { n, stack } of counts) {
    const artifact = assembly.getStackByName(stack.stackName);
    const template = artifact.template as { Resources: object };
    expect({ n, resources: Object.keys(template.Resources).length }).toEqual({ n, resources: tenantStackResources(n) });
    if (n === TENANTS_PER_SHARD) expect(fs.statSync(artifact.templateFullPath).size).toBeLessThan(STACK_MAX_TEMPLATE_BYTES);
  }
  expect(tenantStackResources(TENANTS_PER_SHARD)).toBeLessThan(STACK_MAX_RESOURCES);
  // Room for one more resource per tenant before the ceiling, and CloudFormation's limit is further still.
  expect(TENANT_STACK_RESOURCES.fixed + (TENANT_STACK_RESOURCES.perTenant + 1) * TENANTS_PER_SHARD).toBeLessThan(STACK_MAX_RESOURCES);
  expect(STACK_MAX_RESOURCES).toBeLessThan(CLOUDFORMATION_MAX_RESOURCES);
});

test(`the subnet plan fits a /${VPC_PREFIX.max} VPC and not a /${VPC_PREFIX.max + 1}`, () => {
  const vpcAt = (prefix: number) => {
    const stack = new Stack(new App(), 'Net', { env });
    new HipaaVpc(stack, 'Vpc', {
      cidr: `10.40.0.0/${prefix}`,
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      flowLogKey: new kms.Key(stack, 'Key'),
    });
  };
  expect(() => vpcAt(VPC_PREFIX.max)).not.toThrow();
  expect(() => vpcAt(VPC_PREFIX.max + 1)).toThrow(/exceeds remaining space/);
});
