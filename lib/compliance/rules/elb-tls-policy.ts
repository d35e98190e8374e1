import { TLS } from '../../baseline/thresholds';
import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/**
 * HTTPS listeners use a TLS 1.3 policy whose minimum protocol is TLS 1.2 or 1.3. The TLS13-1-0 and
 * TLS13-1-1 variants still accept TLS 1.0 and 1.1 and fail.
 */
export const ElbTlsPolicy: StrictRule = {
  id: 'ELBTLSPolicy',
  section: '164.312(e)(2)(ii)',
  info: `The listener's SSL policy is not a TLS 1.3 policy with a TLS 1.2+ minimum (allowed: ${TLS.elbPolicies.join(', ')}).`,
  explanation: 'TLS 1.0 and 1.1 are deprecated (RFC 8996) and fail NIST SP 800-52r2.',
  check(r) {
    if (r.type !== 'AWS::ElasticLoadBalancingV2::Listener') return NOT_APPLICABLE;
    const p = r.props;
    if (!['HTTPS', 'TLS'].includes(String(p.Protocol))) return NOT_APPLICABLE;
    return (TLS.elbPolicies as readonly string[]).includes(String(p.SslPolicy)) ? COMPLIANT : NON_COMPLIANT;
  },
};
