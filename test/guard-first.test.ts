import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps, CfnResource, CloudFormationValidatePlugin, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { registerComplianceGate } from '../lib/compliance/gate';
import { readValidationReport } from '../lib/compliance/report';
import { ScopedControlTowerValidator } from '../lib/compliance/scoped-guard';

const THRESHOLDS = { auditRetentionYears: 6, auditLogRetentionDays: 2192, backupRetentionDays: 35, rdsBackupRetentionDays: 35 };

/** A stack with a key that does not rotate (Control Tower ct-kms-pr-1) and a property CloudFormation does not know. */
function synth(overlap: boolean, props: AppProps = {}, more?: (app: App) => void) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-first-'));
  const app = new App({ ...props, outdir, context: { '@aws-cdk/core:failSynthOnValidationErrors': false, 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'S');
  new kms.Key(stack, 'Key', { enableKeyRotation: false });
  new CfnResource(stack, 'Queue', { type: 'AWS::SQS::Queue', properties: { NotAQueueProperty: 1 } });
  registerComplianceGate(app, THRESHOLDS, { overlapCloudFormationValidation: overlap });
  more?.(app);
  app.synth();
  const report = readValidationReport(outdir);
  fs.rmSync(outdir, { recursive: true, force: true });
  const of = (name: string) => report.pluginReports.filter((p) => p.pluginName === name);
  const flat = (name: string) =>
    of(name)
      .flatMap((p) => p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} ${c.constructPath}`)))
      .sort();
  return { of, flat };
}

// The test setup switches CDK's CloudFormation validation off (CDK_VALIDATION=false); these tests need it on.
const before = process.env.CDK_VALIDATION;
beforeEach(() => (process.env.CDK_VALIDATION = 'true'));
afterEach(() => {
  jest.restoreAllMocks();
  if (before === undefined) delete process.env.CDK_VALIDATION;
  else process.env.CDK_VALIDATION = before;
});

describe("Control Tower runs started before CDK's CloudFormation validation", () => {
  test('the guard starts first, CloudFormation validation still runs once, and both report what they report without the overlap', () => {
    // This app's templates are far below the size from which the gate starts early: start them early anyway.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the validator as `this`
    const original = ScopedControlTowerValidator.prototype.start;
    const start = jest.spyOn(ScopedControlTowerValidator.prototype, 'start').mockImplementation(function (
      this: ScopedControlTowerValidator,
      context,
    ) {
      const self = this as unknown as { props: object };
      self.props = { ...self.props, startEarlyAboveBytes: 0 };
      return original.call(this, context);
    });
    const cfnValidate = jest.spyOn(CloudFormationValidatePlugin.prototype, 'validate');
    const overlapped = synth(true);
    expect(start).toHaveBeenCalledTimes(1);
    expect(start.mock.results[0].value).toBe(true);
    expect(cfnValidate).toHaveBeenCalledTimes(1);
    expect(start.mock.invocationCallOrder[0]).toBeLessThan(cfnValidate.mock.invocationCallOrder[0]);

    jest.restoreAllMocks();
    // The same app with the guard in its own turn (CDK's validation off: its engine is slow to build twice).
    process.env.CDK_VALIDATION = 'false';
    const sequential = synth(false);
    expect(overlapped.flat('cdk-validator-cfnguard')).toEqual(sequential.flat('cdk-validator-cfnguard'));
    expect(overlapped.flat('cdk-validator-cfnguard')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^kms_key_rotation_enabled_check S\/Key/)]),
    );
    // CDK's validation ran, once, and found the unknown property.
    expect(overlapped.of('CloudFormation Validate')).toHaveLength(1);
    expect(overlapped.flat('CloudFormation Validate')).toEqual(expect.arrayContaining([expect.stringMatching(/ S\/Queue$/)]));
    expect(sequential.of('CloudFormation Validate')).toEqual([]);
  });

  test("an app that switched CDK's CloudFormation validation off keeps it off, and its guard runs in its own turn", () => {
    const start = jest.spyOn(ScopedControlTowerValidator.prototype, 'start');
    const r = synth(true, { builtinCloudFormationValidation: false });
    expect(start).not.toHaveBeenCalled();
    expect(r.of('CloudFormation Validate')).toEqual([]);
    expect(r.flat('cdk-validator-cfnguard')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^kms_key_rotation_enabled_check S\/Key/)]),
    );
  });
});

describe('the overlap never costs a check', () => {
  test('when starting early fails, CloudFormation validation still runs and the guard runs in its own turn', () => {
    jest.spyOn(ScopedControlTowerValidator.prototype, 'start').mockImplementation(() => {
      throw new Error('no temporary directory');
    });
    const r = synth(true);
    expect(r.of('CloudFormation Validate')).toHaveLength(1);
    expect(r.flat('CloudFormation Validate')).toEqual(expect.arrayContaining([expect.stringMatching(/ S\/Queue$/)]));
    expect(r.flat('cdk-validator-cfnguard')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^kms_key_rotation_enabled_check S\/Key/)]),
    );
  });

  test("two gates on one app: CDK's validation plugin is registered once, and both guards report", () => {
    const r = synth(true, {}, (app) => registerComplianceGate(app, THRESHOLDS, { overlapCloudFormationValidation: true }));
    expect(r.of('CloudFormation Validate')).toHaveLength(1);
    expect(r.of('cdk-validator-cfnguard').length).toBeGreaterThanOrEqual(1);
  });
});

describe('ScopedControlTowerValidator.start', () => {
  test('runs started for other templates are dropped; validate checks the templates it is given', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-start-'));
    try {
      const key = (rotation: boolean) => ({
        Resources: { K: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: rotation, KeyPolicy: {} } } },
      });
      const bad = path.join(dir, 'bad.template.json');
      const good = path.join(dir, 'good.template.json');
      fs.writeFileSync(bad, JSON.stringify(key(false)));
      fs.writeFileSync(good, JSON.stringify(key(true)));
      const guard = new ScopedControlTowerValidator({ disabledRules: [], startEarlyAboveBytes: 0 });
      const rotation = (r: ReturnType<ScopedControlTowerValidator['validate']>) =>
        r.violations
          .filter((v) => v.ruleName === 'kms_key_rotation_enabled_check')
          .flatMap((v) => v.violatingResources.map((x) => x.templatePath));

      expect(guard.start({ templatePaths: [bad] })).toBe(true);
      expect(rotation(guard.validate({ templatePaths: [bad] } as never))).toEqual([bad]);

      expect(guard.start({ templatePaths: [bad] })).toBe(true);
      expect(rotation(guard.validate({ templatePaths: [good] } as never))).toEqual([]);

      // Nothing pending: a plain validate.
      expect(rotation(guard.validate({ templatePaths: [bad] } as never))).toEqual([bad]);

      // By default, small templates are not worth starting early: nothing starts, validate runs them in its turn.
      const small = new ScopedControlTowerValidator({ disabledRules: [] });
      expect(small.start({ templatePaths: [bad] })).toBe(false);
      expect(rotation(small.validate({ templatePaths: [bad] } as never))).toEqual([bad]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
