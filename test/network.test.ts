import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { customResourceResponseBucketName, HipaaVpc, S3_PREFIX_LIST_IDS } from '../constructs/hipaa-vpc';
import { ALLOWED_REGION_NAMES } from '../lib/config/regions';
import { defaultDeployment } from './helpers/synth';

const net = () => defaultDeployment().template('Network');

describe('Network stack', () => {
  test('a VPC across two pinned availability zones', () => {
    net().resourceCountIs('AWS::EC2::VPC', 1);
    net().hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.40.0.0/16', EnableDnsSupport: true });
    const zones = new Set(Object.values(net().findResources('AWS::EC2::Subnet')).map((s) => s.Properties.AvailabilityZone as string));
    expect([...zones].sort()).toEqual(['us-east-1a', 'us-east-1b']);
  });

  test('no subnet assigns public IPs automatically', () => {
    const subnets = Object.values(net().findResources('AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(6);
    for (const s of subnets) expect(s.Properties.MapPublicIpOnLaunch).toBe(false);
  });

  test('no NAT gateway and no NAT instance', () => {
    net().resourceCountIs('AWS::EC2::NatGateway', 0);
    net().resourceCountIs('AWS::EC2::Instance', 0);
  });

  test('only the edge subnets route to the internet; worker and data subnets have no default route', () => {
    const routes = net().findResources('AWS::EC2::Route');
    expect(Object.keys(routes)).toHaveLength(2);
    for (const r of Object.values(routes)) {
      expect(r.Properties.RouteTableId.Ref).toMatch(/^NetworkVpcedgeSubnet\dRouteTable/);
      expect(r.Properties.GatewayId.Ref).toMatch(/IGW/);
    }
  });

  test('an S3 gateway endpoint limited to buckets of this account, on the isolated route tables', () => {
    net().hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Allow', Condition: { StringEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } } }),
          // Custom resources in the isolated subnets answer CloudFormation through its response bucket, and only that.
          Match.objectLike({
            Sid: 'CloudFormationCustomResourceResponses',
            Action: 's3:PutObject',
            Resource: {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::cloudformation-custom-resource-response-useast1/*']],
            },
          }),
        ],
      },
      RouteTableIds: Match.arrayWith([
        { Ref: Match.stringLikeRegexp('workersSubnet1RouteTable') },
        { Ref: Match.stringLikeRegexp('dataSubnet1RouteTable') },
      ]),
    });
  });

  test.each(['kms', 'secretsmanager', 'logs', 'sqs', 'sts', 'monitoring', 'rds', 'lambda'])(
    'an interface endpoint for %s with private DNS and a policy for this account only',
    (service) => {
      net().hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        ServiceName: `com.amazonaws.us-east-1.${service}`,
        PrivateDnsEnabled: true,
        PolicyDocument: {
          Statement: [Match.objectLike({ Condition: { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } } })],
        },
      });
    },
  );

  test('interface endpoints admit HTTPS from the VPC only', () => {
    net().hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Interface endpoints'),
      SecurityGroupIngress: [{ CidrIp: '10.40.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp', Description: Match.anyValue() }],
    });
  });

  test('flow logs record ALL traffic into a KMS-encrypted log group with retention', () => {
    net().hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    net().hasResource('AWS::Logs::LogGroup', {
      Properties: { KmsKeyId: Match.anyValue(), RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
    });
  });

  test('the flow-log role gets its permissions from a managed policy, not an inline one', () => {
    net().resourceCountIs('AWS::IAM::Policy', 0);
    net().hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['logs:PutLogEvents']) })]) },
    });
  });

  test('the default security group is closed', () => {
    net().resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    net().hasResourceProperties('Custom::VpcRestrictDefaultSG', {
      DefaultSecurityGroupId: { 'Fn::GetAtt': [Match.anyValue(), 'DefaultSecurityGroup'] },
    });
  });

  test('the CloudFormation response bucket is named after the region without hyphens, also for a region token', () => {
    expect(customResourceResponseBucketName('us-east-1')).toBe('cloudformation-custom-resource-response-useast1');
    expect(customResourceResponseBucketName('ap-southeast-2')).toBe('cloudformation-custom-resource-response-apsoutheast2');
    // Environment-agnostic stack: the hyphens are removed at deploy time.
    const stack = new Stack(new App(), 'Agnostic');
    expect(stack.resolve(customResourceResponseBucketName(stack.region))).toEqual({
      'Fn::Join': ['', ['cloudformation-custom-resource-response-', { 'Fn::Join': ['', { 'Fn::Split': ['-', { Ref: 'AWS::Region' }] }] }]],
    });
  });

  test('every allowed region has a pinned S3 prefix list; a region token reads it from a mapping', () => {
    for (const r of ALLOWED_REGION_NAMES) expect(S3_PREFIX_LIST_IDS[r]).toMatch(/^pl-[0-9a-f]{8}$/);
    const stack = new Stack(new App(), 'Agnostic');
    const vpc = new HipaaVpc(stack, 'Net', { cidr: '10.1.0.0/16', availabilityZones: ['a1', 'b1'], flowLogKey: new kms.Key(stack, 'K') });
    expect(stack.resolve((vpc.s3Peer.toEgressRuleConfig() as { destinationPrefixListId: unknown }).destinationPrefixListId)).toEqual({
      'Fn::FindInMap': [expect.stringMatching(/S3PrefixLists/), { Ref: 'AWS::Region' }, 'id'],
    });
    const mapping = Object.values(Template.fromStack(stack).toJSON().Mappings as Record<string, Record<string, { id: string }>>)[0];
    expect(mapping['us-east-1']).toEqual({ id: 'pl-63a5400a' });
    expect(
      () =>
        new HipaaVpc(new Stack(new App(), 'X', { env: { region: 'sa-east-1' } }), 'N', {
          cidr: '10.1.0.0/16',
          availabilityZones: ['sa-east-1a', 'sa-east-1b'],
          flowLogKey: kms.Key.fromKeyArn(stack, 'K2', 'arn:aws:kms:sa-east-1:111122223333:key/x'),
        }),
    ).toThrow(/no S3 prefix list id known for region "sa-east-1"; pass s3PrefixListId/);
  });
});
