import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acceptFinding } from '../lib/baseline/acknowledge';

/**
 * A load-balancer target group for one Lambda function whose invoke permission names the load balancing
 * service, this account, and this target group (by its fixed name) — not any load balancer anywhere, as
 * the stock `LambdaTarget` does.
 */
export class LambdaAlbTarget extends Construct {
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: { fn: lambda.IFunction; targetGroupName: string; healthCheckPath: string }) {
    super(scope, id);
    const stack = Stack.of(this);
    const permission = new lambda.CfnPermission(this, 'InvokePermission', {
      action: 'lambda:InvokeFunction',
      functionName: props.fn.functionArn,
      principal: 'elasticloadbalancing.amazonaws.com',
      sourceAccount: stack.account,
      // The target-group ARN ends in an id CloudFormation assigns; the permission must exist before the
      // group registers the function, so it names the group's fixed name with the id as a wildcard.
      sourceArn: stack.formatArn({
        service: 'elasticloadbalancing',
        resource: 'targetgroup',
        resourceName: `${props.targetGroupName}/*`,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    });
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      targetGroupName: props.targetGroupName,
      targetType: elbv2.TargetType.LAMBDA,
      healthCheck: { enabled: true, path: props.healthCheckPath, healthyHttpCodes: '200' },
    });
    const cfn = this.targetGroup.node.defaultChild as elbv2.CfnTargetGroup;
    cfn.targets = [{ id: props.fn.functionArn }];
    cfn.addResourceDependency(permission);
    acceptFinding(permission, {
      ruleId: 'cdk-validator-cfnguard::lambda_function_public_access_prohibited_check',
      reason:
        'CT.LAMBDA.PR.2 accepts only a literal SourceAccount/SourceArn; both are set here but built from the AWS::AccountId pseudo-parameter, so the stacks stay account-agnostic.',
      compensatingControl:
        'the permission names the elasticloadbalancing.amazonaws.com principal, SourceAccount = this account and SourceArn = this target group; nothing else may invoke the function',
    });
  }
}
