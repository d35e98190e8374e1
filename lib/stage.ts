import { Stage, StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { auditLogRetentionDays, availabilityZones, DeploymentConfig } from './config/schema';
import { AuditStack } from './stacks/audit-stack';
import { KeysStack } from './stacks/keys-stack';
import { NetworkStack } from './stacks/network-stack';

export interface HipaaStageProps extends StageProps {
  readonly config: DeploymentConfig;
}

/** One environment of the reference deployment: every stack, wired together, from one validated config. */
export class HipaaStage extends Stage {
  public readonly keys: KeysStack;
  public readonly network: NetworkStack;
  public readonly audit: AuditStack;

  constructor(scope: Construct, id: string, props: HipaaStageProps) {
    super(scope, id, props);
    const config = props.config;
    const env = { account: config.account, region: config.region };
    const common = { env, terminationProtection: true };

    this.keys = new KeysStack(this, 'Keys', { ...common, environmentName: config.environment });
    this.network = new NetworkStack(this, 'Network', {
      ...common,
      cidr: config.vpcCidr,
      availabilityZones: availabilityZones(config),
      logsKey: this.keys.auditKey,
    });
    this.audit = new AuditStack(this, 'Audit', {
      ...common,
      environmentName: config.environment,
      auditKey: this.keys.auditKey,
      auditKeyAliasName: this.keys.auditKeyAliasName,
      auditRetentionYears: config.auditRetentionYears,
      auditLogRetentionDays: auditLogRetentionDays(config),
    });
  }
}
