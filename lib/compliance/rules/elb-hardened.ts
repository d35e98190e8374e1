import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/**
 * Application load balancer attributes: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-attributes
 */
const REQUIRED: Record<string, string> = {
  'routing.http.drop_invalid_header_fields.enabled': 'true',
  'routing.http.desync_mitigation_mode': 'strictest',
  'deletion_protection.enabled': 'true',
  'access_logs.s3.enabled': 'true',
};

/** An application load balancer drops invalid headers, mitigates desync strictly, is deletion-protected and logs. */
export const ElbHardened: StrictRule = {
  id: 'ELBHardened',
  section: '164.312(a)(1), 164.312(b), 164.312(e)(1)',
  info: `The application load balancer lacks one of: ${Object.entries(REQUIRED)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}.`,
  explanation:
    'Invalid headers and HTTP desync are request-smuggling paths past the application; the access logs are the record of who called the service.',
  check(r) {
    if (r.type !== 'AWS::ElasticLoadBalancingV2::LoadBalancer') return NOT_APPLICABLE;
    if (r.props.Type !== undefined && r.props.Type !== 'application') return NOT_APPLICABLE;
    const attrs = Object.fromEntries(
      ((r.props.LoadBalancerAttributes as Array<{ Key: string; Value: string }> | undefined) ?? []).map((a) => [a.Key, a.Value]),
    );
    return Object.entries(REQUIRED).every(([k, v]) => attrs[k] === v) ? COMPLIANT : NON_COMPLIANT;
  },
};
