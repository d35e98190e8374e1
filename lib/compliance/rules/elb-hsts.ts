import { TLS } from '../../baseline/thresholds';
import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

const HSTS_MIN_MAX_AGE_SECONDS = TLS.hstsMinMaxAgeSeconds;
const HSTS_ATTRIBUTE = 'routing.http.response.strict_transport_security.header_value';

/** HTTPS listeners of Application Load Balancers send HSTS for at least a year, subdomains included. */
export const ElbHsts: StrictRule = {
  id: 'ELBHSTS',
  section: '164.312(e)(1)',
  info: `The HTTPS listener does not set an HSTS header with max-age of at least ${HSTS_MIN_MAX_AGE_SECONDS} seconds and includeSubDomains (listener attribute ${HSTS_ATTRIBUTE}).`,
  explanation: 'HSTS makes browsers refuse plain HTTP to the domain, closing the downgrade window.',
  check(r) {
    if (r.type !== 'AWS::ElasticLoadBalancingV2::Listener') return NOT_APPLICABLE;
    const p = r.props;
    if (p.Protocol !== 'HTTPS') return NOT_APPLICABLE;
    const attrs = (p.ListenerAttributes as Array<{ Key?: string; Value?: string }> | undefined) ?? [];
    const value = attrs.find((a) => a.Key === HSTS_ATTRIBUTE)?.Value ?? '';
    const maxAge = Number(/max-age=(\d+)/i.exec(value)?.[1] ?? 0);
    return maxAge >= HSTS_MIN_MAX_AGE_SECONDS && /includeSubDomains/i.test(value) ? COMPLIANT : NON_COMPLIANT;
  },
};
