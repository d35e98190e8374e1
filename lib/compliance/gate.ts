import { IPolicyValidationPlugin, Stage, Validations } from 'aws-cdk-lib';
import { HIPAASecurityChecks, NIST80053R5Checks } from 'cdk-nag';
import { NagCheckLog } from './check-log';
import { cloudFormationValidationRuns, GuardFirstCloudFormationValidate } from './guard-first';
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
  /**
   * Start the Control Tower (cfn-guard) runs before CDK's own CloudFormation validation, so they overlap it on
   * the other cores, by registering CDK's CloudFormation validation plugin on the app in place of the one CDK
   * adds (same rules, same report; see `GuardFirstCloudFormationValidate`). Only when that validation runs on
   * this app at all (a root `App` that has not switched it off). CDK allows one such plugin per app: leave this
   * off if your app registers its own `CloudFormationValidatePlugin`.
   * @default false
   */
  readonly overlapCloudFormationValidation?: boolean;
}

/**
 * The plugins the gate registers by default, fresh instances for one app. With a `log`, every rule × resource
 * the cdk-nag packs evaluate is recorded there (for the SARIF and JUnit reports).
 */
export function defaultCompliancePlugins(scope: Stage, thresholds: StrictThresholds, log?: NagCheckLog): IPolicyValidationPlugin[] {
  const watch = <T extends HIPAASecurityChecks | NIST80053R5Checks | HipaaStrictChecks>(pack: T): T => (log ? log.watch(pack) : pack);
  return [
    watch(new HIPAASecurityChecks(scope)),
    watch(new NIST80053R5Checks(scope)),
    watch(new HipaaStrictChecks(scope, { thresholds })),
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
export function registerComplianceGate(app: Stage, thresholds: StrictThresholds, options: ComplianceGateOptions = {}): NagCheckLog {
  const log = new NagCheckLog();
  CHECK_LOGS.set(app, log);
  const plugins = defaultCompliancePlugins(app, thresholds, log);
  if (options.overlapCloudFormationValidation && cloudFormationValidationRuns(app)) {
    const cfnValidate = GuardFirstCloudFormationValidate.shared();
    const guard = plugins.find((p): p is ScopedControlTowerValidator => p instanceof ScopedControlTowerValidator)!;
    // Registered on the app once, however many gates it has (CDK accepts one such plugin per app).
    if (cfnValidate.startBefore(app, guard)) plugins.unshift(cfnValidate);
  }
  Validations.of(app).addPlugins(...plugins, ...(options.extraPlugins ?? []));
  return log;
}

const CHECK_LOGS = new WeakMap<Stage, NagCheckLog>();

/** The check log of the gate registered on an app (undefined when no gate was registered there). */
export function complianceCheckLog(app: Stage): NagCheckLog | undefined {
  return CHECK_LOGS.get(app);
}
