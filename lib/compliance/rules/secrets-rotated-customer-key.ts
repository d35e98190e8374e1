import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, refersTo, ResourceView, StrictRule } from './rule';

/** The rotation schedule of a secret: on the secret itself or on its target attachment (same stack). */
export function rotationOf(secret: ResourceView): ResourceView | undefined {
  const ids = [
    secret.logicalId,
    ...secret.stack
      .resourcesOfType('AWS::SecretsManager::SecretTargetAttachment')
      .filter((a) => refersTo(a.props.SecretId, secret.logicalId))
      .map((a) => a.logicalId),
  ];
  return secret.stack
    .resourcesOfType('AWS::SecretsManager::RotationSchedule')
    .find((s) => ids.some((id) => refersTo(s.props.SecretId, id)));
}

/** Secrets are encrypted with a customer-managed key and rotated on a schedule. */
export const SecretsManagerRotatedCustomerKey: StrictRule = {
  id: 'SecretsManagerRotatedCustomerKey',
  section: '164.312(d), 164.312(a)(2)(iv)',
  info: 'The secret is not encrypted with a customer-managed key (KmsKeyId) or has no rotation schedule in its stack.',
  explanation:
    'A credential that never changes stays valid after it leaks; a secret under the AWS-managed key cannot be fenced by a key policy.',
  check(r) {
    if (r.type !== 'AWS::SecretsManager::Secret') return NOT_APPLICABLE;
    return r.props.KmsKeyId !== undefined && rotationOf(r) !== undefined ? COMPLIANT : NON_COMPLIANT;
  },
};
