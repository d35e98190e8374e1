import * as fs from 'fs';
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';

/**
 * The synthesized cloud assembly as one model of a deployed stage: every stack of every nested assembly, with
 * intrinsic functions resolved to the values they take once deployed (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`,
 * `Fn::Select`, `Fn::Split`, pseudo parameters, and cross-stack `Fn::GetStackOutput` / `Fn::ImportValue` followed
 * into the producing stack).
 *
 * Physical names CloudFormation generates are modelled as stable placeholders built from the logical id (for
 * example a generated bucket name becomes `<stack name>-<logical id>`), so the same resource always resolves to
 * the same ARN wherever it is referenced. A value that cannot be resolved offline becomes an
 * {@link UNRESOLVED} marker naming what is missing; evaluators must treat any policy or request containing one as
 * "not provable", never as allowed.
 */
export const UNRESOLVED = '«unresolved:';

export interface ModelResource {
  readonly stack: ModelStack;
  readonly logicalId: string;
  readonly type: string;
  readonly props: Record<string, unknown>;
  /** Construct path relative to the stack (`Alerts/Topic/Resource`), from `aws:cdk:path` metadata. */
  readonly path: string;
}

export interface ModelStack {
  /** Construct id of the stack within its stage (`Keys`, `Tenants5`). */
  readonly id: string;
  readonly stackName: string;
  readonly account: string | undefined;
  readonly region: string;
  readonly partition: string;
  readonly template: {
    Resources?: Record<string, RawResource>;
    Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
    Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  };
  readonly resources: ModelResource[];
}

interface RawResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

const isUnknownEnv = (v: string | undefined) => !v || v.startsWith('unknown-');

export interface AssemblyModelOptions {
  /**
   * The account id to use for stacks synthesized without one (env-agnostic, `AWS::AccountId` in the template).
   * Sound only when every such stack deploys into one and the same account, as the stacks of one HipaaStage do
   * (the config has one `account`); a placeholder such as `111111111111` then stands for that account in every
   * same-account comparison. Unset: such references stay unresolved (never assumed allowed).
   */
  readonly agnosticAccount?: string;
}

/** Load every stack of a cloud assembly directory (nested stage assemblies included). */
export function loadAssemblyModel(assemblyDir: string, options: AssemblyModelOptions = {}): AssemblyModel {
  const root = new cxapi.CloudAssembly(assemblyDir);
  const assemblies = [root, ...root.nestedAssemblies.map((n) => n.nestedAssembly)];
  const stacks: ModelStack[] = [];
  for (const a of assemblies) {
    for (const s of a.stacks) {
      const template = JSON.parse(fs.readFileSync(path.join(a.directory, s.templateFile), 'utf8')) as ModelStack['template'];
      const region = s.environment.region;
      const stack: ModelStack = {
        id: s.hierarchicalId.split('/').pop()!,
        stackName: s.stackName,
        account: isUnknownEnv(s.environment.account) ? options.agnosticAccount : s.environment.account,
        region,
        partition: region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws',
        template,
        resources: [],
      };
      const prefix = s.hierarchicalId + '/';
      for (const [logicalId, r] of Object.entries(template.Resources ?? {})) {
        const full = String(r.Metadata?.['aws:cdk:path'] ?? logicalId);
        stack.resources.push({
          stack,
          logicalId,
          type: r.Type,
          props: r.Properties ?? {},
          path: full.startsWith(prefix) ? full.slice(prefix.length) : full.split('/').slice(2).join('/'),
        });
      }
      stacks.push(stack);
    }
  }
  return new AssemblyModel(stacks);
}

/** A resolved value: strings, arrays and objects with every intrinsic replaced. */
export type Resolved = string | number | boolean | null | Resolved[] | { [k: string]: Resolved };

export class AssemblyModel {
  constructor(public readonly stacks: ModelStack[]) {}

  /** The stack with this construct id (`Keys`, `Data`); throws naming the ids that exist. */
  stack(id: string): ModelStack {
    const s = this.stacks.find((x) => x.id === id);
    if (!s) throw new Error(`no stack '${id}' in the assembly (stacks: ${this.stacks.map((x) => x.id).join(', ')})`);
    return s;
  }

  get resources(): ModelResource[] {
    return this.stacks.flatMap((s) => s.resources);
  }

  /** Resources whose stack id and construct path match (`stack` may be a pattern: /^Tenants\d+$/). */
  find(stack: string | RegExp, pathPattern: RegExp, type?: string): ModelResource[] {
    return this.resources.filter(
      (r) =>
        (typeof stack === 'string' ? r.stack.id === stack : stack.test(r.stack.id)) &&
        pathPattern.test(r.path) &&
        (!type || r.type === type),
    );
  }

  /** Exactly one resource; throws a message naming the stack, the path and what matched. */
  one(stack: string | RegExp, pathPattern: RegExp, type?: string): ModelResource {
    const found = this.find(stack, pathPattern, type);
    if (found.length !== 1) {
      throw new Error(
        `expected one ${type ?? 'resource'} at ${String(stack)}/${String(pathPattern)}, found ${found.length}` +
          (found.length ? `: ${found.map((r) => `${r.stack.id}/${r.path}`).join(', ')}` : ''),
      );
    }
    return found[0];
  }

  byLogicalId(stack: ModelStack, logicalId: string): ModelResource | undefined {
    return stack.resources.find((r) => r.logicalId === logicalId);
  }

  /** The resource a value refers to (`Ref`, `Fn::GetAtt`, or a cross-stack output of one), if any. */
  target(stack: ModelStack, value: unknown): ModelResource | undefined {
    if (!value || typeof value !== 'object') return undefined;
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return this.byLogicalId(stack, v.Ref);
    if (Array.isArray(v['Fn::GetAtt'])) return this.byLogicalId(stack, String(v['Fn::GetAtt'][0]));
    const out = this.followOutput(v);
    return out ? this.target(out.stack, out.value) : undefined;
  }

  /** The KMS key an alias name (`alias/...`, possibly a reference) stands for, in the stack's region. */
  keyByAlias(stack: ModelStack, value: unknown): ModelResource | undefined {
    const name = this.str(stack, value);
    if (!name.startsWith('alias/')) return undefined;
    const alias = this.resources.find(
      (r) => r.type === 'AWS::KMS::Alias' && r.stack.region === stack.region && this.str(r.stack, r.props.AliasName) === name,
    );
    return alias ? this.target(alias.stack, alias.props.TargetKeyId) : undefined;
  }

  /** Resolve every intrinsic function in a value, as seen from `stack`. */
  resolve(stack: ModelStack, value: unknown): Resolved {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    if (Array.isArray(value)) {
      return value
        .filter((x) => !(x && typeof x === 'object' && (x as { Ref?: string }).Ref === 'AWS::NoValue'))
        .map((x) => this.resolve(stack, x));
    }
    const v = value as Record<string, unknown>;
    const keys = Object.keys(v);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return this.intrinsic(stack, keys[0], v[keys[0]]);
    const out: Record<string, Resolved> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x && typeof x === 'object' && (x as { Ref?: string }).Ref === 'AWS::NoValue') continue;
      out[k] = this.resolve(stack, x);
    }
    return out;
  }

  /** Resolve to one string (unresolvable parts become {@link UNRESOLVED} markers). */
  str(stack: ModelStack, value: unknown): string {
    const r = this.resolve(stack, value);
    return typeof r === 'string'
      ? r
      : typeof r === 'number' || typeof r === 'boolean'
        ? String(r)
        : `${UNRESOLVED}not a string: ${JSON.stringify(r)}»`;
  }

  /** `Ref` of a resource, as CloudFormation returns it (name, id, URL or ARN depending on the type). */
  ref(r: ModelResource): string {
    const s = r.stack;
    const p = r.props;
    const named = (prop: string, fallback = `${s.stackName}-${r.logicalId}`) => (p[prop] !== undefined ? this.str(s, p[prop]) : fallback);
    switch (r.type) {
      case 'AWS::S3::Bucket':
        return named('BucketName', `${s.stackName}-${r.logicalId}`.toLowerCase());
      case 'AWS::SNS::Topic':
        return this.arn(s, 'sns', named('TopicName'));
      case 'AWS::SQS::Queue':
        return `https://sqs.${s.region}.amazonaws.com/${this.account(s)}/${named('QueueName')}`;
      case 'AWS::KMS::Key':
        return `key-${r.logicalId}`;
      case 'AWS::SecretsManager::Secret':
        return this.arn(s, 'secretsmanager', `secret:${named('Name')}-AbCdEf`);
      case 'AWS::SecretsManager::SecretTargetAttachment':
        return this.str(s, p.SecretId);
      case 'AWS::IAM::ManagedPolicy':
        return `arn:${s.partition}:iam::${this.account(s)}:policy/${named('ManagedPolicyName')}`;
      case 'AWS::RDS::DBInstance':
        return named('DBInstanceIdentifier', `${s.stackName}-${r.logicalId}`.toLowerCase());
      case 'AWS::EC2::SecurityGroup':
        return `sg-${r.logicalId}`;
      case 'AWS::EC2::Subnet':
        return `subnet-${r.logicalId}`;
      case 'AWS::EC2::RouteTable':
        return `rtb-${r.logicalId}`;
      case 'AWS::EC2::VPC':
        return `vpc-${r.logicalId}`;
      case 'AWS::EC2::VPCEndpoint':
        return `vpce-${r.logicalId}`;
      case 'AWS::EC2::InternetGateway':
        return `igw-${r.logicalId}`;
      case 'AWS::EC2::NatGateway':
        return `nat-${r.logicalId}`;
      case 'AWS::EC2::PrefixList':
        return `pl-${r.logicalId}`;
      case 'AWS::S3::AccessPoint':
        return named('Name');
      case 'AWS::IAM::Role':
        return named('RoleName');
      case 'AWS::Logs::LogGroup':
        return named('LogGroupName');
      case 'AWS::Lambda::Function':
        return named('FunctionName');
      case 'AWS::CloudTrail::Trail':
        return named('TrailName');
      case 'AWS::Backup::BackupVault':
        return named('BackupVaultName');
      case 'AWS::CloudWatch::Alarm':
        return named('AlarmName');
      case 'AWS::Events::Rule':
        return named('Name');
      default:
        return `${s.stackName}-${r.logicalId}`;
    }
  }

  /** `Fn::GetAtt` of a resource; unknown attributes resolve to an {@link UNRESOLVED} marker. */
  getAtt(r: ModelResource, attr: string): Resolved {
    const s = r.stack;
    const ref = () => this.ref(r);
    const a = (service: string, resource: string, region = s.region) => this.arn(s, service, resource, region);
    const key = `${r.type}.${attr}`;
    switch (key) {
      case 'AWS::S3::Bucket.Arn':
        return `arn:${s.partition}:s3:::${ref()}`;
      case 'AWS::S3::Bucket.DomainName':
      case 'AWS::S3::Bucket.RegionalDomainName':
        return `${ref()}.s3.${s.region}.amazonaws.com`;
      case 'AWS::S3::AccessPoint.Arn':
        return a('s3', `accesspoint/${ref()}`);
      case 'AWS::S3::AccessPoint.Name':
        return ref();
      case 'AWS::IAM::Role.Arn':
        return `arn:${s.partition}:iam::${this.account(s)}:role/${ref()}`;
      case 'AWS::IAM::Role.RoleId':
        return `AROA${r.logicalId.toUpperCase()}`;
      case 'AWS::SNS::Topic.TopicArn':
        return ref();
      case 'AWS::SNS::Topic.TopicName':
        return ref().split(':').pop()!;
      case 'AWS::SQS::Queue.Arn':
        return a('sqs', ref().split('/').pop()!);
      case 'AWS::SQS::Queue.QueueName':
        return ref().split('/').pop()!;
      case 'AWS::SQS::Queue.QueueUrl':
        return ref();
      case 'AWS::KMS::Key.Arn':
        return a('kms', `key/${ref()}`);
      case 'AWS::KMS::Key.KeyId':
        return ref();
      case 'AWS::Logs::LogGroup.Arn':
        return a('logs', `log-group:${ref()}:*`);
      case 'AWS::Lambda::Function.Arn':
        return a('lambda', `function:${ref()}`);
      case 'AWS::CloudTrail::Trail.Arn':
        return a('cloudtrail', `trail/${ref()}`);
      case 'AWS::Backup::BackupVault.BackupVaultArn':
        return a('backup', `backup-vault:${ref()}`);
      case 'AWS::Backup::BackupVault.BackupVaultName':
        return ref();
      case 'AWS::EC2::SecurityGroup.GroupId':
        return ref();
      case 'AWS::EC2::VPC.CidrBlock':
        return this.str(s, r.props.CidrBlock);
      case 'AWS::EC2::Subnet.SubnetId':
        return ref();
      case 'AWS::EC2::PrefixList.PrefixListId':
        return ref();
      case 'AWS::RDS::DBInstance.Endpoint.Port':
        return r.props.Port !== undefined ? this.str(s, r.props.Port) : '5432';
      case 'AWS::RDS::DBInstance.Endpoint.Address':
        return `${ref()}.abcdefghijkl.${s.region}.rds.amazonaws.com`;
      case 'AWS::RDS::DBInstance.DbiResourceId':
        return `db-${r.logicalId.toUpperCase()}`;
      case 'AWS::RDS::DBInstance.DBInstanceArn':
        return a('rds', `db:${ref()}`);
      case 'AWS::CloudWatch::Alarm.Arn':
        return a('cloudwatch', `alarm:${ref()}`);
      case 'AWS::Events::Rule.Arn':
        return a('events', `rule/${ref()}`);
      case 'AWS::SecretsManager::Secret.Id':
        return ref();
      default:
        return `${UNRESOLVED}${s.id}/${r.logicalId}.${attr}»`;
    }
  }

  private arn(s: ModelStack, service: string, resource: string, region = s.region): string {
    return `arn:${s.partition}:${service}:${region}:${this.account(s)}:${resource}`;
  }

  private account(s: ModelStack): string {
    return s.account ?? `${UNRESOLVED}AWS::AccountId of ${s.stackName} (no account in the config)»`;
  }

  private followOutput(v: Record<string, unknown>): { stack: ModelStack; value: unknown } | undefined {
    const gso = v['Fn::GetStackOutput'] as { StackName?: unknown; Region?: unknown; OutputName?: unknown } | undefined;
    if (gso) {
      const producer = this.stacks.find((x) => x.stackName === gso.StackName && (gso.Region === undefined || x.region === gso.Region));
      const out = producer?.template.Outputs?.[String(gso.OutputName)];
      return producer && out ? { stack: producer, value: out.Value } : undefined;
    }
    if (v['Fn::ImportValue'] !== undefined && typeof v['Fn::ImportValue'] === 'string') {
      for (const s of this.stacks) {
        for (const o of Object.values(s.template.Outputs ?? {})) {
          if (o.Export && this.resolve(s, o.Export.Name) === v['Fn::ImportValue']) return { stack: s, value: o.Value };
        }
      }
    }
    return undefined;
  }

  private intrinsic(s: ModelStack, fn: string, arg: unknown): Resolved {
    const bad = (why: string) => `${UNRESOLVED}${s.id}: ${fn} ${why}»`;
    switch (fn) {
      case 'Ref': {
        const name = String(arg);
        switch (name) {
          case 'AWS::Partition':
            return s.partition;
          case 'AWS::Region':
            return s.region;
          case 'AWS::AccountId':
            return this.account(s);
          case 'AWS::URLSuffix':
            return s.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
          case 'AWS::StackName':
            return s.stackName;
          case 'AWS::StackId':
            return this.arn(s, 'cloudformation', `stack/${s.stackName}/00000000-0000-0000-0000-000000000000`);
        }
        const r = this.byLogicalId(s, name);
        return r ? this.ref(r) : bad(`to '${name}' (no such resource; parameters are not modelled)`);
      }
      case 'Fn::GetAtt': {
        const [id, ...attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
        const r = this.byLogicalId(s, id);
        return r ? this.getAtt(r, attr.join('.')) : bad(`of '${id}' (no such resource)`);
      }
      case 'Fn::GetStackOutput':
      case 'Fn::ImportValue': {
        const out = this.followOutput({ [fn]: fn === 'Fn::ImportValue' ? this.resolve(s, arg) : arg });
        return out ? this.resolve(out.stack, out.value) : bad(`${JSON.stringify(arg)} (no producing stack or output in the assembly)`);
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        const resolved = this.resolve(s, parts);
        return Array.isArray(resolved)
          ? resolved.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(sep)
          : bad('of a non-list');
      }
      case 'Fn::Select': {
        const [i, list] = arg as [unknown, unknown];
        const l = this.resolve(s, list);
        return Array.isArray(l) ? (l[Number(this.resolve(s, i))] ?? bad('index out of range')) : bad('from a non-list');
      }
      case 'Fn::Split': {
        const [sep, str] = arg as [string, unknown];
        const x = this.resolve(s, str);
        return typeof x === 'string' && !x.includes(UNRESOLVED) ? x.split(sep) : bad(`of ${JSON.stringify(x)}`);
      }
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((z) => `${s.region}${z}`);
      case 'Fn::Sub': {
        const [tpl, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
        return tpl.replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
          if (vars[name] !== undefined) return this.str(s, vars[name]);
          if (name.includes('.') && !name.startsWith('AWS::')) {
            const [id, ...attr] = name.split('.');
            return this.str(s, { 'Fn::GetAtt': [id, attr.join('.')] });
          }
          return this.str(s, { Ref: name });
        });
      }
      case 'Fn::FindInMap': {
        const [map, top, second] = (arg as unknown[]).map((x) => this.str(s, x));
        const v = s.template.Mappings?.[map]?.[top]?.[second];
        return v === undefined ? bad(`${map}.${top}.${second} (no such mapping entry)`) : this.resolve(s, v);
      }
      case 'Fn::Base64':
        return this.resolve(s, arg);
      default:
        return bad('is not modelled');
    }
  }
}

/** True when a resolved value (or anything inside it) holds an {@link UNRESOLVED} marker. */
export function hasUnresolved(v: unknown): boolean {
  return JSON.stringify(v ?? null).includes(UNRESOLVED);
}

/** The {@link UNRESOLVED} markers inside a resolved value, for reports. */
export function unresolvedParts(v: unknown): string[] {
  return [...new Set(JSON.stringify(v ?? null).match(/«unresolved:[^»]*»/g) ?? [])];
}
