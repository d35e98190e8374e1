import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acceptedFindings } from '../lib/baseline/acknowledge';
import { run } from '../lib/evidence/cli';
import { produceEvidence, readEvidence } from '../lib/evidence';
import { evidenceSchema, Evidence } from '../lib/evidence/schema';
import { verifyEvidence } from '../lib/evidence/verify';
import { HipaaStage } from '../lib/stage';
import { synthReference, SynthResult, testConfig } from './helpers/synth';

const NOW = new Date('2026-11-23T12:00:00Z');

function withEvidence(r: SynthResult): { r: SynthResult; evidence: Evidence; dir: string } {
  const { evidence, dir } = produceEvidence(r.app, r.config, 'default', r.assemblyDir, r.findings, NOW);
  return { r, evidence, dir };
}
const control = (e: Evidence, id: string) => e.controls.find((c) => c.id === id)!;
const claim = (e: Evidence, id: string) => e.trustCenter.find((c) => c.id === id)!;

let base: ReturnType<typeof withEvidence>;
beforeAll(() => {
  base = withEvidence(synthReference());
});

describe('evidence pack written with the synth', () => {
  test('evidence.json (valid against its versioned schema), the schema, index.html and index.md', () => {
    for (const f of ['evidence.json', 'evidence.schema.json', 'index.html', 'index.md'])
      expect(fs.existsSync(path.join(base.dir, f))).toBe(true);
    const json = JSON.parse(fs.readFileSync(path.join(base.dir, 'evidence.json'), 'utf8'));
    expect(evidenceSchema.safeParse(json).success).toBe(true);
    expect(json.schemaVersion).toBe('1.0.0');
    const schema = JSON.parse(fs.readFileSync(path.join(base.dir, 'evidence.schema.json'), 'utf8'));
    expect(schema.properties.controls).toBeDefined();
  });

  test('provenance: commit, time, config, regions, versions and the hash of every template', () => {
    const p = base.evidence.provenance;
    expect(base.evidence.generatedAt).toBe(NOW.toISOString());
    expect(p).toMatchObject({
      configName: 'default',
      environment: 'example',
      regions: { primary: 'us-east-1', disasterRecovery: 'us-west-2' },
    });
    expect(p.gitCommit === null || /^[0-9a-f]{40}$/.test(p.gitCommit)).toBe(true);
    expect(p.versions.awsCdkLib).toMatch(/^2\.\d+\.\d+$/);
    expect(p.versions.cdkNag).toMatch(/^3\./);
    expect(p.versions.guardRules).toMatch(/^\d+\.\d+/);
    expect(p.templates.map((t) => t.stack).sort()).toEqual(
      [
        'example-Audit',
        'example-Data',
        'example-DrBackup',
        'example-Edge',
        'example-Keys',
        'example-Monitoring',
        'example-Network',
        'example-Workers',
        // The first tenant shard stack exists also without tenants (removing its last tenant converges).
        'example-Tenants0',
      ].sort(),
    );
    for (const t of p.templates) expect(t.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('every infrastructure HIPAA section is answered, and the reference deployment meets every control', () => {
    const sections = base.evidence.sections.map((s) => s.section);
    for (const s of [
      '164.308(a)(1)(ii)(D)',
      '164.308(a)(7)(ii)(A)',
      '164.308(a)(7)(ii)(B)',
      '164.308(a)(7)(ii)(C)',
      '164.312(a)(1)',
      '164.312(a)(2)(iv)',
      '164.312(b)',
      '164.312(c)(1)',
      '164.312(c)(2)',
      '164.312(d)',
      '164.312(e)(1)',
      '164.312(e)(2)(ii)',
      '164.316(b)(2)(i)',
    ]) {
      expect(sections).toContain(s);
      expect(base.evidence.sections.find((x) => x.section === s)!.controls.length).toBeGreaterThan(0);
    }
    expect(base.evidence.summary.notMet).toBe(0);
    expect(base.evidence.controls.filter((c) => c.status === 'not-met').map((c) => c.id)).toEqual([]);
  });

  test('rows carry resources (stack, logical id, construct path, type), template values and the rules of every pack', () => {
    const worm = control(base.evidence, 'audit-worm');
    expect(worm.resources).toHaveLength(1);
    expect(worm.resources[0]).toMatchObject({
      stack: 'Audit',
      type: 'AWS::S3::Bucket',
      path: 'example/Audit/AuditBucket/Secure/Bucket/Resource',
      values: { objectLockMode: 'COMPLIANCE', objectLockYears: 7, versioning: 'Enabled', deletionPolicy: 'Retain' },
    });
    expect(worm.rules).toEqual({
      hipaa: [],
      nist: [],
      controlTower: ['CT.S3.PR.9'],
      strict: ['HIPAA.Strict-S3AuditBucketWORM', 'HIPAA.Strict-StatefulRetain', 'HIPAA.Strict-StatefulLogicalIds'],
    });
    expect(control(base.evidence, 'database-encryption').resources[0].values.key).toMatch(
      /^Keys:DatabaseKey\w+ \(alias\/hipaa\/example\/database\)$/,
    );
  });

  test('every accepted finding of the app is in the pack, and rows it covers say so', () => {
    const inPack = base.evidence.acceptedFindings.map((a) => `${a.rule}@${a.path}`);
    for (const a of acceptedFindings(base.r.app)) expect(inPack).toContain(`${a.ruleId}@${a.path}`);
    expect(base.evidence.acceptedFindings.every((a) => a.reason && a.compensatingControl)).toBe(true);
    const logs = control(base.evidence, 's3-encryption').resources.find((r) => r.path.includes('AccessLogs'))!;
    expect(logs.status).toBe('met-with-accepted-finding');
    expect(logs.accepted).toContain('HIPAA.Security-S3DefaultEncryptionKMS');
  });

  test('the data inventory lists every store with its key, retention, backup, replication and deletion', () => {
    const db = base.evidence.dataInventory.find((d) => d.type === 'AWS::RDS::DBInstance')!;
    expect(db).toMatchObject({ holds: 'PHI database', deletion: 'DeletionPolicy Snapshot', backup: 'AWS Backup plan (daily)' });
    expect(db.encryptionKey).toMatch(/alias\/hipaa\/example\/database/);
    expect(db.retention).toMatch(/35 days/);
    const audit = base.evidence.dataInventory.find((d) => d.holds === 'audit records')!;
    expect(audit.retention).toMatch(/Object Lock COMPLIANCE 7 years/);
    expect(base.evidence.dataInventory.map((d) => d.type)).toEqual(
      expect.arrayContaining([
        'AWS::S3::Bucket',
        'AWS::SQS::Queue',
        'AWS::Logs::LogGroup',
        'AWS::Backup::BackupVault',
        'AWS::SecretsManager::Secret',
      ]),
    );
  });

  test('out of scope is said plainly', () => {
    expect(base.evidence.outOfScope.join(' ')).toMatch(/Business Associate Addendum/);
    expect(base.evidence.outOfScope.join(' ')).toMatch(/training/);
    expect(base.evidence.outOfScope.join(' ')).toMatch(/Incident response/);
  });

  test('trust-center sentences come from template values and link to their rows', () => {
    expect(claim(base.evidence, 'audit-retention').text).toMatch(/^Audit records are kept 7 years in write-once storage/);
    expect(claim(base.evidence, 'point-in-time-recovery').text).toMatch(/point-in-time recovery across 35 days/);
    expect(claim(base.evidence, 'rate-limits').text).toMatch(/2000 per five minutes; 100 on sign-in/);
    expect(base.evidence.trustCenter.every((c) => c.text && !c.gap)).toBe(true);
    const html = fs.readFileSync(path.join(base.dir, 'index.html'), 'utf8');
    expect(html).toContain('Audit records are kept 7 years in write-once storage');
    expect(html).toContain('href="#control-audit-worm"');
    expect(html).toContain('id="control-audit-worm"');
    expect(fs.readFileSync(path.join(base.dir, 'index.md'), 'utf8')).toContain('Audit records are kept 7 years');
  });

  test('changing the config (audit years 7 -> 8) changes the evidence and the sentence', () => {
    const eight = withEvidence(synthReference(testConfig({ auditRetentionYears: 8 }), { complianceGate: false })).evidence;
    expect(control(eight, 'audit-worm').resources[0].values.objectLockYears).toBe(8);
    expect(claim(eight, 'audit-retention').text).toMatch(/^Audit records are kept 8 years/);
    expect(control(eight, 'log-retention').resources.some((r) => r.values.retentionDays === 2922)).toBe(true);
  });

  test('removing a control turns its row to not met and replaces its sentence with the gap', () => {
    const weakened = withEvidence(
      synthReference(testConfig(), {
        complianceGate: false,
        mutate: (s: HipaaStage) => {
          (s.audit.auditBucket.node.defaultChild as s3.CfnBucket).objectLockConfiguration = {
            objectLockEnabled: 'Enabled',
            rule: { defaultRetention: { mode: 'GOVERNANCE', years: 7 } },
          };
        },
      }),
    ).evidence;
    expect(control(weakened, 'audit-worm').status).toBe('not-met');
    expect(control(weakened, 'audit-worm').resources[0].failed).toContain('HIPAA.Strict-S3AuditBucketWORM');
    expect(claim(weakened, 'audit-retention').text).toBeNull();
    expect(claim(weakened, 'audit-retention').gap).toMatch(/Not stated: "Audit records kept in write-once storage".*audit-worm/);
    expect(weakened.sections.find((s) => s.section === '164.312(c)(1)')!.status).toBe('not-met');
  });
});

describe('evidence verify and diff', () => {
  const copyAssembly = (from: string) => {
    const to = fs.mkdtempSync(path.join(os.tmpdir(), 'assembly-copy-'));
    fs.cpSync(from, to, { recursive: true });
    return to;
  };
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, o: (s: string) => out.push(s), e: (s: string) => err.push(s) };
  };

  test('verify passes on the untouched assembly', () => {
    expect(verifyEvidence(base.r.assemblyDir)).toMatchObject({ ok: true, problems: [] });
    const c = io();
    expect(run(['verify', base.r.assemblyDir], c.o, c.e)).toBe(0);
    expect(c.out.join()).toMatch(/OK: the evidence pack describes exactly the 9 templates/);
  });

  test('a tampered template fails verify, naming the file', () => {
    const dir = copyAssembly(base.r.assemblyDir);
    const file = base.evidence.provenance.templates.find((t) => t.stack === 'example-Audit')!.file;
    const t = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    const bucket = Object.values(
      t.Resources as Record<string, { Properties: { ObjectLockConfiguration?: { Rule: { DefaultRetention: { Years: number } } } } }>,
    ).find((r) => r.Properties?.ObjectLockConfiguration)!;
    bucket.Properties.ObjectLockConfiguration!.Rule.DefaultRetention.Years = 1;
    fs.writeFileSync(path.join(dir, file), JSON.stringify(t, undefined, 1));
    const c = io();
    expect(run(['verify', dir], c.o, c.e)).toBe(1);
    expect(c.out.join()).toMatch(new RegExp(`modified: ${file.replace(/[.]/g, '\\.')} has SHA-256`));
  });

  test('a removed or added template fails verify', () => {
    const dir = copyAssembly(base.r.assemblyDir);
    const ev = JSON.parse(fs.readFileSync(path.join(dir, 'evidence', 'evidence.json'), 'utf8')) as Evidence;
    ev.provenance.templates.pop();
    fs.writeFileSync(path.join(dir, 'evidence', 'evidence.json'), JSON.stringify(ev));
    expect(verifyEvidence(dir).problems.join()).toMatch(/added: .* is in the assembly but not described/);
  });

  test('a template the evidence does not describe fails verify, also outside the manifest (a copied file, a nested stack)', () => {
    const dir = copyAssembly(base.r.assemblyDir);
    const file = base.evidence.provenance.templates[0].file;
    fs.copyFileSync(path.join(dir, file), path.join(dir, path.dirname(file), 'Extra.template.json'));
    fs.copyFileSync(path.join(dir, file), path.join(dir, 'Root.nested.template.json'));
    const c = io();
    expect(run(['verify', dir], c.o, c.e)).toBe(1);
    expect(c.out.join()).toContain(`added: ${path.join(path.dirname(file), 'Extra.template.json')} is in the assembly but not described`);
    expect(c.out.join()).toContain('added: Root.nested.template.json is in the assembly but not described');
  });

  test('bad arguments and unreadable input are clear errors with exit code 2', () => {
    const c = io();
    expect(run(['verfy', 'cdk.out'], c.o, c.e)).toBe(2);
    expect(c.err.join()).toMatch(/expected "verify <cdk.out>" or "diff <old> <new>", got: verfy cdk.out/);
    expect(run(['verify', '/nonexistent'], c.o, c.e)).toBe(2);
    expect(c.err.join()).toMatch(/no evidence pack at \/nonexistent/);
    expect(run(['diff', 'a', 'b', '--force'], c.o, c.e)).toBe(2);
    expect(c.err.join()).toMatch(/unknown option --force; allowed: --allow-weakening, --json/);
  });

  test('diff reports a weakened control and exits non-zero unless told not to', () => {
    const six = withEvidence(synthReference(testConfig({ auditRetentionYears: 6 }), { complianceGate: false }));
    const c = io();
    expect(run(['diff', base.dir + '/evidence.json', six.r.assemblyDir], c.o, c.e)).toBe(1);
    expect(c.out.join('\n')).toMatch(/Controls weakened.*\n.*audit-worm Audit\/\w+ \(AWS::S3::Bucket\) objectLockYears: 7 -> 6/);
    expect(c.err.join()).toMatch(/weakened; pass --allow-weakening/);
    expect(run(['diff', base.dir + '/evidence.json', six.r.assemblyDir, '--allow-weakening'], c.o, c.e)).toBe(0);
    const back = io();
    expect(run(['diff', six.r.assemblyDir, base.r.assemblyDir], back.o, back.e)).toBe(0);
    expect(back.out.join('\n')).toMatch(/Controls strengthened/);
  });

  test('diff lists findings accepted or removed and resources added or removed', () => {
    const before = readEvidence(base.r.assemblyDir);
    const after: Evidence = JSON.parse(JSON.stringify(before));
    after.acceptedFindings.pop();
    const services = after.controls.find((x) => x.id === 'eligible-services')!;
    services.resources.push({ ...services.resources[0], logicalId: 'NewThing', type: 'AWS::SQS::Queue' });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ev-')), 'evidence.json');
    fs.writeFileSync(file, JSON.stringify(after));
    const c = io();
    expect(run(['diff', base.r.assemblyDir, file, '--json'], c.o, c.e)).toBe(0);
    const d = JSON.parse(c.out.join());
    expect(d.findingsRemoved).toHaveLength(1);
    expect(d.resourcesAdded).toEqual([expect.stringContaining('NewThing')]);
  });
});
