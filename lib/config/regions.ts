/**
 * Regions a deployment may use, with the availability zones the VPC is pinned to.
 *
 * The zones are pinned (not looked up) so that `cdk synth` needs no AWS credentials.
 * Every region listed here offers all the services the stacks use (RDS PostgreSQL Multi-AZ,
 * AWS Backup with Vault Lock, WAFv2, GuardDuty, S3 Object Lock) and is covered by the AWS BAA.
 */
export const ALLOWED_REGIONS: Readonly<Record<string, readonly string[]>> = {
  'us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  'us-east-2': ['us-east-2a', 'us-east-2b', 'us-east-2c'],
  'us-west-2': ['us-west-2a', 'us-west-2b', 'us-west-2c'],
  'ca-central-1': ['ca-central-1a', 'ca-central-1b', 'ca-central-1d'],
  'eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  'eu-central-1': ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'],
  'ap-southeast-2': ['ap-southeast-2a', 'ap-southeast-2b', 'ap-southeast-2c'],
};

export const ALLOWED_REGION_NAMES = Object.keys(ALLOWED_REGIONS);
