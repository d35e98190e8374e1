import { Match } from 'aws-cdk-lib/assertions';
import { defaultDeployment } from './helpers/synth';

const workers = () => defaultDeployment().template('Workers');
const functions = () => Object.values(workers().findResources('AWS::Lambda::Function'));

describe('private workers', () => {
  test('two workers, both in the isolated worker subnets with the worker security group', () => {
    expect(functions()).toHaveLength(2);
    for (const f of functions()) {
      expect(f.Properties.VpcConfig.SubnetIds).toEqual([
        expect.objectContaining({ 'Fn::GetStackOutput': expect.objectContaining({ OutputName: expect.stringMatching(/workersSubnet1/) }) }),
        expect.objectContaining({ 'Fn::GetStackOutput': expect.objectContaining({ OutputName: expect.stringMatching(/workersSubnet2/) }) }),
      ]);
      expect(f.Properties.VpcConfig.SecurityGroupIds).toEqual([
        expect.objectContaining({
          'Fn::GetStackOutput': expect.objectContaining({ OutputName: expect.stringMatching(/WorkersSecurityGroup/) }),
        }),
      ]);
    }
  });

  test('reserved concurrency, a KMS-encrypted dead-letter queue, and an encrypted environment', () => {
    for (const f of functions()) {
      expect(f.Properties.ReservedConcurrentExecutions).toBeGreaterThan(0);
      expect(f.Properties.DeadLetterConfig.TargetArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/DeadLettersQueue/), 'Arn'] });
      expect(f.Properties.KmsKeyArn).toBeDefined();
      expect(f.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    }
  });

  test('log groups are KMS-encrypted, kept a year, retained', () => {
    for (const f of functions()) {
      const group = workers().findResources('AWS::Logs::LogGroup')[f.Properties.LoggingConfig.LogGroup.Ref];
      expect(group.Properties.KmsKeyId).toBeDefined();
      expect(group.Properties.RetentionInDays).toBe(365);
      expect(group.DeletionPolicy).toBe('Retain');
    }
  });

  test('no secret values in the environment: the consumer gets the secret ARN and reads it at run time', () => {
    for (const f of functions()) {
      for (const name of Object.keys(f.Properties.Environment?.Variables ?? {})) expect(name).not.toMatch(/PASSWORD|TOKEN|SECRET$/);
    }
    workers().hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DB_SECRET_ARN: Match.objectLike({ 'Fn::GetStackOutput': Match.anyValue() }) }) },
    });
  });

  test('least privilege through managed policies: the consumer reads exactly the database secret, and decrypts only via Secrets Manager', () => {
    workers().resourceCountIs('AWS::IAM::Policy', 0);
    workers().hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Resource: Match.objectLike({ 'Fn::GetStackOutput': Match.anyValue() }),
          }),
          Match.objectLike({
            Action: 'kms:Decrypt',
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
          }),
        ]),
      },
    });
  });

  test('each worker may write to its KMS-encrypted dead-letter queue (send and generate data keys)', () => {
    for (const worker of ['Api', 'Consumer']) {
      const policy = Object.entries(workers().findResources('AWS::IAM::ManagedPolicy')).find(([id]) => id.startsWith(`${worker}Role`))![1];
      const statements = policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>;
      const onDlq = statements.filter((s) => JSON.stringify(s.Resource).includes(`${worker}DeadLettersQueue`));
      expect(onDlq.flatMap((s) => s.Action)).toContain('sqs:SendMessage');
      expect(
        statements.some((s) => [s.Action].flat().includes('kms:GenerateDataKey*') && JSON.stringify(s.Resource).includes('AppDataKey')),
      ).toBe(true);
    }
  });

  test('every queue is KMS-encrypted with the application-data key and refuses requests without TLS', () => {
    const queues = workers().findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(4);
    for (const q of Object.values(queues)) expect(q.Properties.KmsMasterKeyId).toBe('alias/hipaa/example/app-data');
    const policies = Object.values(workers().findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(4);
    for (const p of policies) {
      expect(p.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      );
    }
  });

  test('the work queue redrives to its dead-letter queue; dead-letter queues are marked as such', () => {
    workers().hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WorkDeadLetters'), 'Arn'] }, maxReceiveCount: 5 },
    });
    const dlqs = Object.entries(workers().findResources('AWS::SQS::Queue')).filter(([id]) => id.includes('DeadLetters'));
    expect(dlqs).toHaveLength(3);
    for (const [, q] of dlqs) expect(q.Properties.RedriveAllowPolicy).toEqual({ redrivePermission: 'allowAll' });
  });

  test('the consumer reads the work queue with partial batch responses', () => {
    workers().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });
});
