import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** Symmetric customer-managed keys rotate their key material. */
export const KmsKeyRotation: StrictRule = {
  id: 'KMSKeyRotation',
  section: '164.312(a)(2)(iv)',
  info: 'The KMS key does not have automatic key rotation enabled.',
  explanation: 'Rotating key material limits how much data one key version protects; HIPAA.Security does not check it.',
  check(r) {
    if (r.type !== 'AWS::KMS::Key') return NOT_APPLICABLE;
    const p = r.props;
    if (p.KeySpec !== undefined && p.KeySpec !== 'SYMMETRIC_DEFAULT') return NOT_APPLICABLE;
    return p.EnableKeyRotation === true ? COMPLIANT : NON_COMPLIANT;
  },
};
