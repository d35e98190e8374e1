import { Match } from 'aws-cdk-lib/assertions';
import { gatedDeployment } from './helpers/synth';

const gated = () => gatedDeployment();
const audit = () => gated().template('Audit');
const sealerRoleId = () => {
  const roles = audit().findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('Audit checkpoint sealer') } });
  expect(Object.keys(roles)).toHaveLength(1);
  return Object.keys(roles)[0];
};

describe('audit checkpoint sealer (Audit stack)', () => {
  test('an asymmetric P-256 signing key, kept on deletion, that only the sealer role may use to sign', () => {
    audit().hasResource('AWS::KMS::Key', {
      Properties: {
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        PendingWindowInDays: 30,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'OnlyTheSealerSigns',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 'kms:Sign',
              Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [sealerRoleId(), 'Arn'] } } },
            }),
          ]),
        },
      },
      DeletionPolicy: 'Retain',
    });
  });

  test('the sealer runs on the configured signing period with its own role, in the isolated subnets', () => {
    expect(gated().config.auditSigningPeriodMinutes).toBe(60);
    audit().hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    audit().hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [sealerRoleId(), 'Arn'] },
      Runtime: 'nodejs22.x',
      Environment: { Variables: Match.objectLike({ AUDIT_RETENTION_YEARS: '7', CHECKPOINT_KEY_ARN: Match.anyValue() }) },
      DeadLetterConfig: Match.anyValue(),
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
      ReservedConcurrentExecutions: 1,
    });
  });

  test('the sealer may write objects only under audit/checkpoints/ and may read the chains with their versions', () => {
    const policies = {
      ...audit().findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: sealerRoleId() }] } }),
      ...audit().findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: sealerRoleId() }] } }),
    };
    expect(Object.keys(policies).length).toBeGreaterThan(0);
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>);
    const puts = statements.filter((s) => [s.Action].flat().some((a) => String(a).startsWith('s3:PutObject')));
    expect(puts.length).toBeGreaterThan(0);
    for (const s of puts) expect(JSON.stringify(s.Resource)).toMatch(/\/audit\/checkpoints\/\*/);
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: expect.arrayContaining(['s3:ListBucketVersions', 's3:GetObjectVersion']) }),
    );
  });

  test('the stack exports the checkpoint key and the audit years for audit:verify', () => {
    const outputs = audit().findOutputs('*');
    expect(outputs.AuditRetentionYears.Value).toBe('7');
    expect(outputs.AuditCheckpointKeyArn.Value).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
  });

  test('the sealer passes the HIPAA, NIST and Control Tower packs (or carries a reasoned acknowledgement)', () => {
    const mine = gated().findings.filter((f) => JSON.stringify(f).includes('CheckpointSealer'));
    expect(mine).toEqual([]);
  });
});
