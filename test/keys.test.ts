import { Match } from 'aws-cdk-lib/assertions';
import { defaultDeployment } from './helpers/synth';

const keys = () => defaultDeployment().template('Keys');

describe('Keys stack', () => {
  test('one customer-managed key per data class, each with an alias', () => {
    keys().resourceCountIs('AWS::KMS::Key', 4);
    for (const dataClass of ['database', 'audit-and-logs', 'backup', 'app-data']) {
      keys().hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/hipaa/example/${dataClass}` });
    }
  });

  test('every key rotates yearly, has a 30-day deletion window and is retained', () => {
    const all = keys().findResources('AWS::KMS::Key');
    expect(Object.keys(all)).toHaveLength(4);
    for (const key of Object.values(all)) {
      expect(key.Properties).toMatchObject({ EnableKeyRotation: true, RotationPeriodInDays: 365, PendingWindowInDays: 30 });
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.UpdateReplacePolicy).toBe('Retain');
    }
  });

  test('every key policy denies grants that are not for AWS resources (CT.KMS.PR.3)', () => {
    for (const key of Object.values(keys().findResources('AWS::KMS::Key'))) {
      expect(key.Properties.KeyPolicy.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 'kms:CreateGrant',
            Principal: { AWS: '*' },
            Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
          }),
        ]),
      );
    }
  });

  test('no key policy allows a wildcard principal without a condition', () => {
    for (const key of Object.values(keys().findResources('AWS::KMS::Key'))) {
      for (const s of key.Properties.KeyPolicy.Statement) {
        const wildcard = s.Principal === '*' || s.Principal?.AWS === '*';
        if (wildcard) expect(s.Condition).toBeDefined();
        if (s.Effect === 'Allow' && s.Principal?.Service) expect(s.Condition).toBeDefined();
      }
    }
  });

  test('CloudWatch Logs may use the audit key only for log groups of this account and region', () => {
    keys().hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('audit-and-logs'),
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': {
                  'Fn::Join': ['', ['arn:aws:logs:us-east-1:', { Ref: 'AWS::AccountId' }, ':log-group:*']],
                },
              },
            },
          }),
        ]),
      },
    });
  });

  test('CloudTrail may use the audit key only for trails of this account', () => {
    keys().hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'kms:GenerateDataKey*',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': Match.anyValue() },
            },
          }),
        ]),
      },
    });
  });

  test('CloudTrail may decrypt with the audit key, for the audit trail only (the audit bucket uses an S3 Bucket Key)', () => {
    // The trail ARN the audit bucket admits is the one the key admits for kms:Decrypt.
    const bucketPolicy = Object.values(defaultDeployment().template('Audit').findResources('AWS::S3::BucketPolicy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .find((s: { Sid?: string }) => s.Sid === 'AllowCloudTrailWrite');
    const trailArn = bucketPolicy.Condition.StringEquals['aws:SourceArn'];
    expect(JSON.stringify(trailArn)).toContain(':trail/hipaa-example-audit');
    keys().hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('audit-and-logs'),
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowCloudTrailDecryptForBucketKey',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'kms:Decrypt',
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
          },
        ]),
      },
    });
    defaultDeployment()
      .template('Audit')
      .hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: true,
        BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ BucketKeyEnabled: true })] },
      });
  });
});
