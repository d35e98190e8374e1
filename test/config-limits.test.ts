/**
 * The limits the config checks rely on, measured on the real constructs so they cannot drift apart:
 * resources per tenant in a shard stack, and the VPC sizes the subnet plan fits.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HipaaVpc } from '../constructs/hipaa-vpc';
import { VPC_PREFIX } from '../lib/config/cidr';
import { maxTenantsPerShard, overfullShards, tenantStackResources } from '../lib/config/shards';
import { TenantsStack } from '../lib/stacks/tenants-stack';

const env = { account: '111122223333', region: 'us-east-1' };

test('tenantStackResources(n) is the resource count of a tenant shard stack holding n tenants', () => {
  const app = new App();
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
  const counts = [1, 3].map((n) => {
    const stack = new TenantsStack(app, `Tenants${n}`, {
      env,
      environmentName: 'example',
      tenants: Array.from({ length: n }, (_, i) => ({ id: `t${String(i).padStart(4, '0')}` })),
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
    const template = assembly.getStackByName(stack.stackName).template as { Resources: object };
    expect({ n, resources: Object.keys(template.Resources).length }).toEqual({ n, resources: tenantStackResources(n) });
  }
  expect(tenantStackResources(maxTenantsPerShard())).toBeLessThanOrEqual(500);
  expect(tenantStackResources(maxTenantsPerShard() + 1)).toBeGreaterThan(500);
});

test('overfullShards finds exactly the shards past the limit', () => {
  const ids = Array.from({ length: maxTenantsPerShard() + 1 }, (_, i) => `t${String(i).padStart(4, '0')}`);
  expect([...overfullShards(ids, 1).keys()]).toEqual([0]);
  expect(overfullShards(ids.slice(1), 1).size).toBe(0);
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
