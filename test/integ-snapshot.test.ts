import { Match, Template } from 'aws-cdk-lib/assertions';
import { INTEG_APPS, readSnapshot, synthIntegApp } from './integ/snapshot';

// The integration test apps (test/integ/integ.*.ts) are deployed only in a sandbox account; offline, CI checks
// that they still synthesize to their committed snapshot. After an intended change: `npm run integ:update`.
describe.each(Object.keys(INTEG_APPS))('%s', (file) => {
  const templates = synthIntegApp(file);
  const assertions = Template.fromJSON(templates['integ-IntegAssertions.template.json'] as Record<string, unknown>);

  test('matches its committed snapshot (regenerate with `npm run integ:update`)', () => {
    const committed = readSnapshot(file);
    expect(Object.keys(templates).sort()).toEqual(Object.keys(committed).sort());
    for (const [name, t] of Object.entries(templates)) expect({ [name]: t }).toEqual({ [name]: committed[name] });
  });

  test('fires an alarm and waits for the message at a subscriber of the alerts topic', () => {
    assertions.hasResourceProperties('Custom::DeployAssert@SdkCallCloudWatchsetAlarmState', {
      service: 'CloudWatch',
      api: 'setAlarmState',
    });
    assertions.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sqs', TopicArn: { 'Fn::GetStackOutput': Match.anyValue() } });
  });

  test('waits for a completed AWS Backup job of the PHI bucket', () => {
    assertions.hasResourceProperties('Custom::DeployAssert@SdkCallBackupdescribeBackupJob', {
      expected: JSON.stringify({ $ObjectLike: { State: 'COMPLETED' } }),
    });
  });

  test('connects as the tenant login with IAM auth, after the tenant stack', () => {
    assertions.hasResourceProperties('Custom::DeployAssert@SdkCallLambdainvoke', {
      expected: JSON.stringify({ $ObjectLike: { Payload: '"tenant_integacme"' } }),
    });
    assertions.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'rds-db:connect', Effect: 'Allow', Resource: Match.anyValue() }] },
    });
  });

  test('waits for an audit chain batch of the tenant after a job on the work queue', () => {
    assertions.hasResourceProperties('Custom::DeployAssert@SdkCallSQSsendMessage', { service: 'SQS', api: 'sendMessage' });
    assertions.hasResourceProperties('Custom::DeployAssert@SdkCallS3listObjectsV2', {
      parameters: { Prefix: '"audit/tenants/integacme/"' },
    });
  });
});
