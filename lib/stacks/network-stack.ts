import { Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { HipaaVpc } from '../../constructs/hipaa-vpc';
import { acceptFinding } from '../baseline/acknowledge';

export interface NetworkStackProps extends StackProps {
  readonly cidr: string;
  readonly availabilityZones: string[];
  /** Key of the flow-log log group. */
  readonly logsKey: kms.IKey;
}

/** The VPC: TLS-only edge subnets, isolated worker and data subnets, endpoints, flow logs. */
export class NetworkStack extends Stack {
  public readonly network: HipaaVpc;
  private readonly pinnedZones: string[];

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    this.pinnedZones = props.availabilityZones;
    this.network = new HipaaVpc(this, 'Network', {
      cidr: props.cidr,
      availabilityZones: props.availabilityZones,
      flowLogKey: props.logsKey,
    });
    acceptFinding(this.network.vpc, {
      ruleId: 'CloudFormation-Validate::W3010',
      reason:
        'The availability zones are pinned from the allowed-regions table so that synth makes no AWS call (a zone lookup needs credentials for the account).',
      compensatingControl: 'config validation admits only regions listed in lib/config/regions.ts, each with zones that exist in it',
    });
  }

  /**
   * The pinned zones. With an explicit account, the default implementation looks the zones up (an AWS call
   * at synth); the VPC validates its zones against this list, so it must answer without one.
   */
  public override get availabilityZones(): string[] {
    return this.pinnedZones;
  }
}
