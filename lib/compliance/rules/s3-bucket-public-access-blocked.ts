import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** All four S3 Block Public Access settings are on. */
export const S3BucketPublicAccessBlocked: StrictRule = {
  id: 'S3BucketPublicAccessBlocked',
  section: '164.312(a)(1)',
  info: 'The bucket does not block all public access (all four Block Public Access settings must be true).',
  explanation: 'A public ACL or policy on a PHI bucket is a breach waiting to be found.',
  check(r) {
    if (r.type !== 'AWS::S3::Bucket') return NOT_APPLICABLE;
    const b = r.props.PublicAccessBlockConfiguration as Record<string, unknown> | undefined;
    const all = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].every((k) => b?.[k] === true);
    return all ? COMPLIANT : NON_COMPLIANT;
  },
};
