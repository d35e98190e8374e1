import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';

/** Thresholds the strict rules enforce, taken from the same deployment config the stacks are built from. */
export interface StrictThresholds {
  /** Years audit records must be kept (Object Lock default retention). */
  readonly auditRetentionYears: number;
  /** CloudWatch Logs retention (days) for audit-class log groups. */
  readonly auditLogRetentionDays: number;
  /** Days backups must be kept (AWS Backup plan rules and Vault Lock minimum). */
  readonly backupRetentionDays: number;
  /** Days of RDS automated backups (point-in-time recovery window). */
  readonly rdsBackupRetentionDays: number;
}

/** One rule of the HIPAA.Strict pack: a small pure function of a resource (and its stack) and the thresholds. */
export interface StrictRule {
  /** Rule id suffix; reported as `HIPAA.Strict-<id>`. */
  readonly id: string;
  /** The 45 CFR section the rule protects. */
  readonly section: string;
  /** What is wrong when the rule fails. */
  readonly info: string;
  /** Why the rule exists. */
  readonly explanation: string;
  check(resource: ResourceView, thresholds: StrictThresholds): NagRuleResult;
}

export { NagRuleCompliance };
export const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = NagRuleCompliance;

/** A resource as it will be written to the template: Type, Properties, DeletionPolicy, ... */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: Record<string, unknown>;
}

/** A stack, seen as its template. */
export interface StackView {
  /** The CloudFormation stack name, when known (the stateful-resource manifest is keyed by it). */
  readonly name?: string;
  /** Every resource of a CloudFormation type in this stack. */
  resourcesOfType(type: string): ResourceView[];
}

/**
 * One resource as the rules see it: its template form. The same rules run on the construct tree during
 * synthesis (the gate) and on synthesized template files (the evidence pack).
 */
export interface ResourceView {
  readonly type: string;
  readonly logicalId: string;
  /** Construct path, when known. */
  readonly path: string;
  readonly resource: TemplateResource;
  readonly props: Record<string, unknown>;
  readonly stack: StackView;
}

/** Whether a resolved value is `{Ref: id}` or `{Fn::GetAtt: [id, ...]}` of the given logical id. */
export function refersTo(value: unknown, id: string): boolean {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  if (v.Ref === id) return true;
  const getAtt = v['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[0] === id;
}

/** Tags of a resource as written to the template (list or map form), as key → value. */
export function tags(r: ResourceView): Record<string, string> {
  const t = r.props.Tags;
  const out: Record<string, string> = {};
  if (Array.isArray(t)) for (const e of t as Array<{ Key: string; Value: string }>) out[e.Key] = e.Value;
  else if (t && typeof t === 'object') Object.assign(out, t);
  return out;
}

// Policy readers shared with the runtime tools (live-verify reads the deployed bucket policy the same way).
export { deniesInsecureTransport, statements } from '../../baseline/policy';
