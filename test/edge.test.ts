import { Match } from 'aws-cdk-lib/assertions';
import { defaultDeployment, synthReference, testConfig } from './helpers/synth';

const edge = () => defaultDeployment().template('Edge');

describe('TLS-only load balancer', () => {
  test('internet-facing ALB in the edge subnets', () => {
    edge().hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Type: 'application',
      Subnets: [
        Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('edgeSubnet1') }) }),
        Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('edgeSubnet2') }) }),
      ],
    });
  });

  test('exactly one listener: HTTPS on 443 with the TLS 1.3 policy (minimum TLS 1.2) and the certificate', () => {
    edge().resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    edge().hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      Port: 443,
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('Certificate') } }],
    });
  });

  test('HSTS for a year with includeSubDomains, set by the listener', () => {
    edge().hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      ListenerAttributes: [
        { Key: 'routing.http.response.strict_transport_security.header_value', Value: 'max-age=31536000; includeSubDomains' },
      ],
    });
  });

  test.each([
    ['routing.http.drop_invalid_header_fields.enabled', 'true'],
    ['routing.http.desync_mitigation_mode', 'strictest'],
    ['deletion_protection.enabled', 'true'],
    ['access_logs.s3.enabled', 'true'],
  ])('load balancer attribute %s = %s', (Key, Value) => {
    edge().hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key, Value }]),
    });
  });

  test('access logs go to the access-log bucket, which admits the load balancer log delivery', () => {
    edge().hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        {
          Key: 'access_logs.s3.bucket',
          Value: Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('AccessLogs') }) }),
        },
      ]),
    });
    defaultDeployment()
      .template('Audit')
      .hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: 's3:PutObject',
              Principal: { AWS: Match.anyValue() },
              Resource: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/alb/example-Edge/AWSLogs/')])] }),
            }),
          ]),
        },
      });
  });

  test('the security group admits TCP 443 only, and nothing leaves it', () => {
    edge().hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('HTTPS'),
      SecurityGroupIngress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
    });
  });

  test('the target group invokes the api worker, permitted for this target group and account only', () => {
    edge().hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'lambda',
      HealthCheckEnabled: true,
      HealthCheckPath: '/health',
    });
    edge().hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'elasticloadbalancing.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
      SourceArn: {
        'Fn::Join': ['', ['arn:aws:elasticloadbalancing:us-east-1:', { Ref: 'AWS::AccountId' }, ':targetgroup/hipaa-example-api/*']],
      },
    });
  });

  test('a DNS-validated certificate for the domain is created by default; an existing one is used by ARN', () => {
    edge().hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'app.example.com', ValidationMethod: 'DNS' });
    const arn = 'arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012';
    const t = synthReference(testConfig({ certificate: { mode: 'existing', arn } }), { complianceGate: false }).template('Edge');
    t.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Certificates: [{ CertificateArn: arn }] });
  });
});

describe('WAF', () => {
  const rules = () => Object.values(edge().findResources('AWS::WAFv2::WebACL'))[0].Properties.Rules as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any -- CloudFormation JSON

  test('a regional web ACL attached to the load balancer', () => {
    edge().hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    edge().hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: { Ref: Match.stringLikeRegexp('AlbLoadBalancer') } });
  });

  test.each(['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesSQLiRuleSet'])(
    'managed rule group %s',
    (name) => {
      expect(rules().find((r) => r.Statement.ManagedRuleGroupStatement?.Name === name)).toMatchObject({ OverrideAction: { None: {} } });
    },
  );

  test('a per-IP rate limit on every request, from the config', () => {
    const all = rules().find((r) => r.Name === 'rate-limit-all')!;
    expect(all.Action).toEqual({ Block: {} });
    expect(all.Statement.RateBasedStatement).toEqual({ Limit: 2000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 });
  });

  test('a tighter per-IP limit on login and verification paths, from the config', () => {
    const sensitive = rules().find((r) => r.Name === 'rate-limit-sensitive-paths')!;
    expect(sensitive.Action).toEqual({ Block: {} });
    expect(sensitive.Statement.RateBasedStatement.Limit).toBe(100);
    const paths = sensitive.Statement.RateBasedStatement.ScopeDownStatement.OrStatement.Statements.map(
      (s: { ByteMatchStatement: { SearchString: string; PositionalConstraint: string } }) => s.ByteMatchStatement.SearchString,
    );
    expect(paths).toEqual(['/login', '/verify', '/password-reset', '/mfa']);
    const one = synthReference(testConfig({ waf: { sensitivePaths: ['/signin'], sensitiveRateLimitPerFiveMinutes: 50 } }), {
      complianceGate: false,
    }).template('Edge');
    one.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'rate-limit-sensitive-paths',
          Statement: {
            RateBasedStatement: Match.objectLike({
              Limit: 50,
              ScopeDownStatement: { ByteMatchStatement: Match.objectLike({ SearchString: '/signin' }) },
            }),
          },
        }),
      ]),
    });
  });

  test('logs into a KMS-encrypted log group with retention, credentials redacted', () => {
    edge().hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: 'aws-waf-logs-hipaa-example-edge', KmsKeyId: Match.anyValue(), RetentionInDays: 365 },
      DeletionPolicy: 'RetainExceptOnCreate',
    });
    edge().hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      LogDestinationConfigs: [{ 'Fn::Join': ['', Match.arrayWith([':log-group:aws-waf-logs-hipaa-example-edge'])] }],
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }],
    });
  });
});
