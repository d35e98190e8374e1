import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, refersTo, StrictRule } from './rule';

/**
 * Every VPC has a flow log of ALL traffic in its stack, and no flow log records less: a log of REJECT only
 * misses every accepted connection (exfiltration included).
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
 */
export const VpcFlowLogsAllTraffic: StrictRule = {
  id: 'VPCFlowLogsAllTraffic',
  section: '164.312(b), 164.308(a)(1)(ii)(D)',
  info: 'A VPC has no flow log with TrafficType ALL in its stack, or a flow log records only accepted or only rejected traffic.',
  explanation: 'Reviewing network activity needs the accepted connections as much as the rejected ones.',
  check(r) {
    if (r.type === 'AWS::EC2::FlowLog') return r.props.TrafficType === 'ALL' ? COMPLIANT : NON_COMPLIANT;
    if (r.type !== 'AWS::EC2::VPC') return NOT_APPLICABLE;
    const logged = r.stack
      .resourcesOfType('AWS::EC2::FlowLog')
      .some((f) => f.props.ResourceType === 'VPC' && refersTo(f.props.ResourceId, r.logicalId) && f.props.TrafficType === 'ALL');
    return logged ? COMPLIANT : NON_COMPLIANT;
  },
};
