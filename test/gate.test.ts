import * as fs from 'fs';
import * as path from 'path';
import { Aspects, CfnResource, IAspect } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { acceptedFindings } from '../lib/baseline/acknowledge';
import { DISABLED_CONTROL_TOWER_RULES } from '../lib/compliance/gate';
import { formatFindings } from '../lib/compliance/report';
import { FINDINGS_PAGE } from '../lib/tools/accepted-findings';
import { gatedDeployment, synthReference, testConfig } from './helpers/synth';

/** Applies an L1 edit to every resource of a type, after construction (as a careless change would). */
class Edit implements IAspect {
  constructor(
    private readonly type: string,
    private readonly edit: (r: CfnResource) => void,
  ) {}
  visit(node: IConstruct): void {
    if (CfnResource.isCfnResource(node) && node.cfnResourceType === this.type) this.edit(node);
  }
}

describe('compliance gate', () => {
  test('the reference deployment has zero unacknowledged violations under all three rule sets', () => {
    const { findings } = gatedDeployment();
    expect(formatFindings(findings)).toBe('');
  });

  test('with an explicit account the deployment still synthesizes offline, clean, with no context lookup', () => {
    const r = synthReference(testConfig({ account: '111122223333', environment: 'prod' }));
    expect(formatFindings(r.findings)).toBe('');
    expect(r.app.synth().manifest.missing ?? []).toEqual([]);
    expect(r.stage.network.availabilityZones).toEqual(['us-east-1a', 'us-east-1b']);
  });

  test('all three rule sets are registered and report violations (log group without KMS, key without rotation)', () => {
    const { findings } = synthReference(testConfig(), {
      mutate: (stage) => {
        Aspects.of(stage).add(new Edit('AWS::Logs::LogGroup', (r) => ((r as logs.CfnLogGroup).kmsKeyId = undefined)));
        Aspects.of(stage).add(new Edit('AWS::KMS::Key', (r) => ((r as kms.CfnKey).enableKeyRotation = false)));
      },
    });
    const rules = new Set(findings.map((f) => f.rule));
    expect(rules).toContain('HIPAA.Security-CloudWatchLogGroupEncrypted');
    expect(rules).toContain('NIST.800.53.R5-CloudWatchLogGroupEncrypted');
    expect(rules).toContain('NIST.800.53.R5-KMSBackingKeyRotationEnabled');
    expect(rules).toContain('kms_key_rotation_enabled_check');
    expect(findings.find((f) => f.rule === 'kms_key_rotation_enabled_check')?.plugin).toBe('cdk-validator-cfnguard');
  });

  test('every acknowledgement carries a reason and a compensating control', () => {
    const accepted = acceptedFindings(gatedDeployment().app);
    expect(accepted.length).toBeGreaterThan(0);
    for (const a of accepted) {
      expect(a.reason.length).toBeGreaterThan(20);
      expect(a.compensatingControl.length).toBeGreaterThan(20);
    }
  });

  test('docs/accepted-findings.md lists every accepted finding and every disabled Control Tower rule', () => {
    const table = fs.readFileSync(path.join(__dirname, '..', FINDINGS_PAGE), 'utf8');
    const missing = acceptedFindings(gatedDeployment().app)
      .map((a) => ({ rule: a.ruleId, where: a.path.replace(/^example\//, '') }))
      .filter(({ rule, where }) => !table.split('\n').some((line) => line.includes(`\`${rule}\``) && line.includes(`\`${where}\``)));
    expect(missing).toEqual([]);
    for (const r of DISABLED_CONTROL_TOWER_RULES) expect(table).toContain(r.id);
  });
});
