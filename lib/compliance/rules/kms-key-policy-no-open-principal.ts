import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, statements, StrictRule } from './rule';

/** No key-policy statement allows a wildcard principal without a condition. */
export const KmsKeyPolicyNoOpenPrincipal: StrictRule = {
  id: 'KMSKeyPolicyNoOpenPrincipal',
  section: '164.312(a)(1)',
  info: 'The KMS key policy allows a wildcard principal ("*") without a condition.',
  explanation: 'An unconditioned "*" principal lets any AWS account use the key; scope it with conditions or name principals.',
  check(r) {
    if (r.type !== 'AWS::KMS::Key') return NOT_APPLICABLE;
    const open = statements(r.props.KeyPolicy).some((s) => {
      const p = s.Principal;
      const wildcard = p === '*' || (typeof p === 'object' && p !== null && [(p as { AWS?: unknown }).AWS].flat().includes('*'));
      return s.Effect === 'Allow' && wildcard && (s.Condition === undefined || Object.keys(s.Condition as object).length === 0);
    });
    return open ? NON_COMPLIANT : COMPLIANT;
  },
};
