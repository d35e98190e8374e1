import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as fs from 'fs';
import * as path from 'path';
import { concurrencyQuotaExplained, requiredConcurrencyQuota } from '../lib/config/concurrency';
import { parseConfig } from '../lib/config/load';
import { FIELD_DESCRIPTIONS } from '../lib/config/schema';
import { defaultDeployment, synthReference, testConfig } from './helpers/synth';
import { AuditLogWriter } from '../lib/runtime/audit/writer';
import { verifyS3Chain } from '../lib/runtime/audit/verify-s3';
import { BUCKET, event, startAuditS3 } from './helpers/audit-s3';
import { S3Action, S3AllowStatement } from './helpers/versioned-s3';

/**
 * The consumer role's S3 statements from the synthesized Workers template, for the local S3 model: the audit
 * bucket's ARN (a cross-stack token) becomes the local bucket's; anything else the model cannot evaluate fails.
 */
function consumerS3Statements(): S3AllowStatement[] {
  const roles = workers().findResources('AWS::IAM::Role');
  const consumerRole = Object.keys(roles).find((id) => id.startsWith('Consumer'))!;
  const HOLE = '\u0000';
  const flat = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const o = v as Record<string, unknown>;
    if (o['Fn::Join']) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(flat).join(sep);
    }
    if (o.Ref === 'AWS::Partition') return 'aws';
    return HOLE; // the audit bucket's ARN or name, from the Audit stack
  };
  const arn = (v: unknown) => {
    const r = flat(v);
    return r.startsWith('arn:aws:s3:::' + HOLE) ? r.replace(HOLE, BUCKET) : r.replace(HOLE, `arn:aws:s3:::${BUCKET}`);
  };
  return Object.values(workers().findResources('AWS::IAM::ManagedPolicy'))
    .filter((p) => JSON.stringify(p.Properties.Roles ?? []).includes(consumerRole))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[])
    .filter((st) => [st.Action].flat().some((a) => String(a).startsWith('s3:')))
    .map((st) => {
      expect(st.Effect).toBe('Allow');
      const cond = st.Condition as Record<string, Record<string, string[]>> | undefined;
      if (cond) expect(Object.keys(cond)).toEqual(['StringLike']);
      if (cond) expect(Object.keys(cond.StringLike)).toEqual(['s3:prefix']);
      return {
        actions: [st.Action].flat() as S3Action[],
        resources: [st.Resource].flat().map(arn),
        prefixLike: cond ? [cond.StringLike['s3:prefix']].flat() : undefined,
      };
    });
}

const workers = () => defaultDeployment().template('Workers');
const functions = () => Object.values(workers().findResources('AWS::Lambda::Function'));

describe('private workers', () => {
  test('two workers, both in the isolated worker subnets, each with a security group of its own', () => {
    expect(functions()).toHaveLength(2);
    const groups = new Set<string>();
    for (const f of functions()) {
      expect(f.Properties.VpcConfig.SubnetIds).toEqual([
        expect.objectContaining({ 'Fn::GetStackOutput': expect.objectContaining({ OutputName: expect.stringMatching(/workersSubnet1/) }) }),
        expect.objectContaining({ 'Fn::GetStackOutput': expect.objectContaining({ OutputName: expect.stringMatching(/workersSubnet2/) }) }),
      ]);
      expect(f.Properties.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/SecurityGroup/), 'GroupId'] }]);
      groups.add(f.Properties.VpcConfig.SecurityGroupIds[0]['Fn::GetAtt'][0]);
    }
    expect(groups.size).toBe(2);
  });

  /** Egress rules of a worker's security group, by destination. */
  const egressOf = (worker: 'Api' | 'Consumer') =>
    Object.values(workers().findResources('AWS::EC2::SecurityGroupEgress'))
      .filter((e) => String(e.Properties.GroupId['Fn::GetAtt'][0]).startsWith(`${worker}SecurityGroup`))
      .map((e) => ({
        to: e.Properties.DestinationPrefixListId ?? e.Properties.DestinationSecurityGroupId['Fn::GetStackOutput'].OutputName,
        port: e.Properties.FromPort,
      }));

  test('the internet-facing API function reaches the endpoints only: neither the database nor S3, and the database does not admit it', () => {
    expect(egressOf('Api')).toEqual([{ to: expect.stringMatching(/EndpointSecurityGroup/), port: 443 }]);
    const dbIngress = [
      ...Object.values(workers().findResources('AWS::EC2::SecurityGroupIngress')),
      ...Object.values(defaultDeployment().template('Data').findResources('AWS::EC2::SecurityGroupIngress')),
    ].filter((r) => r.Properties.FromPort === 5433);
    expect(dbIngress.map((r) => r.Properties.SourceSecurityGroupId['Fn::GetAtt'][0]).sort()).toEqual([
      expect.stringMatching(/^ConsumerSecurityGroup/),
      expect.stringMatching(/^RotationSecurityGroup/),
      expect.stringMatching(/^TenantDatabaseProvisionerSecurityGroup/),
    ]);
  });

  test('the queue consumer reaches the endpoints, S3 through the gateway endpoint (the prefix list) and the database', () => {
    expect(egressOf('Consumer')).toEqual(
      expect.arrayContaining([
        { to: expect.stringMatching(/EndpointSecurityGroup/), port: 443 },
        { to: 'pl-63a5400a', port: 443 },
        { to: expect.stringMatching(/DatabaseSecurityGroup/), port: 5433 },
      ]),
    );
    expect(egressOf('Consumer')).toHaveLength(3);
  });

  test('reserved concurrency, a KMS-encrypted dead-letter queue, and an encrypted environment', () => {
    for (const f of functions()) {
      expect(f.Properties.ReservedConcurrentExecutions).toBeGreaterThan(0);
      expect(f.Properties.DeadLetterConfig.TargetArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/DeadLettersQueue/), 'Arn'] });
      expect(f.Properties.KmsKeyArn).toBeDefined();
      expect(f.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    }
  });

  test('reserved concurrency comes from config (defaults 4, 4 and 2)', () => {
    const reserved = (r: ReturnType<typeof defaultDeployment>) =>
      [
        ...Object.values(r.template('Workers').findResources('AWS::Lambda::Function')),
        ...Object.values(r.template('Data').findResources('AWS::Lambda::Function')).filter((f) =>
          String(f.Properties.Description).includes('tenant database schema'),
        ),
      ].map((f) => [String(f.Properties.Description).split(':')[0], f.Properties.ReservedConcurrentExecutions]);
    expect(reserved(defaultDeployment())).toEqual([
      ['Load balancer target', 4],
      ['Work-queue consumer', 4],
      ['Custom resource', 2],
    ]);
    // The consumer's SQS event source never runs more batches at once than the function may.
    workers().hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 4 } });
    const custom = synthReference(
      testConfig({ workers: { reservedConcurrency: { api: 20, consumer: 10, tenantDatabaseProvisioner: 5 } } }),
      { complianceGate: false },
    );
    expect(reserved(custom).map(([, n]) => n)).toEqual([20, 10, 5]);
    custom.template('Workers').hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 10 } });
    const base = testConfig();
    expect(() => parseConfig({ ...base, workers: { reservedConcurrency: { consumer: 1 } } })).toThrow(
      /workers\.reservedConcurrency\.consumer.*must be an integer from 2 to 1000/s,
    );
    expect(() => parseConfig({ ...base, workers: { reservedConcurrency: { api: 0 } } })).toThrow(/api.*must be an integer from 1 to 1000/s);
  });

  test("under the consumer's real S3 grant a new audit chain opens, writes and resumes (S3 answers 403 for its missing HEAD.json)", async () => {
    const statements = consumerS3Statements();
    expect(statements.find((st) => st.actions.includes('s3:ListBucket'))?.prefixLike).toEqual(['audit/tenants/*']);
    const local = await startAuditS3(7, 1000, { consumer: { statements } });
    try {
      const s3 = local.client('consumer');
      const open = () =>
        new AuditLogWriter({ s3, bucket: BUCKET, kmsKeyId: 'alias/audit', tenant: 'acme', writerId: 'consumer-0', batchSize: 2 });
      const w = open();
      await w.open();
      for (let i = 0; i < 3; i++) w.append(event(i));
      await expect(w.flush()).resolves.toEqual([0, 1, 2]);
      const again = open();
      await again.open();
      expect(again.append(event(3))).toBe(3);
      await again.flush();
      const report = await verifyS3Chain(local.client('auditor'), {
        bucket: BUCKET,
        tenant: 'acme',
        writerId: 'consumer-0',
        retentionYears: 7,
      });
      expect({ findings: report.findings, records: report.records }).toEqual({ findings: [], records: 4 });
      // The grant holds no unconditioned ListBucket: a GET of a missing key is refused, not "not found".
      expect(local.model.isAllowed('consumer', 's3:ListBucket', `arn:aws:s3:::${BUCKET}`)).toBe(false);
    } finally {
      await local.stop();
    }
  });

  test('the consumer is told its audit writer slots (its reserved concurrency)', () => {
    workers().hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Work-queue consumer',
      Environment: { Variables: Match.objectLike({ AUDIT_WRITER_SLOTS: '4' }) },
    });
  });

  test('the quota the config help, the docs and preflight state is 100 + every reservation in the templates (the sealer included)', () => {
    const r = defaultDeployment();
    const reserved = r.stage.node
      .findAll()
      .filter((c) => c instanceof Stack)
      .flatMap((st) => Object.values(r.template(st.node.id).findResources('AWS::Lambda::Function')))
      .filter((f) => f.Properties.ReservedConcurrentExecutions !== undefined)
      .map((f) => f.Properties.ReservedConcurrentExecutions as number);
    const quota = requiredConcurrencyQuota(r.config.workers.reservedConcurrency);
    expect(100 + reserved.reduce((a, b) => a + b, 0)).toBe(quota);
    expect(quota).toBe(111);
    const explained = concurrencyQuotaExplained(r.config.workers.reservedConcurrency);
    expect(explained).toBe('100 + 4 (api) + 4 (consumer) + 2 (tenantDatabaseProvisioner) + 1 (audit checkpoint sealer) = 111');
    expect(FIELD_DESCRIPTIONS.workers).toContain(explained);
    for (const doc of ['configuration.md', 'deploy-notes.md', 'runbook.md']) {
      const text = fs.readFileSync(path.join(__dirname, '..', 'docs', doc), 'utf8').replace(/\s+/g, ' ');
      expect([doc, text.includes(explained)]).toEqual([doc, true]);
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

  test('no secret values in the environment: the consumer gets the database address and port only', () => {
    for (const f of functions()) {
      for (const name of Object.keys(f.Properties.Environment?.Variables ?? {})) expect(name).not.toMatch(/PASSWORD|TOKEN|SECRET/);
    }
    workers().hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ DB_HOST: Match.objectLike({ 'Fn::GetStackOutput': Match.anyValue() }), DB_PORT: '5433' }),
      },
    });
  });

  test('least privilege through managed policies: no worker here may read any secret (the consumer uses IAM auth as tenant logins)', () => {
    workers().resourceCountIs('AWS::IAM::Policy', 0);
    const actions = Object.values(workers().findResources('AWS::IAM::ManagedPolicy')).flatMap((p) =>
      p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()),
    );
    expect(actions.filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
    expect(actions.filter((a) => a.startsWith('rds-db:'))).toEqual([]);
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
