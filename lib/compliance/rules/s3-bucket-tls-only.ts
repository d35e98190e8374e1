import {
  COMPLIANT,
  deniesInsecureTransport,
  logicalId,
  NON_COMPLIANT,
  NOT_APPLICABLE,
  props,
  refersTo,
  resourcesOfType,
  StrictRule,
} from './rule';

/** Every bucket has a policy that denies requests without TLS. */
export const S3BucketTlsOnly: StrictRule = {
  id: 'S3BucketTLSOnly',
  section: '164.312(e)(1)',
  info: 'The bucket has no bucket policy denying requests made without TLS (aws:SecureTransport).',
  explanation: 'Without the deny, a client can read or write PHI over plain HTTP.',
  check(node) {
    if (node.cfnResourceType !== 'AWS::S3::Bucket') return NOT_APPLICABLE;
    const id = logicalId(node);
    const policy = resourcesOfType(node, 'AWS::S3::BucketPolicy').find((p) => refersTo(props(p).Bucket, id));
    return policy && deniesInsecureTransport(props(policy).PolicyDocument) ? COMPLIANT : NON_COMPLIANT;
  },
};
