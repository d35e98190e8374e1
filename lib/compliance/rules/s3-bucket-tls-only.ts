import { COMPLIANT, deniesInsecureTransport, NON_COMPLIANT, NOT_APPLICABLE, refersTo, StrictRule } from './rule';

/** Every bucket has a policy that denies requests without TLS. */
export const S3BucketTlsOnly: StrictRule = {
  id: 'S3BucketTLSOnly',
  section: '164.312(e)(1)',
  info: 'The bucket has no bucket policy denying requests made without TLS (aws:SecureTransport).',
  explanation: 'Without the deny, a client can read or write PHI over plain HTTP.',
  check(r) {
    if (r.type !== 'AWS::S3::Bucket') return NOT_APPLICABLE;
    const id = r.logicalId;
    const policy = r.stack.resourcesOfType('AWS::S3::BucketPolicy').find((p) => refersTo(p.props.Bucket, id));
    return policy && deniesInsecureTransport(policy.props.PolicyDocument) ? COMPLIANT : NON_COMPLIANT;
  },
};
