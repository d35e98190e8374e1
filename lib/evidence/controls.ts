import { KMS_KEY_DELETION_WINDOW_DAYS, KMS_KEY_ROTATION_DAYS } from '../baseline/thresholds';
import { ResourceView } from '../compliance/rules';
import { STRICT_RULES } from '../compliance/rules';
import { DATA_CLASS_TAG, DataClass } from '../baseline/contract';
import { tags } from '../compliance/rules/rule';
import { rotationOf } from '../compliance/rules/secrets-rotated-customer-key';
import { ControlStatus } from './schema';
import { CLAIMS } from './trust-center';

/** HIPAA sections that infrastructure answers, with their titles. */
export const HIPAA_SECTIONS: ReadonlyArray<{ section: string; title: string }> = [
  { section: '164.308(a)(1)(ii)(D)', title: 'Information system activity review' },
  { section: '164.308(a)(7)(ii)(A)', title: 'Data backup plan' },
  { section: '164.308(a)(7)(ii)(B)', title: 'Disaster recovery plan' },
  { section: '164.308(a)(7)(ii)(C)', title: 'Emergency mode operation plan' },
  { section: '164.312(a)(1)', title: 'Access control' },
  { section: '164.312(a)(2)(iv)', title: 'Encryption and decryption (at rest)' },
  { section: '164.312(b)', title: 'Audit controls' },
  { section: '164.312(c)(1)', title: 'Integrity: no improper alteration or destruction' },
  { section: '164.312(c)(2)', title: 'Mechanism to authenticate ePHI (tamper evidence)' },
  { section: '164.312(d)', title: 'Person or entity authentication' },
  { section: '164.312(e)(1)', title: 'Transmission security' },
  { section: '164.312(e)(2)(ii)', title: 'Encryption in transit' },
  { section: '164.316(b)(2)(i)', title: 'Retain documentation six years' },
];

/**
 * One control of the catalogue. A control is decided only by rule results: our HIPAA.Strict rules (which
 * `cdk synth` runs, one per file in lib/compliance/rules), the public packs' rules (their findings in the
 * validation report) and the behavioural interactions it cites. There is no check of its own.
 */
export interface ControlDefinition {
  readonly id: string;
  readonly title: string;
  /** HIPAA Security Rule sections (45 CFR). */
  readonly sections: string[];
  /** NIST SP 800-53 rev5 controls it implements (in part). */
  readonly nist80053: string[];
  /** CloudFormation types the control applies to. */
  readonly types: string[];
  /** Narrow the resources further. */
  readonly select?: (r: ResourceView) => boolean;
  /** At least one resource must exist, or the control is not met. */
  readonly required?: boolean;
  /** HIPAA.Strict rules that enforce it at synth and decide it in the evidence (at least one). */
  readonly strict: string[];
  /** Rules of the cdk-nag HIPAA Security pack that check the same thing (their report decides too). */
  readonly hipaa?: string[];
  /** Rules of the cdk-nag NIST 800-53 R5 pack that check the same thing. */
  readonly nist?: string[];
  readonly controlTower?: string[];
  /**
   * Behavioural interactions it relies on (ids of lib/behaviour/catalogue.ts; `*` matches any text): a failed
   * one makes the control not met.
   */
  readonly interactions: string[];
  /** Property values that prove the control, read from the template. */
  readonly values: (r: ResourceView) => Record<string, unknown>;
}

const p = (r: ResourceView, ...keys: string[]): unknown =>
  keys.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), r.props);
const isAuditBucket = (r: ResourceView) => tags(r)[DATA_CLASS_TAG] === DataClass.AUDIT || r.props.ObjectLockEnabled === true;
const sseByDefault = (r: ResourceView) =>
  (
    p(r, 'BucketEncryption', 'ServerSideEncryptionConfiguration') as
      Array<{ ServerSideEncryptionByDefault?: Record<string, unknown>; BucketKeyEnabled?: boolean }> | undefined
  )?.[0];
const isDefaultRoute = (r: ResourceView) => r.props.DestinationCidrBlock === '0.0.0.0/0' || r.props.DestinationIpv6CidrBlock === '::/0';
const egressOf = (r: ResourceView): Array<Record<string, unknown>> =>
  r.type === 'AWS::EC2::SecurityGroupEgress'
    ? [r.props]
    : ((r.props.SecurityGroupEgress as Array<Record<string, unknown>> | undefined) ?? []);

/** The controls the evidence pack reports, each tied to HIPAA sections, resources and rules. */
export const CONTROLS: readonly ControlDefinition[] = [
  {
    id: 'kms-customer-keys',
    title: `Customer-managed KMS keys rotate every ${KMS_KEY_ROTATION_DAYS.default} days, wait ${KMS_KEY_DELETION_WINDOW_DAYS.required} days before deletion, admit no open principal`,
    sections: ['164.312(a)(2)(iv)', '164.312(a)(1)'],
    nist80053: ['SC-12', 'SC-12(1)', 'SC-28', 'SC-28(1)'],
    interactions: ['cloudtrail-encrypts-with-audit-key', 'logs-use-key-*', 'tenant-*-uses-own-key'],
    types: ['AWS::KMS::Key'],
    required: true,
    strict: ['KMSKeyRotation', 'KMSKeyDeletionWindow', 'KMSKeyPolicyNoOpenPrincipal'],
    nist: ['NIST.800.53.R5-KMSBackingKeyRotationEnabled'],
    controlTower: ['CT.KMS.PR.1', 'CT.KMS.PR.3'],
    values: (r) => ({
      description: r.props.Description,
      rotation: r.props.EnableKeyRotation,
      rotationPeriodDays: r.props.RotationPeriodInDays ?? KMS_KEY_ROTATION_DAYS.default,
      deletionWindowDays: r.props.PendingWindowInDays,
    }),
  },
  {
    id: 'audit-worm',
    title: 'Audit records in write-once storage: S3 Object Lock, COMPLIANCE mode, for the audit years',
    sections: ['164.312(c)(1)', '164.312(b)', '164.316(b)(2)(i)'],
    nist80053: ['AU-9', 'AU-9(3)', 'AU-11', 'SI-12'],
    interactions: ['cloudtrail-writes-audit-bucket', 'writer-*', 'nobody-deletes-locked-audit-versions', 'nobody-shortens-audit-retention'],
    types: ['AWS::S3::Bucket'],
    select: isAuditBucket,
    required: true,
    strict: ['S3AuditBucketWORM', 'StatefulRetain', 'StatefulLogicalIds'],
    controlTower: ['CT.S3.PR.9'],
    values: (r) => ({
      objectLockMode: p(r, 'ObjectLockConfiguration', 'Rule', 'DefaultRetention', 'Mode'),
      objectLockYears: p(r, 'ObjectLockConfiguration', 'Rule', 'DefaultRetention', 'Years'),
      versioning: p(r, 'VersioningConfiguration', 'Status'),
      deletionPolicy: r.resource.DeletionPolicy,
    }),
  },
  {
    id: 's3-encryption',
    title: 'Buckets encrypted at rest with a customer-managed key (access-log buckets: SSE-S3, the documented exception)',
    sections: ['164.312(a)(2)(iv)'],
    nist80053: ['SC-28', 'SC-28(1)'],
    interactions: [],
    types: ['AWS::S3::Bucket'],
    strict: ['S3BucketCustomerKey'],
    hipaa: ['HIPAA.Security-S3DefaultEncryptionKMS'],
    nist: ['NIST.800.53.R5-S3DefaultEncryptionKMS'],
    controlTower: ['CT.S3.PR.10'],
    values: (r) => ({
      algorithm: sseByDefault(r)?.ServerSideEncryptionByDefault?.SSEAlgorithm,
      key: sseByDefault(r)?.ServerSideEncryptionByDefault?.KMSMasterKeyID ?? null,
      bucketKey: sseByDefault(r)?.BucketKeyEnabled ?? false,
      dataClass: tags(r)[DATA_CLASS_TAG] ?? null,
    }),
  },
  {
    id: 's3-tls-private',
    title: 'Buckets refuse requests without TLS and block all public access',
    sections: ['164.312(e)(1)', '164.312(a)(1)'],
    nist80053: ['SC-8', 'SC-8(1)', 'AC-3', 'AC-21'],
    interactions: ['server-access-logs-*', 'no-tls-*'],
    types: ['AWS::S3::Bucket'],
    strict: ['S3BucketTLSOnly', 'S3BucketPublicAccessBlocked'],
    hipaa: ['HIPAA.Security-S3BucketSSLRequestsOnly', 'HIPAA.Security-S3BucketLevelPublicAccessProhibited'],
    controlTower: ['CT.S3.PR.8', 'CT.S3.PR.1'],
    values: (r) => ({ publicAccessBlock: r.props.PublicAccessBlockConfiguration }),
  },
  {
    id: 'audit-trail',
    title: 'A multi-region CloudTrail trail with log file validation, KMS encryption, CloudWatch delivery and S3 data events',
    sections: ['164.312(b)', '164.312(c)(2)', '164.308(a)(1)(ii)(D)'],
    nist80053: ['AU-2', 'AU-3', 'AU-6', 'AU-9(3)', 'AU-12'],
    interactions: ['cloudtrail-*', 'server-access-logs-*', 'alb-access-logs'],
    types: ['AWS::CloudTrail::Trail'],
    required: true,
    strict: ['CloudTrailMultiRegionValidated', 'CloudTrailEncryptedDataEvents'],
    hipaa: [
      'HIPAA.Security-CloudTrailEncryptionEnabled',
      'HIPAA.Security-CloudTrailLogFileValidationEnabled',
      'HIPAA.Security-CloudTrailCloudWatchLogsEnabled',
    ],
    controlTower: ['CT.CLOUDTRAIL.PR.1', 'CT.CLOUDTRAIL.PR.2', 'CT.CLOUDTRAIL.PR.3'],
    values: (r) => ({
      multiRegion: r.props.IsMultiRegionTrail,
      logFileValidation: r.props.EnableLogFileValidation,
      kmsKey: r.props.KMSKeyId,
      s3DataEvents: JSON.stringify(r.props.EventSelectors ?? []).includes('AWS::S3::Object'),
    }),
  },
  {
    id: 'log-retention',
    title: 'Log groups encrypted with a customer key and kept at least a year; audit log groups the audit years',
    sections: ['164.312(b)', '164.316(b)(2)(i)'],
    nist80053: ['AU-9', 'AU-11', 'SC-28'],
    interactions: ['logs-use-key-*'],
    types: ['AWS::Logs::LogGroup'],
    strict: ['LogGroupRetention', 'StatefulRetain'],
    hipaa: ['HIPAA.Security-CloudWatchLogGroupEncrypted', 'HIPAA.Security-CloudWatchLogGroupRetentionPeriod'],
    controlTower: ['CT.CLOUDWATCH.PR.2', 'CT.CLOUDWATCH.PR.3'],
    values: (r) => ({
      name: r.props.LogGroupName ?? null,
      retentionDays: r.props.RetentionInDays,
      dataClass: tags(r)[DATA_CLASS_TAG] ?? 'operational',
    }),
  },
  {
    id: 'flow-logs',
    title: 'VPC flow logs record all traffic',
    sections: ['164.308(a)(1)(ii)(D)', '164.312(b)'],
    nist80053: ['AU-2', 'AU-12', 'SI-4'],
    interactions: [],
    types: ['AWS::EC2::FlowLog', 'AWS::EC2::VPC'],
    required: true,
    strict: ['VPCFlowLogsAllTraffic'],
    hipaa: ['HIPAA.Security-VPCFlowLogsEnabled'],
    values: (r) =>
      r.type === 'AWS::EC2::VPC'
        ? { vpcCidr: r.props.CidrBlock }
        : { trafficType: r.props.TrafficType, destination: r.props.LogDestinationType ?? 'cloud-watch-logs' },
  },
  {
    id: 'database-encryption',
    title: 'Database storage, snapshots and Performance Insights encrypted with the database key',
    sections: ['164.312(a)(2)(iv)'],
    nist80053: ['SC-28', 'SC-28(1)'],
    interactions: [],
    types: ['AWS::RDS::DBInstance'],
    required: true,
    strict: ['RDSCustomerKey'],
    hipaa: ['HIPAA.Security-RDSStorageEncrypted'],
    controlTower: ['CT.RDS.PR.30'],
    values: (r) => ({
      storageEncrypted: r.props.StorageEncrypted,
      key: r.props.KmsKeyId,
      performanceInsightsKey: r.props.PerformanceInsightsKMSKeyId ?? null,
    }),
  },
  {
    id: 'database-tls',
    title: 'Database connections require TLS (rds.force_ssl = 1, TLS 1.2 minimum)',
    sections: ['164.312(e)(1)', '164.312(e)(2)(ii)'],
    nist80053: ['SC-8', 'SC-8(1)', 'SC-13'],
    interactions: [],
    types: ['AWS::RDS::DBInstance'],
    required: true,
    strict: ['RDSForcedTLS'],
    controlTower: ['CT.RDS.PR.28'],
    values: (r) => {
      const group = r.stack
        .resourcesOfType('AWS::RDS::DBParameterGroup')
        .find((g) => JSON.stringify(r.props.DBParameterGroupName).includes(`"${g.logicalId}"`));
      const params = (group?.props.Parameters ?? {}) as Record<string, unknown>;
      return { forceSsl: params['rds.force_ssl'] ?? null, minTls: params.ssl_min_protocol_version ?? null };
    },
  },
  {
    id: 'database-authentication',
    title: 'IAM database authentication; master password in Secrets Manager under a customer key, rotated',
    sections: ['164.312(d)'],
    nist80053: ['IA-2', 'IA-5', 'IA-5(1)', 'SC-28'],
    interactions: [
      'consumer-cannot-read-master-secret',
      'tenant-*-connects-as-own-login',
      'provisioner-reads-master-secret',
      'rotation-updates-master-secret',
    ],
    types: ['AWS::RDS::DBInstance', 'AWS::SecretsManager::Secret'],
    required: true,
    strict: ['RDSIAMAuthentication', 'SecretsManagerRotatedCustomerKey'],
    hipaa: ['HIPAA.Security-SecretsManagerRotationEnabled', 'HIPAA.Security-SecretsManagerUsingKMSKey'],
    controlTower: ['CT.RDS.PR.7'],
    values: (r) =>
      r.type === 'AWS::RDS::DBInstance'
        ? { iamAuthentication: r.props.EnableIAMDatabaseAuthentication, port: r.props.Port }
        : {
            key: r.props.KmsKeyId ?? null,
            rotation: rotationOf(r) ? p(rotationOf(r)!, 'RotationRules', 'ScheduleExpression') : null,
          },
  },
  {
    id: 'database-recovery',
    title: 'Point-in-time recovery across the backup window, Multi-AZ standby, deletion protection, final snapshot',
    sections: ['164.308(a)(7)(ii)(A)', '164.308(a)(7)(ii)(B)', '164.308(a)(7)(ii)(C)'],
    nist80053: ['CP-9', 'CP-10', 'CP-10(2)', 'CP-7'],
    interactions: ['backup-*'],
    types: ['AWS::RDS::DBInstance'],
    required: true,
    strict: ['RDSBackupRetention', 'RDSMultiAZDeletionProtection', 'StatefulRetain', 'StatefulLogicalIds'],
    hipaa: [
      'HIPAA.Security-RDSInstanceBackupEnabled',
      'HIPAA.Security-RDSMultiAZSupport',
      'HIPAA.Security-RDSInstanceDeletionProtectionEnabled',
      'HIPAA.Security-RDSInBackupPlan',
    ],
    values: (r) => ({
      backupRetentionDays: r.props.BackupRetentionPeriod,
      multiAz: r.props.MultiAZ,
      deletionProtection: r.props.DeletionProtection,
      deletionPolicy: r.resource.DeletionPolicy,
    }),
  },
  {
    id: 'database-private',
    title: 'The database is not publicly accessible and admits only the workers and the rotation function',
    sections: ['164.312(a)(1)'],
    nist80053: ['AC-3', 'SC-7'],
    interactions: ['api-cannot-read-master-secret'],
    types: ['AWS::RDS::DBInstance'],
    required: true,
    strict: ['RDSNotPublic'],
    hipaa: ['HIPAA.Security-RDSInstancePublicAccess'],
    controlTower: ['CT.RDS.PR.11'],
    values: (r) => ({ publiclyAccessible: r.props.PubliclyAccessible }),
  },
  {
    id: 'backups-locked',
    title: 'AWS Backup: daily plan kept the configured days, copied to the DR region, vaults under Vault Lock',
    sections: ['164.308(a)(7)(ii)(A)', '164.308(a)(7)(ii)(B)', '164.312(c)(1)'],
    nist80053: ['CP-6', 'CP-9', 'CP-9(8)', 'AU-9'],
    interactions: ['backup-*'],
    types: ['AWS::Backup::BackupVault', 'AWS::Backup::BackupPlan'],
    required: true,
    strict: ['BackupVaultLocked', 'BackupPlanRetention', 'BackupPlanDRCopy', 'StatefulRetain'],
    values: (r) =>
      r.type === 'AWS::Backup::BackupVault'
        ? {
            vault: r.props.BackupVaultName,
            lockMinRetentionDays: p(r, 'LockConfiguration', 'MinRetentionDays') ?? null,
            lockMaxRetentionDays: p(r, 'LockConfiguration', 'MaxRetentionDays') ?? null,
            lockChangeableForDays: p(r, 'LockConfiguration', 'ChangeableForDays') ?? null,
          }
        : {
            rules: ((p(r, 'BackupPlan', 'BackupPlanRule') as Array<Record<string, unknown>> | undefined) ?? []).map((rule) => ({
              schedule: rule.ScheduleExpression,
              keepDays: (rule.Lifecycle as { DeleteAfterDays?: number } | undefined)?.DeleteAfterDays,
              copies: ((rule.CopyActions as Array<{ Lifecycle?: { DeleteAfterDays?: number } }> | undefined) ?? []).map(
                (c) => c.Lifecycle?.DeleteAfterDays,
              ),
            })),
          },
  },
  {
    id: 'tls-edge',
    title: 'The load balancer speaks HTTPS only, TLS 1.3 policy (TLS 1.2 minimum), HSTS for a year',
    sections: ['164.312(e)(1)', '164.312(e)(2)(ii)'],
    nist80053: ['SC-8', 'SC-8(1)', 'SC-23'],
    interactions: ['alb-access-logs'],
    types: ['AWS::ElasticLoadBalancingV2::Listener'],
    required: true,
    strict: ['ELBHTTPSOnly', 'ELBTLSPolicy', 'ELBHSTS'],
    hipaa: ['HIPAA.Security-ELBTlsHttpsListenersOnly', 'HIPAA.Security-ELBv2ACMCertificateRequired'],
    controlTower: ['CT.ELASTICLOADBALANCING.PR.9', 'CT.ELASTICLOADBALANCING.PR.2'],
    values: (r) => ({
      protocol: r.props.Protocol,
      port: r.props.Port,
      sslPolicy: r.props.SslPolicy,
      hsts:
        ((r.props.ListenerAttributes as Array<{ Key: string; Value: string }> | undefined) ?? []).find((a) =>
          a.Key.includes('strict_transport_security'),
        )?.Value ?? null,
    }),
  },
  {
    id: 'edge-protection',
    title:
      'Load balancer hardening (invalid headers dropped, strictest desync mitigation, deletion protection, access logs) and a WAF with rate limits',
    sections: ['164.312(a)(1)', '164.312(b)', '164.312(e)(1)'],
    nist80053: ['SC-5', 'SC-7', 'SI-10', 'AU-12'],
    interactions: [],
    types: ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::WAFv2::WebACL'],
    required: true,
    strict: ['ELBHardened', 'WAFRateLimitManagedRules'],
    hipaa: [
      'HIPAA.Security-ALBHttpDropInvalidHeaderEnabled',
      'HIPAA.Security-ELBDeletionProtectionEnabled',
      'HIPAA.Security-ELBLoggingEnabled',
      'HIPAA.Security-WAFv2LoggingEnabled',
    ],
    nist: ['NIST.800.53.R5-ALBWAFEnabled'],
    controlTower: [
      'CT.ELASTICLOADBALANCING.PR.3',
      'CT.ELASTICLOADBALANCING.PR.4',
      'CT.ELASTICLOADBALANCING.PR.5',
      'CT.ELASTICLOADBALANCING.PR.6',
      'CT.WAFV2.PR.1',
    ],
    values: (r) => {
      if (r.type === 'AWS::WAFv2::WebACL') {
        const rules = (r.props.Rules as Array<{ Name: string; Statement: { RateBasedStatement?: { Limit: number } } }> | undefined) ?? [];
        return Object.fromEntries(
          rules.map((x) => [
            x.Name,
            x.Statement.RateBasedStatement ? `${x.Statement.RateBasedStatement.Limit} requests / 5 min / IP` : 'managed rule group',
          ]),
        );
      }
      return Object.fromEntries(
        ((r.props.LoadBalancerAttributes as Array<{ Key: string; Value: string }> | undefined) ?? []).map((a) => [a.Key, a.Value]),
      );
    },
  },
  {
    id: 'network-isolation',
    title: 'Workers and the database have no route to the internet; only the load balancer faces it, on TCP 443',
    sections: ['164.312(a)(1)', '164.312(e)(1)'],
    nist80053: ['SC-7', 'SC-7(5)', 'AC-4'],
    interactions: [],
    types: [
      'AWS::EC2::Route',
      'AWS::EC2::SecurityGroup',
      'AWS::EC2::SecurityGroupIngress',
      'AWS::EC2::SecurityGroupEgress',
      'AWS::EC2::NatGateway',
    ],
    select: (r) => r.type !== 'AWS::EC2::Route' || isDefaultRoute(r),
    strict: ['PrivateSubnetNoDefaultRoute', 'SecurityGroupNoWorldOpen', 'SecurityGroupEgressRestricted', 'NoNATGateway'],
    hipaa: [
      'HIPAA.Security-VPCNoUnrestrictedRouteToIGW',
      'HIPAA.Security-EC2RestrictedCommonPorts',
      'HIPAA.Security-EC2RestrictedSSH',
      'HIPAA.Security-VPCSubnetAutoAssignPublicIpDisabled',
    ],
    controlTower: ['CT.EC2.PR.3', 'CT.EC2.PR.4', 'CT.EC2.PR.11'],
    values: (r) =>
      r.type === 'AWS::EC2::Route'
        ? {
            destination: r.props.DestinationCidrBlock ?? r.props.DestinationIpv6CidrBlock,
            target: r.props.GatewayId ? 'internet gateway' : 'other',
          }
        : r.type === 'AWS::EC2::NatGateway'
          ? { natGateway: true }
          : {
              description: r.props.GroupDescription ?? r.props.Description ?? null,
              worldOpen: JSON.stringify(
                r.props.SecurityGroupIngress ?? (r.type === 'AWS::EC2::SecurityGroupIngress' ? r.props : []),
              ).includes('0.0.0.0/0'),
              egressTo: egressOf(r).map((e) =>
                e.DestinationPrefixListId
                  ? `prefix list ${String(e.DestinationPrefixListId)}:${String(e.ToPort)}`
                  : e.DestinationSecurityGroupId
                    ? `security group:${String(e.ToPort)}`
                    : `${String(e.CidrIp ?? e.CidrIpv6)}:${String(e.ToPort ?? 'all')}`,
              ),
            },
  },
  {
    id: 'private-workers',
    title: 'Workers run in the isolated subnets with reserved concurrency, a dead-letter queue and an encrypted environment',
    sections: ['164.312(a)(1)', '164.312(e)(1)'],
    nist80053: ['SC-7', 'SC-5', 'SI-4'],
    interactions: ['consumer-receives-work'],
    types: ['AWS::Lambda::Function'],
    select: (r) => !r.path.includes('Custom::'),
    strict: ['LambdaPrivateWorker'],
    hipaa: [
      'HIPAA.Security-LambdaInsideVPC',
      'HIPAA.Security-LambdaConcurrency',
      'HIPAA.Security-LambdaDLQ',
      'HIPAA.Security-LambdaFunctionPublicAccessProhibited',
    ],
    controlTower: ['CT.LAMBDA.PR.2', 'CT.LAMBDA.PR.3'],
    values: (r) => ({
      inVpc: r.props.VpcConfig !== undefined,
      reservedConcurrency: r.props.ReservedConcurrentExecutions ?? null,
      deadLetterQueue: r.props.DeadLetterConfig !== undefined,
      environmentKey: r.props.KmsKeyArn !== undefined,
    }),
  },
  {
    id: 'messaging',
    title: 'Queues and topics encrypted with a customer key and TLS-only',
    sections: ['164.312(a)(2)(iv)', '164.312(e)(1)'],
    nist80053: ['SC-8', 'SC-28'],
    interactions: ['consumer-receives-work', 'consumer-decrypts-work'],
    types: ['AWS::SNS::Topic', 'AWS::SQS::Queue'],
    strict: ['MessagingEncryptedTLSOnly'],
    hipaa: ['HIPAA.Security-SNSEncryptedKMS'],
    controlTower: ['CT.SQS.PR.2'],
    values: (r) => ({ key: r.props.KmsMasterKeyId ?? null }),
  },
  {
    id: 'breach-alerts',
    title: 'Alarms on security events and service health notify the security topic; GuardDuty findings too',
    sections: ['164.308(a)(1)(ii)(D)'],
    nist80053: ['SI-4', 'SI-4(5)', 'IR-6', 'AU-6'],
    interactions: ['alarms-*', 'events-*', 'dr-findings-*'],
    types: ['AWS::CloudWatch::Alarm', 'AWS::Events::Rule'],
    required: true,
    strict: ['AlarmsNotify'],
    hipaa: ['HIPAA.Security-CloudWatchAlarmAction'],
    controlTower: ['CT.CLOUDWATCH.PR.1', 'CT.CLOUDWATCH.PR.4'],
    values: (r) =>
      r.type === 'AWS::Events::Rule'
        ? { pattern: r.props.EventPattern }
        : { metric: r.props.MetricName ?? 'expression', threshold: r.props.Threshold },
  },
  {
    id: 'tenant-isolation',
    title: "Each tenant's data behind its own access point (VPC only, its own role, its own key, TLS only)",
    sections: ['164.312(a)(1)', '164.312(a)(2)(iv)'],
    nist80053: ['AC-3', 'AC-4', 'AC-6', 'SC-28'],
    interactions: [
      'tenant-*',
      'consumer-cannot-read-master-secret',
      'provisioner-reads-master-secret',
      'provisioner-decrypts-master-secret',
    ],
    types: ['AWS::S3::AccessPoint'],
    strict: ['S3AccessPointTenantIsolated'],
    controlTower: ['CT.S3.PR.12'],
    values: (r) => ({
      accessPoint: r.props.Name,
      vpcOnly: r.props.VpcConfiguration !== undefined,
      prefix: /object\/(tenants\/[a-z0-9]+\/)/.exec(JSON.stringify(r.props.Policy ?? {}))?.[1] ?? null,
    }),
  },
  {
    id: 'eligible-services',
    title: 'Only HIPAA-eligible services appear in the templates',
    sections: ['164.312(a)(1)'],
    nist80053: ['SA-9', 'SR-5'],
    interactions: [],
    types: ['*'],
    strict: ['HIPAAEligibleService'],
    values: (r) => ({ type: r.type }),
  },
];

/** Guard: every strict rule named by a control exists. */
for (const c of CONTROLS) {
  for (const id of c.strict) {
    if (!STRICT_RULES.some((r) => r.id === id)) throw new Error(`control ${c.id} names unknown strict rule ${id}`);
  }
}

/** Why a control cannot be met whatever its resources say: no HIPAA.Strict rule enforces it at synth. */
export function unenforced(def: Pick<ControlDefinition, 'id' | 'strict'>): string | undefined {
  return def.strict.length === 0
    ? `control ${def.id} has no enforcing HIPAA.Strict rule: nothing stops \`cdk synth\` from producing a template that breaks it`
    : undefined;
}

const RANK: Record<ControlStatus, number> = { met: 0, 'met-with-accepted-finding': 1, 'not-met': 2 };

/**
 * The verdict of a control from the statuses of its resources (each decided by rule results only): not met
 * without an enforcing rule, not met when a required resource is absent, else the worst resource status.
 */
export function controlVerdict(
  def: Pick<ControlDefinition, 'id' | 'strict' | 'required'>,
  resourceStatuses: readonly ControlStatus[],
): ControlStatus {
  if (unenforced(def)) return 'not-met';
  if (def.required && resourceStatuses.length === 0) return 'not-met';
  return resourceStatuses.reduce<ControlStatus>((a, b) => (RANK[b] > RANK[a] ? b : a), 'met');
}

/** Whether an interaction id matches one of a control's patterns (`*` matches any text). */
export function citesInteraction(def: Pick<ControlDefinition, 'interactions'>, id: string): boolean {
  return def.interactions.some((pattern) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    ).test(id),
  );
}

/** The trust-center claims a control supports (lib/evidence/trust-center.ts). */
export function claimsOf(def: Pick<ControlDefinition, 'id'>): string[] {
  return CLAIMS.filter((c) => c.controls.includes(def.id)).map((c) => c.id);
}

/** Every rule id that enforces a control, as reported at synth. */
export function enforcingRules(def: ControlDefinition): string[] {
  return [...def.strict.map((s) => `HIPAA.Strict-${s}`), ...(def.hipaa ?? []), ...(def.nist ?? []), ...(def.controlTower ?? [])];
}
