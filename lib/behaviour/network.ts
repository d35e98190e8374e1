import { AssemblyModel, ModelResource, UNRESOLVED } from './assembly-model';
import { Destination, Reachability } from './interaction';

/**
 * Network reachability from the templates: for a function in the VPC and a destination, follow what AWS
 * follows — the subnet's route table (local route, gateway endpoints, default routes), the security groups of
 * both ends (egress of the source, ingress of the target; rules by CIDR, security group or prefix list), the
 * network ACLs of both subnets, and for interface endpoints private DNS. Security groups are stateful (return
 * traffic is allowed); network ACLs are not (the ephemeral return ports are checked).
 *
 * Endpoint policies are IAM documents: this module names the endpoint a path goes through, and the IAM
 * evaluation checks its policy.
 */

export interface ReachabilityResult {
  readonly check: Reachability;
  readonly reachable: boolean;
  readonly pass: boolean;
  /** What allows the path, or the first rule or missing route that blocks it. */
  readonly reasons: string[];
  /** The VPC endpoint the path goes through (its policy applies to the requests). */
  readonly endpoint?: ModelResource;
  readonly message: string;
}

interface Rule {
  readonly owner: string;
  readonly protocol: string;
  readonly from: number;
  readonly to: number;
  readonly cidr?: string;
  readonly group?: string;
  readonly prefixList?: string;
}

const label = (r: ModelResource) => `${r.stack.id}/${r.path.replace(/\/(Resource|Default)$/, '')}`;

function ipv4(cidr: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const ip = ((+m[1] << 24) >>> 0) + (+m[2] << 16) + (+m[3] << 8) + +m[4];
  const bits = +m[5];
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [(ip & mask) >>> 0, mask];
}
/** True when CIDR `outer` contains all of `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = ipv4(outer);
  const i = ipv4(inner);
  if (!o || !i) return false;
  return o[1] <= i[1] && (i[0] & o[1]) >>> 0 === o[0];
}

const TCP = (p: string) => p === 'tcp' || p === '6' || p === '-1' || p === 'all';

/** S3 managed prefix lists by region (AWS-managed `com.amazonaws.<region>.s3`; the same id in every account). */
export const S3_PREFIX_LISTS: Record<string, string> = {
  'us-east-1': 'pl-63a5400a',
  'us-east-2': 'pl-7ba54012',
  'us-west-1': 'pl-6ba54002',
  'us-west-2': 'pl-68a54001',
};

export class NetworkModel {
  private readonly byRef = new Map<string, ModelResource>();

  constructor(private readonly m: AssemblyModel) {
    for (const r of m.resources) {
      if (r.type.startsWith('AWS::EC2::') || r.type === 'AWS::RDS::DBSubnetGroup') this.byRef.set(m.ref(r), r);
    }
  }

  private list(r: ModelResource, value: unknown): string[] {
    const v = this.m.resolve(r.stack, value);
    if (Array.isArray(v)) return v.map(String);
    if (typeof v === 'string') return v.split(',').filter(Boolean);
    return [];
  }

  /** Subnet ids and security group ids of a function (or of the SAR rotation application). */
  sourceOf(fn: ModelResource): { subnets: string[]; groups: string[] } {
    if (fn.type === 'AWS::Serverless::Application') {
      const p = fn.props.Parameters as Record<string, unknown>;
      return { subnets: this.list(fn, p.vpcSubnetIds), groups: this.list(fn, p.vpcSecurityGroupIds) };
    }
    const vpc = fn.props.VpcConfig as Record<string, unknown>;
    return { subnets: this.list(fn, vpc.SubnetIds), groups: this.list(fn, vpc.SecurityGroupIds) };
  }

  private cidrOfSubnet(id: string): string | undefined {
    const s = this.byRef.get(id);
    return s ? this.m.str(s.stack, s.props.CidrBlock) : undefined;
  }

  private routeTableOf(subnet: string): string | undefined {
    const a = this.m.resources.find(
      (r) => r.type === 'AWS::EC2::SubnetRouteTableAssociation' && this.m.str(r.stack, r.props.SubnetId) === subnet,
    );
    return a ? this.m.str(a.stack, a.props.RouteTableId) : undefined;
  }

  private routes(table: string): Array<{ dest: string; target: string; via: ModelResource }> {
    return this.m.resources
      .filter((r) => r.type === 'AWS::EC2::Route' && this.m.str(r.stack, r.props.RouteTableId) === table)
      .map((r) => {
        const target = [
          'GatewayId',
          'NatGatewayId',
          'EgressOnlyInternetGatewayId',
          'TransitGatewayId',
          'InstanceId',
          'NetworkInterfaceId',
          'VpcPeeringConnectionId',
        ]
          .map((k) => (r.props[k] !== undefined ? this.m.str(r.stack, r.props[k]) : undefined))
          .find(Boolean);
        return {
          dest: this.m.str(r.stack, r.props.DestinationCidrBlock ?? r.props.DestinationIpv6CidrBlock),
          target: target ?? 'unknown',
          via: r,
        };
      });
  }

  /** Security-group rules of one direction (inline and standalone), with the default allow-all egress. */
  rules(group: string, direction: 'egress' | 'ingress'): Rule[] {
    const sg = this.byRef.get(group);
    if (!sg) return [];
    const out: Rule[] = [];
    const prop = direction === 'egress' ? 'SecurityGroupEgress' : 'SecurityGroupIngress';
    const read = (owner: string, r: ModelResource, x: Record<string, unknown>) => {
      const get = (k: string) => (x[k] !== undefined ? this.m.str(r.stack, x[k]) : undefined);
      const protocol = String(get('IpProtocol') ?? '-1');
      out.push({
        owner,
        protocol,
        from: protocol === '-1' ? 0 : Number(get('FromPort') ?? 0),
        to: protocol === '-1' ? 65535 : Number(get('ToPort') ?? 65535),
        cidr: get('CidrIp'),
        group: get(direction === 'egress' ? 'DestinationSecurityGroupId' : 'SourceSecurityGroupId'),
        prefixList: get(direction === 'egress' ? 'DestinationPrefixListId' : 'SourcePrefixListId'),
      });
    };
    const inline = sg.props[prop] as Array<Record<string, unknown>> | undefined;
    if (inline) inline.forEach((x, n) => read(`${label(sg)} ${prop}[${n}]`, sg, x));
    const type = direction === 'egress' ? 'AWS::EC2::SecurityGroupEgress' : 'AWS::EC2::SecurityGroupIngress';
    const standalone = this.m.resources.filter((x) => x.type === type && this.m.str(x.stack, x.props.GroupId) === group);
    for (const r of standalone) read(label(r), r, r.props);
    // A group created with no egress rule gets EC2's allow-all egress; any egress rule, inline or a standalone
    // AWS::EC2::SecurityGroupEgress, replaces it (CloudFormation revokes the default rule when it adds one:
    // aws/aws-cdk#987, aws-cloudformation/cfn-language-discussion#157; AWS::EC2::SecurityGroup reference).
    if (direction === 'egress' && !inline && !standalone.length) {
      out.push({
        owner: `${label(sg)} default egress (no egress rule: EC2 allows all)`,
        protocol: '-1',
        from: 0,
        to: 65535,
        cidr: '0.0.0.0/0',
      });
    }
    return out;
  }

  private isS3PrefixList(id: string | undefined, region: string): boolean {
    if (!id || id.includes(UNRESOLVED)) {
      return false;
    }
    if (S3_PREFIX_LISTS[region] === id) return true;
    return false;
  }

  /** A prefix-list reference that stands for S3's prefix list (literal id, or a lookup of `com.amazonaws.<region>.s3`). */
  private prefixListIsS3(r: Rule, region: string, raw?: unknown): boolean {
    if (this.isS3PrefixList(r.prefixList, region)) return true;
    return raw !== undefined && JSON.stringify(raw).includes(`com.amazonaws.${region}.s3`);
  }

  /** First rule of `groups` (direction) matching tcp `port` toward a peer given by groups, CIDRs, or S3. */
  private match(
    groups: string[],
    direction: 'egress' | 'ingress',
    port: number,
    peer: { groups?: string[]; cidrs?: string[]; s3Region?: string },
  ): Rule | undefined {
    for (const g of groups) {
      for (const r of this.rules(g, direction)) {
        if (!TCP(r.protocol) || port < r.from || port > r.to) continue;
        if (r.group && peer.groups?.includes(r.group)) return r;
        if (r.cidr && peer.cidrs?.length && peer.cidrs.every((c) => cidrContains(r.cidr!, c))) return r;
        if (peer.s3Region && r.cidr === '0.0.0.0/0') return r;
        if (peer.s3Region && r.prefixList && this.prefixListIsS3(r, peer.s3Region, this.rawPrefixList(r))) return r;
      }
    }
    return undefined;
  }

  private rawPrefixList(r: Rule): unknown {
    // The value of a prefix list that came from a lookup resource: search the resource it resolves from.
    const owner = this.m.resources.find(
      (x) =>
        r.prefixList &&
        (x.type.startsWith('Custom::') || x.type === 'AWS::CloudFormation::CustomResource') &&
        r.prefixList.includes(x.logicalId),
    );
    return owner?.props;
  }

  /** Network ACL check for one subnet, one direction, tcp port (default NACL: everything allowed). */
  private nacl(subnet: string, egress: boolean, port: number, peerCidr: string): string | undefined {
    const assoc = this.m.resources.find(
      (r) => r.type === 'AWS::EC2::SubnetNetworkAclAssociation' && this.m.str(r.stack, r.props.SubnetId) === subnet,
    );
    if (!assoc) return undefined;
    const acl = this.m.str(assoc.stack, assoc.props.NetworkAclId);
    const entries = this.m.resources
      .filter(
        (r) =>
          r.type === 'AWS::EC2::NetworkAclEntry' &&
          this.m.str(r.stack, r.props.NetworkAclId) === acl &&
          Boolean(this.m.resolve(r.stack, r.props.Egress)) === egress,
      )
      .map((r) => ({ r, n: Number(this.m.str(r.stack, r.props.RuleNumber)) }))
      .sort((a, b) => a.n - b.n);
    for (const { r, n } of entries) {
      const p = r.props;
      const protocol = this.m.str(r.stack, p.Protocol);
      const range = p.PortRange as { From?: unknown; To?: unknown } | undefined;
      const from = range ? Number(this.m.str(r.stack, range.From)) : 0;
      const to = range ? Number(this.m.str(r.stack, range.To)) : 65535;
      const cidr = this.m.str(r.stack, p.CidrBlock);
      if (!(protocol === '-1' || protocol === '6') || port < from || port > to || !cidrContains(cidr, peerCidr)) continue;
      return this.m.str(r.stack, p.RuleAction) === 'allow'
        ? undefined
        : `network ACL ${label(r)} rule ${n} denies tcp ${port} ${egress ? 'to' : 'from'} ${peerCidr}`;
    }
    return `network ACL ${acl} of ${subnet}: no entry allows tcp ${port} ${egress ? 'to' : 'from'} ${peerCidr} (implicit deny)`;
  }

  /** NACLs on the way out and back for a tcp connection between two sets of subnets. */
  private naclPath(srcSubnets: string[], dstSubnets: string[], port: number): string | undefined {
    for (const s of srcSubnets) {
      for (const d of dstSubnets) {
        const sc = this.cidrOfSubnet(s) ?? '0.0.0.0/0';
        const dc = this.cidrOfSubnet(d) ?? '0.0.0.0/0';
        const block =
          this.nacl(s, true, port, dc) ?? this.nacl(d, false, port, sc) ?? this.nacl(d, true, 1024, sc) ?? this.nacl(s, false, 1024, dc);
        if (block) return block;
      }
    }
    return undefined;
  }

  /** Evaluate one reachability check of the catalogue. */
  evaluate(check: Reachability): ReachabilityResult {
    const done = (reachable: boolean, reasons: string[], endpoint?: ModelResource): ReachabilityResult => {
      const pass = (check.expect === 'reachable') === reachable;
      const head = `[${check.id}] ${check.source ? label(check.source) : '?'} → ${check.destination.label}: expected ${check.expect}, got ${reachable ? 'reachable' : 'unreachable'}`;
      return { check, reachable, pass, reasons, endpoint, message: `${head}: ${reasons.join('; ')}` };
    };
    if (check.missing) return done(false, [check.missing]);
    const fn = check.source;
    const { subnets, groups } = this.sourceOf(fn);
    if (!subnets.length || !groups.length) return done(false, [`${label(fn)} has no subnets or security groups`]);
    const region = fn.stack.region;
    const d: Destination = check.destination;
    const srcCidrs = subnets.map((s) => this.cidrOfSubnet(s) ?? '0.0.0.0/0');
    const ruleName = (r: Rule) => `${r.owner} (${r.protocol} ${r.from}-${r.to} ${r.cidr ?? r.group ?? r.prefixList})`;

    switch (d.kind) {
      case 'internet': {
        const reasons: string[] = [];
        for (const s of subnets) {
          const table = this.routeTableOf(s);
          const def = table ? this.routes(table).find((r) => r.dest === '0.0.0.0/0' || r.dest === '::/0') : undefined;
          if (def) return done(true, [`subnet ${s} routes ${def.dest} to ${def.target} (${label(def.via)})`]);
          reasons.push(`route table ${table ?? '(main)'} of ${s} has no default route`);
        }
        return done(false, reasons);
      }
      case 's3': {
        const tables = subnets.map((s) => this.routeTableOf(s));
        const service = `com.amazonaws.${region}.s3`;
        const gw = this.m.resources.find(
          (r) =>
            r.type === 'AWS::EC2::VPCEndpoint' &&
            r.props.VpcEndpointType === 'Gateway' &&
            this.m.str(r.stack, r.props.ServiceName) === service,
        );
        if (!gw) return done(false, [`no S3 gateway endpoint (${service}) in the VPC`]);
        const gwTables = this.list(gw, gw.props.RouteTableIds);
        const without = subnets.filter((_s, n) => !tables[n] || !gwTables.includes(tables[n]));
        if (without.length) return done(false, [`${label(gw)} is not on the route table of subnet(s) ${without.join(', ')}`], gw);
        const rule = this.match(groups, 'egress', 443, { s3Region: region });
        if (!rule)
          return done(
            false,
            [
              `no egress rule of ${groups.join(', ')} allows tcp 443 to the S3 prefix list (${S3_PREFIX_LISTS[region] ?? 'com.amazonaws.' + region + '.s3'})`,
            ],
            gw,
          );
        return done(true, [`route via ${label(gw)}; egress ${ruleName(rule)}`], gw);
      }
      case 'interface-endpoint': {
        const service = `com.amazonaws.${region}.${d.service}`;
        const ep = this.m.resources.find(
          (r) =>
            r.type === 'AWS::EC2::VPCEndpoint' &&
            r.props.VpcEndpointType === 'Interface' &&
            this.m.str(r.stack, r.props.ServiceName) === service,
        );
        if (!ep) return done(false, [`no interface endpoint for ${service}`]);
        if (this.m.resolve(ep.stack, ep.props.PrivateDnsEnabled) !== true)
          return done(
            false,
            [
              `${label(ep)} has private DNS off: ${d.service}'s default hostname resolves to public addresses, unreachable without an internet route`,
            ],
            ep,
          );
        const epGroups = this.list(ep, ep.props.SecurityGroupIds);
        const epSubnets = this.list(ep, ep.props.SubnetIds);
        const epCidrs = epSubnets.map((s) => this.cidrOfSubnet(s) ?? '0.0.0.0/0');
        const out = this.match(groups, 'egress', 443, { groups: epGroups, cidrs: epCidrs });
        if (!out)
          return done(false, [`no egress rule of ${groups.join(', ')} allows tcp 443 to ${label(ep)} (groups ${epGroups.join(', ')})`], ep);
        const inn = this.match(epGroups, 'ingress', 443, { groups, cidrs: srcCidrs });
        if (!inn)
          return done(false, [`no ingress rule of ${epGroups.join(', ')} (${label(ep)}) admits tcp 443 from ${groups.join(', ')}`], ep);
        const acl = this.naclPath(subnets, epSubnets, 443);
        if (acl) return done(false, [acl], ep);
        return done(true, [`egress ${ruleName(out)}; ingress ${ruleName(inn)}; private DNS on`], ep);
      }
      case 'port': {
        const t = d.target;
        const tGroups = this.list(t, t.props.VPCSecurityGroups ?? t.props.SecurityGroupIds);
        const subnetGroup = t.props.DBSubnetGroupName !== undefined ? this.m.target(t.stack, t.props.DBSubnetGroupName) : undefined;
        const tSubnets = subnetGroup ? this.list(subnetGroup, subnetGroup.props.SubnetIds) : [];
        const tCidrs = tSubnets.map((s) => this.cidrOfSubnet(s) ?? '0.0.0.0/0');
        const out = this.match(groups, 'egress', d.port, { groups: tGroups, cidrs: tCidrs });
        if (!out)
          return done(false, [`no egress rule of ${groups.join(', ')} allows tcp ${d.port} to ${label(t)} (groups ${tGroups.join(', ')})`]);
        const inn = this.match(tGroups, 'ingress', d.port, { groups, cidrs: srcCidrs });
        if (!inn)
          return done(false, [`no ingress rule of ${tGroups.join(', ')} (${label(t)}) admits tcp ${d.port} from ${groups.join(', ')}`]);
        const acl = this.naclPath(subnets, tSubnets, d.port);
        if (acl) return done(false, [acl]);
        return done(true, [`egress ${ruleName(out)}; ingress ${ruleName(inn)}`]);
      }
    }
  }
}

/** Evaluate every reachability check. */
export function evaluateReachability(m: AssemblyModel, checks: Reachability[]): ReachabilityResult[] {
  const net = new NetworkModel(m);
  return checks.map((c) => net.evaluate(c));
}
