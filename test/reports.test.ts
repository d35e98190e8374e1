import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as xml from 'fast-xml-parser';
import type * as sarif from 'sarif';
import { acceptedFindings } from '../lib/baseline/acknowledge';
import { complianceCheckLog, DISABLED_CONTROL_TOWER_RULES } from '../lib/compliance/gate';
import {
  acceptCall,
  collectChecks,
  ComplianceChecks,
  FINGERPRINT_KEY,
  formatFindingsByResource,
  JUNIT_FILE,
  SARIF_FILE,
  toJUnit,
  toSarif,
  writeComplianceReports,
} from '../lib/reports';
import { gatedDeployment, synthReference, SynthResult, testConfig } from './helpers/synth';

const ROOT = path.join(__dirname, '..');
const PACKS = ['HIPAA.Security', 'NIST.800.53.R5', 'HIPAA.Strict', 'cdk-validator-cfnguard'];
/** The official OASIS SARIF 2.1.0 schema (errata 01), vendored from oasis-tcs/sarif-spec sarif-2.1/schema/. */
const SARIF_SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'));

// The SARIF schema is JSON Schema draft-04 (`id`, not `$id`).
const ajv = new Ajv({ schemaId: 'auto', allErrors: true });
ajv.addMetaSchema(JSON.parse(fs.readFileSync(require.resolve('ajv/lib/refs/json-schema-draft-04.json'), 'utf8')));
const sarifValidator = ajv.compile(SARIF_SCHEMA);

function validateSarif(log: sarif.Log): string[] {
  const valid = sarifValidator(JSON.parse(JSON.stringify(log)));
  return valid ? [] : (sarifValidator.errors ?? []).map((e) => `${e.dataPath} ${e.message}`);
}

interface JUnitCase {
  name: string;
  classname: string;
  file?: string;
  line?: string;
  failure?: { message: string; '#text': string };
  skipped?: { message: string };
}
interface JUnitSuite {
  name: string;
  tests: string;
  failures: string;
  skipped: string;
  testcase: JUnitCase[];
}

function parseJUnit(text: string): JUnitSuite[] {
  expect(xml.validate(text)).toBe(true);
  const doc = xml.parse(text, {
    ignoreAttributes: false,
    attributeNamePrefix: '',
    arrayMode: (name: string) => ['testsuite', 'testcase'].includes(name),
  });
  return doc.testsuites.testsuite as JUnitSuite[];
}

function checksOf(r: SynthResult): ComplianceChecks {
  return collectChecks(r.app, r.assemblyDir, {
    log: complianceCheckLog(r.app),
    disabledControlTowerRules: DISABLED_CONTROL_TOWER_RULES.map((d) => d.id),
    cwd: ROOT,
  });
}

describe('SARIF and JUnit reports of the reference deployment', () => {
  let checks: ComplianceChecks;
  let log: sarif.Log;
  beforeAll(() => {
    const r = gatedDeployment();
    checks = checksOf(r);
    log = toSarif(checks, r.assemblyDir, ROOT);
  });

  test('the SARIF log is valid against the official SARIF 2.1.0 schema', () => {
    expect(validateSarif(log)).toEqual([]);
    expect(log.version).toBe('2.1.0');
  });

  test('one run per pack, each with its rules described: id, short and full description, help with fix and HIPAA section', () => {
    // The four packs of the gate, then any other plugin that reported (the CDK's own template checks here).
    expect(log.runs.map((r) => r.tool.driver.name).slice(0, 4)).toEqual(PACKS);
    for (const run of log.runs.filter((r) => PACKS.includes(r.tool.driver.name))) {
      expect(run.tool.driver.rules!.length).toBeGreaterThan(10);
      for (const rule of run.tool.driver.rules!) {
        expect(rule.shortDescription!.text.length).toBeGreaterThan(5);
        expect(rule.fullDescription!.text.length).toBeGreaterThan(5);
        expect(rule.help!.text).toMatch(/^Fix: .{10,}/);
        expect(rule.help!.text).toMatch(/HIPAA: /);
        expect(rule.help!.text).toMatch(/accept(Nag)?Finding\(/);
      }
    }
    const strict = log.runs.find((r) => r.tool.driver.name === 'HIPAA.Strict')!.tool.driver.rules!;
    expect(strict.find((r) => r.id === 'HIPAA.Strict-KMSKeyRotation')!.help!.text).toMatch(/HIPAA: 45 CFR .*164\.312\(a\)\(2\)\(iv\)/);
    const ct = log.runs.find((r) => r.tool.driver.name === 'cdk-validator-cfnguard')!.tool.driver.rules!;
    const s3Public = ct.find((r) => r.name === 's3_bucket_level_public_access_prohibited_check')!;
    expect(s3Public.shortDescription!.text).toContain('CT.S3.PR.1');
    expect(s3Public.help!.text).toContain('BlockPublicAcls');
  });

  test('every acknowledged finding is a result with a suppression carrying its reason (no open alert)', () => {
    const results = log.runs.flatMap((r) => r.results!);
    expect(results.length).toBeGreaterThan(0);
    for (const res of results) {
      expect(res.suppressions).toEqual([expect.objectContaining({ kind: 'inSource', status: 'accepted' })]);
      expect(res.suppressions![0].justification!.length).toBeGreaterThan(20);
      expect(res.partialFingerprints![FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{64}$/);
      expect(res.properties).toEqual(
        expect.objectContaining({ constructPath: expect.any(String), logicalId: expect.any(String), stack: expect.any(String) }),
      );
    }
    // Every acknowledgement made in the app shows up (cdk-nag's report omits them; the check log has them).
    const suppressed = new Set(results.map((r) => `${r.ruleId} ${(r.properties as { constructPath: string }).constructPath}`));
    const accepted = acceptedFindings(gatedDeployment().app);
    expect(accepted.length).toBeGreaterThan(10);
    for (const a of accepted) expect([...suppressed].some((s) => s.startsWith(`${a.ruleId} ${a.path}`))).toBe(true);
  });

  test('results point at the line of code that created the construct', () => {
    for (const res of log.runs.flatMap((r) => r.results!)) {
      const loc = res.locations![0].physicalLocation!;
      const file = path.join(ROOT, loc.artifactLocation!.uri!);
      expect(fs.existsSync(file)).toBe(true);
      expect(loc.artifactLocation!.uri).toMatch(/\.ts$/);
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      expect(lines[loc.region!.startLine! - 1]).toMatch(/new /);
    }
  });

  test('the JUnit report has a test case per rule × resource checked: passes counted, acknowledgements skipped with reason', () => {
    const suites = parseJUnit(toJUnit(checks));
    expect(suites.map((s) => s.name).slice(0, 4)).toEqual(PACKS);
    for (const s of suites) {
      expect(Number(s.tests)).toBe(s.testcase.length);
      expect(Number(s.failures)).toBe(0);
      expect(Number(s.skipped)).toBe(s.testcase.filter((c) => c.skipped).length);
      for (const c of s.testcase.filter((x) => x.skipped)) expect(c.skipped!.message).toMatch(/^acknowledged: .{20,}/);
    }
    const names = suites.flatMap((s) => s.testcase.map((c) => c.name));
    // A pass of our pack, a pass of cdk-nag, a pass computed for Control Tower from the rule's resource types.
    expect(names.filter((n) => n.startsWith('HIPAA.Strict-KMSKeyRotation ')).length).toBeGreaterThanOrEqual(3);
    expect(names).toContainEqual(expect.stringMatching(/^HIPAA\.Security-RDSStorageEncrypted example\/Data\//));
    expect(names).toContainEqual(expect.stringMatching(/^cdk-validator-cfnguard::kms_key_rotation_enabled_check /));
    // Not-applicable checks are not test cases: no KMS rule on a bucket.
    expect(names.filter((n) => /^HIPAA\.Strict-KMSKeyRotation .*Bucket/.test(n))).toEqual([]);
  });
});

describe('a non-compliant change', () => {
  let r: SynthResult;
  let checks: ComplianceChecks;
  beforeAll(() => {
    r = synthReference(testConfig(), {
      mutate: (stage) => {
        const data = stage.node.findChild('Data') as Stack;
        // A bucket with none of the project's protections, created here (the reports must point at this line).
        new s3.Bucket(data, 'CarelessBucket', { encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: false }); // CARELESS-LINE
      },
    });
    checks = checksOf(r);
  });
  const carelessLine = () =>
    fs
      .readFileSync(__filename, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes('// CARELESS-LINE') && l.includes('new s3.Bucket')) + 1;

  test('shows up in the SARIF log as located, unsuppressed error results with a stable fingerprint', () => {
    const log = toSarif(checks, r.assemblyDir, ROOT);
    expect(validateSarif(log)).toEqual([]);
    const open = log.runs.flatMap((run) => run.results!).filter((x) => !x.suppressions);
    const careless = open.filter((x) => (x.properties as { constructPath: string }).constructPath.includes('CarelessBucket'));
    const rules = careless.map((x) => x.ruleId);
    expect(rules).toEqual(
      expect.arrayContaining([
        'HIPAA.Security-S3BucketSSLRequestsOnly',
        'HIPAA.Strict-S3BucketCustomerKey',
        'HIPAA.Strict-S3BucketTLSOnly',
      ]),
    );
    for (const x of careless) {
      expect(x.level).toBe('error');
      expect(x.locations![0].physicalLocation!.artifactLocation!.uri).toBe('test/reports.test.ts');
      expect(x.locations![0].physicalLocation!.region!.startLine).toBe(carelessLine());
    }
    // Fingerprints do not depend on the run: the acknowledged findings of the reference deployment keep theirs.
    const before = toSarif(checksOf(gatedDeployment()), gatedDeployment().assemblyDir, ROOT);
    const prints = (l: sarif.Log) =>
      new Set(l.runs.flatMap((run) => run.results!.filter((x) => x.suppressions).map((x) => x.partialFingerprints![FINGERPRINT_KEY])));
    expect(prints(log)).toEqual(prints(before));
  });

  test('fails the matching JUnit test cases with what is wrong, where, and the fix', () => {
    const failed = parseJUnit(toJUnit(checks))
      .flatMap((s) => s.testcase)
      .filter((c) => c.failure);
    expect(failed.length).toBe(checks.results.filter((x) => x.status === 'failed').length);
    const tls = failed.find((c) => c.name.startsWith('HIPAA.Strict-S3BucketTLSOnly ') && c.name.includes('CarelessBucket'))!;
    expect(tls.file).toBe('test/reports.test.ts');
    expect(Number(tls.line)).toBe(carelessLine());
    expect(tls.failure!['#text']).toMatch(/Fix: /);
    expect(tls.failure!['#text']).toMatch(/HIPAA: 45 CFR 164\.312/);
  });

  test('the gate prints findings grouped by resource with source line, fix and the call that accepts each', () => {
    const text = formatFindingsByResource(checks);
    const block = text.split('\n\n').find((b) => b.includes('CarelessBucket/Resource'))!;
    expect(block.split('\n')[0]).toMatch(new RegExp(`^test/reports\\.test\\.ts:${carelessLine()}  example/Data/CarelessBucket/Resource`));
    expect(block).toContain(
      "accept: acceptNagFinding(/* the construct at example/Data/CarelessBucket/Resource */ construct, 'S3BucketSSLRequestsOnly', {",
    );
    expect(block).toContain(
      "accept: acceptFinding(/* the construct at example/Data/CarelessBucket/Resource */ construct, { ruleId: 'HIPAA.Strict-S3BucketTLSOnly',",
    );
    expect(block).toMatch(/fix: {4}\S/);
    // Once per resource, not once per rule and pack.
    expect(text.split('\n').filter((l) => l.includes('  example/Data/CarelessBucket/Resource')).length).toBe(1);
  });

  test('writes both files beside validation-report.json', () => {
    const out = writeComplianceReports(r.app, r.assemblyDir, { log: complianceCheckLog(r.app), cwd: ROOT });
    expect(out.sarif).toBe(path.join(r.assemblyDir, SARIF_FILE));
    expect(out.junit).toBe(path.join(r.assemblyDir, JUNIT_FILE));
    expect(validateSarif(JSON.parse(fs.readFileSync(out.sarif, 'utf8')))).toEqual([]);
    expect(fs.readdirSync(r.assemblyDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('acceptCall', () => {
  test('cdk-nag rules are accepted in both packs by suffix; other rules by full id', () => {
    expect(acceptCall('NIST.800.53.R5-S3BucketReplicationEnabled', 'bucket')).toMatch(
      /^acceptNagFinding\(bucket, 'S3BucketReplicationEnabled', \{ reason: /,
    );
    expect(acceptCall('cdk-validator-cfnguard::s3_bucket_versioning_enabled_check', 'b')).toMatch(
      /^acceptFinding\(b, \{ ruleId: 'cdk-validator-cfnguard::s3_bucket_versioning_enabled_check', reason: '.*', compensatingControl: '.*' \}\)$/,
    );
  });
});
