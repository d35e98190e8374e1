import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface SecurityAlertsTopicProps {
  /** Customer-managed key (must admit cloudwatch.amazonaws.com and events.amazonaws.com). */
  readonly encryptionKey: kms.IKey;
  /** Addresses that receive every alert (each must confirm its subscription). */
  readonly emails: string[];
}

/**
 * The topic every security alarm and finding goes to (45 CFR 164.308(a)(1)(ii)(D), 164.308(a)(6)):
 * KMS-encrypted, TLS-only topic policy, e-mail subscriptions.
 *
 * The topic policy replaces SNS's default one, so it must name every publisher that is not an IAM principal
 * of this account: CloudWatch alarms of this account and region may publish (`aws:SourceAccount`,
 * `aws:SourceArn` = this account's alarms); the key must admit `cloudwatch.amazonaws.com` for
 * kms:GenerateDataKey* and kms:Decrypt (HipaaKey.allowServiceOfThisAccount). EventBridge publishes with a role
 * of this account (identity policy), which needs no statement here.
 */
export class SecurityAlertsTopic extends Construct {
  public readonly topic: sns.Topic;
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: SecurityAlertsTopicProps) {
    super(scope, id);
    if (props.emails.length === 0) throw new Error('SecurityAlertsTopic emails must list at least one address');
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'hipaa-stack security alerts',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    for (const email of props.emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    this.action = new actions.SnsAction(this.topic);
  }

  /** An alarm that notifies this topic when it goes into ALARM and back to OK. */
  public alarm(scope: Construct, id: string, props: cloudwatch.CreateAlarmOptions & { metric: cloudwatch.IMetric }): cloudwatch.Alarm {
    const { metric, ...options } = props;
    const alarm = new cloudwatch.Alarm(scope, id, { metric, actionsEnabled: true, ...options });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }
}
