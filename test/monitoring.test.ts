import { Match } from 'aws-cdk-lib/assertions';
import { CLOUDTRAIL_ALARMS } from '../constructs/cloudtrail-alarms';
import { defaultDeployment, synthReference, testConfig } from './helpers/synth';

const mon = () => defaultDeployment().template('Monitoring');
const topicId = () => Object.keys(mon().findResources('AWS::SNS::Topic'))[0];

describe('security alerts', () => {
  test('a KMS-encrypted topic with a TLS-only policy and the configured e-mail subscriptions', () => {
    mon().hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    mon().hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    mon().hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'security-alerts@example.com' });
  });

  test("CloudWatch may publish to the topic for this account's alarms only (the topic policy replaces the default one)", () => {
    mon().hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowCloudWatchAlarmsOfThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: topicId() },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': ['', ['arn:aws:cloudwatch:us-east-1:', { Ref: 'AWS::AccountId' }, ':alarm:*']],
                },
              },
            },
          },
        ]),
      },
    });
    // ... and the topic's key lets CloudWatch encrypt the message it publishes.
    defaultDeployment()
      .template('Keys')
      .hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ]),
        },
      });
  });

  test.each(CLOUDTRAIL_ALARMS.map((a) => [a.id, a.pattern]))(
    'metric filter and alarm for %s on the CloudTrail log group',
    (id, pattern) => {
      mon().hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterPattern: pattern,
        LogGroupName: Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('TrailLogs') }) }),
        MetricTransformations: [Match.objectLike({ MetricName: id, MetricValue: '1' })],
      });
      mon().hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: id,
        Threshold: 1,
        AlarmActions: [{ Ref: topicId() }],
        ActionsEnabled: true,
      });
    },
  );

  test('the required CloudTrail alarms are all there', () => {
    expect(CLOUDTRAIL_ALARMS.map((a) => a.id)).toEqual(
      expect.arrayContaining([
        'RootAccountUsage',
        'UnauthorizedApiCalls',
        'IamPolicyChanges',
        'KmsKeyDisabledOrScheduledForDeletion',
        'CloudTrailConfigurationChanges',
        'SecurityGroupChanges',
        'NetworkAclChanges',
        'ConsoleSignInFailures',
      ]),
    );
  });

  test('ALB 5xx rate, database CPU, free storage and connections alarms notify the topic', () => {
    mon().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: Match.stringLikeRegexp('elb.*target.*requests') })]),
      Threshold: 5,
      AlarmActions: [{ Ref: topicId() }],
    });
    for (const [MetricName, Threshold] of [
      ['CPUUtilization', 80],
      ['FreeStorageSpace', Math.round(100 * 0.1 * 1024 ** 3)],
      ['DatabaseConnections', 400],
    ] as const) {
      mon().hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/RDS',
        MetricName,
        Threshold,
        AlarmActions: [{ Ref: topicId() }],
      });
    }
  });

  test('every dead-letter queue has a depth alarm', () => {
    const dlqAlarms = Object.values(mon().findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    expect(dlqAlarms).toHaveLength(3);
    for (const a of dlqAlarms)
      expect(a.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [{ Ref: topicId() }] });
  });

  test('every alarm has an action', () => {
    for (const a of Object.values(mon().findResources('AWS::CloudWatch::Alarm'))) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId() }]);
      expect(a.Properties.ActionsEnabled).toBe(true);
    }
  });

  test('GuardDuty on by default, findings of severity 4+ sent to the topic through a role', () => {
    // Features only: CloudFormation refuses a detector that sets both DataSources and Features.
    const detector = Object.values(mon().findResources('AWS::GuardDuty::Detector'));
    expect(detector).toHaveLength(1);
    expect(detector[0].Properties).toEqual({
      Enable: true,
      FindingPublishingFrequency: 'FIFTEEN_MINUTES',
      Features: ['S3_DATA_EVENTS', 'RDS_LOGIN_EVENTS', 'LAMBDA_NETWORK_LOGS'].map((Name) => ({ Name, Status: 'ENABLED' })),
    });
    mon().hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], detail: { severity: [{ numeric: ['>=', 4] }] } },
      Targets: [Match.objectLike({ Arn: { Ref: topicId() }, RoleArn: Match.anyValue() })],
    });
  });

  test('GuardDuty can be switched off in config (an account that already has a detector)', () => {
    const off = synthReference(testConfig({ guardDuty: { enabled: false } }), { complianceGate: false });
    const t = off.template('Monitoring');
    t.resourceCountIs('AWS::GuardDuty::Detector', 0);
    t.resourceCountIs('AWS::Events::Rule', 1);
    off.template('DrBackup').resourceCountIs('AWS::GuardDuty::Detector', 0);
    // The DR region still forwards findings (an organization's detector there still reports).
    off.template('DrBackup').resourceCountIs('AWS::Events::Rule', 1);
  });

  test('the DR region has a detector of its own (the trail is multi-region), with the same protections', () => {
    const dr = Object.values(defaultDeployment().template('DrBackup').findResources('AWS::GuardDuty::Detector'));
    expect(dr).toHaveLength(1);
    expect(dr[0].Properties.DataSources).toBeUndefined();
    expect(dr[0].Properties.Features).toEqual(Object.values(mon().findResources('AWS::GuardDuty::Detector'))[0].Properties.Features);
    expect(defaultDeployment().stage.drBackup.region).toBe('us-west-2');
  });

  test("the DR region's findings (same pattern) go to the primary region's default event bus, through a role that may put events there only", () => {
    const dr = defaultDeployment().template('DrBackup');
    const rules = Object.values(dr.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    const primaryPattern = Object.values(mon().findResources('AWS::Events::Rule'))[0].Properties.EventPattern;
    expect(rules[0].Properties.EventPattern).toEqual(primaryPattern);
    const busArn = { 'Fn::Join': ['', ['arn:aws:events:us-east-1:', { Ref: 'AWS::AccountId' }, ':event-bus/default']] };
    expect(rules[0].Properties.Targets).toEqual([
      { Id: expect.any(String), Arn: busArn, RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^GuardDutyFindingsRole/), 'Arn'] } },
    ]);
    const roleId = rules[0].Properties.Targets[0].RoleArn['Fn::GetAtt'][0] as string;
    dr.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
    const grants = Object.values(dr.findResources('AWS::IAM::ManagedPolicy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(roleId),
    );
    expect(grants.flatMap((p) => p.Properties.PolicyDocument.Statement)).toEqual([
      { Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn },
    ]);
  });
});
