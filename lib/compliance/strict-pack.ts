import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { rdsBackupRetentionDaysFor } from '../baseline/thresholds';
import { auditLogRetentionDays, DeploymentConfig } from '../config/schema';
import { treeResourceView } from './resource-view';
import { STRICT_RULES, StrictThresholds } from './rules';

/** Pack name; rule ids are `HIPAA.Strict-<rule>`. */
export const STRICT_PACK_NAME = 'HIPAA.Strict';

/** The thresholds of the strict rules for one deployment config (the same numbers the stacks are built from). */
export function strictThresholds(config: DeploymentConfig): StrictThresholds {
  return {
    auditRetentionYears: config.auditRetentionYears,
    auditLogRetentionDays: auditLogRetentionDays(config),
    backupRetentionDays: config.backupRetentionDays,
    rdsBackupRetentionDays: rdsBackupRetentionDaysFor(config.backupRetentionDays),
  };
}

export interface HipaaStrictChecksProps extends NagPackProps {
  readonly thresholds: StrictThresholds;
}

/**
 * Our own cdk-nag 3.x pack: what cdk-nag's HIPAA Security pack and the Control Tower proactive controls
 * do not check (Object Lock mode and length, TLS policy version, HSTS, forced TLS and IAM auth on the
 * database, backup retention, Vault Lock, DR copies, deletion policies, default routes of private subnets,
 * world-open ports, worker egress, flow logs of all traffic, a multi-region validated trail, the approved
 * stateful logical ids, HIPAA-eligible services, ...), and every check the evidence pack reports a control
 * on. One rule per file in `rules/`, each citing its 45 CFR section.
 */
export class HipaaStrictChecks extends NagPack {
  public readonly name = STRICT_PACK_NAME;
  private readonly thresholds: StrictThresholds;

  constructor(scope: IConstruct | undefined, props: HipaaStrictChecksProps) {
    super(scope, props);
    this.packName = STRICT_PACK_NAME;
    this.thresholds = props.thresholds;
  }

  protected checkResource(node: CfnResource): void {
    const view = treeResourceView(node);
    for (const r of STRICT_RULES) {
      this.applyRule({
        ruleSuffixOverride: r.id,
        info: `${r.info} - (45 CFR ${r.section})`,
        explanation: r.explanation,
        level: NagMessageLevel.ERROR,
        rule: () => r.check(view, this.thresholds),
        node,
      });
    }
  }
}
