import { Stack, Stage } from 'aws-cdk-lib';

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

/** Logical ids of the stateful resources of every stack of a synthesized stage, keyed by stack id. */
export function statefulLogicalIds(stage: Stage): Record<string, string[]> {
  const assembly = stage.synth();
  const out: Record<string, string[]> = {};
  for (const stack of stage.node.children.filter((c): c is Stack => Stack.isStack(c))) {
    const template = assembly.getStackArtifact(stack.artifactId).template as { Resources?: Record<string, { Type: string }> };
    out[stack.node.id] = Object.entries(template.Resources ?? {})
      .filter(([, r]) => STATEFUL_TYPES.includes(r.Type))
      .map(([id, r]) => `${r.Type} ${id}`)
      .sort();
  }
  return out;
}
