import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagMessageLevel, NagPack, NagRuleCompliance } from 'cdk-nag';
import { NagCheckLog } from '../lib/compliance/check-log';

/** A pack with one rule: buckets are versioned (not applicable to anything else). */
class TinyPack extends NagPack {
  public readonly name = 'Tiny';
  public readonly calls: string[] = [];
  constructor() {
    super();
    this.packName = 'Tiny';
  }
  protected checkResource(node: CfnResource): void {
    this.applyRule({
      info: 'Buckets are versioned.',
      explanation: 'Test rule.',
      level: NagMessageLevel.ERROR,
      rule: (n: CfnResource) => {
        this.calls.push(`Versioned:${n.node.path}`);
        if (!(n instanceof s3.CfnBucket)) return NagRuleCompliance.NOT_APPLICABLE;
        return n.versioningConfiguration ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
      },
      ruleSuffixOverride: 'Versioned',
      node,
    });
  }
}

function run(build: (stack: Stack) => void): { log: NagCheckLog; pack: TinyPack } {
  const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  const stack = new Stack(app, 'S');
  build(stack);
  const log = new NagCheckLog();
  const pack = log.watch(new TinyPack());
  Validations.of(app).addPlugins(pack);
  app.synth();
  return { log, pack };
}

describe('NagCheckLog', () => {
  test('records each applicable rule x resource once with its outcome; not-applicable ones are counted, not kept', () => {
    const { log, pack } = run((stack) => {
      new s3.Bucket(stack, 'Good', { versioned: true });
      new s3.Bucket(stack, 'Bad');
      new sqs.Queue(stack, 'Queue');
    });
    const outcomes = log
      .all()
      .map((c) => `${c.rule.id} ${c.resource.node.path} ${c.outcome}`)
      .sort();
    expect(outcomes).toEqual(['Tiny-Versioned S/Bad/Resource non-compliant', 'Tiny-Versioned S/Good/Resource compliant']);
    expect(log.notApplicableCount()).toBe(1);
    // The wrapped rule ran once per resource, as the pack alone would run it.
    expect(pack.calls.sort()).toEqual(['Versioned:S/Bad/Resource', 'Versioned:S/Good/Resource', 'Versioned:S/Queue/Resource']);
    expect(log.ruleInfos().map((r) => r.id)).toEqual(['Tiny-Versioned']);
  });

  test('a rule that only ever answers not-applicable is still listed among the rules seen', () => {
    const { log } = run((stack) => {
      new sqs.Queue(stack, 'Queue');
    });
    expect(log.all()).toEqual([]);
    expect(log.notApplicableCount()).toBe(1);
    expect(log.ruleInfos()).toEqual([expect.objectContaining({ id: 'Tiny-Versioned', pack: 'Tiny', level: NagMessageLevel.ERROR })]);
  });
});
