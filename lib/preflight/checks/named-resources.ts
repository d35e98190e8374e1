import { DescribeBackupVaultCommand } from '@aws-sdk/client-backup';
import { DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { AwsClients } from '../clients';
import { DeployedStack } from '../deployment';
import { errorName, errorRow } from '../errors';
import { Check, CheckResult } from '../types';

/** How to tell whether a resource with a fixed name exists already. */
interface NamedType {
  readonly prop: string;
  readonly action: string;
  /** True when it exists; false when the name is free. */
  readonly exists: (clients: AwsClients, region: string, name: string) => Promise<boolean>;
  /** How to delete a leftover, for the "what to do" column. */
  readonly remove: (name: string, region: string) => string;
}

const notFound = (names: string[]) => (e: unknown) => {
  if (names.includes(errorName(e))) return false;
  throw e;
};

/** Resource types whose names the templates may fix, and the read call that finds an existing one. */
export const NAMED_TYPES: Readonly<Record<string, NamedType>> = {
  'AWS::Logs::LogGroup': {
    prop: 'LogGroupName',
    action: 'logs:DescribeLogGroups',
    exists: async (c, region, name) =>
      ((await c.logs(region).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))).logGroups ?? []).some(
        (g) => g.logGroupName === name,
      ),
    remove: (name, region) =>
      `aws logs delete-log-group --log-group-name ${name} --region ${region} (export it first if it holds audit records)`,
  },
  'AWS::Backup::BackupVault': {
    prop: 'BackupVaultName',
    action: 'backup:DescribeBackupVault',
    exists: (c, region, name) =>
      c
        .backup(region)
        .send(new DescribeBackupVaultCommand({ BackupVaultName: name }))
        .then(() => true, notFound(['ResourceNotFoundException'])),
    remove: (name, region) =>
      `if empty and not under Vault Lock: aws backup delete-backup-vault --backup-vault-name ${name} --region ${region}; a locked vault cannot be deleted: choose another environment name`,
  },
  'AWS::KMS::Alias': {
    prop: 'AliasName',
    action: 'kms:DescribeKey',
    exists: (c, region, name) =>
      c
        .kms(region)
        .send(new DescribeKeyCommand({ KeyId: name }))
        .then(() => true, notFound(['NotFoundException'])),
    remove: (name, region) => `aws kms delete-alias --alias-name ${name} --region ${region}, or choose another environment name`,
  },
  'AWS::S3::Bucket': {
    prop: 'BucketName',
    action: 's3:HeadBucket',
    exists: (c, region, name) =>
      c
        .s3(region)
        .send(new HeadBucketCommand({ Bucket: name }))
        .then(
          () => true,
          // 403: the name is taken by another account (bucket names are global).
          (e: unknown) => (errorName(e) === 'Forbidden' ? true : notFound(['NotFound', 'NoSuchBucket'])(e)),
        ),
    remove: () => 'choose another environment name (bucket names are global)',
  },
  'AWS::RDS::DBInstance': {
    prop: 'DBInstanceIdentifier',
    action: 'rds:DescribeDBInstances',
    exists: (c, region, name) =>
      c
        .rds(region)
        .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: name }))
        .then(() => true, notFound(['DBInstanceNotFoundFault', 'DBInstanceNotFound'])),
    remove: (name) => `the instance ${name} exists: choose another environment name, or delete it after a final snapshot`,
  },
};

/** Whether the existing resource is this very stack's (a redeploy), not a leftover. */
async function ownedByStack(clients: AwsClients, stack: DeployedStack, logicalId: string, name: string): Promise<boolean> {
  try {
    const r = await clients
      .cloudFormation(stack.region)
      .send(new DescribeStackResourceCommand({ StackName: stack.stackName, LogicalResourceId: logicalId }));
    return r?.StackResourceDetail?.PhysicalResourceId === name;
  } catch (e) {
    if (errorName(e) === 'ValidationError') return false; // stack or resource absent
    throw e;
  }
}

/**
 * Resources the templates give fixed names. One that already exists and is not the stack's own makes the
 * create fail with AlreadyExists: typically a resource with DeletionPolicy Retain left by a failed first
 * create, or another deployment with the same environment name.
 */
export const checkNamedResources: Check = async ({ deployment, clients }) => {
  const rows: CheckResult[] = [];
  for (const stack of deployment.stacks) {
    for (const [logicalId, resource] of Object.entries(stack.resources)) {
      const t = NAMED_TYPES[resource.Type];
      const name = t ? resource.Properties?.[t.prop] : undefined;
      if (!t || typeof name !== 'string') continue;
      const check = `name ${name} (${stack.region})`;
      try {
        if (!(await t.exists(clients, stack.region, name))) {
          rows.push({ check, result: 'pass', finding: `free (${resource.Type})`, action: '' });
        } else if (await ownedByStack(clients, stack, logicalId, name)) {
          rows.push({ check, result: 'pass', finding: `exists and belongs to ${stack.stackName}`, action: '' });
        } else {
          const retained = resource.DeletionPolicy === 'Retain' ? ' (retained by an earlier failed create?)' : '';
          rows.push({
            check,
            result: 'fail',
            finding: `a ${resource.Type} with this name already exists outside ${stack.stackName}${retained}: the create fails with AlreadyExists`,
            action: t.remove(name, stack.region),
          });
        }
      } catch (e) {
        rows.push(errorRow(check, t.action, e));
      }
    }
  }
  return rows;
};
