import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

export interface AcceptedFinding {
  /** The rule id as the pack reports it, e.g. `HIPAA.Security-S3BucketReplicationEnabled`. */
  readonly ruleId: string;
  /** Why the finding does not apply or cannot be remediated here. */
  readonly reason: string;
  /** The control that covers the risk the rule guards against. */
  readonly compensatingControl: string;
}

/** Separator between reason and compensating control in the recorded acknowledgement. */
export const COMPENSATING_CONTROL_MARKER = ' Compensating control: ';

/**
 * Accept one finding on one construct (the narrowest that carries it), recording the reason and the
 * compensating control where the validation report, the README check and the evidence pack read them.
 */
export function acceptFinding(construct: IConstruct, finding: AcceptedFinding): void {
  if (!finding.reason.trim() || !finding.compensatingControl.trim()) {
    throw new Error(`Accepting ${finding.ruleId} on ${construct.node.path} needs a reason and a compensating control`);
  }
  Validations.of(construct).acknowledge({
    id: finding.ruleId,
    reason: `${finding.reason.trim()}${COMPENSATING_CONTROL_MARKER}${finding.compensatingControl.trim()}`,
  });
}

/** The cdk-nag packs that share rule names (a rule such as S3BucketReplicationEnabled is in both). */
export const NAG_PACKS = ['HIPAA.Security', 'NIST.800.53.R5'] as const;

/** Accept the same cdk-nag rule in both packs (`HIPAA.Security-<rule>` and `NIST.800.53.R5-<rule>`). */
export function acceptNagFinding(construct: IConstruct, rule: string, finding: Omit<AcceptedFinding, 'ruleId'>): void {
  for (const pack of NAG_PACKS) acceptFinding(construct, { ...finding, ruleId: `${pack}-${rule}` });
}

export interface RecordedFinding extends AcceptedFinding {
  /** Construct path the acknowledgement sits on. */
  readonly path: string;
}

/** Namespaces of acknowledgements the CDK makes on its own constructs for its built-in template checks. */
const CDK_INTERNAL_NAMESPACES = ['CloudFormation-Validate::'];

/** Every acknowledgement in a construct tree (the CDK's own internal ones aside), read from construct metadata. */
export function acceptedFindings(root: IConstruct): RecordedFinding[] {
  const out: RecordedFinding[] = [];
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [qualified, text] of Object.entries(entry.data as Record<string, string>)) {
        const ruleId = qualified.replace(/^annotation::/i, '');
        const ours = String(text).includes(COMPENSATING_CONTROL_MARKER);
        if (!ours && CDK_INTERNAL_NAMESPACES.some((ns) => ruleId.startsWith(ns))) continue;
        const [reason, compensatingControl = ''] = String(text).split(COMPENSATING_CONTROL_MARKER);
        out.push({ ruleId, reason, compensatingControl, path: c.node.path });
      }
    }
  }
  return out;
}
