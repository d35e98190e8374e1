import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SecurityAlertsTopic } from './security-alerts-topic';

/** Metric namespace of the CloudTrail metric filters. */
export const SECURITY_METRICS_NAMESPACE = 'HipaaStack/Security';

const any = (...names: string[]) => names.map((n) => `($.eventName = ${n})`).join(' || ');

/** CloudTrail events that must page someone (after the CIS AWS Foundations monitoring controls). */
export const CLOUDTRAIL_ALARMS: ReadonlyArray<{ id: string; description: string; pattern: string }> = [
  {
    id: 'RootAccountUsage',
    description: 'The root user was used',
    pattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  },
  {
    id: 'UnauthorizedApiCalls',
    description: 'API calls were denied (possible probing or misconfiguration)',
    pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
  },
  {
    id: 'IamPolicyChanges',
    description: 'An IAM policy was created, changed, attached or detached',
    pattern: `{ ${any(
      'DeleteGroupPolicy',
      'DeleteRolePolicy',
      'DeleteUserPolicy',
      'PutGroupPolicy',
      'PutRolePolicy',
      'PutUserPolicy',
      'CreatePolicy',
      'DeletePolicy',
      'CreatePolicyVersion',
      'DeletePolicyVersion',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'AttachUserPolicy',
      'DetachUserPolicy',
      'AttachGroupPolicy',
      'DetachGroupPolicy',
    )} }`,
  },
  {
    id: 'KmsKeyDisabledOrScheduledForDeletion',
    description: 'A KMS key was disabled or scheduled for deletion',
    pattern: `{ ($.eventSource = kms.amazonaws.com) && (${any('DisableKey', 'ScheduleKeyDeletion')}) }`,
  },
  {
    id: 'CloudTrailConfigurationChanges',
    description: 'A CloudTrail trail was created, changed, stopped or deleted',
    pattern: `{ ${any('CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging', 'PutEventSelectors')} }`,
  },
  {
    id: 'SecurityGroupChanges',
    description: 'A security group was created, changed or deleted',
    pattern: `{ ${any(
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupEgress',
      'RevokeSecurityGroupIngress',
      'RevokeSecurityGroupEgress',
      'CreateSecurityGroup',
      'DeleteSecurityGroup',
      'ModifySecurityGroupRules',
    )} }`,
  },
  {
    id: 'NetworkAclChanges',
    description: 'A network ACL was created, changed or deleted',
    pattern: `{ ${any('CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation')} }`,
  },
  {
    id: 'ConsoleSignInFailures',
    description: 'Console sign-in attempts failed',
    pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
  },
];

export interface CloudTrailAlarmsProps {
  /** The log group CloudTrail delivers to. */
  readonly trailLogGroup: logs.ILogGroup;
  /** Where the alarms notify. */
  readonly alerts: SecurityAlertsTopic;
}

/** Metric filters on the CloudTrail log group and an alarm on each (164.308(a)(1)(ii)(D), 164.312(b)). */
export class CloudTrailAlarms extends Construct {
  public readonly alarms: Record<string, cloudwatch.Alarm> = {};

  constructor(scope: Construct, id: string, props: CloudTrailAlarmsProps) {
    super(scope, id);
    for (const a of CLOUDTRAIL_ALARMS) {
      const filter = new logs.MetricFilter(this, `${a.id}Filter`, {
        logGroup: props.trailLogGroup,
        filterPattern: logs.FilterPattern.literal(a.pattern),
        metricNamespace: SECURITY_METRICS_NAMESPACE,
        metricName: a.id,
        metricValue: '1',
      });
      this.alarms[a.id] = props.alerts.alarm(this, a.id, {
        metric: filter.metric({ statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) }),
        alarmDescription: a.description,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
  }
}
