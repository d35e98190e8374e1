import { COMPLIANT, deniesInsecureTransport, NON_COMPLIANT, NOT_APPLICABLE, refersTo, StrictRule } from './rule';

/** Policy resource type and the property listing its targets, per messaging resource type. */
const POLICY_OF: Record<string, { type: string; targets: string }> = {
  'AWS::SNS::Topic': { type: 'AWS::SNS::TopicPolicy', targets: 'Topics' },
  'AWS::SQS::Queue': { type: 'AWS::SQS::QueuePolicy', targets: 'Queues' },
};

/** SNS topics and SQS queues are encrypted with a KMS key and have a policy denying requests without TLS. */
export const MessagingEncryptedTlsOnly: StrictRule = {
  id: 'MessagingEncryptedTLSOnly',
  section: '164.312(a)(2)(iv), 164.312(e)(1)',
  info: 'The SNS topic or SQS queue is not encrypted with a KMS key, or has no policy denying requests made without TLS.',
  explanation: 'Messages may carry identifiers of PHI; they must be encrypted at rest and never cross the network in clear.',
  check(r) {
    const policyOf = POLICY_OF[r.type];
    if (!policyOf) return NOT_APPLICABLE;
    const p = r.props;
    if (p.KmsMasterKeyId === undefined) return NON_COMPLIANT;
    const id = r.logicalId;
    const policy = r.stack
      .resourcesOfType(policyOf.type)
      .find((r) => ((r.props[policyOf.targets] as unknown[] | undefined) ?? []).some((t) => refersTo(t, id)));
    return policy && deniesInsecureTransport(policy.props.PolicyDocument) ? COMPLIANT : NON_COMPLIANT;
  },
};
