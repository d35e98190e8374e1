import { DeploymentConfig } from '../../lib/config/schema';
import { AwsClients } from '../../lib/preflight/clients';
import { DEFAULT_BOOTSTRAP_PARAMETER, DeployedStack, TemplateResource } from '../../lib/preflight/deployment';
import { PreflightContext } from '../../lib/preflight/types';
import { testConfig } from '../helpers/synth';

export const ACCOUNT = '111111111111';

/** An AWS error as the SDK v3 throws it: the AWS error code is the name. */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

export function stack(
  stackName: string,
  region: string,
  resources: Record<string, TemplateResource> = {},
  requiredBootstrapVersion = 6,
): DeployedStack {
  return {
    stackName,
    path: stackName.replace('-', '/'),
    region,
    requiredBootstrapVersion,
    bootstrapParameter: DEFAULT_BOOTSTRAP_PARAMETER,
    resources,
  };
}

export function context(stacks: DeployedStack[], config: DeploymentConfig = testConfig()): PreflightContext {
  return { deployment: { stacks }, config, account: ACCOUNT, clients: new AwsClients() };
}

export const fn = (reserved: unknown): TemplateResource => ({
  Type: 'AWS::Lambda::Function',
  Properties: { ReservedConcurrentExecutions: reserved },
});
