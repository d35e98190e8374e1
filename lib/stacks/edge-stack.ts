import { Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EdgeWebAcl } from '../../constructs/edge-web-acl';
import { HipaaVpc } from '../../constructs/hipaa-vpc';
import { LambdaAlbTarget } from '../../constructs/lambda-alb-target';
import { TlsOnlyLoadBalancer } from '../../constructs/tls-only-load-balancer';
import { DeploymentConfig } from '../config/schema';

export interface EdgeStackProps extends StackProps {
  readonly environmentName: string;
  readonly network: HipaaVpc;
  readonly domainName: string;
  readonly certificate: DeploymentConfig['certificate'];
  readonly accessLogsBucket: s3.IBucket;
  readonly logsKey: kms.IKey;
  readonly apiFunction: lambda.IFunction;
  readonly waf: DeploymentConfig['waf'];
}

/** The internet edge: the TLS-only load balancer and the WAF in front of it. */
export class EdgeStack extends Stack {
  public readonly alb: TlsOnlyLoadBalancer;
  public readonly webAcl: EdgeWebAcl;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const certificate =
      props.certificate.mode === 'existing'
        ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificate.arn)
        : new acm.Certificate(this, 'Certificate', {
            domainName: props.domainName,
            validation:
              props.certificate.hostedZoneId && props.certificate.hostedZoneName
                ? acm.CertificateValidation.fromDns(
                    route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
                      hostedZoneId: props.certificate.hostedZoneId,
                      zoneName: props.certificate.hostedZoneName,
                    }),
                  )
                : acm.CertificateValidation.fromDns(),
          });

    const api = new LambdaAlbTarget(this, 'ApiTarget', {
      fn: props.apiFunction,
      targetGroupName: `hipaa-${props.environmentName}-api`,
      healthCheckPath: '/health',
    });
    this.alb = new TlsOnlyLoadBalancer(this, 'Alb', {
      vpc: props.network.vpc,
      subnets: props.network.edgeSubnets,
      certificate,
      accessLogsBucket: props.accessLogsBucket,
      defaultTargetGroups: [api.targetGroup],
    });
    this.webAcl = new EdgeWebAcl(this, 'Waf', {
      name: `hipaa-${props.environmentName}-edge`,
      resourceArn: this.alb.loadBalancer.loadBalancerArn,
      rateLimit: props.waf.rateLimitPerFiveMinutes,
      sensitivePaths: props.waf.sensitivePaths,
      sensitiveRateLimit: props.waf.sensitiveRateLimitPerFiveMinutes,
      logsKey: props.logsKey,
    });
  }
}
