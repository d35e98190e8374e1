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
import { STRICT_RULES, StrictThresholds } from '../lib/compliance/rules';
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
});
