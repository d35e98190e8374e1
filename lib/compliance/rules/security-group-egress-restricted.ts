import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

type Egress = {
  CidrIp?: string;
  CidrIpv6?: string;
  IpProtocol?: string | number;
  FromPort?: number;
  ToPort?: number;
};

const WORLD = new Set(['0.0.0.0/0', '::/0']);
/** All protocols (-1), or TCP/UDP over the whole port range. https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroupegress.html */
const allPorts = (e: Egress) =>
  ['-1', 'all'].includes(String(e.IpProtocol)) ||
  (['tcp', 'udp', '6', '17'].includes(String(e.IpProtocol)) && (e.FromPort ?? 0) <= 0 && (e.ToPort ?? 65535) >= 65535);
const tooWide = (e: Egress) => WORLD.has(e.CidrIp ?? '') || WORLD.has(e.CidrIpv6 ?? '') || allPorts(e);

/**
 * Egress only to the destinations the design needs: a security group (workers, functions, the database, the
 * load balancer) sends nothing to 0.0.0.0/0 or ::/0 and opens no all-ports rule. The workers' legitimate
 * destinations are the S3 prefix list on 443, the interface endpoints' security group on 443 and the database
 * security group on its port.
 */
export const SecurityGroupEgressRestricted: StrictRule = {
  id: 'SecurityGroupEgressRestricted',
  section: '164.312(a)(1), 164.312(e)(1)',
  info: 'The security group allows egress to the whole internet (0.0.0.0/0 or ::/0) or on all ports: name the destinations (a prefix list, a security group) and the port instead (allowAllOutbound: false).',
  explanation: 'A worker that may open any connection can send PHI anywhere the moment a route appears; egress names its destinations.',
  check(r) {
    let rules: Egress[];
    if (r.type === 'AWS::EC2::SecurityGroup') rules = (r.props.SecurityGroupEgress as Egress[] | undefined) ?? [];
    else if (r.type === 'AWS::EC2::SecurityGroupEgress') rules = [r.props];
    else return NOT_APPLICABLE;
    // A group without SecurityGroupEgress gets AWS's default allow-all rule; CDK writes a deny placeholder when
    // allowAllOutbound is false, so an empty list on a group means allow-all.
    if (r.type === 'AWS::EC2::SecurityGroup' && r.props.SecurityGroupEgress === undefined) {
      const separate = r.stack.resourcesOfType('AWS::EC2::SecurityGroupEgress').some((e) => refersToGroup(e.props.GroupId, r.logicalId));
      return separate ? COMPLIANT : NON_COMPLIANT;
    }
    return rules.some(tooWide) ? NON_COMPLIANT : COMPLIANT;
  },
};

function refersToGroup(v: unknown, id: string): boolean {
  const g = (v as { 'Fn::GetAtt'?: [string, string]; Ref?: string } | undefined) ?? {};
  return g['Fn::GetAtt']?.[0] === id || g.Ref === id;
}
