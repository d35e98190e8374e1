import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { LOG_RETENTION_DAYS } from '../lib/baseline/thresholds';
import { EncryptedLogGroup } from './encrypted-log-group';

/** AWS managed rule groups every web ACL of ours carries. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
] as const;

export interface EdgeWebAclProps {
  /** ARN of the load balancer to protect. */
  readonly resourceArn: string;
  /** Name used for the ACL, its metrics and its log group (`aws-waf-logs-<name>`). */
  readonly name: string;
  /** Requests per client IP per 5 minutes, all paths. */
  readonly rateLimit: number;
  /** URL path prefixes that get the tighter limit (login, verification). */
  readonly sensitivePaths: string[];
  /** Requests per client IP per 5 minutes on the sensitive paths. */
  readonly sensitiveRateLimit: number;
  /** Key for the log group. */
  readonly logsKey: kms.IKey;
  /**
   * @default 365
   */
  readonly logRetentionDays?: number;
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

/**
 * A WAFv2 web ACL in front of a load balancer (45 CFR 164.312(a)(1), (e)(1)): the AWS managed common,
 * known-bad-inputs and SQL-injection rule groups; a per-IP rate limit for every request and a tighter one
 * for login and verification paths; full logging (credentials redacted) into an encrypted log group.
 */
export class EdgeWebAcl extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EdgeWebAclProps) {
    super(scope, id);
    if (props.sensitivePaths.length === 0) throw new Error('EdgeWebAcl sensitivePaths must list at least one path');
    const pathMatches: wafv2.CfnWebACL.StatementProperty[] = props.sensitivePaths.map((p) => ({
      byteMatchStatement: {
        fieldToMatch: { uriPath: {} },
        positionalConstraint: 'STARTS_WITH',
        searchString: p.toLowerCase(),
        textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
      },
    }));
    const scopeDown = pathMatches.length === 1 ? pathMatches[0] : { orStatement: { statements: pathMatches } };

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      rules: [
        {
          name: 'rate-limit-sensitive-paths',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: props.sensitiveRateLimit,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
              scopeDownStatement: scopeDown,
            },
          },
          visibilityConfig: visibility(`${props.name}-rate-sensitive`),
        },
        {
          name: 'rate-limit-all',
          priority: 1,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.rateLimit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: visibility(`${props.name}-rate-all`),
        },
        ...MANAGED_RULE_GROUPS.map((group, i) => ({
          name: group,
          priority: 10 + i,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: group } },
          visibilityConfig: visibility(`${props.name}-${group}`),
        })),
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', { resourceArn: props.resourceArn, webAclArn: this.webAcl.attrArn });

    const logGroupName = `aws-waf-logs-${props.name}`;
    this.logGroup = new EncryptedLogGroup(this, 'Logs', {
      encryptionKey: props.logsKey,
      retentionDays: props.logRetentionDays ?? LOG_RETENTION_DAYS.min,
      logGroupName,
    }).logGroup;
    const stack = Stack.of(this);
    const logGroupArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const deliveryPolicy = new logs.ResourcePolicy(this, 'DeliveryPolicy', {
      policyStatements: [
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('delivery.logs.amazonaws.com')],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${logGroupArn}:*`],
          conditions: {
            StringEquals: { 'aws:SourceAccount': stack.account },
            ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'logs', resource: '*' }) },
          },
        }),
      ],
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [logGroupArn],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
    });
    logging.node.addDependency(this.logGroup, deliveryPolicy);
  }
}
