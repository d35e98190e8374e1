import { IPolicyValidationPlugin, Stage, Validations } from 'aws-cdk-lib';
import { HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { StrictThresholds } from './rules';
import { ScopedControlTowerValidator } from './scoped-guard';
import { HipaaStrictChecks } from './strict-pack';

/**
 * Control Tower proactive controls switched off for the whole app. Each one needs a reason: the guard
 * validator has no per-resource acknowledgement, so a rule is disabled only when it can never pass for a
 * correct design, and the control it stands for is enforced elsewhere.
 */
export const DISABLED_CONTROL_TOWER_RULES: ReadonlyArray<{ id: string; reason: string }> = [];

export interface ComplianceGateOptions {
  /**
   * Extra validation plugins to register beside the default packs.
   * @default - none
   */
  readonly extraPlugins?: IPolicyValidationPlugin[];
}

/** The plugins the gate registers by default, fresh instances for one app. */
export function defaultCompliancePlugins(scope: Stage, thresholds: StrictThresholds): IPolicyValidationPlugin[] {
  return [
    new HIPAASecurityChecks(scope),
    new NIST80053R5Checks(scope),
    new HipaaStrictChecks(scope, { thresholds }),
    new ScopedControlTowerValidator({
      disabledRules: DISABLED_CONTROL_TOWER_RULES.map((r) => r.id),
      maxBuffer: 64 * 1024 * 1024,
    }),
  ];
}

/**
 * Register the compliance gate on an app: cdk-nag HIPAA Security and NIST 800-53 R5, our HIPAA.Strict pack
 * (thresholds from the deployment config), and the Control Tower proactive controls through cfn-guard.
 * With these registered, `cdk synth` fails on any unacknowledged violation and writes the report into the
 * cloud assembly.
 */
export function registerComplianceGate(app: Stage, thresholds: StrictThresholds, options: ComplianceGateOptions = {}): void {
  Validations.of(app).addPlugins(...defaultCompliancePlugins(app, thresholds), ...(options.extraPlugins ?? []));
}
