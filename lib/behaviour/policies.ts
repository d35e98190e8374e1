import { AssemblyModel, ModelResource, Resolved } from './assembly-model';

/** A policy document with where it came from (for failure messages). */
export interface NamedPolicy {
  /** `Workers/Consumer/Role/Grants (AWS::IAM::ManagedPolicy)`, `aws:AWSBackupServiceRolePolicyForS3Backup v5`. */
  readonly name: string;
  readonly document: Resolved;
}

/** The document of an AWS managed policy, by name (`service-role/AWSLambdaVPCAccessExecutionRole`). */
export type AwsManagedPolicyLookup = (name: string) => { document: Resolved; version: string } | undefined;

const label = (r: ModelResource) => `${r.stack.id}/${r.path.replace(/\/(Resource|Default)$/, '')}`;

/** True when a (possibly cross-stack) reference value points at `r`. */
function pointsTo(m: AssemblyModel, from: ModelResource, value: unknown, r: ModelResource): boolean {
  return m.target(from.stack, value) === r;
}

/**
 * Every identity policy of a role: inline `Policies`, `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy`
 * resources attached to it (in any stack), and the managed policies of `ManagedPolicyArns` (customer managed
 * ones found in the assembly, AWS managed ones through `awsManaged`). An AWS managed policy the lookup does not
 * know is returned in `unknown` (the caller reports it; it is never assumed to allow anything).
 */
export function identityPolicies(
  m: AssemblyModel,
  role: ModelResource,
  awsManaged: AwsManagedPolicyLookup,
): { policies: NamedPolicy[]; unknown: string[] } {
  const policies: NamedPolicy[] = [];
  const unknown: string[] = [];
  for (const p of (role.props.Policies as Array<{ PolicyName: unknown; PolicyDocument: unknown }> | undefined) ?? []) {
    policies.push({ name: `${label(role)} inline ${m.str(role.stack, p.PolicyName)}`, document: m.resolve(role.stack, p.PolicyDocument) });
  }
  for (const r of m.resources) {
    if (r.type !== 'AWS::IAM::Policy' && r.type !== 'AWS::IAM::ManagedPolicy') continue;
    const roles = (r.props.Roles as unknown[] | undefined) ?? [];
    if (roles.some((x) => pointsTo(m, r, x, role)))
      policies.push({ name: `${label(r)} (${r.type})`, document: m.resolve(r.stack, r.props.PolicyDocument) });
  }
  for (const arnValue of (role.props.ManagedPolicyArns as unknown[] | undefined) ?? []) {
    const local = m.target(role.stack, arnValue);
    if (local) continue; // a customer managed policy of the assembly: found above through its Roles, or attached here
    const arn = m.str(role.stack, arnValue);
    const match = /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(arn);
    const found = match ? awsManaged(match[1]) : undefined;
    if (found) policies.push({ name: `AWS managed ${match![1]} (${found.version})`, document: found.document });
    else unknown.push(arn);
  }
  // Customer managed policies referenced by ARN from the role (ManagedPolicyArns: [Ref Policy]).
  for (const arnValue of (role.props.ManagedPolicyArns as unknown[] | undefined) ?? []) {
    const local = m.target(role.stack, arnValue);
    if (local && local.type === 'AWS::IAM::ManagedPolicy' && !policies.some((p) => p.name.startsWith(label(local)))) {
      policies.push({ name: `${label(local)} (${local.type})`, document: m.resolve(local.stack, local.props.PolicyDocument) });
    }
  }
  return { policies, unknown };
}

/** The permission boundary of a role, when it has one. */
export function permissionBoundary(m: AssemblyModel, role: ModelResource): NamedPolicy | undefined {
  const b = role.props.PermissionsBoundary;
  if (b === undefined) return undefined;
  const local = m.target(role.stack, b);
  return local
    ? { name: `${label(local)} (permissions boundary)`, document: m.resolve(local.stack, local.props.PolicyDocument) }
    : undefined;
}

/**
 * The resource policy that applies to requests on `owner`: bucket policy, access point policy, topic policy,
 * queue policy, key policy, secret resource policy, role trust policy, backup vault access policy. `undefined`
 * when the resource has none (for a KMS key that means nobody can use it; the caller handles that).
 */
export function resourcePolicy(m: AssemblyModel, owner: ModelResource): NamedPolicy | undefined {
  const attached = (type: string, prop: string, many: boolean) =>
    m.resources.find((r) => {
      if (r.type !== type) return false;
      const v = r.props[prop];
      return many ? ((v as unknown[] | undefined) ?? []).some((x) => pointsTo(m, r, x, owner)) : pointsTo(m, r, v, owner);
    });
  const from = (r: ModelResource | undefined, prop: string) =>
    r ? { name: `${label(r)} (${r.type === owner.type ? prop : r.type})`, document: m.resolve(r.stack, r.props[prop]) } : undefined;
  switch (owner.type) {
    case 'AWS::S3::Bucket':
      return from(attached('AWS::S3::BucketPolicy', 'Bucket', false), 'PolicyDocument');
    case 'AWS::S3::AccessPoint':
      return owner.props.Policy !== undefined ? from(owner, 'Policy') : undefined;
    case 'AWS::SNS::Topic':
      return from(attached('AWS::SNS::TopicPolicy', 'Topics', true), 'PolicyDocument');
    case 'AWS::SQS::Queue':
      return from(attached('AWS::SQS::QueuePolicy', 'Queues', true), 'PolicyDocument');
    case 'AWS::KMS::Key':
      return from(owner, 'KeyPolicy');
    case 'AWS::IAM::Role':
      return from(owner, 'AssumeRolePolicyDocument');
    case 'AWS::Backup::BackupVault':
      return owner.props.AccessPolicy !== undefined ? from(owner, 'AccessPolicy') : undefined;
    case 'AWS::SecretsManager::Secret': {
      const p = m.resources.find(
        (r) =>
          r.type === 'AWS::SecretsManager::ResourcePolicy' && m.target(r.stack, r.props.SecretId) !== undefined && secretOf(m, r) === owner,
      );
      return from(p, 'ResourcePolicy');
    }
    case 'AWS::Logs::LogGroup': {
      // Account-wide CloudWatch Logs resource policies (a JSON string).
      const docs = m.resources.filter((r) => r.type === 'AWS::Logs::ResourcePolicy' && r.stack.region === owner.stack.region);
      if (!docs.length) return undefined;
      const statements = docs.flatMap((d) => {
        const text = m.str(d.stack, d.props.PolicyDocument);
        try {
          return (JSON.parse(text) as { Statement: Resolved[] }).Statement;
        } catch {
          return [];
        }
      });
      return {
        name: docs.map((d) => `${label(d)} (AWS::Logs::ResourcePolicy)`).join(' + '),
        document: { Version: '2012-10-17', Statement: statements },
      };
    }
    default:
      return undefined;
  }
}

/** The secret a `SecretTargetAttachment` or a direct reference stands for. */
function secretOf(m: AssemblyModel, r: ModelResource): ModelResource | undefined {
  const t = m.target(r.stack, r.props.SecretId);
  if (t?.type === 'AWS::SecretsManager::SecretTargetAttachment') return m.target(t.stack, t.props.SecretId);
  return t;
}

/** The policy of a VPC endpoint (`undefined`: the default full-access policy). */
export function endpointPolicy(m: AssemblyModel, endpoint: ModelResource): NamedPolicy | undefined {
  return endpoint.props.PolicyDocument !== undefined
    ? { name: `${label(endpoint)} (endpoint policy)`, document: m.resolve(endpoint.stack, endpoint.props.PolicyDocument) }
    : undefined;
}
