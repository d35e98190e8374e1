import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

const BLOCKS = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];

/**
 * A tenant access point is reachable from the VPC only, blocks all public access, and its policy requires the
 * tenant's key (`s3:x-amz-server-side-encryption-aws-kms-key-id`) and TLS (`aws:SecureTransport`).
 */
export const S3AccessPointTenantIsolated: StrictRule = {
  id: 'S3AccessPointTenantIsolated',
  section: '164.312(a)(1), 164.312(a)(2)(iv)',
  info: 'The access point is not VPC-only (VpcConfiguration), does not block all public access, or its policy does not require the tenant key and TLS.',
  explanation: "Each tenant's PHI is reachable only through its own access point: from the private network, over TLS, under its own key.",
  check(r) {
    if (r.type !== 'AWS::S3::AccessPoint') return NOT_APPLICABLE;
    const policy = JSON.stringify(r.props.Policy ?? {});
    const bpa = (r.props.PublicAccessBlockConfiguration ?? {}) as Record<string, unknown>;
    return r.props.VpcConfiguration !== undefined &&
      BLOCKS.every((k) => bpa[k] === true) &&
      policy.includes('s3:x-amz-server-side-encryption-aws-kms-key-id') &&
      policy.includes('aws:SecureTransport')
      ? COMPLIANT
      : NON_COMPLIANT;
  },
};
