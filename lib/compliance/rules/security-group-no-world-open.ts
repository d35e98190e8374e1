import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, refersTo, StrictRule, ResourceView } from './rule';

type Ingress = { CidrIp?: string; CidrIpv6?: string; IpProtocol?: string | number; FromPort?: number; ToPort?: number };

const worldOpen = (r: Ingress) => r.CidrIp === '0.0.0.0/0' || r.CidrIpv6 === '::/0';
const httpsOnly = (r: Ingress) => String(r.IpProtocol) === 'tcp' && r.FromPort === 443 && r.ToPort === 443;

/** Whether the security group with this logical id is attached to a load balancer of its stack. */
function onLoadBalancer(r: ResourceView, groupId: string): boolean {
  return r.stack
    .resourcesOfType('AWS::ElasticLoadBalancingV2::LoadBalancer')
    .some((lb) => ((lb.props.SecurityGroups as unknown[] | undefined) ?? []).some((sg) => refersTo(sg, groupId)));
}

/** Nothing is open to 0.0.0.0/0 or ::/0, except TCP 443 on a load balancer's security group. */
export const SecurityGroupNoWorldOpen: StrictRule = {
  id: 'SecurityGroupNoWorldOpen',
  section: '164.312(a)(1), 164.312(e)(1)',
  info: 'The security group admits traffic from the whole internet (0.0.0.0/0 or ::/0) on something other than TCP 443 of a load balancer.',
  explanation: 'A world-open database, admin or worker port (Postgres 5432 included) is reachable by every scanner on the internet.',
  check(r) {
    let groupId: string;
    let rules: Ingress[];
    if (r.type === 'AWS::EC2::SecurityGroup') {
      groupId = r.logicalId;
      rules = (r.props.SecurityGroupIngress as Ingress[] | undefined) ?? [];
    } else if (r.type === 'AWS::EC2::SecurityGroupIngress') {
      const p = r.props as Ingress & { GroupId?: unknown };
      const ref = p.GroupId as { 'Fn::GetAtt'?: [string, string] } | undefined;
      groupId = ref?.['Fn::GetAtt']?.[0] ?? '';
      rules = [p];
    } else {
      return NOT_APPLICABLE;
    }
    const open = rules.filter(worldOpen);
    if (open.length === 0) return COMPLIANT;
    return open.every(httpsOnly) && groupId !== '' && onLoadBalancer(r, groupId) ? COMPLIANT : NON_COMPLIANT;
  },
};
