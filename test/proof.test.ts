import { Aspects, CfnResource, IAspect, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { IConstruct } from 'constructs';
import { STRICT_RULES } from '../lib/compliance/rules';
import { CONTROLS } from '../lib/evidence/controls';
import { HipaaStage } from '../lib/stage';
import { synthReference, testConfig } from './helpers/synth';

/**
 * Proof that the gate refuses each weakening: every case makes one non-compliant edit to the built app,
 * after construction (an Aspect or an L1 property edit, as a careless change would), and synthesis with the
 * default plugins must report a violation of the expected rule on the edited resource. Cases that touch
 * different resources share a synthesis.
 */
interface Case {
  readonly control: string;
  readonly edit: (stage: HipaaStage) => void;
  /** Expected rule and a fragment of the construct path it must be reported on. */
  readonly expect: { rule: string; at: string };
}

/** Edit every L1 resource of a type under a scope, after construction. */
function onEach<T extends CfnResource>(
  scope: IConstruct,
  type: string,
  edit: (r: T) => void,
  filter: (r: T) => boolean = () => true,
): void {
  Aspects.of(scope).add(
    new (class implements IAspect {
      visit(node: IConstruct): void {
        if (CfnResource.isCfnResource(node) && node.cfnResourceType === type && filter(node as T)) edit(node as T);
      }
    })(),
  );
}
const l1 = <T>(c: IConstruct): T => c.node.defaultChild as T;
const auditBucket = (s: HipaaStage) => l1<s3.CfnBucket>(s.audit.auditBucket);
const dbInstance = (s: HipaaStage) => l1<rds.CfnDBInstance>(s.data.postgres.instance);
const listener = (s: HipaaStage) => l1<elbv2.CfnListener>(s.edge.alb.listener);
const trail = (s: HipaaStage) => s.audit.trail.trail;
/** Edit only the first resource of a type under a scope (one alarm of many). */
function onFirst<T extends CfnResource>(scope: IConstruct, type: string, edit: (r: T) => void): void {
  let done = false;
  onEach<T>(scope, type, (r) => {
    if (!done) edit(r);
    done = true;
  });
}

const BATCHES: Case[][] = [
  [
    {
      control: 'KMS key rotation',
      edit: (s) => (l1<kms.CfnKey>(s.keys.databaseKey).enableKeyRotation = false),
      expect: { rule: 'HIPAA.Strict-KMSKeyRotation', at: 'Keys/Database/Key' },
    },
    {
      control: 'no wildcard principal without a condition in a key policy',
      edit: (s) =>
        s.keys.dataKey.addToResourcePolicy(
          new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }),
        ),
      expect: { rule: 'HIPAA.Strict-KMSKeyPolicyNoOpenPrincipal', at: 'Keys/AppData/Key' },
    },
    {
      control: 'key deletion window 30 days',
      edit: (s) => (l1<kms.CfnKey>(s.keys.backupKey).pendingWindowInDays = 7),
      expect: { rule: 'HIPAA.Strict-KMSKeyDeletionWindow', at: 'Keys/Backup/Key' },
    },
    {
      control: 'Object Lock in COMPLIANCE mode',
      edit: (s) =>
        (auditBucket(s).objectLockConfiguration = {
          objectLockEnabled: 'Enabled',
          rule: { defaultRetention: { mode: 'GOVERNANCE', years: 7 } },
        }),
      expect: { rule: 'HIPAA.Strict-S3AuditBucketWORM', at: 'Audit/AuditBucket' },
    },
    {
      control: 'access-log bucket: TLS-only bucket policy',
      edit: (s) =>
        onEach<s3.CfnBucketPolicy>(
          s.audit,
          'AWS::S3::BucketPolicy',
          (p) => {
            const doc = Stack.of(p).resolve(p.policyDocument) as { Statement: Array<{ Condition?: { Bool?: Record<string, string> } }> };
            p.policyDocument = {
              ...doc,
              Statement: doc.Statement.filter((st) => st.Condition?.Bool?.['aws:SecureTransport'] === undefined),
            };
          },
          (p) => p.node.path.includes('AccessLogs'),
        ),
      expect: { rule: 'HIPAA.Strict-S3BucketTLSOnly', at: 'Audit/AccessLogs' },
    },
    {
      control: 'RDS forced TLS',
      edit: (s) => (l1<rds.CfnDBParameterGroup>(s.data.postgres.parameterGroup).parameters = { 'rds.force_ssl': '0' }),
      expect: { rule: 'HIPAA.Strict-RDSForcedTLS', at: 'Data/Postgres/Instance' },
    },
    {
      control: 'TLS 1.3 policy with a TLS 1.2 minimum',
      edit: (s) => (listener(s).sslPolicy = 'ELBSecurityPolicy-TLS13-1-1-2021-06'),
      expect: { rule: 'HIPAA.Strict-ELBTLSPolicy', at: 'Edge/Alb/LoadBalancer/Https' },
    },
    {
      control: 'Vault Lock',
      edit: (s) => (l1<backup.CfnBackupVault>(s.data.backup.vault).lockConfiguration = undefined),
      expect: { rule: 'HIPAA.Strict-BackupVaultLocked', at: 'Data/Backup/Vault' },
    },
    {
      control: 'log group retention of at least a year',
      edit: (s) => (l1<logs.CfnLogGroup>(s.network.network.flowLogGroup).retentionInDays = 30),
      expect: { rule: 'HIPAA.Strict-LogGroupRetention', at: 'Network/Network/FlowLogs' },
    },
    {
      control: 'no database port open to the world',
      edit: (s) => s.data.databaseSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(5433), 'careless'),
      expect: { rule: 'HIPAA.Strict-SecurityGroupNoWorldOpen', at: 'Data/DatabaseSecurityGroup' },
    },
    {
      control: 'no default route from worker subnets',
      edit: (s) =>
        new ec2.CfnRoute(s.network, 'CarelessNatRoute', {
          routeTableId: s.network.network.vpc.isolatedSubnets[0].routeTable.routeTableId,
          destinationCidrBlock: '0.0.0.0/0',
          natGatewayId: 'nat-0123456789abcdef0',
        }),
      expect: { rule: 'HIPAA.Strict-PrivateSubnetNoDefaultRoute', at: 'Network/CarelessNatRoute' },
    },
    {
      control: 'SNS topics encrypted with a KMS key',
      edit: (s) => (l1<sns.CfnTopic>(s.monitoring.alerts.topic).kmsMasterKeyId = undefined),
      expect: { rule: 'HIPAA.Strict-MessagingEncryptedTLSOnly', at: 'Monitoring/Alerts/Topic' },
    },
    {
      control: 'only HIPAA-eligible services',
      edit: (s) =>
        new CfnResource(s.workers, 'CarelessLightsail', {
          type: 'AWS::Lightsail::Instance',
          properties: { InstanceName: 'x', BlueprintId: 'b', BundleId: 'n' },
        }),
      expect: { rule: 'HIPAA.Strict-HIPAAEligibleService', at: 'Workers/CarelessLightsail' },
    },
    {
      control: 'a multi-region trail',
      edit: (s) => (trail(s).isMultiRegionTrail = false),
      expect: { rule: 'HIPAA.Strict-CloudTrailMultiRegionValidated', at: 'Audit/Trail' },
    },
    {
      control: 'flow logs of ALL traffic (reduced to rejected traffic)',
      edit: (s) => onEach<ec2.CfnFlowLog>(s.network, 'AWS::EC2::FlowLog', (f) => (f.trafficType = 'REJECT')),
      expect: { rule: 'HIPAA.Strict-VPCFlowLogsAllTraffic', at: 'Network/Network' },
    },
    {
      control: 'the database is not publicly accessible',
      edit: (s) => (dbInstance(s).publiclyAccessible = true),
      expect: { rule: 'HIPAA.Strict-RDSNotPublic', at: 'Data/Postgres/Instance' },
    },
    {
      control: 'load balancer hardening (desync mitigation)',
      edit: (s) => s.edge.alb.loadBalancer.setAttribute('routing.http.desync_mitigation_mode', 'defensive'),
      expect: { rule: 'HIPAA.Strict-ELBHardened', at: 'Edge/Alb/LoadBalancer' },
    },
    {
      control: 'workers egress only to the destinations they need',
      edit: (s) => s.workers.consumer.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'careless'),
      expect: { rule: 'HIPAA.Strict-SecurityGroupEgressRestricted', at: 'Workers/Consumer/SecurityGroup' },
    },
  ],
  [
    {
      control: 'Object Lock retention of the audit years',
      edit: (s) =>
        (auditBucket(s).objectLockConfiguration = {
          objectLockEnabled: 'Enabled',
          rule: { defaultRetention: { mode: 'COMPLIANCE', years: 2 } },
        }),
      expect: { rule: 'HIPAA.Strict-S3AuditBucketWORM', at: 'Audit/AuditBucket' },
    },
    {
      control: 'RDS IAM authentication',
      edit: (s) => (dbInstance(s).enableIamDatabaseAuthentication = false),
      expect: { rule: 'HIPAA.Strict-RDSIAMAuthentication', at: 'Data/Postgres/Instance' },
    },
    {
      control: 'HSTS for a year',
      edit: (s) => (listener(s).listenerAttributes = []),
      expect: { rule: 'HIPAA.Strict-ELBHSTS', at: 'Edge/Alb/LoadBalancer/Https' },
    },
    {
      control: 'backup plan retention (through an escape-hatch override)',
      edit: (s) =>
        onEach<backup.CfnBackupPlan>(s.data, 'AWS::Backup::BackupPlan', (p) =>
          p.addPropertyOverride('BackupPlan.BackupPlanRule.0.Lifecycle.DeleteAfterDays', 7),
        ),
      expect: { rule: 'HIPAA.Strict-BackupPlanRetention', at: 'Data/Backup/Plan' },
    },
    {
      control: 'audit log groups kept the audit years',
      edit: (s) => (l1<logs.CfnLogGroup>(s.audit.trail.logGroup).retentionInDays = 365),
      expect: { rule: 'HIPAA.Strict-LogGroupRetention', at: 'Audit/Trail/Logs' },
    },
    {
      control: 'every bucket encrypted with a customer key',
      edit: (s) =>
        (l1<s3.CfnBucket>(s.audit.auditBucket).bucketEncryption = {
          serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
        }),
      expect: { rule: 'HIPAA.Strict-S3BucketCustomerKey', at: 'Audit/AuditBucket' },
    },
    {
      control: 'stateful resources retained (a key)',
      edit: (s) => s.keys.dataKey.applyRemovalPolicy(RemovalPolicy.DESTROY),
      expect: { rule: 'HIPAA.Strict-StatefulRetain', at: 'Keys/AppData/Key' },
    },
    {
      control: 'HTTPS-only listeners',
      edit: (s) =>
        s.edge.alb.loadBalancer.addListener('CarelessHttp', {
          port: 80,
          open: false,
          defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443' }),
        }),
      expect: { rule: 'HIPAA.Strict-ELBHTTPSOnly', at: 'Edge/Alb/LoadBalancer/CarelessHttp' },
    },
    {
      control: 'S3 data events in the trail',
      edit: (s) => (trail(s).eventSelectors = [{ readWriteType: 'All', includeManagementEvents: true }]),
      expect: { rule: 'HIPAA.Strict-CloudTrailEncryptedDataEvents', at: 'Audit/Trail' },
    },
    {
      control: 'Multi-AZ standby',
      edit: (s) => (dbInstance(s).multiAz = false),
      expect: { rule: 'HIPAA.Strict-RDSMultiAZDeletionProtection', at: 'Data/Postgres/Instance' },
    },
    {
      control: 'WAF rate limits',
      edit: (s) => {
        const acl = s.edge.webAcl.webAcl;
        const rules = Stack.of(acl).resolve(acl.rules) as unknown[];
        acl.rules = rules.filter((r) => !JSON.stringify(r).toLowerCase().includes('ratebasedstatement')) as wafv2.CfnWebACL.RuleProperty[];
      },
      expect: { rule: 'HIPAA.Strict-WAFRateLimitManagedRules', at: 'Edge/Waf' },
    },
    {
      control: 'no NAT gateway',
      edit: (s) =>
        new ec2.CfnNatGateway(s.network, 'CarelessNat', {
          subnetId: s.network.network.vpc.isolatedSubnets[0].subnetId,
          connectivityType: 'private',
        }),
      expect: { rule: 'HIPAA.Strict-NoNATGateway', at: 'Network/CarelessNat' },
    },
    {
      control: 'alarms notify the security topic',
      edit: (s) => onFirst<cloudwatch.CfnAlarm>(s.monitoring, 'AWS::CloudWatch::Alarm', (a) => (a.alarmActions = undefined)),
      expect: { rule: 'HIPAA.Strict-AlarmsNotify', at: 'Monitoring/' },
    },
  ],
  [
    {
      control: 'no lifecycle expiry before the audit retention ends',
      edit: (s) => (auditBucket(s).lifecycleConfiguration = { rules: [{ status: 'Enabled', expirationInDays: 365 }] }),
      expect: { rule: 'HIPAA.Strict-S3AuditBucketWORM', at: 'Audit/AuditBucket' },
    },
    {
      control: 'RDS backup retention',
      edit: (s) => (dbInstance(s).backupRetentionPeriod = 7),
      expect: { rule: 'HIPAA.Strict-RDSBackupRetention', at: 'Data/Postgres/Instance' },
    },
    {
      control: 'stateful resources retained (the audit bucket)',
      edit: (s) => s.audit.auditBucket.applyRemovalPolicy(RemovalPolicy.DESTROY),
      expect: { rule: 'HIPAA.Strict-StatefulRetain', at: 'Audit/AuditBucket' },
    },
    {
      control: 'public access blocked',
      edit: (s) =>
        (l1<s3.CfnBucket>(s.audit.accessLogBucket).publicAccessBlockConfiguration = {
          blockPublicAcls: true,
          blockPublicPolicy: false,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        }),
      expect: { rule: 'HIPAA.Strict-S3BucketPublicAccessBlocked', at: 'Audit/AccessLogs' },
    },
    {
      control: 'RDS customer-managed key',
      edit: (s) => (dbInstance(s).kmsKeyId = undefined),
      expect: { rule: 'HIPAA.Strict-RDSCustomerKey', at: 'Data/Postgres/Instance' },
    },
    {
      control: 'SQS queues with a TLS-only policy',
      edit: (s) =>
        onEach(
          s.workers,
          'AWS::SQS::QueuePolicy',
          (p) => p.node.scope!.node.tryRemoveChild(p.node.id),
          (p) => p.node.path.includes('WorkQueue'),
        ),
      expect: { rule: 'HIPAA.Strict-MessagingEncryptedTLSOnly', at: 'Workers/WorkQueue' },
    },
    {
      control: 'the master secret rotates',
      edit: (s) =>
        onEach<CfnResource>(s.data, 'AWS::SecretsManager::RotationSchedule', (r) => r.node.scope!.node.tryRemoveChild(r.node.id)),
      expect: { rule: 'HIPAA.Strict-SecretsManagerRotatedCustomerKey', at: 'Data/Postgres/Instance/Secret' },
    },
    {
      control: 'backups copied to the DR region',
      edit: (s) =>
        onEach<backup.CfnBackupPlan>(s.data, 'AWS::Backup::BackupPlan', (p) =>
          p.addDeletionOverride('Properties.BackupPlan.BackupPlanRule.0.CopyActions'),
        ),
      expect: { rule: 'HIPAA.Strict-BackupPlanDRCopy', at: 'Data/Backup/Plan' },
    },
    {
      control: 'workers have reserved concurrency',
      edit: (s) => (l1<lambda.CfnFunction>(s.workers.api.function).reservedConcurrentExecutions = undefined),
      expect: { rule: 'HIPAA.Strict-LambdaPrivateWorker', at: 'Workers/Api/Function' },
    },
    {
      control: 'tenant access points are VPC-only, key- and TLS-bound',
      edit: (s) => new s3.CfnAccessPoint(s.tenants[0], 'CarelessAccessPoint', { bucket: 'phi-bucket' }),
      expect: { rule: 'HIPAA.Strict-S3AccessPointTenantIsolated', at: 'Tenants0/CarelessAccessPoint' },
    },
    {
      control: 'a renamed stateful resource (the database) is refused at synth',
      edit: (s) => dbInstance(s).overrideLogicalId('PostgresInstanceRenamed'),
      expect: { rule: 'HIPAA.Strict-StatefulLogicalIds[AWS::RDS::DBInstance PostgresInstanceEC667DB9]', at: 'Data/Postgres/Instance' },
    },
  ],
];

/** The rule id without a finding suffix (`HIPAA.Strict-StatefulLogicalIds[...]`). */
const ruleOf = (id: string) => id.replace(/\[.*\]$/, '');

describe('the proof covers every rule and every control', () => {
  const proven = new Set(BATCHES.flat().map((c) => ruleOf(c.expect.rule)));
  test.each(STRICT_RULES.map((r) => [r.id]))('HIPAA.Strict-%s has an edit that breaks it', (id) => {
    expect(proven).toContain(`HIPAA.Strict-${id}`);
  });
  test.each(CONTROLS.map((c) => [c.id, c] as const))('control %s has an edit that breaks one of its rules', (_id, c) => {
    expect(c.strict.map((r) => `HIPAA.Strict-${r}`).filter((r) => proven.has(r))).not.toEqual([]);
  });
});

describe('the gate refuses each weakening (one edit per control, default plugins)', () => {
  describe.each(BATCHES.map((cases, i) => [i + 1, cases] as const))('synthesis %i', (_n, cases) => {
    let findings: Array<{ rule: string; constructPath: string }> = [];
    beforeAll(() => {
      findings = synthReference(testConfig(), { mutate: (stage) => cases.forEach((c) => c.edit(stage)) }).findings;
    });
    test.each(cases.map((c) => [c.control, c] as const))('%s', (_control, c) => {
      const hits = findings.filter((f) => f.rule === c.expect.rule && f.constructPath.includes(`/${c.expect.at}`));
      expect(hits.map((h) => `${h.rule} at ${h.constructPath}`)).not.toEqual([]);
    });
  });
});
