import { Stack, Stage } from 'aws-cdk-lib';
import approved from './stateful-resources.json';
import type { ResourceView } from './rules/rule';

/**
 * CloudFormation types that hold data or identity that a replacement would lose: a changed logical id
 * makes CloudFormation create a new resource and delete (or orphan) the old one.
 */
export const STATEFUL_TYPES: readonly string[] = [
  'AWS::KMS::Key',
  'AWS::S3::Bucket',
  'AWS::Logs::LogGroup',
  'AWS::RDS::DBInstance',
  'AWS::RDS::DBCluster',
  'AWS::SecretsManager::Secret',
  'AWS::Backup::BackupVault',
  'AWS::SQS::Queue',
  'AWS::SNS::Topic',
  'AWS::DynamoDB::Table',
  'AWS::EFS::FileSystem',
];

/** Where the approved manifest lives (relative to the repository root); `npm run approve:stateful` rewrites it. */
export const STATEFUL_MANIFEST_PATH = 'lib/compliance/stateful-resources.json';

/** Approved stateful resources, `<type> <logical id>`, keyed by CloudFormation stack name. */
export type StatefulManifest = Record<string, string[]>;

/** The committed manifest: the reference deployment of the default config. */
export const APPROVED_STATEFUL_RESOURCES: Readonly<StatefulManifest> = approved;

/** A manifest entry: `<type> <logical id>`. */
export function statefulEntry(r: Pick<ResourceView, 'type' | 'logicalId'>): string {
  return `${r.type} ${r.logicalId}`;
}

/** Stateful resources (`<type> <logical id>`) of every stack of a synthesized stage, keyed by stack name. */
export function statefulLogicalIds(stage: Stage): StatefulManifest {
  const assembly = stage.synth();
  const out: StatefulManifest = {};
  for (const stack of stage.node.children.filter((c): c is Stack => Stack.isStack(c))) {
    const template = assembly.getStackArtifact(stack.artifactId).template as { Resources?: Record<string, { Type: string }> };
    out[stack.stackName] = Object.entries(template.Resources ?? {})
      .filter(([, r]) => STATEFUL_TYPES.includes(r.Type))
      .map(([logicalId, r]) => statefulEntry({ type: r.Type, logicalId }))
      .sort();
  }
  return out;
}
