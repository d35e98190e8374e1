import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { AccessLogBucket } from '../constructs/access-log-bucket';
import { EncryptedLogGroup } from '../constructs/encrypted-log-group';
import { EncryptedQueue } from '../constructs/encrypted-queue';
import { HipaaKey } from '../constructs/hipaa-key';
import { HipaaVpc } from '../constructs/hipaa-vpc';
import { LockedBackupVault } from '../constructs/locked-backup-vault';
import { ManagedPolicyRole } from '../constructs/managed-policy-role';
import { PrivateWorker } from '../constructs/private-worker';
import { SecureBucket } from '../constructs/secure-bucket';
import { TlsOnlyLoadBalancer } from '../constructs/tls-only-load-balancer';
import { WormAuditBucket } from '../constructs/worm-audit-bucket';

// Assets are not under test here: no Lambda bundling.
const stack = () => new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S', { env: { region: 'us-east-1' } });
const key = (s: Stack) => new kms.Key(s, 'K');

describe('constructs refuse insecure settings, naming the prop', () => {
  test('HipaaKey: deletion window 7-30 days, a sane data class', () => {
    expect(() => new HipaaKey(stack(), 'K', { dataClass: 'phi', pendingWindowDays: 3 })).toThrow(
      /pendingWindowDays 3 must be from 7 to 30/,
    );
    expect(() => new HipaaKey(stack(), 'K', { dataClass: 'Bad Class' })).toThrow(/dataClass "Bad Class"/);
  });

  test('EncryptedLogGroup: retention of at least a year, a real CloudWatch value', () => {
    expect(() => new EncryptedLogGroup(stack(), 'L', { encryptionKey: key(stack()), retentionDays: 30 })).toThrow(
      /retentionDays 30 must be one of: 365/,
    );
    expect(() => new EncryptedLogGroup(stack(), 'L', { encryptionKey: key(stack()), retentionDays: 1000 })).toThrow(/retentionDays 1000/);
  });

  test('SecureBucket: SSE-KMS unless a reason for SSE-S3 is given; a lifecycle is required', () => {
    expect(() => new SecureBucket(stack(), 'B', { lifecycleRules: [{ expirationDays: 1 } as never] })).toThrow(
      /encryptionKey is required unless sseS3Reason/,
    );
    const s = stack();
    expect(() => new SecureBucket(s, 'B', { encryptionKey: key(s), lifecycleRules: [] })).toThrow(/lifecycleRules must state/);
  });

  test('WormAuditBucket: at least 6 years', () => {
    const s = stack();
    const logs = new AccessLogBucket(s, 'Logs', { retentionDays: 400 }).bucket;
    expect(() => new WormAuditBucket(s, 'A', { encryptionKey: key(s), retentionYears: 5, serverAccessLogsBucket: logs })).toThrow(
      /retentionYears 5 must be an integer from 6/,
    );
  });

  test('AccessLogBucket: at least a year', () => {
    expect(() => new AccessLogBucket(stack(), 'L', { retentionDays: 30 })).toThrow(/retentionDays 30 must be an integer of at least 365/);
  });

  test('EncryptedQueue: a dead-letter queue unless it is one', () => {
    const s = stack();
    expect(() => new EncryptedQueue(s, 'Q', { encryptionKey: key(s) })).toThrow(/give it a deadLetterQueue, or set isDeadLetterQueue/);
  });

  test('LockedBackupVault: a positive minimum retention', () => {
    const s = stack();
    expect(() => new LockedBackupVault(s, 'V', { vaultName: 'v', encryptionKey: key(s), minRetentionDays: 0 })).toThrow(
      /minRetentionDays 0/,
    );
  });

  test('HipaaVpc: at least two availability zones', () => {
    const s = stack();
    expect(() => new HipaaVpc(s, 'N', { cidr: '10.1.0.0/16', availabilityZones: ['us-east-1a'], flowLogKey: key(s) })).toThrow(
      /at least two zones/,
    );
  });

  describe('with a VPC', () => {
    const setup = () => {
      const s = stack();
      const k = key(s);
      const net = new HipaaVpc(s, 'N', { cidr: '10.1.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'], flowLogKey: k });
      const sg = new ec2.SecurityGroup(s, 'Sg', { vpc: net.vpc, allowAllOutbound: false });
      return { s, k, net, sg };
    };

    test('PrivateWorker: no secret-looking environment variable', () => {
      const { s, k, net, sg } = setup();
      expect(
        () =>
          new PrivateWorker(s, 'W', {
            entry: path.join(__dirname, '..', 'lib', 'handlers', 'health.ts'),
            vpc: net.vpc,
            subnets: net.workerSubnets,
            securityGroup: sg,
            logsKey: k,
            dataKey: k,
            description: 'x',
            environment: { DB_PASSWORD: 'hunter2' },
          }),
      ).toThrow(/environment variable "DB_PASSWORD" looks like a secret/);
    });

    test('a user adds a worker in a few lines and gets every guarantee', () => {
      const { s, k, net, sg } = setup();
      const worker = new PrivateWorker(s, 'Reports', {
        entry: path.join(__dirname, '..', 'lib', 'handlers', 'health.ts'),
        vpc: net.vpc,
        subnets: net.workerSubnets,
        securityGroup: sg,
        logsKey: k,
        dataKey: k,
        description: 'Nightly reports',
      });
      const bucket = new s3.Bucket(s, 'Reports-Bucket');
      bucket.grantRead(worker);
      const t = Template.fromStack(s);
      t.hasResourceProperties('AWS::Lambda::Function', {
        ReservedConcurrentExecutions: 10,
        VpcConfig: {
          SubnetIds: [{ Ref: Match.stringLikeRegexp('^NVpcworkersSubnet1') }, { Ref: Match.stringLikeRegexp('^NVpcworkersSubnet2') }],
          SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Sg'), 'GroupId'] }],
        },
      });
      t.resourceCountIs('AWS::IAM::Policy', 0);
    });

    test('TlsOnlyLoadBalancer: TLS 1.3 policies with a TLS 1.2+ minimum, HSTS at least a year', () => {
      const { s, net } = setup();
      const common = {
        vpc: net.vpc,
        subnets: net.edgeSubnets,
        certificate: acm.Certificate.fromCertificateArn(
          s,
          'C',
          'arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012',
        ),
        accessLogsBucket: new s3.Bucket(s, 'L'),
        defaultTargetGroups: [],
      };
      expect(() => new TlsOnlyLoadBalancer(s, 'A', { ...common, sslPolicy: elbv2.SslPolicy.TLS13_10 })).toThrow(
        /sslPolicy ELBSecurityPolicy-TLS13-1-0-2021-06 is not allowed/,
      );
      expect(() => new TlsOnlyLoadBalancer(s, 'B', { ...common, sslPolicy: elbv2.SslPolicy.TLS13_11 })).toThrow(/is not allowed/);
      expect(() => new TlsOnlyLoadBalancer(s, 'D', { ...common, hstsMaxAgeSeconds: 3600 })).toThrow(
        /hstsMaxAgeSeconds 3600 must be at least 31536000/,
      );
    });
  });

  test('ManagedPolicyRole: grants land in a managed policy, never inline', () => {
    const s = stack();
    const role = new ManagedPolicyRole(s, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new s3.Bucket(s, 'B').grantRead(role);
    const t = Template.fromStack(s);
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^R') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']) })]) },
    });
  });
});
