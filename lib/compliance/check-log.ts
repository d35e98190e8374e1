import { CfnResource, Validations } from 'aws-cdk-lib';
import { IApplyRule, NagMessageLevel, NagPack, NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { IConstruct } from 'constructs';

type RuleCallback = (node: CfnResource) => NagRuleResult;

/** What one rule said about one resource it applies to (not-applicable outcomes are only counted). */
export type CheckOutcome = 'compliant' | 'non-compliant';

/** A rule of a cdk-nag pack as the pack applied it. */
export interface NagRuleInfo {
  readonly pack: string;
  /** Full rule id, e.g. `HIPAA.Security-S3BucketReplicationEnabled`. */
  readonly id: string;
  /** The pack's one-line text (cdk-nag's `info`), with the control ids it cites. */
  readonly info: string;
  /** Why the rule exists (cdk-nag's `explanation`). */
  readonly explanation: string;
  readonly level: NagMessageLevel;
}

/** One rule evaluated on one resource. */
export interface NagCheck {
  readonly rule: NagRuleInfo;
  readonly resource: CfnResource;
  readonly outcome: CheckOutcome;
  /** The rule threw (cdk-nag reports this as a violation). */
  readonly error?: string;
}

/** The acknowledgement that covers a rule on a construct: on the construct or an ancestor, as cdk-nag looks it up. */
export function acknowledgementOf(construct: IConstruct, ruleId: string): { at: string; reason: string } | undefined {
  for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [key, reason] of Object.entries(entry.data as Record<string, string>)) {
        if (key.replace(/^annotation::/i, '') === ruleId) return { at: c.node.path, reason: String(reason) };
      }
    }
  }
  return undefined;
}

/**
 * Every rule × resource a set of cdk-nag packs evaluated during synthesis, passes included. cdk-nag's report
 * holds only unacknowledged violations; the SARIF log and the JUnit report need what passed and what was
 * acknowledged too. The log wraps each rule callback the pack applies, so a rule runs once, as before.
 */
export class NagCheckLog {
  private readonly rules = new Map<string, NagRuleInfo>();
  private readonly checks = new Map<string, NagCheck>();
  private readonly paths = new WeakMap<CfnResource, string>();
  private notApplicable = 0;

  /**
   * Record every rule the pack applies from now on; returns the pack. The pack must pass a fresh params object
   * to each `applyRule` call, as cdk-nag's packs and HIPAA.Strict do: the log sets its wrapper on that object.
   */
  public watch<T extends NagPack>(pack: T): T {
    const target = pack as unknown as { applyRule(params: IApplyRule): void };
    const applyRule = target.applyRule.bind(pack);
    const packName = (pack as unknown as { packName: string }).packName;
    // The pack applies each rule to every resource: wrap each rule callback once, not once per resource.
    const wrapped = new Map<string, { inner: RuleCallback; rule: RuleCallback }>();
    target.applyRule = (params: IApplyRule) => {
      // Keep the rule id the pack would derive from the callback's name.
      const suffix = params.ruleSuffixOverride ?? params.rule.name;
      // eslint-disable-next-line @typescript-eslint/unbound-method -- compared and called as a plain function, as cdk-nag does
      const inner: RuleCallback = params.rule;
      let w = wrapped.get(suffix);
      if (!w || w.inner !== inner) {
        const rule = this.ruleInfo(packName, `${packName}-${suffix}`, params);
        w = {
          inner,
          rule: (node: CfnResource): NagRuleResult => {
            try {
              const result = inner(node);
              this.record(rule, node, result);
              return result;
            } catch (e) {
              this.add({ rule, resource: node, outcome: 'non-compliant', error: (e as Error).message });
              throw e;
            }
          },
        };
        wrapped.set(suffix, w);
      }
      // The pack builds a fresh params object for every rule x resource: set the wrapper on it, no copy.
      params.ruleSuffixOverride = suffix;
      params.rule = w.rule;
      applyRule(params);
    };
    return pack;
  }

  /** How many rule × resource evaluations were not applicable. */
  public notApplicableCount(): number {
    return this.notApplicable;
  }

  /** The rules seen, by id. */
  public ruleInfos(): NagRuleInfo[] {
    return [...this.rules.values()];
  }

  /**
   * Every check recorded: one per rule × resource the rule applies to (a rule returning several findings gives one
   * per finding). Not-applicable outcomes are counted, not kept: most rule × resource pairs are, and no report
   * lists them.
   */
  public all(): NagCheck[] {
    return [...this.checks.values()];
  }

  private ruleInfo(pack: string, id: string, params: IApplyRule): NagRuleInfo {
    let info = this.rules.get(id);
    if (!info) {
      info = { pack, id, info: params.info, explanation: params.explanation, level: params.level };
      this.rules.set(id, info);
    }
    return info;
  }

  private record(rule: NagRuleInfo, resource: CfnResource, result: NagRuleResult): void {
    if (Array.isArray(result)) {
      // A rule reporting several findings: each is its own rule id, `<id>[<finding>]`.
      if (result.length === 0) this.add({ rule, resource, outcome: 'compliant' });
      for (const finding of result) {
        const sub = { ...rule, id: `${rule.id}[${finding}]` };
        this.rules.set(sub.id, sub);
        this.add({ rule: sub, resource, outcome: 'non-compliant' });
      }
      return;
    }
    if (result === NagRuleCompliance.COMPLIANT) this.add({ rule, resource, outcome: 'compliant' });
    else if (result === NagRuleCompliance.NON_COMPLIANT) this.add({ rule, resource, outcome: 'non-compliant' });
    else this.notApplicable++;
  }

  private add(check: NagCheck): void {
    let p = this.paths.get(check.resource);
    if (p === undefined) {
      p = check.resource.node.path;
      this.paths.set(check.resource, p);
    }
    // Keyed, so a pack validating the same tree twice records each check once.
    this.checks.set(`${check.rule.id}\u0000${p}`, check);
  }
}
