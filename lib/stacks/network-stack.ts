import { Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { HipaaVpc } from '../../constructs/hipaa-vpc';

export interface NetworkStackProps extends StackProps {
  readonly cidr: string;
  readonly availabilityZones: string[];
  /** Key of the flow-log log group. */
  readonly logsKey: kms.IKey;
}

/** The VPC: TLS-only edge subnets, isolated worker and data subnets, endpoints, flow logs. */
export class NetworkStack extends Stack {
  public readonly network: HipaaVpc;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    this.network = new HipaaVpc(this, 'Network', {
      cidr: props.cidr,
      availabilityZones: props.availabilityZones,
      flowLogKey: props.logsKey,
    });
  }
}
