import { daysCoveringYears } from '../baseline/durations';
import { AUDIT_RETENTION_YEARS } from '../baseline/thresholds';
import { batchKey, RETENTION_TAG } from '../baseline/contract';
import { AssemblyModel, ModelResource, ModelStack, UNRESOLVED } from './assembly-model';
import { Destination, Interaction, InteractionPrincipal, InteractionResource, Reachability } from './interaction';

/**
 * The interaction catalogue: every request the design relies on, and every request it must refuse, written
 * against the synthesized templates. Resources are found by construct path and by what refers to what (a
 * function's role is its `Role` property; a topic's key is its `KmsMasterKeyId`), not by logical id, so new
 * resources (a function's own security group, a dedicated role) are picked up without editing this file.
 *
 * The request context is what AWS documents for each service; the `basis` of an interaction cites the page.
 */

type Context = Record<string, string>;
const TLS: Context = { 'aws:SecureTransport': 'true' };

/** Small lookup helpers that never throw: a missing piece becomes the interaction's `missing` reason. */
class Finder {
  readonly missing: string[] = [];
  constructor(readonly m: AssemblyModel) {}

  one(stack: string | RegExp, path: RegExp, type?: string): ModelResource | undefined {
    const found = this.m.find(stack, path, type);
    if (found.length === 1) return found[0];
    this.missing.push(`${found.length ? 'more than one' : 'no'} ${type ?? 'resource'} at ${String(stack)}:${String(path)}`);
    return undefined;
  }

  /** The resource a property of `r` refers to (following cross-stack outputs). */
  via(r: ModelResource | undefined, ...keys: string[]): ModelResource | undefined {
    if (!r) return undefined;
    let v: unknown = r.props;
    for (const k of keys) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    const t = this.m.target(r.stack, v) ?? this.m.keyByAlias(r.stack, v);
    if (!t) this.missing.push(`${r.stack.id}/${r.path}.${keys.join('.')} refers to no resource of the assembly`);
    return t;
  }

  take(): string | undefined {
    const out = this.missing.splice(0);
    return out.length ? out.join('; ') : undefined;
  }
}

const account = (s: ModelStack) => s.account ?? `${UNRESOLVED}account of ${s.stackName}»`;
const label = (r: ModelResource) => `${r.stack.id}/${r.path.replace(/\/(Resource|Default)$/, '')}`;

function service(name: string, s: ModelStack): InteractionPrincipal {
  return { label: name, principal: name, account: account(s) };
}
function role(m: AssemblyModel, r: ModelResource): InteractionPrincipal {
  return { label: label(r), principal: m.str(r.stack, { 'Fn::GetAtt': [r.logicalId, 'Arn'] }), role: r, account: account(r.stack) };
}
function arnOf(m: AssemblyModel, r: ModelResource): string {
  const attr =
    r.type === 'AWS::SNS::Topic'
      ? 'TopicArn'
      : r.type === 'AWS::Backup::BackupVault'
        ? 'BackupVaultArn'
        : r.type === 'AWS::RDS::DBInstance'
          ? 'DBInstanceArn'
          : 'Arn';
  if (r.type === 'AWS::SecretsManager::Secret') return m.ref(r);
  return m.str(r.stack, { 'Fn::GetAtt': [r.logicalId, attr] });
}
function res(m: AssemblyModel, r: ModelResource, suffix = '', owner: ModelResource | undefined = r): InteractionResource {
  return { label: label(r) + suffix, arn: arnOf(m, r) + suffix, owner, account: account(r.stack) };
}
/** Context of a request a role makes (the principal keys AWS adds to every signed request). */
function roleContext(p: InteractionPrincipal): Record<string, string> {
  return {
    'aws:PrincipalArn': p.principal,
    'aws:PrincipalAccount': p.account,
    'aws:PrincipalIsAWSService': 'false',
    'aws:PrincipalType': 'AssumedRole',
  };
}
/** Context of a request a service principal makes on our behalf. */
function serviceContext(p: InteractionPrincipal, sourceArn?: string): Record<string, string> {
  return {
    'aws:PrincipalServiceName': p.principal,
    'aws:PrincipalIsAWSService': 'true',
    'aws:SourceAccount': p.account,
    ...(sourceArn ? { 'aws:SourceArn': sourceArn } : {}),
  };
}

/** The function's role (its `Role` property). */
const functionRole = (f: Finder, fn: ModelResource | undefined) => f.via(fn, 'Role');

/** Up to this many tenants, every ordered pair is a must-deny interaction (n·(n−1)·3 of them). */
export const MAX_PAIRWISE_TENANTS = 8;

function otherTenants(tenants: string[], t: string): string[] {
  if (tenants.length <= MAX_PAIRWISE_TENANTS) return tenants.filter((x) => x !== t);
  const i = tenants.indexOf(t);
  return [...new Set([tenants[(i + 1) % tenants.length], tenants[(i + tenants.length - 1) % tenants.length]])];
}

/** Tenant ids of the assembly: `<tenant>/AccessPoint` in the tenant shard stacks. */
export function tenantIds(m: AssemblyModel): string[] {
  return m
    .find(/^Tenants\d+$/, /^[^/]+\/AccessPoint$/, 'AWS::S3::AccessPoint')
    .map((r) => r.path.split('/')[0])
    .sort();
}

/**
 * The retention tag value a tenant's access point requires for writes to a data class: read from the access
 * point policy's Deny on writes without it (constructs/tenant-resources.ts). Undefined when it requires none.
 */
export function requiredRetentionTag(ap: ModelResource, dataClass: string): string | undefined {
  const statements = ((ap.props.Policy as { Statement?: Array<Record<string, unknown>> } | undefined)?.Statement ?? []).filter(
    (st) => st.Effect === 'Deny' && JSON.stringify([st.Resource].flat()).includes(`/${dataClass}/*`),
  );
  for (const st of statements) {
    const v = (st.Condition as { StringNotEquals?: Record<string, unknown> } | undefined)?.StringNotEquals?.[
      `s3:RequestObjectTag/${RETENTION_TAG}`
    ];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

/** Build the catalogue of IAM interactions for a loaded assembly. */
export function interactionCatalogue(m: AssemblyModel): Interaction[] {
  const out: Interaction[] = [];
  const f = new Finder(m);
  const add = (i: Omit<Interaction, 'missing'> | undefined, missing = f.take()) => {
    if (i) out.push(missing ? { ...i, missing } : i);
  };
  /** Placeholder used when a lookup failed (the interaction is reported as missing, never evaluated). */
  const none = (what: string): InteractionResource => ({ label: what, arn: `${UNRESOLVED}${what}»`, account: '' });
  const nobody = (what: string): InteractionPrincipal => ({ label: what, principal: `${UNRESOLVED}${what}»`, account: '' });

  const keys = m.stack('Keys');
  const acct = account(keys);
  const region = keys.region;

  // --- Alerts: CloudWatch alarms and the GuardDuty findings rule publish to the alerts topic (and its key).
  const topic = f.one('Monitoring', /^Alerts\/Topic\/Resource$/, 'AWS::SNS::Topic');
  const alarm = m.find('Monitoring', /.*/, 'AWS::CloudWatch::Alarm')[0];
  const alarmArn = alarm ? m.str(alarm.stack, { 'Fn::GetAtt': [alarm.logicalId, 'Arn'] }) : `${UNRESOLVED}no alarm»`;
  const cw = service('cloudwatch.amazonaws.com', keys);
  add({
    id: 'alarms-publish-alerts',
    title: 'CloudWatch alarms publish to the alerts topic',
    principal: cw,
    actions: ['sns:Publish'],
    resource: topic ? res(m, topic) : none('alerts topic'),
    context: { ...TLS, ...serviceContext(cw, alarmArn) },
    expect: 'allow',
    method: 'policy',
    controls: ['breach-alerts'],
    basis:
      'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-actions.html (SNS topic policy for cloudwatch.amazonaws.com, aws:SourceArn = alarm ARN)',
  });
  const topicKey = f.via(topic, 'KmsMasterKeyId');
  add({
    id: 'alarms-use-alerts-key',
    title: "CloudWatch alarms use the alerts topic's KMS key",
    principal: cw,
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resource: topicKey ? res(m, topicKey) : none('alerts topic key'),
    context: { ...TLS, ...serviceContext(cw, alarmArn) },
    expect: 'allow',
    method: 'policy',
    controls: ['breach-alerts'],
    basis:
      'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-actions.html (encrypted topics: key policy allows cloudwatch.amazonaws.com kms:Decrypt, kms:GenerateDataKey*)',
  });
  const rule = m.find('Monitoring', /.*/, 'AWS::Events::Rule')[0];
  const publisherRole = rule
    ? (m.target(rule.stack, (rule.props.Targets as Array<{ RoleArn?: unknown }> | undefined)?.find((t) => t.RoleArn)?.RoleArn) ??
      f.one('Monitoring', /^FindingsPublisher\/Resource$/, 'AWS::IAM::Role'))
    : f.one('Monitoring', /^FindingsPublisher\/Resource$/, 'AWS::IAM::Role');
  if (publisherRole) {
    const p = role(m, publisherRole);
    add({
      id: 'events-assume-publisher-role',
      title: 'EventBridge assumes the findings publisher role',
      principal: service('events.amazonaws.com', keys),
      actions: ['sts:AssumeRole'],
      resource: { label: p.label + ' (trust policy)', arn: p.principal, owner: publisherRole, account: acct },
      context: { ...TLS, ...serviceContext(service('events.amazonaws.com', keys)) },
      expect: 'allow',
      method: 'policy',
      controls: ['breach-alerts'],
    });
    add({
      id: 'events-role-publishes-alerts',
      title: 'The EventBridge role publishes GuardDuty findings to the alerts topic',
      principal: p,
      actions: ['sns:Publish'],
      resource: topic ? res(m, topic) : none('alerts topic'),
      context: { ...TLS, ...roleContext(p) },
      expect: 'allow',
      method: 'policy',
      controls: ['breach-alerts'],
    });
    add({
      id: 'events-role-uses-alerts-key',
      title: "The EventBridge role encrypts through SNS with the topic's key",
      principal: p,
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resource: topicKey ? res(m, topicKey) : none('alerts topic key'),
      context: { ...TLS, ...roleContext(p), 'kms:ViaService': `sns.${region}.amazonaws.com`, 'kms:CallerAccount': acct },
      expect: 'allow',
      method: 'policy',
      controls: ['breach-alerts'],
    });
  } else add(undefined);

  // --- The DR region's GuardDuty findings, forwarded to the primary region's default event bus (where the rule
  // above publishes them to the alerts topic).
  const drRule = f.one('DrBackup', /^GuardDutyFindings\/Rule\/Resource$/, 'AWS::Events::Rule');
  const drTarget = (drRule?.props.Targets as Array<{ Arn?: unknown; RoleArn?: unknown }> | undefined)?.[0];
  const forwarderRole = drRule ? f.via(drRule, 'Targets', '0', 'RoleArn') : undefined;
  const forwarder = forwarderRole ? role(m, forwarderRole) : nobody('DR findings forwarder role');
  const primaryBus: InteractionResource =
    drRule && drTarget?.Arn !== undefined
      ? { label: `default event bus of ${region}`, arn: m.str(drRule.stack, drTarget.Arn), account: acct }
      : none('forwarding target (the primary default event bus)');
  const forwarderMissing = f.take();
  const events = service('events.amazonaws.com', keys);
  add(
    {
      id: 'events-assume-dr-findings-forwarder-role',
      title: 'EventBridge in the DR region assumes the findings forwarder role',
      principal: events,
      actions: ['sts:AssumeRole'],
      resource: forwarderRole
        ? { label: forwarder.label + ' (trust policy)', arn: forwarder.principal, owner: forwarderRole, account: acct }
        : none('DR findings forwarder role'),
      context: { ...TLS, ...serviceContext(events) },
      expect: 'allow',
      method: 'policy',
      controls: ['breach-alerts'],
    },
    forwarderMissing,
  );
  add(
    {
      id: 'dr-findings-reach-primary-bus',
      title: "The DR region's GuardDuty findings are put on the primary region's default event bus",
      principal: forwarder,
      actions: ['events:PutEvents'],
      resource: primaryBus,
      context: { ...TLS, ...roleContext(forwarder) },
      expect: 'allow',
      method: 'policy',
      controls: ['breach-alerts'],
      basis:
        'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html (an event bus in another Region as a rule target; the rule role needs events:PutEvents on the target bus)',
    },
    forwarderMissing,
  );
  add(
    {
      id: 'dr-findings-forwarder-puts-nowhere-else',
      title: 'The findings forwarder role cannot put events on any other bus (the DR region default bus)',
      principal: forwarder,
      actions: ['events:PutEvents'],
      resource: {
        label: `default event bus of ${drRule?.stack.region ?? 'the DR region'}`,
        arn: `arn:${keys.partition}:events:${drRule?.stack.region ?? `${UNRESOLVED}DR region»`}:${acct}:event-bus/default`,
        account: acct,
      },
      context: { ...TLS, ...roleContext(forwarder) },
      expect: 'deny',
      method: 'policy',
      controls: ['breach-alerts'],
    },
    forwarderMissing,
  );

  // --- CloudTrail: audit bucket, audit key, and its log group through the delivery role.
  const trail = f.one('Audit', /^Trail\/Trail$/, 'AWS::CloudTrail::Trail') ?? m.find('Audit', /.*/, 'AWS::CloudTrail::Trail')[0];
  const trailArn = trail ? m.str(trail.stack, { 'Fn::GetAtt': [trail.logicalId, 'Arn'] }) : `${UNRESOLVED}trail»`;
  const auditBucket = f.via(trail, 'S3BucketName');
  const ct = service('cloudtrail.amazonaws.com', keys);
  const prefix = trail && trail.props.S3KeyPrefix ? `${m.str(trail.stack, trail.props.S3KeyPrefix)}/` : '';
  add({
    id: 'cloudtrail-acl-check-audit-bucket',
    title: 'CloudTrail checks the audit bucket ACL',
    principal: ct,
    actions: ['s3:GetBucketAcl'],
    resource: auditBucket ? res(m, auditBucket) : none('audit bucket'),
    context: { ...TLS, ...serviceContext(ct, trailArn) },
    expect: 'allow',
    method: 'policy',
    controls: ['audit-trail'],
    basis: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html',
  });
  add({
    id: 'cloudtrail-writes-audit-bucket',
    title: 'CloudTrail writes log files into the audit bucket',
    principal: ct,
    actions: ['s3:PutObject'],
    resource: auditBucket
      ? res(m, auditBucket, `/${prefix}AWSLogs/${acct}/CloudTrail/${region}/2026/01/01/file.json.gz`)
      : none('audit bucket'),
    context: { ...TLS, ...serviceContext(ct, trailArn), 's3:x-amz-acl': 'bucket-owner-full-control' },
    expect: 'allow',
    method: 'policy',
    controls: ['audit-trail', 'audit-worm'],
    basis: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html',
  });
  const auditKey = f.via(
    auditBucket,
    'BucketEncryption',
    'ServerSideEncryptionConfiguration',
    '0',
    'ServerSideEncryptionByDefault',
    'KMSMasterKeyID',
  );
  const ctKeyContext = { ...TLS, ...serviceContext(ct, trailArn), 'kms:EncryptionContext:aws:cloudtrail:arn': trailArn };
  add({
    id: 'cloudtrail-encrypts-with-audit-key',
    title: 'CloudTrail encrypts log files with the audit key',
    principal: ct,
    actions: ['kms:GenerateDataKey'],
    resource: auditKey ? res(m, auditKey) : none('audit key'),
    context: ctKeyContext,
    expect: 'allow',
    method: 'policy',
    controls: ['audit-trail', 'kms-customer-keys'],
    basis: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html',
  });
  add({
    id: 'cloudtrail-decrypts-bucket-key',
    title: 'CloudTrail decrypts with the audit key (the audit bucket uses an S3 Bucket Key)',
    principal: ct,
    actions: ['kms:Decrypt'],
    resource: auditKey ? res(m, auditKey) : none('audit key'),
    context: ctKeyContext,
    expect: 'allow',
    method: 'policy',
    controls: ['audit-trail'],
    basis:
      'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html (with an S3 Bucket Key, CloudTrail needs kms:Decrypt to create or update the trail)',
  });
  const deliveryRole = f.via(trail, 'CloudWatchLogsRoleArn');
  const trailLogGroup = f.via(trail, 'CloudWatchLogsLogGroupArn');
  if (deliveryRole) {
    add({
      id: 'cloudtrail-assumes-delivery-role',
      title: 'CloudTrail assumes its CloudWatch Logs delivery role',
      principal: ct,
      actions: ['sts:AssumeRole'],
      resource: {
        label: label(deliveryRole) + ' (trust policy)',
        arn: role(m, deliveryRole).principal,
        owner: deliveryRole,
        account: acct,
      },
      context: { ...TLS, ...serviceContext(ct, trailArn) },
      expect: 'allow',
      method: 'policy',
      controls: ['audit-trail'],
    });
    const p = role(m, deliveryRole);
    const lg = trailLogGroup ? m.str(trailLogGroup.stack, { Ref: trailLogGroup.logicalId }) : '';
    add({
      id: 'cloudtrail-delivers-to-log-group',
      title: 'The delivery role writes trail events into the trail log group',
      principal: p,
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resource: trailLogGroup
        ? {
            label: label(trailLogGroup),
            arn: `arn:${keys.partition}:logs:${region}:${acct}:log-group:${lg}:log-stream:${acct}_CloudTrail_${region}`,
            owner: trailLogGroup,
            account: acct,
          }
        : none('trail log group'),
      context: { ...TLS, ...roleContext(p) },
      expect: 'allow',
      method: 'policy',
      controls: ['audit-trail'],
    });
  } else add(undefined);

  // --- CloudWatch Logs: every encrypted log group's key admits the Logs service for that log group.
  for (const lg of m.resources.filter((r) => r.type === 'AWS::Logs::LogGroup' && r.props.KmsKeyId !== undefined)) {
    const key = f.via(lg, 'KmsKeyId');
    const name = m.str(lg.stack, { Ref: lg.logicalId });
    const logs = service(`logs.${lg.stack.region}.amazonaws.com`, lg.stack);
    add({
      id: `logs-use-key-${lg.stack.id}-${lg.path.replace(/\/(LogGroup\/)?Resource$/, '').replace(/[^A-Za-z0-9]+/g, '-')}`,
      title: `CloudWatch Logs encrypts ${label(lg)} with its key`,
      principal: logs,
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:DescribeKey'],
      resource: key ? res(m, key) : none(`key of ${label(lg)}`),
      context: {
        ...TLS,
        ...serviceContext(logs),
        'kms:EncryptionContext:aws:logs:arn': `arn:${lg.stack.partition}:logs:${lg.stack.region}:${account(lg.stack)}:log-group:${name}`,
      },
      expect: 'allow',
      method: 'policy',
      controls: ['log-retention', 'kms-customer-keys'],
      basis: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
    });
  }

  // --- S3 server access logs and ALB access logs into the access-log bucket.
  for (const b of m.resources.filter((r) => r.type === 'AWS::S3::Bucket' && r.props.LoggingConfiguration !== undefined)) {
    const target = f.via(b, 'LoggingConfiguration', 'DestinationBucketName');
    const pre = m.str(b.stack, (b.props.LoggingConfiguration as Record<string, unknown>).LogFilePrefix ?? '');
    const logging = service('logging.s3.amazonaws.com', b.stack);
    add({
      id: `server-access-logs-${b.stack.id}-${b.path.split('/')[0]}`,
      title: `S3 server access logs of ${label(b)} are delivered to the log bucket`,
      principal: logging,
      actions: ['s3:PutObject'],
      resource: target ? res(m, target, `/${pre}2026-01-01-00-00-00-ABCDEF`) : none('access-log bucket'),
      context: { ...TLS, ...serviceContext(logging, arnOf(m, b)) },
      expect: 'allow',
      method: 'policy',
      controls: ['s3-tls-private', 'audit-trail'],
      basis:
        'https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html (logging.s3.amazonaws.com, aws:SourceArn, aws:SourceAccount)',
    });
  }
  const alb = m.find('Edge', /.*/, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[0];
  const attrs = (alb?.props.LoadBalancerAttributes as Array<{ Key: string; Value: unknown }> | undefined) ?? [];
  const albBucketValue = attrs.find((a) => a.Key === 'access_logs.s3.bucket')?.Value;
  if (alb && albBucketValue !== undefined) {
    const bucket = m.target(alb.stack, albBucketValue);
    const pre = m.str(alb.stack, attrs.find((a) => a.Key === 'access_logs.s3.prefix')?.Value ?? '');
    // us-east-1 and the regions before August 2022 deliver as the regional ELB account; later regions as the service.
    const elbAccounts: Record<string, string> = {
      'us-east-1': '127311923021',
      'us-east-2': '033677994240',
      'us-west-1': '027434742980',
      'us-west-2': '797873946194',
    };
    const elb = elbAccounts[alb.stack.region];
    const principal: InteractionPrincipal = elb
      ? {
          label: `ELB log delivery account ${elb}`,
          principal: `arn:${alb.stack.partition}:iam::${elb}:root`,
          account: elb,
          externalGrant: "AWS's own ELB account: its identity permissions are AWS's; the bucket policy decides",
        }
      : service('logdelivery.elasticloadbalancing.amazonaws.com', alb.stack);
    add(
      {
        id: 'alb-access-logs',
        title: 'The load balancer delivers its access logs to the log bucket',
        principal,
        actions: ['s3:PutObject'],
        resource: bucket
          ? res(m, bucket, `/${pre ? pre + '/' : ''}AWSLogs/${acct}/elasticloadbalancing/${region}/2026/01/01/log.gz`)
          : none('ALB log bucket'),
        context: { ...TLS, ...(elb ? { 'aws:PrincipalAccount': elb } : serviceContext(principal)) },
        expect: 'allow',
        method: 'policy',
        controls: ['tls-edge', 'audit-trail'],
        basis:
          'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html (regions before August 2022: the regional ELB account)',
      },
      bucket ? undefined : 'ALB access_logs.s3.bucket refers to no bucket of the assembly',
    );
  }

  // --- AWS Backup: the backup role on the PHI bucket (direct requests), its key, RDS, both vaults and the DR copy.
  const selection = m.find('Data', /.*/, 'AWS::Backup::BackupSelection')[0];
  const backupRole = selection
    ? m.target(selection.stack, (selection.props.BackupSelection as Record<string, unknown>).IamRoleArn)
    : undefined;
  const phi = f.one('Data', /^PhiData\/Secure\/Bucket\/Resource$/, 'AWS::S3::Bucket');
  const phiKey = f.via(
    phi,
    'BucketEncryption',
    'ServerSideEncryptionConfiguration',
    '0',
    'ServerSideEncryptionByDefault',
    'KMSMasterKeyID',
  );
  const db = f.one('Data', /^Postgres\/Instance\/Resource$/, 'AWS::RDS::DBInstance');
  const primaryVault = m.find('Data', /.*/, 'AWS::Backup::BackupVault')[0];
  const drVault = m.find('DrBackup', /.*/, 'AWS::Backup::BackupVault')[0];
  if (!backupRole) f.missing.push('no backup selection role in the Data stack');
  const bp = backupRole ? role(m, backupRole) : nobody('backup role');
  const backupCtx = { ...TLS, ...roleContext(bp) };
  const backupItem = (
    id: string,
    title: string,
    actions: string[],
    resource: InteractionResource,
    context: Context = backupCtx,
    controls = ['database-recovery', 'backups-locked'],
  ) =>
    add({
      id,
      title,
      principal: bp,
      actions,
      resource,
      context,
      expect: 'allow',
      method: 'policy',
      controls,
      basis: 'https://docs.aws.amazon.com/aws-backup/latest/devguide/s3-backups.html',
    });
  backupItem(
    'backup-reads-phi-objects',
    'AWS Backup reads PHI objects directly (no access point: s3:DataAccessPointAccount absent)',
    ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectAcl'],
    phi ? res(m, phi, '/tenants/acme/record.json') : none('PHI bucket'),
  );
  backupItem(
    'backup-lists-phi-bucket',
    'AWS Backup lists the PHI bucket versions',
    ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketVersioning'],
    phi ? res(m, phi) : none('PHI bucket'),
  );
  backupItem(
    'backup-restores-phi-objects',
    'AWS Backup restores PHI objects directly',
    ['s3:PutObject'],
    phi ? res(m, phi, '/tenants/acme/record.json') : none('PHI bucket'),
  );
  backupItem(
    'backup-uses-phi-key',
    "AWS Backup decrypts and re-encrypts PHI objects through S3 with the bucket's key",
    ['kms:Decrypt', 'kms:GenerateDataKey'],
    phiKey ? res(m, phiKey) : none('PHI key'),
    { ...backupCtx, 'kms:ViaService': `s3.${region}.amazonaws.com`, 'kms:CallerAccount': acct },
  );
  backupItem(
    'backup-snapshots-database',
    'AWS Backup snapshots the database',
    ['rds:CreateDBSnapshot', 'rds:DescribeDBInstances'],
    db ? res(m, db, '', undefined) : none('database'),
  );
  for (const [id, vault] of [
    ['primary', primaryVault],
    ['dr', drVault],
  ] as const) {
    if (!vault) {
      add(undefined);
      continue;
    }
    const vaultKey = f.via(vault, 'EncryptionKeyArn');
    const target = id === 'dr' ? 'the DR vault (cross-region copy)' : 'the primary vault';
    backupItem(
      `backup-writes-${id}-vault`,
      `AWS Backup writes recovery points into ${target}`,
      id === 'dr' ? ['backup:DescribeBackupVault', 'backup:CopyIntoBackupVault'] : ['backup:DescribeBackupVault'],
      res(m, vault),
    );
    backupItem(
      `backup-uses-${id}-vault-key`,
      `AWS Backup gets a grant on the key of ${target} (recovery points are encrypted under it)`,
      ['kms:CreateGrant', 'kms:DescribeKey'],
      vaultKey ? res(m, vaultKey) : none(`key of ${target}`),
      {
        ...backupCtx,
        'kms:ViaService': `backup.${vault.stack.region}.amazonaws.com`,
        'kms:GrantIsForAWSResource': 'true',
        'kms:CallerAccount': acct,
      },
    );
  }

  // --- Workers.
  const consumerFn = f.one('Workers', /^Consumer\/Function\/Resource$/, 'AWS::Lambda::Function');
  const consumerRole = functionRole(f, consumerFn);
  const apiFn = f.one('Workers', /^Api\/Function\/Resource$/, 'AWS::Lambda::Function');
  const apiRole = functionRole(f, apiFn);
  f.take();
  const workQueue = m.find('Workers', /^WorkQueue\/Queue\/Resource$/, 'AWS::SQS::Queue')[0];
  const secret = m.find('Data', /^Postgres\/Instance\/Secret\/Resource$/, 'AWS::SecretsManager::Secret')[0];
  const s3Endpoint = m.resources.find(
    (r) =>
      r.type === 'AWS::EC2::VPCEndpoint' &&
      /\.s3"?\]?\]?$/.test(JSON.stringify(r.props.ServiceName)) &&
      r.props.VpcEndpointType === 'Gateway',
  );
  const vpceCtx: Context = s3Endpoint
    ? { 'aws:SourceVpce': m.ref(s3Endpoint), 'aws:SourceVpc': m.str(s3Endpoint.stack, s3Endpoint.props.VpcId) }
    : {};

  if (consumerRole && workQueue) {
    const p = role(m, consumerRole);
    add({
      id: 'consumer-receives-work',
      title: 'The queue consumer receives and deletes work messages',
      principal: p,
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
      resource: res(m, workQueue),
      context: { ...TLS, ...roleContext(p) },
      expect: 'allow',
      method: 'policy',
      controls: ['messaging', 'private-workers'],
    });
    const qKey = f.via(workQueue, 'KmsMasterKeyId');
    add({
      id: 'consumer-decrypts-work',
      title: "The queue consumer decrypts messages with the queue's key through SQS",
      principal: p,
      actions: ['kms:Decrypt'],
      resource: qKey ? res(m, qKey) : none('work queue key'),
      context: { ...TLS, ...roleContext(p), 'kms:ViaService': `sqs.${region}.amazonaws.com`, 'kms:CallerAccount': acct },
      expect: 'allow',
      method: 'policy',
      controls: ['messaging'],
    });
    if (secret) {
      add({
        id: 'consumer-cannot-read-master-secret',
        title: 'The queue consumer cannot read the database master secret',
        principal: p,
        actions: ['secretsmanager:GetSecretValue'],
        resource: res(m, secret),
        context: { ...TLS, ...roleContext(p) },
        expect: 'deny',
        method: 'policy',
        controls: ['database-authentication', 'tenant-isolation'],
      });
    }
  } else add(undefined, `queue consumer role or work queue not found (${f.take() ?? 'Workers/Consumer, Workers/WorkQueue'})`);

  if (apiRole && secret) {
    const p = role(m, apiRole);
    add({
      id: 'api-cannot-read-master-secret',
      title: 'The internet-facing API function cannot read the database master secret',
      principal: p,
      actions: ['secretsmanager:GetSecretValue'],
      resource: res(m, secret),
      context: { ...TLS, ...roleContext(p) },
      expect: 'deny',
      method: 'policy',
      controls: ['database-private'],
    });
  }

  // --- Tenants: each tenant's worker role reaches its own prefix, key and login, and nothing of another tenant.
  const tenants = tenantIds(m);
  const dbResourceId = db ? m.str(db.stack, { 'Fn::GetAtt': [db.logicalId, 'DbiResourceId'] }) : `${UNRESOLVED}database»`;
  const dbuser = (login: string) => `arn:${keys.partition}:rds-db:${region}:${acct}:dbuser:${dbResourceId}/${login}`;
  const tenantParts = (t: string) => {
    const stack = /^Tenants\d+$/;
    const ap = m.find(stack, new RegExp(`^${t}/AccessPoint$`), 'AWS::S3::AccessPoint')[0];
    const r = m.find(stack, new RegExp(`^${t}/Role/Resource$`), 'AWS::IAM::Role')[0];
    const k = m.find(stack, new RegExp(`^${t}/Key/Key/Resource$`), 'AWS::KMS::Key')[0];
    return { ap, role: r, key: k };
  };
  for (const t of tenants) {
    const own = tenantParts(t);
    if (!own.role || !own.ap || !own.key) {
      add(undefined);
      continue;
    }
    const p = role(m, own.role);
    const bucket = m.target(own.ap.stack, own.ap.props.Bucket);
    const apFor = (other: ReturnType<typeof tenantParts>, tenant: string, key: string) => {
      const apArn = m.str(other.ap.stack, { 'Fn::GetAtt': [other.ap.logicalId, 'Arn'] });
      return {
        resource: {
          label: `${label(other.ap)} object ${key}`,
          arn: `${apArn}/object/tenants/${tenant}/${key}`,
          owner: other.ap,
          account: acct,
        },
        accessPoint: bucket
          ? { accessPoint: other.ap, bucket, bucketObjectArn: `${arnOf(m, bucket)}/tenants/${tenant}/${key}` }
          : undefined,
      };
    };
    const s3Ctx = (other: ReturnType<typeof tenantParts>) => ({
      ...TLS,
      ...roleContext(p),
      ...vpceCtx,
      's3:DataAccessPointAccount': acct,
      's3:DataAccessPointArn': m.str(other.ap.stack, { 'Fn::GetAtt': [other.ap.logicalId, 'Arn'] }),
      's3:AccessPointNetworkOrigin': 'VPC',
      's3:x-amz-server-side-encryption': 'aws:kms',
      's3:x-amz-server-side-encryption-aws-kms-key-id': arnOf(m, other.key),
    });
    // A records object, written with the retention tag of the tenant's records class.
    const ownAp = apFor(own, t, 'records/record.json');
    const recordsTag = requiredRetentionTag(own.ap, 'records');
    const tagCtx = (days: string | undefined): Record<string, string> =>
      days === undefined ? {} : { [`s3:RequestObjectTag/${RETENTION_TAG}`]: days };
    add({
      id: `tenant-${t}-writes-own-prefix`,
      title: `Tenant ${t}'s worker role reads and writes its prefix through its access point (with its records retention tag)`,
      principal: p,
      actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging'],
      ...ownAp,
      endpoint: s3Endpoint,
      context: { ...s3Ctx(own), ...tagCtx(recordsTag) },
      expect: 'allow',
      method: 'policy',
      controls: ['tenant-isolation'],
    });
    // Must-deny: a records object written with a shorter retention than the records class has (it would expire early).
    if (recordsTag !== undefined && recordsTag !== '1')
      add({
        id: `tenant-${t}-denied-shorter-retention`,
        title: `Tenant ${t}'s worker role cannot write a records object tagged with a shorter retention (1 day instead of ${recordsTag})`,
        principal: p,
        actions: ['s3:PutObject', 's3:PutObjectTagging'],
        ...ownAp,
        endpoint: s3Endpoint,
        context: { ...s3Ctx(own), ...tagCtx('1') },
        expect: 'deny',
        method: 'policy',
        controls: ['tenant-isolation'],
      });
    add({
      id: `tenant-${t}-uses-own-key`,
      title: `Tenant ${t}'s worker role uses its key through S3`,
      principal: p,
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resource: res(m, own.key),
      context: { ...TLS, ...roleContext(p), 'kms:ViaService': `s3.${region}.amazonaws.com`, 'kms:CallerAccount': acct },
      expect: 'allow',
      method: 'policy',
      controls: ['tenant-isolation', 'kms-customer-keys'],
    });
    add({
      id: `tenant-${t}-connects-as-own-login`,
      title: `Tenant ${t}'s worker role connects to the database as its tenant login (IAM authentication)`,
      principal: p,
      actions: ['rds-db:connect'],
      resource: db ? { label: `database login tenant_${t}`, arn: dbuser(`tenant_${t}`), account: acct } : none('database'),
      context: { ...TLS, ...roleContext(p) },
      expect: 'allow',
      method: 'policy',
      controls: ['tenant-isolation', 'database-authentication'],
      basis: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html',
    });
    add({
      id: `tenant-${t}-assumed-by-consumer`,
      title: `The queue consumer assumes tenant ${t}'s worker role`,
      principal: consumerRole ? role(m, consumerRole) : nobody('queue consumer role'),
      actions: ['sts:AssumeRole'],
      resource: { label: `${p.label} (trust policy)`, arn: p.principal, owner: own.role, account: acct },
      context: { ...TLS, ...(consumerRole ? roleContext(role(m, consumerRole)) : {}) },
      expect: 'allow',
      method: 'policy',
      controls: ['tenant-isolation'],
    });
    // Must-deny: another tenant's access point, key and login. Every pair up to MAX_PAIRWISE_TENANTS tenants;
    // beyond, each tenant against its two neighbours in id order (each tenant is tried as subject and as target).
    for (const o of otherTenants(tenants, t)) {
      const other = tenantParts(o);
      if (!other.ap || !other.key) continue;
      add({
        id: `tenant-${t}-denied-${o}-access-point`,
        title: `Tenant ${t}'s worker role cannot read tenant ${o}'s objects through ${o}'s access point`,
        principal: p,
        actions: ['s3:GetObject', 's3:PutObject'],
        ...apFor(other, o, 'records/record.json'),
        endpoint: s3Endpoint,
        context: { ...s3Ctx(other), ...tagCtx(requiredRetentionTag(other.ap, 'records')) },
        expect: 'deny',
        method: 'policy',
        controls: ['tenant-isolation'],
      });
      add({
        id: `tenant-${t}-denied-${o}-key`,
        title: `Tenant ${t}'s worker role cannot use tenant ${o}'s key`,
        principal: p,
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resource: res(m, other.key),
        context: { ...TLS, ...roleContext(p), 'kms:ViaService': `s3.${region}.amazonaws.com`, 'kms:CallerAccount': acct },
        expect: 'deny',
        method: 'policy',
        controls: ['tenant-isolation'],
      });
      add({
        id: `tenant-${t}-denied-${o}-login`,
        title: `Tenant ${t}'s worker role cannot connect as tenant ${o}'s login`,
        principal: p,
        actions: ['rds-db:connect'],
        resource: { label: `database login tenant_${o}`, arn: dbuser(`tenant_${o}`), account: acct },
        context: { ...TLS, ...roleContext(p) },
        expect: 'deny',
        method: 'policy',
        controls: ['tenant-isolation'],
      });
    }
  }

  // --- Audit records through the writer (the worker), and what nobody may do to them.
  // A write under the default audit retention (the bucket's default Object Lock retention in days).
  const LOCKED_DAYS = String(daysCoveringYears(AUDIT_RETENTION_YEARS.default));
  const writer = consumerRole;
  if (writer && auditBucket) {
    const p = role(m, writer);
    const key = batchKey(tenants[0] ?? 'acme', 'worker-1', 1);
    const put = {
      ...TLS,
      ...roleContext(p),
      ...vpceCtx,
      's3:x-amz-server-side-encryption': 'aws:kms',
      's3:x-amz-server-side-encryption-aws-kms-key-id': auditKey ? arnOf(m, auditKey) : '',
    };
    add({
      id: 'writer-appends-audit-records',
      title: 'The audit writer (the queue consumer) appends a new audit object (If-None-Match: *)',
      principal: p,
      actions: ['s3:PutObject'],
      resource: res(m, auditBucket, `/${key}`),
      endpoint: s3Endpoint,
      context: {
        ...put,
        's3:if-none-match': '*',
        's3:object-lock-mode': 'COMPLIANCE',
        's3:object-lock-remaining-retention-days': LOCKED_DAYS,
      },
      expect: 'allow',
      method: 'policy',
      controls: ['audit-worm'],
    });
    add({
      id: 'writer-appends-with-default-retention',
      title: "The audit writer appends a new audit object locked by the bucket's default retention (no retention headers)",
      principal: p,
      actions: ['s3:PutObject'],
      resource: res(m, auditBucket, `/${key}`),
      endpoint: s3Endpoint,
      // No s3:object-lock-* keys: the request carries no retention, so the retention-floor Deny does not match.
      context: { ...put, 's3:if-none-match': '*' },
      expect: 'allow',
      method: 'policy',
      controls: ['audit-worm'],
    });
    add({
      id: 'writer-cannot-shorten-audit-retention',
      title: 'The audit writer cannot store an audit object with a retention shorter than the audit years',
      principal: p,
      actions: ['s3:PutObject'],
      resource: res(m, auditBucket, `/${key}`),
      endpoint: s3Endpoint,
      context: { ...put, 's3:if-none-match': '*', 's3:object-lock-mode': 'COMPLIANCE', 's3:object-lock-remaining-retention-days': '30' },
      expect: 'deny',
      method: 'policy',
      controls: ['audit-worm'],
      basis:
        'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html (s3:object-lock-remaining-retention-days in the bucket policy limits the allowable retention periods)',
    });
    add({
      id: 'writer-uses-audit-key',
      title: 'The audit writer encrypts with the audit key through S3',
      principal: p,
      actions: ['kms:GenerateDataKey'],
      resource: auditKey ? res(m, auditKey) : none('audit key'),
      context: { ...TLS, ...roleContext(p), 'kms:ViaService': `s3.${region}.amazonaws.com`, 'kms:CallerAccount': acct },
      expect: 'allow',
      method: 'policy',
      controls: ['audit-worm'],
    });
    add({
      id: 'writer-cannot-overwrite-audit-records',
      title: 'The audit writer cannot overwrite what it wrote (a PUT without If-None-Match)',
      principal: p,
      actions: ['s3:PutObject'],
      resource: res(m, auditBucket, `/${key}`),
      endpoint: s3Endpoint,
      context: { ...put, 's3:object-lock-mode': 'COMPLIANCE', 's3:object-lock-remaining-retention-days': LOCKED_DAYS },
      expect: 'deny',
      method: 'policy',
      controls: ['audit-worm'],
      basis: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html (s3:if-none-match in a bucket policy)',
    });
    add({
      id: 'writer-cannot-delete-audit-records',
      title: 'The audit writer cannot delete what it wrote (no delete markers)',
      principal: p,
      actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      resource: res(m, auditBucket, `/${key}`),
      endpoint: s3Endpoint,
      context: { ...TLS, ...roleContext(p), ...vpceCtx },
      expect: 'deny',
      method: 'policy',
      controls: ['audit-worm'],
    });
  }
  if (auditBucket) {
    const admin: InteractionPrincipal = {
      label: `account root ${acct}`,
      principal: `arn:${keys.partition}:iam::${acct}:root`,
      account: acct,
    };
    add({
      id: 'nobody-deletes-locked-audit-versions',
      title: 'No principal, the account root included, deletes a locked audit object version',
      principal: admin,
      actions: ['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention'],
      resource: res(m, auditBucket, '/cloudtrail/AWSLogs/file.json.gz'),
      context: { ...TLS, 'aws:PrincipalArn': admin.principal, 'aws:PrincipalAccount': acct },
      expect: 'deny',
      method: 'object-lock',
      controls: ['audit-worm'],
      basis:
        'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes (compliance mode: no user, including the root user, can overwrite or delete a protected object version or shorten its retention)',
    });
    add({
      id: 'nobody-shortens-audit-retention',
      title: 'No principal, the account root included, shortens the retention of a locked audit object',
      principal: admin,
      actions: ['s3:PutObjectRetention'],
      resource: res(m, auditBucket, '/cloudtrail/AWSLogs/file.json.gz'),
      context: { ...TLS, 'aws:PrincipalArn': admin.principal, 'aws:PrincipalAccount': acct },
      expect: 'deny',
      method: 'object-lock',
      controls: ['audit-worm'],
      basis: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html#object-lock-retention-modes',
    });
  }

  // --- The tenant provisioner and the rotation function on the master secret.
  const provisionerFn = f.one('Data', /^TenantDatabaseProvisioner\/Function\/Resource$/, 'AWS::Lambda::Function');
  const provisionerRole = functionRole(f, provisionerFn);
  if (provisionerRole && secret) {
    const p = role(m, provisionerRole);
    add({
      id: 'provisioner-reads-master-secret',
      title: 'The tenant provisioner reads the database master secret',
      principal: p,
      actions: ['secretsmanager:GetSecretValue'],
      resource: res(m, secret),
      context: { ...TLS, ...roleContext(p) },
      expect: 'allow',
      method: 'policy',
      controls: ['tenant-isolation', 'database-authentication'],
    });
    const sKey = f.via(secret, 'KmsKeyId');
    add({
      id: 'provisioner-decrypts-master-secret',
      title: 'The tenant provisioner decrypts the master secret with the database key through Secrets Manager',
      principal: p,
      actions: ['kms:Decrypt'],
      resource: sKey ? res(m, sKey) : none('secret key'),
      context: { ...TLS, ...roleContext(p), 'kms:ViaService': `secretsmanager.${region}.amazonaws.com`, 'kms:CallerAccount': acct },
      expect: 'allow',
      method: 'policy',
      controls: ['tenant-isolation'],
    });
  } else add(undefined);
  if (secret) {
    add({
      id: 'rotation-updates-master-secret',
      title: 'The rotation function reads and writes the master secret',
      principal: {
        label: 'rotation function role (created by the Serverless Application Repository application)',
        principal: `arn:${keys.partition}:iam::${acct}:role/SecretsManagerRDSPostgreSQLRotationSingleUserRole`,
        account: acct,
        externalGrant: "the rotation application's own role policy (SecretsManagerRDSPostgreSQLRotationSingleUser), not in our templates",
      },
      actions: [
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
        'secretsmanager:DescribeSecret',
      ],
      resource: res(m, secret),
      context: { ...TLS, 'aws:PrincipalAccount': acct },
      expect: 'allow',
      method: 'policy',
      controls: ['database-authentication'],
      notProvable:
        "the rotation function's role and policy are created by the AWS::Serverless::Application (SecretsManagerRDSPostgreSQLRotationSingleUser), not in our templates: only the secret's resource policy is evaluated (it must not deny the rotation role); the role's own policy is AWS's",
    });
  }
  // --- Anyone without TLS: requests that are allowed over TLS are refused without it (S3, SNS and SQS accept
  // plain HTTP; Secrets Manager and KMS endpoints are HTTPS only, so they are not listed).
  const withoutTls = [
    tenants.length ? `tenant-${tenants[0]}-writes-own-prefix` : undefined,
    'cloudtrail-writes-audit-bucket',
    'server-access-logs-Data-PhiData',
    'events-role-publishes-alerts',
    'consumer-receives-work',
    'backup-lists-phi-bucket',
  ];
  for (const id of withoutTls) {
    const i = out.find((x) => x.id === id);
    if (!i) continue;
    out.push({
      ...i,
      id: `no-tls-${id}`,
      title: `Without TLS: ${i.title.charAt(0).toLowerCase()}${i.title.slice(1)} is refused`,
      context: { ...i.context, 'aws:SecureTransport': 'false' },
      expect: 'deny',
      controls: [...new Set([...i.controls, 's3-tls-private'])],
    });
  }
  return out;
}

/** The VPC functions of the assembly (Lambda functions with a VpcConfig, and the rotation application). */
export function vpcFunctions(m: AssemblyModel): ModelResource[] {
  return m.resources.filter(
    (r) =>
      (r.type === 'AWS::Lambda::Function' && r.props.VpcConfig !== undefined) ||
      (r.type === 'AWS::Serverless::Application' &&
        (r.props.Parameters as Record<string, unknown> | undefined)?.vpcSecurityGroupIds !== undefined),
  );
}

/** Build the catalogue of network paths: what each VPC function needs, and what must stay unreachable. */
export function reachabilityCatalogue(m: AssemblyModel): Reachability[] {
  const out: Reachability[] = [];
  const db = m.find('Data', /^Postgres\/Instance\/Resource$/, 'AWS::RDS::DBInstance')[0];
  const port = db ? Number(m.str(db.stack, { 'Fn::GetAtt': [db.logicalId, 'Endpoint.Port'] })) : 5432;
  const phi = m.find('Data', /^PhiData\/Secure\/Bucket\/Resource$/, 'AWS::S3::Bucket')[0];
  const trail = m.find('Audit', /.*/, 'AWS::CloudTrail::Trail')[0];
  const audit = trail ? m.target(trail.stack, trail.props.S3BucketName) : undefined;
  const region = m.stack('Keys').region;
  const responseBucket = `arn:aws:s3:::cloudformation-custom-resource-response-${region.replace(/-/g, '')}`;
  const iface = (service: string): Destination => ({ kind: 'interface-endpoint', label: `${service} endpoint`, service });
  const s3 = (label: string, bucketArn: string, action = 's3:GetObject'): Destination => ({ kind: 's3', label, bucketArn, action });
  const dbDest: Destination | undefined = db ? { kind: 'port', label: `database port ${port}`, target: db, port } : undefined;

  const need = (
    source: ModelResource | undefined,
    who: string,
    dests: Array<Destination | undefined>,
    controls: string[],
    expect: Reachability['expect'] = 'reachable',
  ) => {
    if (!source) {
      out.push({
        id: `${who}-missing`,
        title: `${who}: function not found`,
        source: undefined as unknown as ModelResource,
        destination: { kind: 'internet', label: 'n/a' },
        expect,
        controls,
        missing: `no function for ${who}`,
      });
      return;
    }
    for (const d of dests) {
      if (!d) continue;
      out.push({
        id: `${who}-${expect === 'reachable' ? 'reaches' : 'cannot-reach'}-${d.label.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`,
        title: `${label(source)} ${expect === 'reachable' ? 'reaches' : 'cannot reach'} ${d.label}`,
        source,
        destination: d,
        expect,
        controls,
      });
    }
  };
  const consumer = m.find('Workers', /^Consumer\/Function\/Resource$/, 'AWS::Lambda::Function')[0];
  const api = m.find('Workers', /^Api\/Function\/Resource$/, 'AWS::Lambda::Function')[0];
  const provisioner = m.find('Data', /^TenantDatabaseProvisioner\/Function\/Resource$/, 'AWS::Lambda::Function')[0];
  const rotation = m.find('Data', /.*/, 'AWS::Serverless::Application')[0];

  need(
    consumer,
    'consumer',
    [
      iface('sqs'),
      iface('kms'),
      iface('sts'),
      iface('logs'),
      phi &&
        s3('PHI bucket (tenant access points) through the S3 gateway endpoint', m.str(phi.stack, { 'Fn::GetAtt': [phi.logicalId, 'Arn'] })),
      audit &&
        s3(
          'audit bucket (audit writer) through the S3 gateway endpoint',
          m.str(audit.stack, { 'Fn::GetAtt': [audit.logicalId, 'Arn'] }),
          's3:PutObject',
        ),
      dbDest,
    ],
    ['private-workers', 'tenant-isolation'],
  );
  need(
    provisioner,
    'provisioner',
    [iface('secretsmanager'), iface('kms'), dbDest, s3('CloudFormation response bucket', responseBucket, 's3:PutObject')],
    ['tenant-isolation'],
  );
  need(rotation, 'rotation', [iface('secretsmanager'), iface('kms'), dbDest], ['database-authentication']);
  need(api, 'api', [dbDest], ['database-private'], 'unreachable');
  for (const fn of vpcFunctions(m))
    need(
      fn,
      `${fn.stack.id}-${fn.path.split('/')[0]}`,
      [{ kind: 'internet', label: 'the internet' }],
      ['network-isolation'],
      'unreachable',
    );
  return out;
}
