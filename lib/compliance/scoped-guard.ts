import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { guardRulesDir } from './control-tower';

interface GuardRuleFile {
  /** File name without extension, e.g. `ct-s3-pr-1` (what `disabledRules` takes). */
  readonly name: string;
  /** CloudFormation types the rule inspects (empty: it applies to any template). */
  readonly types: string[];
}

let ruleFiles: GuardRuleFile[] | undefined;

/** Every bundled Control Tower rule file with the resource types it inspects. */
export function controlTowerRuleFiles(): GuardRuleFile[] {
  if (ruleFiles) return ruleFiles;
  const out: GuardRuleFile[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.guard')) {
        const types = [...new Set(fs.readFileSync(p, 'utf8').match(/"AWS::[A-Za-z0-9]+::[A-Za-z0-9]+"/g) ?? [])].map((t) => t.slice(1, -1));
        out.push({ name: path.parse(e.name).name, types });
      }
    }
  };
  walk(guardRulesDir());
  ruleFiles = out;
  return out;
}

/** Resource types present in a template. */
function typesIn(templatePath: string): Set<string> {
  const t = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as { Resources?: Record<string, { Type: string }> };
  return new Set(Object.values(t.Resources ?? {}).map((r) => r.Type));
}

/**
 * The Control Tower proactive controls through `@cdklabs/cdk-validator-cfnguard`, each template checked
 * only with the rules that can apply to it: a rule inspecting resource types absent from a template cannot
 * report anything there, but cfn-guard still evaluates it (its cost grows with rules × template size). The
 * selection is made at validation time from the synthesized templates, so a new service brings its rules
 * in by itself. Reports under the validator's own name, so acknowledgements keep working.
 */
export class ScopedControlTowerValidator implements IPolicyValidationPlugin {
  public readonly name = 'cdk-validator-cfnguard';
  public readonly version?: string;
  public readonly ruleIds?: string[];

  constructor(private readonly props: { disabledRules: string[]; maxBuffer?: number }) {
    const full = new CfnGuardValidator({ disabledRules: props.disabledRules });
    this.version = full.version;
    this.ruleIds = full.ruleIds;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    // Templates that need the same rules are checked together, each group by one cfn-guard run.
    const groups = new Map<string, { skip: string[]; templates: string[] }>();
    for (const template of context.templatePaths) {
      const present = typesIn(template);
      const skip = controlTowerRuleFiles()
        .filter((r) => r.types.length > 0 && !r.types.some((t) => present.has(t)))
        .map((r) => r.name);
      const key = skip.join(',');
      const g = groups.get(key) ?? { skip, templates: [] };
      g.templates.push(template);
      groups.set(key, g);
    }
    const violations: PolicyValidationPluginReport['violations'][number][] = [];
    let success = true;
    for (const g of groups.values()) {
      const guard = new CfnGuardValidator({ disabledRules: [...this.props.disabledRules, ...g.skip], maxBuffer: this.props.maxBuffer });
      const r = guard.validate({ ...context, templatePaths: g.templates }) as unknown as PolicyValidationPluginReport;
      success &&= r.success;
      violations.push(...r.violations);
    }
    return { success, violations };
  }
}
