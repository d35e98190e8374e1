import { App, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { STRICT_RULES, StrictThresholds } from '../lib/compliance/rules';
import { APPROVED_STATEFUL_RESOURCES } from '../lib/compliance/stateful';
import { HipaaStrictChecks } from '../lib/compliance/strict-pack';
import { DATA_CLASS_TAG, DataClass } from '../lib/baseline/contract';

const THRESHOLDS: StrictThresholds = {
  auditRetentionYears: 7,
  auditLogRetentionDays: 2557,
  backupRetentionDays: 35,
  rdsBackupRetentionDays: 35,
};

/** Build a fixture stack, synthesize it (tags and aspects applied), run the pack; return `rule@resource-id` findings. */
function findings(build: (s: Stack) => void, thresholds = THRESHOLDS): string[] {
  const app = new App();
  const s = new Stack(app, 'S', { env: { region: 'us-east-1' } });
  build(s);
  app.synth();
  const report = new HipaaStrictChecks(undefined, { thresholds }).validateScope(app);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName}@${(r.constructPath ?? '').split('/')[1]}`));
}
const rule = (id: string, construct: string) => `HIPAA.Strict-${id}@${construct}`;

/** A bucket with every strict control, KMS-encrypted. */
function goodBucket(s: Stack, id: string, extra: Partial<s3.BucketProps> = {}): s3.Bucket {
  return new s3.Bucket(s, id, {
    encryptionKey: new kms.Key(s, `${id}Key`, {
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    }),
    encryption: s3.BucketEncryption.KMS,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    removalPolicy: RemovalPolicy.RETAIN,
    ...extra,
  });
}
const cfn = <T>(c: { node: { defaultChild?: unknown } }) => c.node.defaultChild as T;

describe('HIPAA.Strict rules: a compliant and a non-compliant fixture each', () => {
  test('every rule is in this suite', () => {
    const covered = [
      'KMSKeyRotation',
      'KMSKeyPolicyNoOpenPrincipal',
      'KMSKeyDeletionWindow',
      'S3AuditBucketWORM',
      'S3BucketCustomerKey',
      'S3BucketTLSOnly',
      'S3BucketPublicAccessBlocked',
      'RDSForcedTLS',
      'RDSIAMAuthentication',
      'RDSBackupRetention',
      'RDSCustomerKey',
      'ELBHTTPSOnly',
      'ELBTLSPolicy',
      'ELBHSTS',
      'BackupVaultLocked',
      'BackupPlanRetention',
      'LogGroupRetention',
      'SecurityGroupNoWorldOpen',
      'PrivateSubnetNoDefaultRoute',
      'StatefulRetain',
      'MessagingEncryptedTLSOnly',
      'HIPAAEligibleService',
      'CloudTrailMultiRegionValidated',
      'CloudTrailEncryptedDataEvents',
      'VPCFlowLogsAllTraffic',
      'SecretsManagerRotatedCustomerKey',
      'RDSMultiAZDeletionProtection',
      'RDSNotPublic',
      'BackupPlanDRCopy',
      'ELBHardened',
      'WAFRateLimitManagedRules',
      'NoNATGateway',
      'LambdaPrivateWorker',
      'AlarmsNotify',
      'S3AccessPointTenantIsolated',
      'SecurityGroupEgressRestricted',
      'StatefulLogicalIds',
    ];
    expect(STRICT_RULES.map((r) => r.id).sort()).toEqual(covered.sort());
    for (const r of STRICT_RULES) expect(`${r.info} ${r.section}`).toMatch(/164\.3\d\d/);
  });

  describe('KMS keys', () => {
    const key = (s: Stack, id: string, props: Partial<kms.KeyProps>) =>
      new kms.Key(s, id, { enableKeyRotation: true, pendingWindow: Duration.days(30), removalPolicy: RemovalPolicy.RETAIN, ...props });
    test('KMSKeyRotation', () => {
      const f = findings((s) => {
        key(s, 'Good', {});
        key(s, 'Bad', { enableKeyRotation: false });
      });
      expect(f).toContain(rule('KMSKeyRotation', 'Bad'));
      expect(f).not.toContain(rule('KMSKeyRotation', 'Good'));
    });
    test('KMSKeyDeletionWindow', () => {
      const f = findings((s) => {
        key(s, 'Good', {});
        key(s, 'Bad', { pendingWindow: Duration.days(7) });
      });
      expect(f).toContain(rule('KMSKeyDeletionWindow', 'Bad'));
      expect(f).not.toContain(rule('KMSKeyDeletionWindow', 'Good'));
    });
    test('KMSKeyPolicyNoOpenPrincipal', () => {
      const f = findings((s) => {
        key(s, 'Good', {}).addToResourcePolicy(
          new iam.PolicyStatement({
            principals: [new iam.AnyPrincipal()],
            actions: ['kms:Decrypt'],
            resources: ['*'],
            conditions: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } },
          }),
        );
        key(s, 'Bad', {}).addToResourcePolicy(
          new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }),
        );
      });
      expect(f).toContain(rule('KMSKeyPolicyNoOpenPrincipal', 'Bad'));
      expect(f).not.toContain(rule('KMSKeyPolicyNoOpenPrincipal', 'Good'));
    });
  });

  describe('S3', () => {
    const lock = (b: s3.Bucket, mode: string, years: number) => {
      cfn<s3.CfnBucket>(b).objectLockConfiguration = { objectLockEnabled: 'Enabled', rule: { defaultRetention: { mode, years } } };
    };
    test('S3AuditBucketWORM: COMPLIANCE mode, the audit years, no earlier expiry', () => {
      const f = findings((s) => {
        lock(
          goodBucket(s, 'Good', { objectLockEnabled: true, versioned: true, lifecycleRules: [{ expiration: Duration.days(2558) }] }),
          'COMPLIANCE',
          7,
        );
        lock(goodBucket(s, 'Governance', { objectLockEnabled: true, versioned: true }), 'GOVERNANCE', 7);
        lock(goodBucket(s, 'Short', { objectLockEnabled: true, versioned: true }), 'COMPLIANCE', 5);
        lock(
          goodBucket(s, 'Expires', { objectLockEnabled: true, versioned: true, lifecycleRules: [{ expiration: Duration.days(365) }] }),
          'COMPLIANCE',
          7,
        );
        const tagged = goodBucket(s, 'TaggedNoLock');
        cfn<s3.CfnBucket>(tagged).tags.setTag(DATA_CLASS_TAG, DataClass.AUDIT);
      });
      for (const bad of ['Governance', 'Short', 'Expires', 'TaggedNoLock']) expect(f).toContain(rule('S3AuditBucketWORM', bad));
      expect(f).not.toContain(rule('S3AuditBucketWORM', 'Good'));
    });
    test('S3AuditBucketWORM: noncurrent versions may expire early only when the bucket policy refuses shorter retentions', () => {
      const floor = (b: s3.Bucket, days: number, actions = ['s3:PutObject', 's3:PutObjectRetention']) =>
        b.addToResourcePolicy(
          new iam.PolicyStatement({
            sid: 'DenyRetentionShorterThanAuditYears',
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions,
            resources: [b.arnForObjects('*')],
            conditions: { NumericLessThan: { 's3:object-lock-remaining-retention-days': days } },
          }),
        );
      const audit = (s: Stack, id: string) => {
        const b = goodBucket(s, id, {
          objectLockEnabled: true,
          versioned: true,
          lifecycleRules: [{ expiration: Duration.days(2558), noncurrentVersionExpiration: Duration.days(1) }],
        });
        lock(b, 'COMPLIANCE', 7);
        return b;
      };
      const f = findings((s) => {
        floor(audit(s, 'WithFloor'), 7 * 365);
        audit(s, 'NoFloor');
        floor(audit(s, 'FloorTooLow'), 30);
        floor(audit(s, 'FloorOnPutOnly'), 7 * 365, ['s3:PutObject']);
      });
      expect(f).not.toContain(rule('S3AuditBucketWORM', 'WithFloor'));
      for (const bad of ['NoFloor', 'FloorTooLow', 'FloorOnPutOnly']) expect(f).toContain(rule('S3AuditBucketWORM', bad));
    });
    test('S3AuditBucketWORM follows the configured years', () => {
      const build = (s: Stack) => lock(goodBucket(s, 'Seven', { objectLockEnabled: true, versioned: true }), 'COMPLIANCE', 7);
      expect(findings(build)).not.toContain(rule('S3AuditBucketWORM', 'Seven'));
      expect(findings(build, { ...THRESHOLDS, auditRetentionYears: 8 })).toContain(rule('S3AuditBucketWORM', 'Seven'));
    });
    test('S3BucketCustomerKey: SSE-KMS with a key; SSE-S3 only for tagged access-log buckets', () => {
      const f = findings((s) => {
        goodBucket(s, 'Good');
        goodBucket(s, 'SseS3', { encryption: s3.BucketEncryption.S3_MANAGED, encryptionKey: undefined });
        goodBucket(s, 'AwsManaged', { encryption: s3.BucketEncryption.KMS_MANAGED, encryptionKey: undefined });
        const logs = goodBucket(s, 'AccessLogs', { encryption: s3.BucketEncryption.S3_MANAGED, encryptionKey: undefined });
        cfn<s3.CfnBucket>(logs).tags.setTag(DATA_CLASS_TAG, DataClass.ACCESS_LOGS);
      });
      expect(f).toContain(rule('S3BucketCustomerKey', 'SseS3'));
      expect(f).toContain(rule('S3BucketCustomerKey', 'AwsManaged'));
      expect(f).not.toContain(rule('S3BucketCustomerKey', 'Good'));
      expect(f).not.toContain(rule('S3BucketCustomerKey', 'AccessLogs'));
    });
    test('S3BucketTLSOnly', () => {
      const f = findings((s) => {
        goodBucket(s, 'Good');
        goodBucket(s, 'Bad', { enforceSSL: false });
      });
      expect(f).toContain(rule('S3BucketTLSOnly', 'Bad'));
      expect(f).not.toContain(rule('S3BucketTLSOnly', 'Good'));
    });
    test('S3BucketPublicAccessBlocked', () => {
      const f = findings((s) => {
        goodBucket(s, 'Good');
        goodBucket(s, 'Bad', {
          blockPublicAccess: new s3.BlockPublicAccess({
            blockPublicAcls: true,
            blockPublicPolicy: false,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
          }),
        });
      });
      expect(f).toContain(rule('S3BucketPublicAccessBlocked', 'Bad'));
      expect(f).not.toContain(rule('S3BucketPublicAccessBlocked', 'Good'));
    });
  });

  describe('RDS', () => {
    const db = (s: Stack, id: string, opts: { forceSsl?: string; iam?: boolean; backupDays?: number; key?: boolean } = {}) => {
      const pg = new rds.CfnDBParameterGroup(s, `${id}Params`, {
        family: 'postgres16',
        description: 'x',
        parameters: opts.forceSsl === undefined ? {} : { 'rds.force_ssl': opts.forceSsl },
      });
      const inst = new rds.CfnDBInstance(s, id, {
        engine: 'postgres',
        dbInstanceClass: 'db.r6g.large',
        dbParameterGroupName: pg.ref,
        enableIamDatabaseAuthentication: opts.iam ?? true,
        backupRetentionPeriod: opts.backupDays ?? 35,
        storageEncrypted: true,
        kmsKeyId: opts.key === false ? undefined : new kms.Key(s, `${id}Key`).keyArn,
      });
      inst.cfnOptions.deletionPolicy = inst.cfnOptions.updateReplacePolicy = undefined;
      return inst;
    };
    test('RDSForcedTLS', () => {
      const f = findings((s) => {
        db(s, 'Good', { forceSsl: '1' });
        db(s, 'Off', { forceSsl: '0' });
        db(s, 'Missing');
      });
      expect(f).toContain(rule('RDSForcedTLS', 'Off'));
      expect(f).toContain(rule('RDSForcedTLS', 'Missing'));
      expect(f).not.toContain(rule('RDSForcedTLS', 'Good'));
    });
    test('RDSIAMAuthentication', () => {
      const f = findings((s) => {
        db(s, 'Good', { forceSsl: '1' });
        db(s, 'Bad', { forceSsl: '1', iam: false });
      });
      expect(f).toContain(rule('RDSIAMAuthentication', 'Bad'));
      expect(f).not.toContain(rule('RDSIAMAuthentication', 'Good'));
    });
    test('RDSBackupRetention', () => {
      const f = findings((s) => {
        db(s, 'Good', { forceSsl: '1' });
        db(s, 'Bad', { forceSsl: '1', backupDays: 7 });
      });
      expect(f).toContain(rule('RDSBackupRetention', 'Bad'));
      expect(f).not.toContain(rule('RDSBackupRetention', 'Good'));
    });
    test('RDSCustomerKey', () => {
      const f = findings((s) => {
        db(s, 'Good', { forceSsl: '1' });
        db(s, 'Bad', { forceSsl: '1', key: false });
      });
      expect(f).toContain(rule('RDSCustomerKey', 'Bad'));
      expect(f).not.toContain(rule('RDSCustomerKey', 'Good'));
    });
  });

  describe('load balancer listeners', () => {
    const listener = (s: Stack, id: string, p: Partial<elbv2.CfnListenerProps>) =>
      new elbv2.CfnListener(s, id, {
        loadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/x/1',
        defaultActions: [{ type: 'fixed-response', fixedResponseConfig: { statusCode: '404' } }],
        port: 443,
        protocol: 'HTTPS',
        sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        listenerAttributes: [
          { key: 'routing.http.response.strict_transport_security.header_value', value: 'max-age=31536000; includeSubDomains' },
        ],
        ...p,
      });
    test('ELBHTTPSOnly', () => {
      const f = findings((s) => {
        listener(s, 'Good', {});
        listener(s, 'Http', { protocol: 'HTTP', port: 80, sslPolicy: undefined });
      });
      expect(f).toContain(rule('ELBHTTPSOnly', 'Http'));
      expect(f).not.toContain(rule('ELBHTTPSOnly', 'Good'));
    });
    test('ELBTLSPolicy: the TLS13-1-0 and TLS13-1-1 variants fail', () => {
      const f = findings((s) => {
        listener(s, 'Good', {});
        listener(s, 'Tls13Min10', { sslPolicy: 'ELBSecurityPolicy-TLS13-1-0-2021-06' });
        listener(s, 'Tls13Min11', { sslPolicy: 'ELBSecurityPolicy-TLS13-1-1-2021-06' });
        listener(s, 'Legacy', { sslPolicy: 'ELBSecurityPolicy-2016-08' });
      });
      for (const bad of ['Tls13Min10', 'Tls13Min11', 'Legacy']) expect(f).toContain(rule('ELBTLSPolicy', bad));
      expect(f).not.toContain(rule('ELBTLSPolicy', 'Good'));
    });
    test('ELBHSTS: at least a year, subdomains included', () => {
      const f = findings((s) => {
        listener(s, 'Good', {});
        listener(s, 'Short', {
          listenerAttributes: [
            { key: 'routing.http.response.strict_transport_security.header_value', value: 'max-age=86400; includeSubDomains' },
          ],
        });
        listener(s, 'None', { listenerAttributes: [] });
      });
      expect(f).toContain(rule('ELBHSTS', 'Short'));
      expect(f).toContain(rule('ELBHSTS', 'None'));
      expect(f).not.toContain(rule('ELBHSTS', 'Good'));
    });
  });

  describe('AWS Backup', () => {
    test('BackupVaultLocked', () => {
      const f = findings((s) => {
        new backup.CfnBackupVault(s, 'Good', {
          backupVaultName: 'g',
          lockConfiguration: { minRetentionDays: 35 },
        }).cfnOptions.deletionPolicy = undefined;
        new backup.CfnBackupVault(s, 'Unlocked', { backupVaultName: 'u' });
        new backup.CfnBackupVault(s, 'Short', { backupVaultName: 's', lockConfiguration: { minRetentionDays: 7 } });
      });
      expect(f).toContain(rule('BackupVaultLocked', 'Unlocked'));
      expect(f).toContain(rule('BackupVaultLocked', 'Short'));
      expect(f).not.toContain(rule('BackupVaultLocked', 'Good'));
    });
    test('BackupPlanRetention, copies included', () => {
      const plan = (s: Stack, id: string, keep: number, copyKeep: number) =>
        new backup.CfnBackupPlan(s, id, {
          backupPlan: {
            backupPlanName: id,
            backupPlanRule: [
              {
                ruleName: 'd',
                targetBackupVault: 'v',
                lifecycle: { deleteAfterDays: keep },
                copyActions: [{ destinationBackupVaultArn: 'arn', lifecycle: { deleteAfterDays: copyKeep } }],
              },
            ],
          },
        });
      const f = findings((s) => {
        plan(s, 'Good', 35, 35);
        plan(s, 'Short', 7, 35);
        plan(s, 'ShortCopy', 35, 7);
      });
      expect(f).toContain(rule('BackupPlanRetention', 'Short'));
      expect(f).toContain(rule('BackupPlanRetention', 'ShortCopy'));
      expect(f).not.toContain(rule('BackupPlanRetention', 'Good'));
    });
  });

  describe('log groups', () => {
    test('LogGroupRetention: KMS, a year, the audit years for audit groups', () => {
      const f = findings((s) => {
        const k = new kms.Key(s, 'K');
        const group = (id: string, days: logs.RetentionDays | undefined, key = true, audit = false) => {
          const g = new logs.LogGroup(s, id, {
            retention: days ?? logs.RetentionDays.INFINITE,
            encryptionKey: key ? k : undefined,
            removalPolicy: RemovalPolicy.RETAIN,
          });
          if (audit) cfn<logs.CfnLogGroup>(g).tags.setTag(DATA_CLASS_TAG, DataClass.AUDIT);
        };
        group('Good', logs.RetentionDays.ONE_YEAR);
        group('GoodAudit', logs.RetentionDays.SEVEN_YEARS, true, true);
        group('NoKey', logs.RetentionDays.ONE_YEAR, false);
        group('Short', logs.RetentionDays.SIX_MONTHS);
        group('Forever', undefined);
        group('ShortAudit', logs.RetentionDays.FIVE_YEARS, true, true);
      });
      for (const bad of ['NoKey', 'Short', 'Forever', 'ShortAudit']) expect(f).toContain(rule('LogGroupRetention', bad));
      for (const good of ['Good', 'GoodAudit']) expect(f).not.toContain(rule('LogGroupRetention', good));
    });
  });

  describe('network', () => {
    test('SecurityGroupNoWorldOpen: only 443 on a load balancer may face the world', () => {
      const f = findings((s) => {
        const vpc = new ec2.CfnVPC(s, 'Vpc', { cidrBlock: '10.0.0.0/16' });
        const sg = (id: string, port: number, world = true) =>
          new ec2.CfnSecurityGroup(s, id, {
            groupDescription: id,
            vpcId: vpc.ref,
            securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIp: world ? '0.0.0.0/0' : '10.0.0.0/16' }],
          });
        const lbGroup = sg('LbHttps', 443);
        new elbv2.CfnLoadBalancer(s, 'Lb', { securityGroups: [lbGroup.attrGroupId], subnets: ['subnet-1', 'subnet-2'] });
        sg('Postgres', 5432);
        sg('HttpsNotOnLb', 443);
        sg('Internal', 5432, false);
        new ec2.CfnSecurityGroupIngress(s, 'OpenV6', {
          groupId: lbGroup.attrGroupId,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv6: '::/0',
        });
      });
      for (const bad of ['Postgres', 'HttpsNotOnLb', 'OpenV6']) expect(f).toContain(rule('SecurityGroupNoWorldOpen', bad));
      for (const good of ['LbHttps', 'Internal']) expect(f).not.toContain(rule('SecurityGroupNoWorldOpen', good));
    });
    test('PrivateSubnetNoDefaultRoute: IGW routes from public subnets only, no NAT anywhere', () => {
      const f = findings((s) => {
        const vpc = new ec2.CfnVPC(s, 'Vpc', { cidrBlock: '10.0.0.0/16' });
        const subnet = (id: string, type: string) => {
          const sn = new ec2.CfnSubnet(s, `${id}Subnet`, {
            vpcId: vpc.ref,
            cidrBlock: '10.0.0.0/24',
            tags: [{ key: 'aws-cdk:subnet-type', value: type }],
          });
          const rt = new ec2.CfnRouteTable(s, `${id}Table`, { vpcId: vpc.ref });
          new ec2.CfnSubnetRouteTableAssociation(s, `${id}Assoc`, { subnetId: sn.ref, routeTableId: rt.ref });
          return rt;
        };
        new ec2.CfnRoute(s, 'PublicIgw', {
          routeTableId: subnet('Pub', 'Public').ref,
          destinationCidrBlock: '0.0.0.0/0',
          gatewayId: 'igw-1',
        });
        new ec2.CfnRoute(s, 'IsolatedNat', {
          routeTableId: subnet('Iso', 'Isolated').ref,
          destinationCidrBlock: '0.0.0.0/0',
          natGatewayId: 'nat-1',
        });
        new ec2.CfnRoute(s, 'PrivateIgw', {
          routeTableId: subnet('Priv', 'Private').ref,
          destinationCidrBlock: '0.0.0.0/0',
          gatewayId: 'igw-1',
        });
        new ec2.CfnRoute(s, 'PublicNat', {
          routeTableId: subnet('Pub2', 'Public').ref,
          destinationCidrBlock: '0.0.0.0/0',
          natGatewayId: 'nat-1',
        });
      });
      for (const bad of ['IsolatedNat', 'PrivateIgw', 'PublicNat']) expect(f).toContain(rule('PrivateSubnetNoDefaultRoute', bad));
      expect(f).not.toContain(rule('PrivateSubnetNoDefaultRoute', 'PublicIgw'));
    });
  });

  test('StatefulRetain: keys, buckets, databases, vaults and log groups are retained', () => {
    const f = findings((s) => {
      goodBucket(s, 'Good');
      goodBucket(s, 'Destroyed', { removalPolicy: RemovalPolicy.DESTROY });
      new logs.LogGroup(s, 'DestroyedLogs', { removalPolicy: RemovalPolicy.DESTROY });
      new kms.Key(s, 'LostKey', { removalPolicy: RemovalPolicy.DESTROY });
    });
    for (const bad of ['Destroyed', 'DestroyedLogs', 'LostKey']) expect(f).toContain(rule('StatefulRetain', bad));
    expect(f).not.toContain(rule('StatefulRetain', 'Good'));
  });

  test('MessagingEncryptedTLSOnly: topics and queues', () => {
    const f = findings((s) => {
      const k = new kms.Key(s, 'K');
      new sns.Topic(s, 'GoodTopic', { masterKey: k, enforceSSL: true });
      new sns.Topic(s, 'PlainTopic', { enforceSSL: true });
      new sns.Topic(s, 'NoTlsTopic', { masterKey: k });
      new sqs.Queue(s, 'GoodQueue', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: k, enforceSSL: true });
      new sqs.Queue(s, 'ManagedSseQueue', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
      new sqs.Queue(s, 'NoTlsQueue', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: k });
    });
    for (const bad of ['PlainTopic', 'NoTlsTopic', 'ManagedSseQueue', 'NoTlsQueue'])
      expect(f).toContain(rule('MessagingEncryptedTLSOnly', bad));
    for (const good of ['GoodTopic', 'GoodQueue']) expect(f).not.toContain(rule('MessagingEncryptedTLSOnly', good));
  });

  test('HIPAAEligibleService: resource types outside the allow-list fail', () => {
    const f = findings((s) => {
      goodBucket(s, 'Good');
      new dynamodb.CfnTable(s, 'Table', {
        keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
        attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }],
      });
      new CfnResource(s, 'Lightsail', {
        type: 'AWS::Lightsail::Instance',
        properties: { InstanceName: 'x', BlueprintId: 'b', BundleId: 'n' },
      });
    });
    expect(f).toContain(rule('HIPAAEligibleService', 'Table'));
    expect(f).toContain(rule('HIPAAEligibleService', 'Lightsail'));
    expect(f).not.toContain(rule('HIPAAEligibleService', 'Good'));
  });
  describe('rules that replaced the evidence pack’s own checks', () => {
    const trail = (s: Stack, id: string, props: Record<string, unknown>) =>
      new CfnResource(s, id, {
        type: 'AWS::CloudTrail::Trail',
        properties: {
          IsLogging: true,
          S3BucketName: 'audit',
          IsMultiRegionTrail: true,
          EnableLogFileValidation: true,
          KMSKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k',
          CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:111122223333:log-group:trail:*',
          CloudWatchLogsRoleArn: 'arn:aws:iam::111122223333:role/trail',
          EventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }],
          ...props,
        },
      });
    test('CloudTrailMultiRegionValidated: a single-region trail or one without log file validation fails', () => {
      const f = findings((s) => {
        trail(s, 'Good', {});
        trail(s, 'SingleRegion', { IsMultiRegionTrail: false });
        trail(s, 'Unvalidated', { EnableLogFileValidation: false });
      });
      expect(f).toContain(rule('CloudTrailMultiRegionValidated', 'SingleRegion'));
      expect(f).toContain(rule('CloudTrailMultiRegionValidated', 'Unvalidated'));
      expect(f).not.toContain(rule('CloudTrailMultiRegionValidated', 'Good'));
    });
    test('CloudTrailEncryptedDataEvents: a trail without a key, CloudWatch delivery or S3 data events fails', () => {
      const f = findings((s) => {
        trail(s, 'Good', {});
        trail(s, 'Advanced', {
          EventSelectors: undefined,
          AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'resources.type', Equals: ['AWS::S3::Object'] }] }],
        });
        trail(s, 'NoKey', { KMSKeyId: undefined });
        trail(s, 'NoLogs', { CloudWatchLogsLogGroupArn: undefined });
        trail(s, 'NoDataEvents', { EventSelectors: [{ ReadWriteType: 'All' }] });
      });
      for (const bad of ['NoKey', 'NoLogs', 'NoDataEvents']) expect(f).toContain(rule('CloudTrailEncryptedDataEvents', bad));
      for (const good of ['Good', 'Advanced']) expect(f).not.toContain(rule('CloudTrailEncryptedDataEvents', good));
    });
    test('VPCFlowLogsAllTraffic: every VPC logs ALL traffic; a REJECT-only flow log fails', () => {
      const f = findings((s) => {
        const good = new ec2.CfnVPC(s, 'GoodVpc', { cidrBlock: '10.0.0.0/16' });
        new ec2.CfnFlowLog(s, 'GoodLog', {
          resourceId: good.ref,
          resourceType: 'VPC',
          trafficType: 'ALL',
          logDestinationType: 's3',
          logDestination: 'arn:aws:s3:::logs',
        });
        const bad = new ec2.CfnVPC(s, 'RejectOnlyVpc', { cidrBlock: '10.1.0.0/16' });
        new ec2.CfnFlowLog(s, 'RejectLog', {
          resourceId: bad.ref,
          resourceType: 'VPC',
          trafficType: 'REJECT',
          logDestinationType: 's3',
          logDestination: 'arn:aws:s3:::logs',
        });
        new ec2.CfnVPC(s, 'UnloggedVpc', { cidrBlock: '10.2.0.0/16' });
      });
      expect(f).toContain(rule('VPCFlowLogsAllTraffic', 'RejectLog'));
      expect(f).toContain(rule('VPCFlowLogsAllTraffic', 'RejectOnlyVpc'));
      expect(f).toContain(rule('VPCFlowLogsAllTraffic', 'UnloggedVpc'));
      for (const good of ['GoodVpc', 'GoodLog']) expect(f).not.toContain(rule('VPCFlowLogsAllTraffic', good));
    });
    test('SecretsManagerRotatedCustomerKey: a secret without a customer key or a rotation schedule fails', () => {
      const f = findings((s) => {
        const good = new CfnResource(s, 'Good', {
          type: 'AWS::SecretsManager::Secret',
          properties: { KmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k' },
        });
        new CfnResource(s, 'GoodRotation', {
          type: 'AWS::SecretsManager::RotationSchedule',
          properties: { SecretId: { Ref: good.logicalId }, RotationRules: { ScheduleExpression: 'rate(30 days)' } },
        });
        const unrotated = new CfnResource(s, 'Unrotated', { type: 'AWS::SecretsManager::Secret', properties: { KmsKeyId: 'k' } });
        const awsKey = new CfnResource(s, 'AwsManagedKey', { type: 'AWS::SecretsManager::Secret', properties: {} });
        new CfnResource(s, 'AwsKeyRotation', {
          type: 'AWS::SecretsManager::RotationSchedule',
          properties: { SecretId: { Ref: awsKey.logicalId }, RotationRules: { ScheduleExpression: 'rate(30 days)' } },
        });
        void unrotated;
      });
      expect(f).toContain(rule('SecretsManagerRotatedCustomerKey', 'Unrotated'));
      expect(f).toContain(rule('SecretsManagerRotatedCustomerKey', 'AwsManagedKey'));
      expect(f).not.toContain(rule('SecretsManagerRotatedCustomerKey', 'Good'));
    });
    const db = (s: Stack, id: string, props: Partial<rds.CfnDBInstanceProps>) =>
      new rds.CfnDBInstance(s, id, {
        engine: 'postgres',
        dbInstanceClass: 'db.t4g.micro',
        multiAz: true,
        deletionProtection: true,
        publiclyAccessible: false,
        ...props,
      });
    test('RDSMultiAZDeletionProtection: a single-AZ or unprotected instance fails', () => {
      const f = findings((s) => {
        db(s, 'Good', {});
        db(s, 'SingleAz', { multiAz: false });
        db(s, 'Unprotected', { deletionProtection: false });
      });
      expect(f).toContain(rule('RDSMultiAZDeletionProtection', 'SingleAz'));
      expect(f).toContain(rule('RDSMultiAZDeletionProtection', 'Unprotected'));
      expect(f).not.toContain(rule('RDSMultiAZDeletionProtection', 'Good'));
    });
    test('RDSNotPublic: a public instance, or one that leaves it to the default, fails', () => {
      const f = findings((s) => {
        db(s, 'Good', {});
        db(s, 'Public', { publiclyAccessible: true });
        db(s, 'Unsaid', { publiclyAccessible: undefined });
      });
      expect(f).toContain(rule('RDSNotPublic', 'Public'));
      expect(f).toContain(rule('RDSNotPublic', 'Unsaid'));
      expect(f).not.toContain(rule('RDSNotPublic', 'Good'));
    });
    test('BackupPlanDRCopy: a plan rule without a copy action fails', () => {
      const plan = (s: Stack, id: string, copy: boolean) =>
        new backup.CfnBackupPlan(s, id, {
          backupPlan: {
            backupPlanName: id,
            backupPlanRule: [
              {
                ruleName: 'Daily',
                targetBackupVault: 'v',
                lifecycle: { deleteAfterDays: 35 },
                copyActions: copy
                  ? [
                      {
                        destinationBackupVaultArn: 'arn:aws:backup:us-west-2:111122223333:backup-vault:dr',
                        lifecycle: { deleteAfterDays: 35 },
                      },
                    ]
                  : undefined,
              },
            ],
          },
        });
      const f = findings((s) => {
        plan(s, 'Good', true);
        plan(s, 'OneRegion', false);
      });
      expect(f).toContain(rule('BackupPlanDRCopy', 'OneRegion'));
      expect(f).not.toContain(rule('BackupPlanDRCopy', 'Good'));
    });
    test('ELBHardened: an ALB missing header dropping, strictest desync, deletion protection or access logs fails', () => {
      const attrs = {
        'routing.http.drop_invalid_header_fields.enabled': 'true',
        'routing.http.desync_mitigation_mode': 'strictest',
        'deletion_protection.enabled': 'true',
        'access_logs.s3.enabled': 'true',
      };
      const lb = (s: Stack, id: string, a: Record<string, string>, type = 'application') =>
        new elbv2.CfnLoadBalancer(s, id, {
          type,
          subnets: ['subnet-1', 'subnet-2'],
          loadBalancerAttributes: Object.entries(a).map(([key, value]) => ({ key, value })),
        });
      const f = findings((s) => {
        lb(s, 'Good', attrs);
        lb(s, 'Defensive', { ...attrs, 'routing.http.desync_mitigation_mode': 'defensive' });
        lb(s, 'NoLogs', { ...attrs, 'access_logs.s3.enabled': 'false' });
        lb(s, 'Network', {}, 'network');
      });
      expect(f).toContain(rule('ELBHardened', 'Defensive'));
      expect(f).toContain(rule('ELBHardened', 'NoLogs'));
      for (const good of ['Good', 'Network']) expect(f).not.toContain(rule('ELBHardened', good));
    });
    test('WAFRateLimitManagedRules: a web ACL without a rate rule or the managed groups fails', () => {
      const managed = (name: string, priority: number) => ({
        name,
        priority,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
        visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
      });
      const rate = {
        name: 'rate',
        priority: 0,
        action: { block: {} },
        statement: { rateBasedStatement: { limit: 1000, aggregateKeyType: 'IP' } },
        visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'rate', sampledRequestsEnabled: true },
      };
      const acl = (s: Stack, id: string, rules: wafv2.CfnWebACL.RuleProperty[]) =>
        new wafv2.CfnWebACL(s, id, {
          scope: 'REGIONAL',
          defaultAction: { allow: {} },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: id, sampledRequestsEnabled: true },
          rules,
        });
      const f = findings((s) => {
        acl(s, 'Good', [rate, managed('AWSManagedRulesCommonRuleSet', 1), managed('AWSManagedRulesSQLiRuleSet', 2)]);
        acl(s, 'NoRate', [managed('AWSManagedRulesCommonRuleSet', 1), managed('AWSManagedRulesSQLiRuleSet', 2)]);
        acl(s, 'NoSqli', [rate, managed('AWSManagedRulesCommonRuleSet', 1)]);
      });
      expect(f).toContain(rule('WAFRateLimitManagedRules', 'NoRate'));
      expect(f).toContain(rule('WAFRateLimitManagedRules', 'NoSqli'));
      expect(f).not.toContain(rule('WAFRateLimitManagedRules', 'Good'));
    });
    test('NoNATGateway: a NAT gateway fails, other network resources do not', () => {
      const f = findings((s) => {
        new ec2.CfnVPC(s, 'Vpc', { cidrBlock: '10.0.0.0/16' });
        new ec2.CfnNatGateway(s, 'Nat', { subnetId: 'subnet-1', connectivityType: 'private' });
      });
      expect(f).toContain(rule('NoNATGateway', 'Nat'));
      expect(f).not.toContain(rule('NoNATGateway', 'Vpc'));
    });
    test('LambdaPrivateWorker: a function outside a VPC, without reserved concurrency or without a DLQ fails', () => {
      const fn = (s: Stack, id: string, props: Record<string, unknown>) =>
        new CfnResource(s, id, {
          type: 'AWS::Lambda::Function',
          properties: {
            Role: 'arn:aws:iam::111122223333:role/r',
            Code: { ZipFile: 'exports.handler = async () => {}' },
            Handler: 'index.handler',
            Runtime: 'nodejs22.x',
            VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] },
            ReservedConcurrentExecutions: 2,
            DeadLetterConfig: { TargetArn: 'arn:aws:sqs:us-east-1:111122223333:dlq' },
            ...props,
          },
        });
      const f = findings((s) => {
        fn(s, 'Good', {});
        fn(s, 'Public', { VpcConfig: undefined });
        fn(s, 'Unbounded', { ReservedConcurrentExecutions: undefined });
        fn(s, 'NoDlq', { DeadLetterConfig: undefined });
      });
      for (const bad of ['Public', 'Unbounded', 'NoDlq']) expect(f).toContain(rule('LambdaPrivateWorker', bad));
      expect(f).not.toContain(rule('LambdaPrivateWorker', 'Good'));
    });
    test('AlarmsNotify: an alarm without an action or an event rule without a target fails', () => {
      const alarm = (s: Stack, id: string, actions?: string[]) =>
        new CfnResource(s, id, {
          type: 'AWS::CloudWatch::Alarm',
          properties: {
            MetricName: 'm',
            Namespace: 'n',
            Statistic: 'Sum',
            Period: 60,
            EvaluationPeriods: 1,
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            AlarmActions: actions,
          },
        });
      const f = findings((s) => {
        alarm(s, 'GoodAlarm', ['arn:aws:sns:us-east-1:111122223333:alerts']);
        alarm(s, 'SilentAlarm');
        new CfnResource(s, 'GoodRule', {
          type: 'AWS::Events::Rule',
          properties: {
            EventPattern: { source: ['aws.guardduty'] },
            Targets: [{ Id: 't', Arn: 'arn:aws:sns:us-east-1:111122223333:alerts' }],
          },
        });
        new CfnResource(s, 'SilentRule', { type: 'AWS::Events::Rule', properties: { EventPattern: { source: ['aws.guardduty'] } } });
      });
      expect(f).toContain(rule('AlarmsNotify', 'SilentAlarm'));
      expect(f).toContain(rule('AlarmsNotify', 'SilentRule'));
      for (const good of ['GoodAlarm', 'GoodRule']) expect(f).not.toContain(rule('AlarmsNotify', good));
    });
    test('S3AccessPointTenantIsolated: an internet access point, or one whose policy skips the key or TLS, fails', () => {
      const policy = (conditions: Record<string, unknown>) => ({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: conditions }],
      });
      const full = {
        Bool: { 'aws:SecureTransport': 'false' },
        StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:us-east-1:111122223333:key/t' },
      };
      const bpa = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
      const ap = (s: Stack, id: string, props: Partial<s3.CfnAccessPointProps>) =>
        new s3.CfnAccessPoint(s, id, {
          bucket: 'phi',
          vpcConfiguration: { vpcId: 'vpc-1' },
          publicAccessBlockConfiguration: bpa,
          policy: policy(full),
          ...props,
        });
      const f = findings((s) => {
        ap(s, 'Good', {});
        ap(s, 'Internet', { vpcConfiguration: undefined });
        ap(s, 'NoKey', { policy: policy({ Bool: full.Bool }) });
        ap(s, 'PublicPolicy', { publicAccessBlockConfiguration: { ...bpa, blockPublicPolicy: false } });
      });
      for (const bad of ['Internet', 'NoKey', 'PublicPolicy']) expect(f).toContain(rule('S3AccessPointTenantIsolated', bad));
      expect(f).not.toContain(rule('S3AccessPointTenantIsolated', 'Good'));
    });
  });

  test('SecurityGroupEgressRestricted: world or all-ports egress fails; a prefix list, a group or a port passes', () => {
    const f = findings((s) => {
      const vpc = new ec2.Vpc(s, 'Vpc', {
        maxAzs: 1,
        natGateways: 0,
        subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      });
      const db = new ec2.SecurityGroup(s, 'Db', { vpc, allowAllOutbound: false });
      const worker = new ec2.SecurityGroup(s, 'Worker', { vpc, allowAllOutbound: false });
      worker.addEgressRule(ec2.Peer.prefixList('pl-63a5400a'), ec2.Port.tcp(443), 'S3');
      worker.addEgressRule(db, ec2.Port.tcp(5432), 'PostgreSQL');
      new ec2.SecurityGroup(s, 'AllowAll', { vpc, allowAllOutbound: true });
      new ec2.SecurityGroup(s, 'WorldHttps', { vpc, allowAllOutbound: false }).addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443));
      new ec2.SecurityGroup(s, 'AllPorts', { vpc, allowAllOutbound: false }).addEgressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.allTcp());
      new ec2.SecurityGroup(s, 'Ipv6World', { vpc, allowAllOutbound: false, allowAllIpv6Outbound: true });
      // A group with no egress rule at all keeps EC2's default allow-all rule.
      new ec2.CfnSecurityGroup(s, 'Bare', { groupDescription: 'bare', vpcId: vpc.vpcId });
    });
    for (const bad of ['AllowAll', 'WorldHttps', 'AllPorts', 'Ipv6World', 'Bare'])
      expect(f).toContain(rule('SecurityGroupEgressRestricted', bad));
    for (const good of ['Db', 'Worker']) expect(f).not.toContain(rule('SecurityGroupEgressRestricted', good));
  });

  describe('StatefulLogicalIds: the committed manifest holds at synth', () => {
    /** Findings of the pack on one stack named like a stack of the reference deployment. */
    function stackFindings(stackName: string, build: (s: Stack) => void): string[] {
      const app = new App();
      const s = new Stack(app, 'S', { stackName, env: { region: 'us-east-1' } });
      build(s);
      app.synth();
      const report = new HipaaStrictChecks(undefined, { thresholds: THRESHOLDS }).validateScope(app);
      return report.violations
        .filter((v) => v.ruleName.startsWith('HIPAA.Strict-StatefulLogicalIds'))
        .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName}@${(r.constructPath ?? '').split('/')[1]}`));
    }
    const approved = APPROVED_STATEFUL_RESOURCES['example-Monitoring'];
    /** A topic under an approved logical id, or under another one (a rename). */
    const topic = (s: Stack, logicalId: string) => new sns.CfnTopic(s, logicalId).overrideLogicalId(logicalId);

    test('the manifest lists the reference deployment', () => {
      expect(approved).toEqual(['AWS::SNS::Topic AlertsTopicCF7C81C9']);
    });
    test('compliant: every approved logical id is there', () => {
      expect(stackFindings('example-Monitoring', (s) => topic(s, 'AlertsTopicCF7C81C9'))).toEqual([]);
    });
    test('non-compliant: a renamed resource names the missing logical id, on the new resource', () => {
      expect(stackFindings('example-Monitoring', (s) => topic(s, 'RenamedTopic'))).toEqual([
        'HIPAA.Strict-StatefulLogicalIds[AWS::SNS::Topic AlertsTopicCF7C81C9]@RenamedTopic',
      ]);
    });
    test('a stack the manifest does not list is out of scope (your own apps)', () => {
      expect(stackFindings('my-own-Monitoring', (s) => topic(s, 'RenamedTopic'))).toEqual([]);
    });
  });
});
