import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

const MANAGED = ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesSQLiRuleSet'];

/** Names of the managed rule groups and whether a rate-based rule exists, anywhere in the rules' statements. */
function walk(v: unknown, out: { managed: Set<string>; rate: boolean }): void {
  if (Array.isArray(v)) v.forEach((x) => walk(x, out));
  else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.RateBasedStatement) out.rate = true;
    const m = o.ManagedRuleGroupStatement as { Name?: string; VendorName?: string } | undefined;
    if (m?.VendorName === 'AWS' && m.Name) out.managed.add(m.Name);
    Object.values(o).forEach((x) => walk(x, out));
  }
}

/** A web ACL has a rate-based rule and the AWS common and SQL injection managed rule groups. */
export const WafRateLimitManagedRules: StrictRule = {
  id: 'WAFRateLimitManagedRules',
  section: '164.312(a)(1), 164.312(e)(1)',
  info: `The web ACL lacks a rate-based rule or one of the AWS managed rule groups ${MANAGED.join(', ')}.`,
  explanation:
    'Rate limits slow credential stuffing and scraping; the managed rules block common exploits and SQL injection before they reach PHI.',
  check(r) {
    if (r.type !== 'AWS::WAFv2::WebACL') return NOT_APPLICABLE;
    const found = { managed: new Set<string>(), rate: false };
    walk(r.props.Rules, found);
    return found.rate && MANAGED.every((m) => found.managed.has(m)) ? COMPLIANT : NON_COMPLIANT;
  },
};
