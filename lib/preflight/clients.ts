import { ACMClient } from '@aws-sdk/client-acm';
import { BackupClient } from '@aws-sdk/client-backup';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { GuardDutyClient } from '@aws-sdk/client-guardduty';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

/** The region Route 53 (a global service) is called in. */
const ROUTE53_REGION = 'us-east-1';

/**
 * One SDK v3 client per service and region, made on first use with the default credential chain
 * (environment, profile, SSO, instance role). Preflight only ever sends Get/List/Describe/Head commands.
 */
export class AwsClients {
  private readonly cache = new Map<string, unknown>();

  private of<T>(kind: string, region: string, make: (cfg: { region: string; maxAttempts: number }) => T): T {
    const key = `${kind}:${region}`;
    if (!this.cache.has(key)) this.cache.set(key, make({ region, maxAttempts: 4 }));
    return this.cache.get(key) as T;
  }

  acm = (region: string) => this.of('acm', region, (c) => new ACMClient(c));
  backup = (region: string) => this.of('backup', region, (c) => new BackupClient(c));
  cloudFormation = (region: string) => this.of('cfn', region, (c) => new CloudFormationClient(c));
  logs = (region: string) => this.of('logs', region, (c) => new CloudWatchLogsClient(c));
  guardDuty = (region: string) => this.of('guardduty', region, (c) => new GuardDutyClient(c));
  kms = (region: string) => this.of('kms', region, (c) => new KMSClient(c));
  lambda = (region: string) => this.of('lambda', region, (c) => new LambdaClient(c));
  rds = (region: string) => this.of('rds', region, (c) => new RDSClient(c));
  route53 = () => this.of('route53', ROUTE53_REGION, (c) => new Route53Client(c));
  s3 = (region: string) => this.of('s3', region, (c) => new S3Client(c));
  sns = (region: string) => this.of('sns', region, (c) => new SNSClient(c));
  ssm = (region: string) => this.of('ssm', region, (c) => new SSMClient(c));
  sts = (region: string) => this.of('sts', region, (c) => new STSClient(c));
}
