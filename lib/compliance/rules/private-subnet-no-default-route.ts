import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, refersTo, StrictRule, tags } from './rule';

/**
 * A default route (0.0.0.0/0 or ::/0) exists only in public subnets and only to an internet gateway:
 * subnets that host workers or the database have no route to the internet at all (no IGW, NAT gateway,
 * NAT instance, egress-only gateway or transit path).
 */
export const PrivateSubnetNoDefaultRoute: StrictRule = {
  id: 'PrivateSubnetNoDefaultRoute',
  section: '164.312(a)(1), 164.312(e)(1)',
  info: 'A default route serves a subnet that is not public (workers, database), or a public subnet routes to something other than an internet gateway.',
  explanation:
    'Workers and the database must not reach the internet: a NAT route is an exfiltration path that VPCNoUnrestrictedRouteToIGW does not see.',
  check(r) {
    if (r.type !== 'AWS::EC2::Route') return NOT_APPLICABLE;
    const p = r.props;
    if (p.DestinationCidrBlock !== '0.0.0.0/0' && p.DestinationIpv6CidrBlock !== '::/0') return NOT_APPLICABLE;
    const table = p.RouteTableId;
    const subnetIds = r.stack
      .resourcesOfType('AWS::EC2::SubnetRouteTableAssociation')
      .map((a) => a.props)
      .filter((a) => JSON.stringify(a.RouteTableId) === JSON.stringify(table))
      .map((a) => a.SubnetId);
    const subnets = r.stack.resourcesOfType('AWS::EC2::Subnet').filter((s) => subnetIds.some((id) => refersTo(id, s.logicalId)));
    if (subnets.length === 0) return NON_COMPLIANT;
    const allPublic = subnets.every((s) => tags(s)['aws-cdk:subnet-type'] === 'Public');
    const toInternetGateway =
      p.GatewayId !== undefined &&
      [p.NatGatewayId, p.InstanceId, p.NetworkInterfaceId, p.TransitGatewayId, p.EgressOnlyInternetGatewayId].every((x) => x === undefined);
    return allPublic && toInternetGateway ? COMPLIANT : NON_COMPLIANT;
  },
};
