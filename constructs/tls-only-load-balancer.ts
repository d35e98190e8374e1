import { Duration, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acceptFinding } from '../lib/baseline/acknowledge';
import { TLS } from '../lib/baseline/thresholds';

/** One year, in seconds: the shortest HSTS max-age we send (lib/baseline/thresholds.ts `TLS`). */
export const HSTS_MIN_MAX_AGE_SECONDS: number = TLS.hstsMinMaxAgeSeconds;

/**
 * TLS policies allowed on our listeners: TLS 1.3 policies whose minimum protocol is TLS 1.2 or 1.3
 * (lib/baseline/thresholds.ts `TLS`; test/baseline.test.ts checks each is an `elbv2.SslPolicy`).
 */
export const ALLOWED_TLS_POLICIES = TLS.elbPolicies as readonly string[] as readonly elbv2.SslPolicy[];

export interface TlsOnlyLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  /** Public subnets for the load balancer. */
  readonly subnets: ec2.SubnetSelection;
  /** Server certificate (ACM). */
  readonly certificate: acm.ICertificate;
  /** Bucket (SSE-S3) receiving the access logs. */
  readonly accessLogsBucket: s3.IBucket;
  /**
   * TLS security policy of the HTTPS listener.
   * @default elbv2.SslPolicy.RECOMMENDED_TLS (ELBSecurityPolicy-TLS13-1-2-2021-06: TLS 1.3 and 1.2 only)
   */
  readonly sslPolicy?: elbv2.SslPolicy;
  /**
   * HSTS max-age in seconds (at least one year).
   * @default 31536000
   */
  readonly hstsMaxAgeSeconds?: number;
  /** Where requests go. */
  readonly defaultTargetGroups: elbv2.IApplicationTargetGroup[];
}

/**
 * An internet-facing Application Load Balancer that speaks TLS only (45 CFR 164.312(e)(1), (e)(2)(ii)).
 *
 * One listener, HTTPS on 443 with a TLS 1.3 policy (minimum TLS 1.2) and an HSTS header (one year,
 * includeSubDomains) set by the listener itself; no port-80 listener at all. Invalid header fields dropped,
 * strictest desync mitigation, deletion protection, access logs. Its security group admits TCP 443 only.
 */
export class TlsOnlyLoadBalancer extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly listener: elbv2.ApplicationListener;
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: TlsOnlyLoadBalancerProps) {
    super(scope, id);
    const sslPolicy = props.sslPolicy ?? elbv2.SslPolicy.RECOMMENDED_TLS;
    if (!ALLOWED_TLS_POLICIES.includes(sslPolicy)) {
      throw new Error(`TlsOnlyLoadBalancer sslPolicy ${sslPolicy} is not allowed; use one of: ${ALLOWED_TLS_POLICIES.join(', ')}`);
    }
    const maxAge = props.hstsMaxAgeSeconds ?? HSTS_MIN_MAX_AGE_SECONDS;
    if (maxAge < HSTS_MIN_MAX_AGE_SECONDS) {
      throw new Error(`TlsOnlyLoadBalancer hstsMaxAgeSeconds ${maxAge} must be at least ${HSTS_MIN_MAX_AGE_SECONDS} (one year)`);
    }

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Internet-facing load balancer: HTTPS (TCP 443) only',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet');

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: true,
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: elbv2.DesyncMitigationMode.STRICTEST,
      deletionProtection: true,
      http2Enabled: true,
      idleTimeout: Duration.seconds(60),
      xAmznTlsVersionAndCipherSuiteHeaders: true,
    });
    this.loadBalancer.logAccessLogs(props.accessLogsBucket, `alb/${Stack.of(this).stackName}`);
    if (Stack.of(props.accessLogsBucket) !== Stack.of(this)) {
      acceptFinding(this.loadBalancer.node.defaultChild!, {
        ruleId: 'cdk-validator-cfnguard::elbv2_logging_enabled_check',
        reason:
          'CT.ELASTICLOADBALANCING.PR.6 accepts only a literal bucket name or a reference inside the same template; the access-log bucket lives in the Audit stack, so the name is a cross-stack reference the rule cannot follow.',
        compensatingControl:
          'access_logs.s3.enabled is true with the access-log bucket set (TlsOnlyLoadBalancer requires it); cdk-nag HIPAA.Security-ELBLoggingEnabled resolves it and passes',
      });
    }

    this.listener = this.loadBalancer.addListener('Https', {
      protocol: elbv2.ApplicationProtocol.HTTPS,
      port: 443,
      open: false,
      sslPolicy,
      certificates: [props.certificate],
      defaultTargetGroups: props.defaultTargetGroups,
    });
    this.listener.setAttribute('routing.http.response.strict_transport_security.header_value', `max-age=${maxAge}; includeSubDomains`);
  }
}
