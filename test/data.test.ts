import { Match } from 'aws-cdk-lib/assertions';
import { defaultDeployment, synthReference, testConfig } from './helpers/synth';

const data = () => defaultDeployment().template('Data');
const dr = () => defaultDeployment().template('DrBackup');

describe('PostgreSQL (Multi-AZ instance)', () => {
  test('Multi-AZ, isolated, not public, encrypted with the database key', () => {
    data().hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      EngineVersion: '16.4',
      DBInstanceClass: 'db.r6g.large',
      MultiAZ: true,
      PubliclyAccessible: false,
      StorageEncrypted: true,
      KmsKeyId: Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('DatabaseKey') }) }),
      StorageType: 'gp3',
      AllocatedStorage: '100',
      MaxAllocatedStorage: 500,
    });
  });

  test('point-in-time recovery across 35 days, deletion protection, final snapshot', () => {
    data().hasResource('AWS::RDS::DBInstance', {
      Properties: Match.objectLike({ BackupRetentionPeriod: 35, DeletionProtection: true, CopyTagsToSnapshot: true }),
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
  });

  test('IAM authentication, auto minor upgrades, non-default port and master user', () => {
    data().hasResourceProperties('AWS::RDS::DBInstance', {
      EnableIAMDatabaseAuthentication: true,
      AutoMinorVersionUpgrade: true,
      Port: '5433',
    });
    data().hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"hipaa_admin"}' }),
    });
  });

  test('TLS forced (rds.force_ssl = 1, TLS 1.2 minimum) in a parameter group the stack owns', () => {
    data().hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Family: 'postgres16',
      Parameters: Match.objectLike({ 'rds.force_ssl': '1', ssl_min_protocol_version: 'TLSv1.2', password_encryption: 'scram-sha-256' }),
    });
    const groups = Object.keys(data().findResources('AWS::RDS::DBParameterGroup'));
    data().hasResourceProperties('AWS::RDS::DBInstance', { DBParameterGroupName: { Ref: groups[0] } });
  });

  test('audit logging: pgAudit and connection logs', () => {
    data().hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Parameters: Match.objectLike({
        shared_preload_libraries: Match.stringLikeRegexp('pgaudit'),
        'pgaudit.log': 'ddl,role',
        log_connections: '1',
      }),
    });
  });

  test('every log type exported into KMS-encrypted log groups kept the audit years', () => {
    data().hasResourceProperties('AWS::RDS::DBInstance', { EnableCloudwatchLogsExports: ['postgresql', 'upgrade', 'iam-db-auth-error'] });
    for (const type of ['postgresql', 'upgrade', 'iam-db-auth-error']) {
      data().hasResource('AWS::Logs::LogGroup', {
        Properties: { LogGroupName: `/aws/rds/instance/hipaa-example-postgres/${type}`, KmsKeyId: Match.anyValue(), RetentionInDays: 2557 },
        // Named: retained on update and delete, but not left behind by a failed first create (the retry would hit AlreadyExists).
        DeletionPolicy: 'RetainExceptOnCreate',
        UpdateReplacePolicy: 'Retain',
      });
    }
  });

  test('enhanced monitoring and Performance Insights encrypted with the database key', () => {
    data().hasResourceProperties('AWS::RDS::DBInstance', {
      MonitoringInterval: 60,
      MonitoringRoleArn: Match.anyValue(),
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: Match.objectLike({
        'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('DatabaseKey') }),
      }),
    });
  });

  test('credentials in Secrets Manager under a customer key, rotated every 30 days by a function in the isolated subnets', () => {
    data().hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: Match.anyValue() });
    data().hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    data().hasResourceProperties('AWS::Serverless::Application', {
      Parameters: Match.objectLike({
        endpoint: Match.objectLike({
          'Fn::Join': [
            '',
            Match.arrayWith([
              'https://',
              Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('SecretsManager') }) }),
            ]),
          ],
        }),
        vpcSubnetIds: Match.objectLike({
          'Fn::Join': [
            '',
            Match.arrayWith([
              Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('workersSubnet') }) }),
            ]),
          ],
        }),
      }),
    });
  });

  test('the database security group admits only the provisioner, the queue consumer and the rotation function, on the database port', () => {
    const groups = data().findResources('AWS::EC2::SecurityGroup');
    const dbGroup = Object.entries(groups).find(([, g]) => String(g.Properties.GroupDescription).startsWith('PostgreSQL'))![0];
    const ingress = Object.values(data().findResources('AWS::EC2::SecurityGroupIngress')).filter(
      (r) => r.Properties.GroupId['Fn::GetAtt'][0] === dbGroup,
    );
    expect(ingress).toHaveLength(2);
    for (const r of ingress) {
      expect(r.Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 5433, ToPort: 5433 });
      expect(r.Properties.SourceSecurityGroupId['Fn::GetAtt'][0]).toMatch(/^(TenantDatabaseProvisioner|Rotation)SecurityGroup/);
      expect(r.Properties.CidrIp).toBeUndefined();
    }
    expect(groups[dbGroup].Properties.SecurityGroupIngress).toBeUndefined();
    // The queue consumer's rule lives with its group, in the Workers stack (see workers.test.ts).
  });

  test('the tenant database provisioner has its own group: endpoints (443), S3 through the gateway endpoint (443, the CloudFormation response bucket) and the database', () => {
    const groups = data().findResources('AWS::EC2::SecurityGroup');
    const provisioner = Object.keys(groups).find((k) => k.startsWith('TenantDatabaseProvisionerSecurityGroup'))!;
    const egress = Object.values(data().findResources('AWS::EC2::SecurityGroupEgress')).filter(
      (r) => r.Properties.GroupId['Fn::GetAtt'][0] === provisioner,
    );
    expect(egress.map((e) => [e.Properties.FromPort, e.Properties.DestinationPrefixListId ?? 'group']).sort()).toEqual([
      [443, 'group'],
      [443, 'pl-63a5400a'],
      [5433, 'group'],
    ]);
    for (const e of egress) expect(e.Properties.CidrIp).toBeUndefined();
    data().hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('tenant database schema'),
      VpcConfig: Match.objectLike({ SecurityGroupIds: [{ 'Fn::GetAtt': [provisioner, 'GroupId'] }] }),
    });
  });
});

describe('AWS Backup', () => {
  test('a vault encrypted with the backups key, locked with the configured minimum retention, retained except after a failed create', () => {
    data().hasResource('AWS::Backup::BackupVault', {
      Properties: {
        BackupVaultName: 'hipaa-example-primary',
        EncryptionKeyArn: Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('BackupKey') }) }),
        LockConfiguration: { MinRetentionDays: 35, ChangeableForDays: 3 },
      },
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('a daily plan kept the configured days, copied to the DR-region vault', () => {
    data().hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            ScheduleExpression: 'cron(0 6 * * ? *)',
            Lifecycle: { DeleteAfterDays: 35 },
            CopyActions: [
              {
                DestinationBackupVaultArn: {
                  'Fn::Join': [
                    '',
                    ['arn:', { Ref: 'AWS::Partition' }, ':backup:us-west-2:', { Ref: 'AWS::AccountId' }, ':backup-vault:hipaa-example-dr'],
                  ],
                },
                Lifecycle: { DeleteAfterDays: 35 },
              },
            ],
          }),
        ],
      },
    });
  });

  test('every named retained resource is RetainExceptOnCreate; every retained one without a name stays Retain', () => {
    const r = defaultDeployment();
    const nameProps: Record<string, string> = { 'AWS::Logs::LogGroup': 'LogGroupName', 'AWS::Backup::BackupVault': 'BackupVaultName' };
    let named = 0;
    for (const stack of ['Network', 'Audit', 'DrBackup', 'Data', 'Workers', 'Edge']) {
      for (const [type, prop] of Object.entries(nameProps)) {
        for (const res of Object.values(r.template(stack).findResources(type))) {
          if (res.Properties[prop]) {
            named++;
            expect([stack, res.DeletionPolicy]).toEqual([stack, 'RetainExceptOnCreate']);
          } else expect([stack, res.DeletionPolicy]).toEqual([stack, 'Retain']);
          expect(res.UpdateReplacePolicy).toBe('Retain');
        }
      }
    }
    expect(named).toBe(6); // three RDS log groups, the WAF log group, the two vaults
  });

  test('AWS Backup may reach the PHI bucket directly: the access-point-only Deny exempts exactly its role', () => {
    const backupRole = Object.keys(data().findResources('AWS::IAM::Role')).find((k) => k.startsWith('BackupRole'))!;
    data().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })] },
    });
    const deny = Object.values(data().findResources('AWS::S3::BucketPolicy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .find((s: { Sid?: string }) => s.Sid === 'DenyObjectAccessOutsideAccessPoints');
    expect(deny.Condition).toEqual({
      StringNotEquals: {
        's3:DataAccessPointAccount': { Ref: 'AWS::AccountId' },
        'aws:PrincipalArn': [{ 'Fn::GetAtt': [backupRole, 'Arn'] }],
      },
    });
    // That role is the one the plan's selection uses.
    data().hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ IamRoleArn: { 'Fn::GetAtt': [backupRole, 'Arn'] } }),
    });
  });

  test('the AWS Backup window overlaps neither the RDS backup window nor the RDS maintenance window', () => {
    const db = Object.values(data().findResources('AWS::RDS::DBInstance'))[0].Properties;
    const rule = Object.values(data().findResources('AWS::Backup::BackupPlan'))[0].Properties.BackupPlan.BackupPlanRule[0];
    const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
    const [, min, hour] = /^cron\((\d+) (\d+) \* \* \? \*\)$/.exec(rule.ScheduleExpression)!;
    const backupStart = Number(hour) * 60 + Number(min);
    // AWS Backup may start a job up to StartWindowMinutes late; the RDS snapshot is taken when it starts.
    const backup = [backupStart, backupStart + rule.StartWindowMinutes];
    const [rdsBackupFrom, rdsBackupTo] = (db.PreferredBackupWindow as string).split('-').map(minutes);
    const [maintFrom, maintTo] = (db.PreferredMaintenanceWindow as string).split('-').map((w) => minutes(w.slice(4)));
    const overlaps = (a: number[], b: number[]) => a[0] < b[1] && b[0] < a[1];
    expect(db.PreferredBackupWindow).toBe('03:00-04:00');
    expect(db.PreferredMaintenanceWindow).toBe('sun:04:15-sun:05:15');
    expect(overlaps(backup, [rdsBackupFrom, rdsBackupTo])).toBe(false);
    expect(overlaps(backup, [maintFrom, maintTo])).toBe(false);
    expect(overlaps([rdsBackupFrom, rdsBackupTo], [maintFrom, maintTo])).toBe(false);
  });

  test('the plan selects the database', () => {
    const db = Object.keys(data().findResources('AWS::RDS::DBInstance'))[0];
    data().hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        Resources: Match.arrayWith([Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([{ Ref: db }])] })]),
      }),
    });
  });

  test('the DR region has its own key and a locked vault', () => {
    expect(defaultDeployment().stage.drBackup.region).toBe('us-west-2');
    dr().hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, PendingWindowInDays: 30 });
    dr().hasResource('AWS::Backup::BackupVault', {
      Properties: { BackupVaultName: 'hipaa-example-dr', LockConfiguration: { MinRetentionDays: 35, ChangeableForDays: 3 } },
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('a longer configured retention lengthens the plan and the locks, while RDS keeps its 35-day maximum', () => {
    const r = synthReference(testConfig({ backupRetentionDays: 90 }), { complianceGate: false });
    r.template('Data').hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: { MinRetentionDays: 90 } });
    r.template('Data').hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: 90 } })] },
    });
    r.template('Data').hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: 35 });
    r.template('DrBackup').hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: { MinRetentionDays: 90 } });
  });
});
