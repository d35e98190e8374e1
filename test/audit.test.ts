import { Match } from 'aws-cdk-lib/assertions';
import { defaultDeployment, synthReference, testConfig } from './helpers/synth';

const audit = () => defaultDeployment().template('Audit');
const auditBucket = () => {
  const found = audit().findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } });
  expect(Object.keys(found)).toHaveLength(1);
  return Object.values(found)[0];
};

/** The most days seven calendar years can span (two 29 Februaries): the audit objects' lock. */
const SEVEN_YEARS_DAYS = 2557;

describe('WORM audit bucket', () => {
  test('Object Lock in COMPLIANCE mode for the configured years', () => {
    expect(auditBucket().Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 7 } },
    });
  });

  test('retention follows the config', () => {
    const t = synthReference(testConfig({ auditRetentionYears: 9 }), { complianceGate: false }).template('Audit');
    t.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Years: 9 } } },
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 3288 });
  });

  test('versioned, SSE-KMS with a customer key and bucket key, public access blocked, access-logged', () => {
    expect(auditBucket().Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: expect.anything() } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: expect.anything(), LogFilePrefix: 's3/audit/' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(auditBucket().DeletionPolicy).toBe('Retain');
    expect(auditBucket().UpdateReplacePolicy).toBe('Retain');
  });

  test('what is kept is what is stated: current versions for the audit years, noncurrent ones for a day past their lock', () => {
    const rules = auditBucket().Properties.LifecycleConfiguration.Rules as Array<Record<string, unknown>>;
    const expiring = rules.filter((r) => r.ExpirationInDays !== undefined || r.NoncurrentVersionExpiration !== undefined);
    expect(expiring).toEqual([
      expect.objectContaining({
        ExpirationInDays: 2557 /* 7 calendar years from any start: 7 * 365 + 2 leap days */,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      }),
    ]);
  });

  test('the bucket policy refuses, to anyone, a retention shorter than the audit years (default-retention PUTs carry no such key)', () => {
    const logicalId = Object.keys(audit().findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }))[0];
    const policy = Object.values(audit().findResources('AWS::S3::BucketPolicy')).find((p) => p.Properties.Bucket.Ref === logicalId)!;
    expect(policy.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        {
          Sid: 'DenyRetentionShorterThanAuditYears',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: ['s3:PutObject', 's3:PutObjectRetention'],
          Resource: expect.anything(),
          Condition: { NumericLessThan: { 's3:object-lock-remaining-retention-days': 2555 } },
        },
      ]),
    );
  });

  test('the bucket policy denies requests without TLS and with TLS below 1.2', () => {
    const policies = audit().findResources('AWS::S3::BucketPolicy');
    const logicalId = Object.keys(audit().findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }))[0];
    const policy = Object.values(policies).find((p) => p.Properties.Bucket.Ref === logicalId)!;
    expect(policy.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      ]),
    );
  });
});

describe('access-log bucket', () => {
  test('SSE-S3 (the log-delivery services accept nothing else), versioned, blocked, expiring after the audit years', () => {
    audit().hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: SEVEN_YEARS_DAYS })] },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('admits S3 server access logs from this account only', () => {
    audit().hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });
});

describe('CloudTrail', () => {
  test('multi-region, log file validation, KMS, delivering into the WORM bucket', () => {
    audit().hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'hipaa-example-audit',
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      KMSKeyId: 'alias/hipaa/example/audit-and-logs',
      S3BucketName: { Ref: Object.keys(audit().findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }))[0] },
    });
  });

  test('S3 data events for every bucket, PHI and audit buckets included', () => {
    audit().hasResourceProperties('AWS::CloudTrail::Trail', {
      EventSelectors: [
        {
          IncludeManagementEvents: true,
          ReadWriteType: 'All',
          DataResources: [{ Type: 'AWS::S3::Object', Values: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3']] }] }],
        },
      ],
    });
  });

  test('also delivers into a KMS-encrypted log group kept at least the audit years', () => {
    const trail = Object.values(audit().findResources('AWS::CloudTrail::Trail'))[0];
    const groupId = trail.Properties.CloudWatchLogsLogGroupArn['Fn::GetAtt'][0];
    const group = audit().findResources('AWS::Logs::LogGroup')[groupId];
    expect(group.Properties.RetentionInDays).toBeGreaterThanOrEqual(7 * 365);
    expect(group.Properties.KmsKeyId).toBeDefined();
    expect(group.DeletionPolicy).toBe('Retain');
  });

  test('the bucket policy lets only this trail write, with bucket-owner-full-control', () => {
    audit().hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudTrailWrite',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceArn': Match.anyValue(), 's3:x-amz-acl': 'bucket-owner-full-control' } },
          }),
        ]),
      },
    });
  });
});
