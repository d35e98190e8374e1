import { Arn, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ManagedPolicyRole } from './managed-policy-role';

/**
 * The GuardDuty findings that become alerts: medium severity (4) and above. One pattern for the primary region's
 * rule (to the alerts topic) and for every other region's forwarder, so both regions alert on the same findings.
 */
export const GUARDDUTY_FINDINGS_PATTERN: events.EventPattern = {
  source: ['aws.guardduty'],
  detailType: ['GuardDuty Finding'],
  detail: { severity: [{ numeric: ['>=', 4] }] },
};

export interface GuardDutyFindingsForwarderProps {
  /** The region whose default event bus receives the findings (where the GuardDuty rule → alerts topic lives). */
  readonly targetRegion: string;
}

/**
 * Forwards this region's GuardDuty findings to the default event bus of another region of the same account,
 * where the existing GuardDuty rule publishes them to the alerts topic (45 CFR 164.308(a)(1)(ii)(D),
 * 164.308(a)(6)(ii)): a detector whose findings reach nobody is no control.
 *
 * EventBridge sends events to an event bus in another Region as a rule target, with an execution role that
 * may `events:PutEvents` on the target bus ARN
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html). Within one account the
 * target bus needs no resource policy: the role's permission is what authorizes the call. Forwarded events keep
 * their source, detail-type and `region`, so the target region's rule matches them and the alert names the
 * region the finding came from.
 */
export class GuardDutyFindingsForwarder extends Construct {
  public readonly rule: events.Rule;
  public readonly role: iam.IRole;
  /** ARN of the target region's default event bus. */
  public readonly targetBusArn: string;

  constructor(scope: Construct, id: string, props: GuardDutyFindingsForwarderProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(props.targetRegion))
      throw new Error(`GuardDutyFindingsForwarder targetRegion "${props.targetRegion}" must be an AWS region name such as us-east-1`);
    if (!Token.isUnresolved(stack.region) && props.targetRegion === stack.region)
      throw new Error(`GuardDutyFindingsForwarder targetRegion ${props.targetRegion} is this stack's own region: nothing to forward`);
    this.targetBusArn = Arn.format(
      { service: 'events', region: props.targetRegion, resource: 'event-bus', resourceName: 'default' },
      stack,
    );
    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `EventBridge forwards GuardDuty findings to the default event bus of ${props.targetRegion}`,
    });
    this.rule = new events.Rule(this, 'Rule', {
      description: `GuardDuty findings of severity 4 and above, forwarded to ${props.targetRegion}`,
      eventPattern: GUARDDUTY_FINDINGS_PATTERN,
      // The target grants the role events:PutEvents on the target bus ARN, and nothing else.
      targets: [new targets.EventBus(events.EventBus.fromEventBusArn(this, 'TargetBus', this.targetBusArn), { role: this.role })],
    });
  }
}
