import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** Load balancers listen with HTTPS only: no HTTP listener, not even one that redirects. */
export const ElbHttpsOnly: StrictRule = {
  id: 'ELBHTTPSOnly',
  section: '164.312(e)(1)',
  info: 'The load balancer listener is not HTTPS (or TLS, for a Network Load Balancer).',
  explanation: 'A port-80 listener, even a redirecting one, lets the first request (cookies, tokens) travel in clear text.',
  check(r) {
    if (r.type !== 'AWS::ElasticLoadBalancingV2::Listener') return NOT_APPLICABLE;
    return ['HTTPS', 'TLS'].includes(String(r.props.Protocol)) ? COMPLIANT : NON_COMPLIANT;
  },
};
