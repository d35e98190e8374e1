import { CustomResource, Duration, Stack, Tags } from 'aws-cdk-lib';
import * as crypto from 'crypto';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RETENTION_TAG, TENANT_TAG, tenantKeyAlias } from '../lib/baseline/contract';
import { HipaaKey } from './hipaa-key';
import { ManagedPolicyRole } from './managed-policy-role';

/** Object actions a tenant's role may take anywhere under its own prefix. */
export const TENANT_OBJECT_ACTIONS = ['s3:GetObject', 's3:DeleteObject'];
/**
 * Write actions a tenant's role may take under the prefix of each class that stores something. A PutObject that
 * sets tags (the retention tag) needs s3:PutObjectTagging as well
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html, Permissions); that also allows the
 * PutObjectTagging call, which the access point holds to the same retention tag.
 */
export const TENANT_WRITE_ACTIONS = ['s3:PutObject', 's3:PutObjectTagging'];
/** Key actions a tenant's role may take with its own key. */
export const TENANT_KEY_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];

export interface TenantResourcesProps {
  readonly tenantId: string;
  readonly environment: string;
  /** The PHI data bucket (the tenant's prefix is `tenants/<id>/`). */
  readonly bucket: s3.IBucket;
  /** The VPC the tenant's access point accepts requests from. */
  readonly vpc: ec2.IVpc;
  /** The worker role allowed to act for the tenant (it assumes the tenant role). */
  readonly workerRole: iam.IRole;
  /**
   * Retention of each data class in whole days (the class's objects live under `tenants/<id>/<class>/`); 0: the
   * class stores nothing, and writes to it are denied. A write to any other class must carry the object tag
   * `hipaa-retention-days=<days>` of that class (the PHI bucket's lifecycle rule for that value expires it).
   */
  readonly retentionDays: Readonly<Record<string, number>>;
  /** Service token of the database provisioner (creates the tenant's schema and role). */
  readonly databaseProvisioner: string;
  /** The database holding the tenant's schema; the tenant role may connect to it as the tenant's login only. */
  readonly database: rds.IDatabaseInstance;
  /**
   * How long CloudFormation waits for the provisioner's answer before failing the schema resource.
   * @default Duration.minutes(10) - instead of CloudFormation's one hour
   */
  readonly provisionerTimeout?: Duration;
}

/** Postgres identifier of a tenant's schema and role. */
export const tenantDbName = (tenantId: string) => `tenant_${tenantId}`;

/**
 * Everything one tenant owns (45 CFR 164.312(a)(1), (a)(2)(iv)): its own KMS key (tagged with the tenant,
 * rotating, retained), its own access point to its own prefix of the PHI bucket (reachable from the VPC
 * only, writes only under its key), an IAM role for the workers acting for it whose policy reaches nothing
 * else, and a Postgres schema and role created at deploy time. Removing the tenant from the config retains
 * the key, the data and the schema (offboarding is the `tenant-offboard` CLI).
 */
export class TenantResources extends Construct {
  public readonly key: kms.Key;
  public readonly role: ManagedPolicyRole;
  public readonly accessPoint: s3.CfnAccessPoint;
  public readonly accessPointArn: string;

  constructor(scope: Construct, id: string, props: TenantResourcesProps) {
    super(scope, id);
    const t = props.tenantId;
    const stack = Stack.of(this);
    const hipaaKey = new HipaaKey(this, 'Key', { dataClass: `tenant-${t}`, aliasName: tenantKeyAlias(props.environment, t) });
    this.key = hipaaKey.key;
    Tags.of(this.key).add(TENANT_TAG, t);

    // Access point names are per account and region: tenant id plus a short hash of the environment.
    const name = `${t}-${crypto.createHash('sha256').update(props.environment).digest('hex').slice(0, 6)}`;
    this.accessPointArn = stack.formatArn({ service: 's3', resource: 'accesspoint', resourceName: name });
    const prefix = `tenants/${t}/`;

    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ArnPrincipal(props.workerRole.roleArn),
      description: `Workers acting for tenant ${t}: its prefix and its key only`,
    });
    const object = (key: string) => `${this.accessPointArn}/object/${prefix}${key}`;
    const classes = Object.entries(props.retentionDays);
    const bad = classes.filter(([, d]) => !Number.isInteger(d) || d < 0);
    if (bad.length)
      throw new Error(
        `TenantResources ${t}: retentionDays must be whole numbers of days (0: stores nothing), got ${JSON.stringify(Object.fromEntries(bad))}`,
      );
    const writable = classes.filter(([, d]) => d > 0);
    const zeroRetention = classes.filter(([, d]) => d === 0).map(([c]) => c);
    // Classes by retention: one Deny per retention value the tenant uses.
    const byDays = new Map<number, string[]>();
    for (const [c, d] of writable) byDays.set(d, [...(byDays.get(d) ?? []), c]);

    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: TENANT_OBJECT_ACTIONS, resources: [object('*')] }));
    if (writable.length)
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: TENANT_WRITE_ACTIONS, resources: writable.map(([c]) => object(`${c}/*`)) }),
      );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.accessPointArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      }),
    );
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: TENANT_KEY_ACTIONS, resources: [this.key.keyArn] }));
    // IAM database authentication as the tenant's own login, and no other:
    // rds-db:connect on arn:<partition>:rds-db:<region>:<account>:dbuser:<DbiResourceId>/tenant_<id>.
    props.database.grantConnect(this.role, tenantDbName(t));

    const policy = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'TenantRoleOnItsPrefix',
          principals: [new iam.ArnPrincipal(this.role.roleArn)],
          actions: TENANT_OBJECT_ACTIONS,
          resources: [object('*')],
        }),
        ...(writable.length
          ? [
              new iam.PolicyStatement({
                sid: 'TenantRoleWritesItsClasses',
                principals: [new iam.ArnPrincipal(this.role.roleArn)],
                actions: TENANT_WRITE_ACTIONS,
                resources: writable.map(([c]) => object(`${c}/*`)),
              }),
            ]
          : []),
        new iam.PolicyStatement({
          sid: 'TenantRoleListsItsPrefix',
          principals: [new iam.ArnPrincipal(this.role.roleArn)],
          actions: ['s3:ListBucket'],
          resources: [this.accessPointArn],
          conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
        }),
        new iam.PolicyStatement({
          sid: 'WritesOnlyUnderTheTenantKey',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:PutObject'],
          resources: [`${this.accessPointArn}/object/*`],
          conditions: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': this.key.keyArn } },
        }),
        // Retention by tag: a write (or re-tag) of a class must carry that class's retention, so nobody writes
        // where a shorter retention applies. A request without the tag is denied too (a negated condition on a
        // missing key is true). https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html
        ...[...byDays].map(
          ([days, cls]) =>
            new iam.PolicyStatement({
              sid: `RetentionTag${days}Days`,
              effect: iam.Effect.DENY,
              principals: [new iam.AnyPrincipal()],
              actions: TENANT_WRITE_ACTIONS,
              resources: cls.map((c) => object(`${c}/*`)),
              conditions: { StringNotEquals: { [`s3:RequestObjectTag/${RETENTION_TAG}`]: String(days) } },
            }),
        ),
        // Tags are set with the object (or replaced whole, under the Deny above), never removed or set on an
        // older version.
        new iam.PolicyStatement({
          sid: 'RetentionTagStays',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging', 's3:PutObjectVersionTagging'],
          resources: [`${this.accessPointArn}/object/*`],
        }),
        new iam.PolicyStatement({
          sid: 'DenyWithoutTLS',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:*'],
          resources: [this.accessPointArn, `${this.accessPointArn}/object/*`],
          conditions: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
        ...(zeroRetention.length
          ? [
              new iam.PolicyStatement({
                sid: 'ZeroRetentionStoresNothing',
                effect: iam.Effect.DENY,
                principals: [new iam.AnyPrincipal()],
                actions: ['s3:PutObject'],
                resources: zeroRetention.map((c) => object(`${c}/*`)),
              }),
            ]
          : []),
      ],
    });
    this.accessPoint = new s3.CfnAccessPoint(this, 'AccessPoint', {
      bucket: props.bucket.bucketName,
      name,
      vpcConfiguration: { vpcId: props.vpc.vpcId },
      publicAccessBlockConfiguration: {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      policy: policy.toJSON() as object,
    });

    new CustomResource(this, 'DatabaseSchema', {
      serviceToken: props.databaseProvisioner,
      resourceType: 'Custom::TenantDatabaseSchema',
      serviceTimeout: props.provisionerTimeout ?? Duration.minutes(10),
      properties: { TenantId: t, Schema: tenantDbName(t), Role: tenantDbName(t) },
    });
  }
}
