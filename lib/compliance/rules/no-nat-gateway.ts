import { NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** No NAT gateway: the isolated design reaches AWS services through VPC endpoints only. */
export const NoNatGateway: StrictRule = {
  id: 'NoNATGateway',
  section: '164.312(a)(1), 164.312(e)(1)',
  info: 'A NAT gateway gives private subnets a path to the internet; the design reaches AWS services through VPC endpoints only.',
  explanation: 'A NAT gateway is an exfiltration path for any worker that can route to it, whatever its security group says tomorrow.',
  check(r) {
    return r.type === 'AWS::EC2::NatGateway' ? NON_COMPLIANT : NOT_APPLICABLE;
  },
};
