import { App } from 'aws-cdk-lib';
import { registerComplianceGate } from './compliance/gate';
import { strictThresholds } from './compliance/strict-pack';
import { DeploymentConfig } from './config/schema';
import { HipaaStage } from './stage';

export interface HipaaAppOptions {
  /**
   * Register the compliance gate (cdk-nag HIPAA + NIST 800-53 R5, HIPAA.Strict, Control Tower proactive controls).
   * @default true
   */
  readonly complianceGate?: boolean;
}

/** Add the reference deployment for one validated config to an app: a Stage named after the environment, gate registered. */
export function addReferenceDeployment(app: App, config: DeploymentConfig, options: HipaaAppOptions = {}): HipaaStage {
  const stage = new HipaaStage(app, config.environment, { config });
  // The guard's runs overlap CDK's own CloudFormation validation (this app registers no such plugin of its own).
  if (options.complianceGate ?? true) registerComplianceGate(app, strictThresholds(config), { overlapCloudFormationValidation: true });
  return stage;
}
