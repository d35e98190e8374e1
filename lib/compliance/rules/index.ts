import { AlarmsNotify } from './alarms-notify';
import { BackupPlanDrCopy } from './backup-plan-dr-copy';
import { CloudTrailEncryptedDataEvents } from './cloudtrail-encrypted-data-events';
import { CloudTrailMultiRegionValidated } from './cloudtrail-multi-region-validated';
import { ElbHardened } from './elb-hardened';
import { LambdaPrivateWorker } from './lambda-private-worker';
import { NoNatGateway } from './no-nat-gateway';
import { RdsMultiAzDeletionProtection } from './rds-multi-az-deletion-protection';
import { RdsNotPublic } from './rds-not-public';
import { S3AccessPointTenantIsolated } from './s3-access-point-tenant-isolated';
import { SecretsManagerRotatedCustomerKey } from './secrets-rotated-customer-key';
import { SecurityGroupEgressRestricted } from './security-group-egress-restricted';
import { StatefulLogicalIds } from './stateful-logical-ids';
import { VpcFlowLogsAllTraffic } from './vpc-flow-logs-all-traffic';
import { WafRateLimitManagedRules } from './waf-rate-limit-managed-rules';
import { BackupPlanRetention } from './backup-plan-retention';
import { BackupVaultLocked } from './backup-vault-locked';
import { ElbHsts } from './elb-hsts';
import { ElbHttpsOnly } from './elb-https-only';
import { ElbTlsPolicy } from './elb-tls-policy';
import { HipaaEligibleService } from './hipaa-eligible-service';
import { KmsKeyDeletionWindow } from './kms-key-deletion-window';
import { KmsKeyPolicyNoOpenPrincipal } from './kms-key-policy-no-open-principal';
import { KmsKeyRotation } from './kms-key-rotation';
import { LogGroupRetention } from './log-group-retention';
import { MessagingEncryptedTlsOnly } from './messaging-encrypted-tls-only';
import { PrivateSubnetNoDefaultRoute } from './private-subnet-no-default-route';
import { RdsBackupRetention } from './rds-backup-retention';
import { RdsCustomerKey } from './rds-customer-key';
import { RdsForcedTls } from './rds-forced-tls';
import { RdsIamAuthentication } from './rds-iam-authentication';
import { StrictRule } from './rule';
import { S3AuditBucketWorm } from './s3-audit-bucket-worm';
import { S3BucketCustomerKey } from './s3-bucket-customer-key';
import { S3BucketPublicAccessBlocked } from './s3-bucket-public-access-blocked';
import { S3BucketTlsOnly } from './s3-bucket-tls-only';
import { SecurityGroupNoWorldOpen } from './security-group-no-world-open';
import { StatefulRetain } from './stateful-retain';

export * from './rule';

/** Every rule of the HIPAA.Strict pack. */
export const STRICT_RULES: readonly StrictRule[] = [
  KmsKeyRotation,
  KmsKeyPolicyNoOpenPrincipal,
  KmsKeyDeletionWindow,
  S3AuditBucketWorm,
  S3BucketCustomerKey,
  S3BucketTlsOnly,
  S3BucketPublicAccessBlocked,
  RdsForcedTls,
  RdsIamAuthentication,
  RdsBackupRetention,
  RdsCustomerKey,
  RdsMultiAzDeletionProtection,
  RdsNotPublic,
  SecretsManagerRotatedCustomerKey,
  ElbHttpsOnly,
  ElbTlsPolicy,
  ElbHsts,
  ElbHardened,
  WafRateLimitManagedRules,
  BackupVaultLocked,
  BackupPlanRetention,
  BackupPlanDrCopy,
  LogGroupRetention,
  CloudTrailMultiRegionValidated,
  CloudTrailEncryptedDataEvents,
  VpcFlowLogsAllTraffic,
  AlarmsNotify,
  SecurityGroupNoWorldOpen,
  SecurityGroupEgressRestricted,
  PrivateSubnetNoDefaultRoute,
  NoNatGateway,
  LambdaPrivateWorker,
  S3AccessPointTenantIsolated,
  StatefulRetain,
  StatefulLogicalIds,
  MessagingEncryptedTlsOnly,
  HipaaEligibleService,
];
