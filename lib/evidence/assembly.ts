import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { COMPENSATING_CONTROL_MARKER, RecordedFinding } from '../baseline/acknowledge';
import { templateStackView } from '../compliance/resource-view';
import { ResourceView, StackView, TemplateResource } from '../compliance/rules';

export interface StackTemplate {
  /** Stack construct id within the stage, e.g. `Keys`. */
  readonly id: string;
  readonly stackName: string;
  readonly region: string;
  /** Template file, relative to the root of the cloud assembly. */
  readonly file: string;
  readonly sha256: string;
  readonly template: { Resources?: Record<string, TemplateResource>; Outputs?: Record<string, { Value: unknown }> };
  readonly view: StackView & { all(): ResourceView[] };
}

export const sha256 = (data: string | Buffer): string => crypto.createHash('sha256').update(data).digest('hex');

export function sha256File(file: string): string {
  return sha256(fs.readFileSync(file));
}

/** Every stack template of a cloud assembly directory (nested stage assemblies included), with its hash. */
export function readStackTemplates(assemblyDir: string): StackTemplate[] {
  const root = new cxapi.CloudAssembly(assemblyDir);
  const assemblies = [root, ...root.nestedAssemblies.map((n) => n.nestedAssembly)];
  const out: StackTemplate[] = [];
  for (const a of assemblies) {
    for (const s of a.stacks) {
      const full = path.join(a.directory, s.templateFile);
      const template = JSON.parse(fs.readFileSync(full, 'utf8')) as StackTemplate['template'];
      out.push({
        id: s.hierarchicalId.split('/').pop()!,
        stackName: s.stackName,
        region: s.environment.region,
        file: path.relative(assemblyDir, full),
        sha256: sha256File(full),
        template,
        view: templateStackView(template, s.stackName),
      });
    }
  }
  return out;
}

/** Namespaces of acknowledgements the CDK makes on its own constructs for its built-in template checks. */
const CDK_INTERNAL_NAMESPACES = ['CloudFormation-Validate::'];

/**
 * Every acknowledgement recorded in the cloud assembly (the `aws:cdk:acknowledged-rules` metadata of each
 * stack), read the way `acceptedFindings` reads the construct tree. The evidence is built from this, so that
 * `evidence verify` can rebuild it from the assembly alone.
 */
export function acceptedFindingsInAssembly(assemblyDir: string): RecordedFinding[] {
  const root = new cxapi.CloudAssembly(assemblyDir);
  const out: RecordedFinding[] = [];
  for (const a of [root, ...root.nestedAssemblies.map((n) => n.nestedAssembly)]) {
    for (const s of a.stacks) {
      for (const entry of s.findMetadataByType('aws:cdk:acknowledged-rules')) {
        for (const [qualified, text] of Object.entries((entry.data ?? {}) as Record<string, string>)) {
          const ruleId = qualified.replace(/^annotation::/i, '');
          const ours = String(text).includes(COMPENSATING_CONTROL_MARKER);
          if (!ours && CDK_INTERNAL_NAMESPACES.some((ns) => ruleId.startsWith(ns))) continue;
          const [reason, compensatingControl = ''] = String(text).split(COMPENSATING_CONTROL_MARKER);
          out.push({ ruleId, reason, compensatingControl, path: entry.path.replace(/^\//, '') });
        }
      }
    }
  }
  return out;
}

/** The directories of the cloud assembly's nested assemblies (one per Stage), relative to its root. */
export function nestedAssemblyDirs(assemblyDir: string): string[] {
  const root = new cxapi.CloudAssembly(assemblyDir);
  return root.nestedAssemblies.map((n) => path.relative(assemblyDir, n.nestedAssembly.directory));
}

/**
 * A readable name for a value in a template: literals as they are, references as `Stack:LogicalId`, and
 * cross-stack outputs followed to the resource (and key alias) they export.
 */
export function describeValue(value: unknown, here: StackTemplate, stacks: StackTemplate[]): string {
  if (value === undefined || value === null) return '(not set)';
  if (typeof value !== 'object') return String(value);
  const v = value as Record<string, unknown>;
  const name = (stack: StackTemplate, logicalId: string) => {
    const alias = Object.values(stack.template.Resources ?? {}).find(
      (r) => r.Type === 'AWS::KMS::Alias' && JSON.stringify(r.Properties?.TargetKeyId ?? '').includes(`"${logicalId}"`),
    );
    return `${stack.id}:${logicalId}${alias ? ` (${String(alias.Properties?.AliasName)})` : ''}`;
  };
  if (typeof v.Ref === 'string') return v.Ref.startsWith('AWS::') ? v.Ref : name(here, v.Ref);
  if (Array.isArray(v['Fn::GetAtt'])) return name(here, String((v['Fn::GetAtt'] as unknown[])[0]));
  const out = v['Fn::GetStackOutput'] as { StackName?: string; OutputName?: string } | undefined;
  if (out) {
    const producer = stacks.find((s) => s.stackName === out.StackName);
    const exported = producer?.template.Outputs?.[String(out.OutputName)]?.Value;
    return producer ? describeValue(exported, producer, stacks) : `${out.StackName}:${out.OutputName}`;
  }
  if (Array.isArray(v['Fn::Join'])) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => (typeof p === 'string' ? p : `{${describeValue(p, here, stacks)}}`)).join(sep);
  }
  return JSON.stringify(value);
}
