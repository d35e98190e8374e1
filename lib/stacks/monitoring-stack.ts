import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CloudTrailAlarms } from '../../constructs/cloudtrail-alarms';
import { GuardDutyDetector } from '../../constructs/guard-duty-detector';
import { GUARDDUTY_FINDINGS_PATTERN } from '../../constructs/guard-duty-findings-forwarder';
import { ManagedPolicyRole } from '../../constructs/managed-policy-role';
import { SecurityAlertsTopic } from '../../constructs/security-alerts-topic';

export interface MonitoringStackProps extends StackProps {
  readonly alertsKey: kms.IKey;
  readonly alertEmails: string[];
  readonly trailLogGroup: logs.ILogGroup;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly database: rds.DatabaseInstance;
  /** Allocated storage, to alarm when less than 10% is free. */
  readonly databaseStorageGiB: number;
  /**
   * Connections above which the database alarm fires.
   * @default 400
   */
  readonly databaseConnectionsThreshold?: number;
  /** Dead-letter queues, by name, that must stay empty. */
  readonly deadLetterQueues: Record<string, sqs.IQueue>;
  /** Create a GuardDuty detector (leave false when the account already has one). */
  readonly guardDuty: boolean;
}

/** Breach alerts: the security topic, CloudTrail alarms, service health alarms, GuardDuty. */
export class MonitoringStack extends Stack {
  public readonly alerts: SecurityAlertsTopic;
  public readonly detector?: guardduty.CfnDetector;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    this.alerts = new SecurityAlertsTopic(this, 'Alerts', { encryptionKey: props.alertsKey, emails: props.alertEmails });
    new CloudTrailAlarms(this, 'TrailAlarms', { trailLogGroup: props.trailLogGroup, alerts: this.alerts });

    const five = Duration.minutes(5);
    const lb = props.loadBalancer.metrics;
    this.alerts.alarm(this, 'Alb5xxRate', {
      metric: new cloudwatch.MathExpression({
        expression: '100 * (FILL(elb, 0) + FILL(target, 0)) / FILL(requests, 1)',
        usingMetrics: {
          elb: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: five }),
          target: lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: five }),
          requests: lb.requestCount({ period: five }),
        },
        label: 'ALB 5xx responses (%)',
        period: five,
      }),
      alarmDescription: 'More than 5% of load balancer responses are 5xx',
      threshold: 5,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.alerts.alarm(this, 'DatabaseCpu', {
      metric: props.database.metricCPUUtilization({ period: five }),
      alarmDescription: 'Database CPU above 80% for 15 minutes',
      threshold: 80,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.alerts.alarm(this, 'DatabaseFreeStorage', {
      metric: props.database.metricFreeStorageSpace({ period: five }),
      alarmDescription: 'Database free storage below 10% of the allocated storage',
      threshold: Math.round(props.databaseStorageGiB * 0.1 * 1024 ** 3),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.alerts.alarm(this, 'DatabaseConnections', {
      metric: props.database.metricDatabaseConnections({ period: five }),
      alarmDescription: 'Database connections unusually high',
      threshold: props.databaseConnectionsThreshold ?? 400,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.alerts.alarm(this, `DeadLetters${name}`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: five, statistic: cloudwatch.Stats.MAXIMUM }),
        alarmDescription: `Messages are waiting in the ${name} dead-letter queue`,
        threshold: 0,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    if (props.guardDuty) this.detector = new GuardDutyDetector(this, 'GuardDuty').detector;
    // Findings of medium severity and above reach the security topic (whoever owns the detector). EventBridge
    // publishes with a role of ours, so the topic's key policy needs no statement for the events service.
    const publisher = new ManagedPolicyRole(this, 'FindingsPublisher', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
      description: 'EventBridge publishes GuardDuty findings to the security-alerts topic',
    });
    new events.Rule(this, 'GuardDutyFindings', {
      description: 'GuardDuty findings of severity 4 and above',
      // The same pattern forwards the DR region's findings here (DrBackup's GuardDutyFindingsForwarder).
      eventPattern: GUARDDUTY_FINDINGS_PATTERN,
      targets: [new targets.SnsTopic(this.alerts.topic, { authorizeUsingRole: true, role: publisher })],
    });
  }
}
