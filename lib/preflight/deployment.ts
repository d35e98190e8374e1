import { AssetManifestArtifact, CloudAssembly, CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';

/** The SSM parameter the default bootstrap stack writes its version to (qualifier hnb659fds). */
export const DEFAULT_BOOTSTRAP_PARAMETER = '/cdk-bootstrap/hnb659fds/version';

/** A resource as it appears in a synthesized template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}

/** One stack the deployment creates, as the cloud assembly describes it. */
export interface DeployedStack {
  /** The CloudFormation stack name (`example-Data`). */
  readonly stackName: string;
  /** The stack's path in the app (`example/Data`): what `cdk deploy` is given to select it. */
  readonly path: string;
  readonly region: string;
  /** The account the stack is pinned to, or undefined for the credentials' account. */
  readonly account?: string;
  /** The bootstrap version the stack and its asset manifests need (0 when none). */
  readonly requiredBootstrapVersion: number;
  /** The SSM parameter holding the region's bootstrap version. */
  readonly bootstrapParameter: string;
  readonly resources: Readonly<Record<string, TemplateResource>>;
}

/** What a deployment needs from the account: its stacks, read from a synthesized cloud assembly. */
export interface Deployment {
  readonly stacks: readonly DeployedStack[];
}

const UNKNOWN = /^unknown-(account|region)$/;

function fromArtifact(stack: CloudFormationStackArtifact): DeployedStack {
  const assets = stack.dependencies.filter(AssetManifestArtifact.isAssetManifestArtifact);
  const versions = [stack.requiresBootstrapStackVersion, ...assets.map((a) => a.requiresBootstrapStackVersion)];
  const template = stack.template as { Resources?: Record<string, TemplateResource> };
  return {
    stackName: stack.stackName,
    path: stack.hierarchicalId,
    region: stack.environment.region,
    account: UNKNOWN.test(stack.environment.account) ? undefined : stack.environment.account,
    requiredBootstrapVersion: Math.max(0, ...versions.filter((v): v is number => typeof v === 'number')),
    bootstrapParameter:
      stack.bootstrapStackVersionSsmParameter ??
      assets.find((a) => a.bootstrapStackVersionSsmParameter)?.bootstrapStackVersionSsmParameter ??
      DEFAULT_BOOTSTRAP_PARAMETER,
    resources: template.Resources ?? {},
  };
}

/** Read every stack (nested assemblies, i.e. stages, included) from a cloud assembly directory. */
export function readDeployment(assemblyDir: string): Deployment {
  const assembly = new CloudAssembly(assemblyDir);
  return { stacks: assembly.stacksRecursively.map(fromArtifact) };
}

/** Every resource of a type across the deployment, with the stack it is in. */
export function resourcesOfType(
  deployment: Deployment,
  type: string,
): { stack: DeployedStack; logicalId: string; resource: TemplateResource }[] {
  return deployment.stacks.flatMap((stack) =>
    Object.entries(stack.resources)
      .filter(([, r]) => r.Type === type)
      .map(([logicalId, resource]) => ({ stack, logicalId, resource })),
  );
}

/** The regions the deployment uses, sorted. */
export function regionsOf(deployment: Deployment): string[] {
  return [...new Set(deployment.stacks.map((s) => s.region))].sort();
}

/** Group items by a key, preserving order. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) m.set(key(i), [...(m.get(key(i)) ?? []), i]);
  return m;
}
