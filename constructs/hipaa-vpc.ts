import { Aws, CfnMapping, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LOG_RETENTION_DAYS } from '../lib/baseline/thresholds';
import { acceptFinding, acceptNagFinding } from '../lib/baseline/acknowledge';
import { EncryptedLogGroup } from './encrypted-log-group';
import { ManagedPolicyRole } from './managed-policy-role';

/** Subnet group names. */
export const SUBNETS = {
  /** Only the internet-facing load balancer lives here. */
  edge: 'edge',
  /** Workers (Lambda, Fargate): isolated, no route to the internet. */
  workers: 'workers',
  /** The database: isolated, no route to the internet. */
  data: 'data',
} as const;

/** Interface endpoints the workers and the database tooling need, with whether the service takes an endpoint policy. */
export const DEFAULT_INTERFACE_ENDPOINTS: ReadonlyArray<{ id: string; service: ec2.InterfaceVpcEndpointAwsService; policy: boolean }> = [
  { id: 'Kms', service: ec2.InterfaceVpcEndpointAwsService.KMS, policy: true },
  { id: 'SecretsManager', service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER, policy: true },
  { id: 'Logs', service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS, policy: true },
  { id: 'Sqs', service: ec2.InterfaceVpcEndpointAwsService.SQS, policy: true },
  { id: 'Sts', service: ec2.InterfaceVpcEndpointAwsService.STS, policy: true },
  { id: 'Monitoring', service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING, policy: true },
  { id: 'Rds', service: ec2.InterfaceVpcEndpointAwsService.RDS, policy: true },
  { id: 'Lambda', service: ec2.InterfaceVpcEndpointAwsService.LAMBDA, policy: true },
];

/**
 * The AWS-managed prefix list (`com.amazonaws.<region>.s3`) of S3 in each region: what the S3 gateway
 * endpoint routes, and the destination a security group needs to reach S3 through it. AWS-managed prefix
 * list ids are the same in every account of a region; pinned here so that synth makes no AWS call
 * (`aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.<region>.s3`
 * shows the id; the preflight check compares it with the account's). Checked 2026-12-04.
 */
export const S3_PREFIX_LIST_IDS: Readonly<Record<string, string>> = {
  'us-east-1': 'pl-63a5400a',
  'us-east-2': 'pl-7ba54012',
  'us-west-2': 'pl-68a54001',
  'ca-central-1': 'pl-7da54014',
  'eu-west-1': 'pl-6da54004',
  'eu-central-1': 'pl-6ea54007',
  'ap-southeast-2': 'pl-6ca54005',
};

/**
 * Name of the AWS-owned bucket behind the pre-signed `ResponseURL` through which a Lambda-backed custom
 * resource answers CloudFormation: `cloudformation-custom-resource-response-<region without hyphens>`,
 * e.g. `...-useast1`. Works for a region token too (the hyphens are removed at deploy time).
 */
export function customResourceResponseBucketName(region: string): string {
  const prefix = 'cloudformation-custom-resource-response-';
  return Token.isUnresolved(region) ? Fn.join('', [prefix, Fn.join('', Fn.split('-', region))]) : `${prefix}${region.replace(/-/g, '')}`;
}

export interface HipaaVpcProps {
  /** A /16 for the VPC. */
  readonly cidr: string;
  /** Availability zones, pinned so that synth needs no lookup (at least two). */
  readonly availabilityZones: string[];
  /** Key for the flow-log log group (must admit CloudWatch Logs). */
  readonly flowLogKey: kms.IKey;
  /**
   * Retention of the flow logs, in days.
   * @default - 365
   */
  readonly flowLogRetentionDays?: number;
  /**
   * Id of the S3 managed prefix list of the VPC's region (the destination of security-group rules to S3).
   * @default - from S3_PREFIX_LIST_IDS for the stack's region (a CloudFormation mapping when the region is a token)
   */
  readonly s3PrefixListId?: string;
}

/**
 * A VPC for PHI workloads (45 CFR 164.312(a)(1), (b), (e)(1)).
 *
 * Public subnets only for the load balancer, without auto-assigned public IPs; workers and the database in
 * isolated subnets with no route to the internet (no NAT gateway); AWS services reached through an S3 gateway
 * endpoint and interface endpoints whose policies admit only principals and resources of this account;
 * all traffic recorded in flow logs kept in an encrypted log group; the default security group closed.
 */
export class HipaaVpc extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly flowLogGroup: logs.LogGroup;
  public readonly endpointSecurityGroup: ec2.SecurityGroup;
  /**
   * S3 as a security-group peer: its managed prefix list, reached through the gateway endpoint (egress to it
   * stays on the endpoint's routes: the isolated subnets have no other). Workers that call S3, and Lambda-backed
   * custom resources answering CloudFormation, need egress to it on 443.
   */
  public readonly s3Peer: ec2.IPeer;
  private readonly endpoints: Record<string, ec2.InterfaceVpcEndpoint> = {};

  constructor(scope: Construct, id: string, props: HipaaVpcProps) {
    super(scope, id);
    if (props.availabilityZones.length < 2) {
      throw new Error(`HipaaVpc availabilityZones must list at least two zones, got ${JSON.stringify(props.availabilityZones)}`);
    }
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      availabilityZones: props.availabilityZones,
      natGateways: 0,
      restrictDefaultSecurityGroup: true,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      subnetConfiguration: [
        { name: SUBNETS.edge, subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: SUBNETS.workers, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 },
        { name: SUBNETS.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      gatewayEndpoints: {
        S3: {
          service: ec2.GatewayVpcEndpointAwsService.S3,
          subnets: [{ subnetGroupName: SUBNETS.workers }, { subnetGroupName: SUBNETS.data }],
        },
      },
    });

    for (const subnet of this.vpc.publicSubnets) {
      const route = subnet.node.tryFindChild('DefaultRoute');
      if (!route) continue;
      acceptNagFinding(route, 'VPCNoUnrestrictedRouteToIGW', {
        reason:
          'The internet-facing load balancer needs a route to the internet gateway in the edge subnets; nothing else is placed there.',
        compensatingControl:
          'no auto-assigned public IPs, the load balancer security group admits only TCP 443, WAF in front of it, and worker/data subnets have no route to the internet at all',
      });
    }

    this.flowLogGroup = new EncryptedLogGroup(this, 'FlowLogs', {
      encryptionKey: props.flowLogKey,
      retentionDays: props.flowLogRetentionDays ?? LOG_RETENTION_DAYS.min,
    }).logGroup;
    const flowLogRole = new ManagedPolicyRole(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'VPC flow logs deliver into their encrypted log group',
    });
    this.vpc.addFlowLog('FlowLog', {
      trafficType: ec2.FlowLogTrafficType.ALL,
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup, flowLogRole),
    });

    const account = Stack.of(this).account;
    const s3Endpoint = this.vpc.node.findChild('S3') as ec2.GatewayVpcEndpoint;
    s3Endpoint.addToPolicy(
      new iam.PolicyStatement({
        sid: 'OnlyBucketsOfThisAccount',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:ResourceAccount': account } },
      }),
    );

    const restrictProvider = Stack.of(this).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
    const restrictHandler = restrictProvider?.node.tryFindChild('Handler');
    if (restrictHandler) {
      acceptFinding(restrictHandler, {
        ruleId: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
        reason:
          'CDK-provided deploy-time function that removes all rules from the default security group; it runs only during CloudFormation deployments and calls the EC2 API alone.',
        compensatingControl:
          'it handles no PHI, its role may only revoke rules of this VPC default security group, and CloudTrail records each of its calls',
      });
    }

    // Lambda-backed custom resources in the isolated subnets answer CloudFormation through a pre-signed URL
    // of this AWS-owned bucket, reached through the gateway endpoint.
    s3Endpoint.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CloudFormationCustomResourceResponses',
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [`arn:${Aws.PARTITION}:s3:::${customResourceResponseBucketName(Stack.of(this).region)}/*`],
      }),
    );
    this.s3Peer = ec2.Peer.prefixList(props.s3PrefixListId ?? this.s3PrefixListId());

    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface endpoints: HTTPS from inside the VPC only',
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(props.cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');

    for (const e of DEFAULT_INTERFACE_ENDPOINTS) {
      const endpoint = (this.endpoints[e.id] = this.vpc.addInterfaceEndpoint(e.id, {
        service: e.service,
        privateDnsEnabled: true,
        open: false,
        securityGroups: [this.endpointSecurityGroup],
        subnets: { subnetGroupName: SUBNETS.workers },
      }));
      if (e.policy) {
        endpoint.addToPolicy(
          new iam.PolicyStatement({
            sid: 'OnlyPrincipalsOfThisAccount',
            principals: [new iam.AnyPrincipal()],
            actions: ['*'],
            resources: ['*'],
            conditions: { StringEquals: { 'aws:PrincipalAccount': account } },
          }),
        );
      }
    }
  }

  /**
   * Open egress from a worker's security groups to the interface endpoints (HTTPS) and, with `s3`, to S3
   * through the gateway endpoint (HTTPS to the S3 prefix list). Nothing else: the isolated subnets have no
   * other route out.
   */
  public allowServiceAccess(worker: ec2.IConnectable, options: { readonly s3: boolean }): void {
    for (const sg of worker.connections.securityGroups) {
      sg.addEgressRule(this.endpointSecurityGroup, ec2.Port.tcp(443), 'HTTPS to the VPC interface endpoints');
      if (options.s3) sg.addEgressRule(this.s3Peer, ec2.Port.tcp(443), 'HTTPS to S3 through the gateway endpoint');
    }
  }

  /** The S3 prefix list id of the stack's region, from S3_PREFIX_LIST_IDS. */
  private s3PrefixListId(): string {
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region)) {
      const id = S3_PREFIX_LIST_IDS[region];
      if (!id) {
        throw new Error(
          `HipaaVpc: no S3 prefix list id known for region "${region}"; pass s3PrefixListId (known regions: ${Object.keys(S3_PREFIX_LIST_IDS).join(', ')})`,
        );
      }
      return id;
    }
    const map = new CfnMapping(this, 'S3PrefixLists', {
      mapping: Object.fromEntries(Object.entries(S3_PREFIX_LIST_IDS).map(([r, id]) => [r, { id }])),
    });
    return map.findInMap(Aws.REGION, 'id');
  }

  /** The interface endpoint with the given id (see DEFAULT_INTERFACE_ENDPOINTS). */
  public endpoint(id: string): ec2.InterfaceVpcEndpoint {
    const e = this.endpoints[id];
    if (!e) throw new Error(`HipaaVpc has no interface endpoint "${id}"; known: ${Object.keys(this.endpoints).join(', ')}`);
    return e;
  }

  /** Public subnets, for the internet-facing load balancer only. */
  public get edgeSubnets(): ec2.SubnetSelection {
    return { subnetGroupName: SUBNETS.edge };
  }

  /** Subnets for workers. */
  public get workerSubnets(): ec2.SubnetSelection {
    return { subnetGroupName: SUBNETS.workers };
  }

  /** Subnets for the database. */
  public get dataSubnets(): ec2.SubnetSelection {
    return { subnetGroupName: SUBNETS.data };
  }
}
