import { KMS_KEY_DELETION_WINDOW_DAYS } from '../../baseline/thresholds';
import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** The longest deletion window: 30 days to notice and cancel a scheduled key deletion. */
export const KmsKeyDeletionWindow: StrictRule = {
  id: 'KMSKeyDeletionWindow',
  section: '164.308(a)(7)(ii)(A)',
  info: `The KMS key deletion window is not ${KMS_KEY_DELETION_WINDOW_DAYS.required} days.`,
  explanation: 'Deleting a key destroys every ciphertext under it; the maximum window gives the most time to cancel.',
  check(r) {
    if (r.type !== 'AWS::KMS::Key') return NOT_APPLICABLE;
    return r.props.PendingWindowInDays === KMS_KEY_DELETION_WINDOW_DAYS.required ? COMPLIANT : NON_COMPLIANT;
  },
};
