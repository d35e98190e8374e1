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
  check(node) {
    const policyOf = POLICY_OF[node.cfnResourceType];
    if (!policyOf) return NOT_APPLICABLE;
    const p = props(node);
    if (p.KmsMasterKeyId === undefined) return NON_COMPLIANT;
    const id = logicalId(node);
    const policy = resourcesOfType(node, policyOf.type).find((r) =>
      ((props(r)[policyOf.targets] as unknown[] | undefined) ?? []).some((t) => refersTo(t, id)),
    );
    return policy && deniesInsecureTransport(props(policy).PolicyDocument) ? COMPLIANT : NON_COMPLIANT;
  },
};
