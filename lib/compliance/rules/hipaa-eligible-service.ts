import { HIPAA_ELIGIBLE_TYPE_PREFIXES } from '../hipaa-eligible-services';
import { COMPLIANT, NON_COMPLIANT, StrictRule } from './rule';

/** Only services on the HIPAA-eligible allow-list appear in the templates. */
export const HipaaEligibleService: StrictRule = {
  id: 'HIPAAEligibleService',
  section: '164.308(b)(1), 164.314(a)',
  info: 'The resource belongs to a service that is not on the HIPAA-eligible allow-list (lib/compliance/hipaa-eligible-services.ts).',
  explanation: 'PHI may only be processed by services covered by the AWS Business Associate Addendum.',
  check(r) {
    return HIPAA_ELIGIBLE_TYPE_PREFIXES.some((prefix) => r.type.startsWith(prefix)) ? COMPLIANT : NON_COMPLIANT;
  },
};
