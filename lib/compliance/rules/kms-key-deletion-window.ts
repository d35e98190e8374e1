import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** The longest deletion window: 30 days to notice and cancel a scheduled key deletion. */
export const KmsKeyDeletionWindow: StrictRule = {
  id: 'KMSKeyDeletionWindow',
  section: '164.308(a)(7)(ii)(A)',
  info: 'The KMS key deletion window is not 30 days.',
  explanation: 'Deleting a key destroys every ciphertext under it; the maximum window gives the most time to cancel.',
  check(r) {
    if (r.type !== 'AWS::KMS::Key') return NOT_APPLICABLE;
    return r.props.PendingWindowInDays === 30 ? COMPLIANT : NON_COMPLIANT;
  },
};
