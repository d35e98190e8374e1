import { DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { resourcesOfType } from '../deployment';
import { errorName, errorRow } from '../errors';
import { Check, CheckResult } from '../types';

/** What SNS shows as the subscription ARN until the address owner clicks the confirmation link. */
const PENDING = 'PendingConfirmation';

/**
 * E-mail subscriptions of the templates' topics (the alert addresses). No alert reaches an address until its
 * owner confirms the subscription: before the first deploy this is a step that waits on a person; once the
 * topic exists, the addresses still pending are listed.
 */
export const checkAlertSubscriptions: Check = async ({ deployment, clients }) => {
  const subs = resourcesOfType(deployment, 'AWS::SNS::Subscription').filter((s) => s.resource.Properties?.Protocol === 'email');
  const rows: CheckResult[] = [];
  const byTopic = new Map<string, typeof subs>();
  for (const s of subs) {
    const ref = (s.resource.Properties?.TopicArn as { Ref?: string } | undefined)?.Ref ?? '?';
    const key = `${s.stack.stackName}|${ref}`;
    byTopic.set(key, [...(byTopic.get(key) ?? []), s]);
  }
  for (const [key, list] of byTopic) {
    const [stackName, topicId] = key.split('|');
    const { stack } = list[0];
    const emails = list.map((s) => String(s.resource.Properties?.Endpoint));
    const check = `alert e-mails ${stackName}`;
    try {
      let topicArn: string | undefined;
      try {
        const r = await clients
          .cloudFormation(stack.region)
          .send(new DescribeStackResourceCommand({ StackName: stackName, LogicalResourceId: topicId }));
        topicArn = r?.StackResourceDetail?.PhysicalResourceId;
      } catch (e) {
        if (errorName(e) !== 'ValidationError') throw e; // the stack or topic does not exist yet
      }
      if (!topicArn) {
        rows.push({
          check,
          result: 'warn',
          finding: `after the deploy, ${emails.join(', ')} each get "AWS Notification - Subscription Confirmation"; no alert reaches an address until it is confirmed`,
          action: 'have each address owner click the link the same day (docs/runbook.md, step 5)',
        });
        continue;
      }
      const found = (await clients.sns(stack.region).send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions ?? [];
      const pending = emails.filter((e) => found.some((f) => f.Endpoint === e && f.SubscriptionArn === PENDING));
      const missing = emails.filter((e) => !found.some((f) => f.Endpoint === e));
      if (pending.length + missing.length === 0)
        rows.push({ check, result: 'pass', finding: `${emails.join(', ')} confirmed`, action: '' });
      else
        rows.push({
          check,
          result: 'warn',
          finding: [
            pending.length ? `not confirmed: ${pending.join(', ')}` : '',
            missing.length ? `not subscribed: ${missing.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; '),
          action: `confirm, or re-send: aws sns subscribe --topic-arn ${topicArn} --protocol email --notification-endpoint <address> --region ${stack.region}`,
        });
    } catch (e) {
      rows.push(errorRow(check, 'sns:ListSubscriptionsByTopic', e));
    }
  }
  return rows;
};
