import { App, CloudFormationValidatePlugin, IPolicyValidationContext, PolicyValidationPluginReport, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ScopedControlTowerValidator } from './scoped-guard';

/**
 * CDK's own CloudFormation validation (the plugin CDK adds to every app, same rules, same name, same report),
 * which first starts the Control Tower runs of the app's gate in worker threads. CDK runs its validation before
 * the app's plugins and each plugin on one thread; started here, the cfn-guard runs use the other cores
 * meanwhile, and the gate's guard plugin, when its turn comes, joins them. One instance for every app of the
 * process, like CDK's own, so its rule engine is built once.
 */
export class GuardFirstCloudFormationValidate extends CloudFormationValidatePlugin {
  private static instance?: GuardFirstCloudFormationValidate;

  /** The shared instance. */
  public static shared(): GuardFirstCloudFormationValidate {
    return (GuardFirstCloudFormationValidate.instance ??= new GuardFirstCloudFormationValidate());
  }

  private readonly guards = new WeakMap<IConstruct, ScopedControlTowerValidator[]>();

  /**
   * Start this guard's runs when the app's CloudFormation validation begins. Returns false when the app already
   * has guards attached (a second gate on it): this plugin is registered on the app once.
   */
  public startBefore(app: IConstruct, guard: ScopedControlTowerValidator): boolean {
    const attached = this.guards.get(app);
    if (attached) {
      attached.push(guard);
      return false;
    }
    this.guards.set(app, [guard]);
    return true;
  }

  public override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    for (const guard of this.guards.get(context.appConstruct) ?? []) {
      try {
        guard.start(context);
      } catch {
        // Starting early is only an optimisation: the guard then runs in its own turn (and reports its error
        // there, under its own name). CloudFormation validation below runs in any case.
      }
    }
    // Switched off since the gate was registered: validate nothing, as CDK would not have added its plugin.
    const app = context.appConstruct;
    if (!(Stage.isStage(app) && cloudFormationValidationRuns(app))) return { success: true, violations: [] };
    return super.validate(context);
  }
}

/**
 * Whether CDK's own CloudFormation validation would run on this app, so that registering
 * {@link GuardFirstCloudFormationValidate} in its place changes nothing but the order: only on the root app
 * (CDK accepts the plugin nowhere else), and only when the app has not switched that validation off
 * (`builtinCloudFormationValidation: false` or `CDK_VALIDATION=false`).
 */
export function cloudFormationValidationRuns(scope: Stage): scope is App {
  return App.isApp(scope) && scope._builtinCloudFormationValidation && process.env.CDK_VALIDATION !== 'false';
}
