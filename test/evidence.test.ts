import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acceptedFindings } from '../lib/baseline/acknowledge';
import { run } from '../lib/evidence/cli';
import { produceEvidence, readEvidence } from '../lib/evidence';
import { sha256File } from '../lib/evidence/assembly';
import { evidenceSchema, Evidence } from '../lib/evidence/schema';
import { gitState, PackManifest, writeEvidencePack } from '../lib/evidence/write';
import { verifyEvidence } from '../lib/evidence/verify';
import { HipaaStage } from '../lib/stage';
import { synthReference, SynthResult, testConfig } from './helpers/synth';

const NOW = new Date('2026-11-23T12:00:00Z');
const REPO = path.join(__dirname, '..');
const DEFAULT_CONFIG = path.join(REPO, 'config', 'default.json');

function withEvidence(r: SynthResult, configFile?: string): { r: SynthResult; evidence: Evidence; dir: string } {
  const { evidence, dir } = produceEvidence(r.app, r.config, 'default', r.assemblyDir, r.findings, { now: NOW, configFile });
  return { r, evidence, dir };
}
const control = (e: Evidence, id: string) => e.controls.find((c) => c.id === id)!;
const claim = (e: Evidence, id: string) => e.trustCenter.find((c) => c.id === id)!;

let base: ReturnType<typeof withEvidence>;
beforeAll(() => {
  base = withEvidence(synthReference(), DEFAULT_CONFIG);
});

describe('evidence pack written with the synth', () => {
  test('evidence.json (valid against its versioned schema), the schema, index.html and index.md', () => {
    expect(fs.readdirSync(base.dir).sort()).toEqual([
      'evidence.json',
      'evidence.schema.json',
      'index.html',
      'index.md',
      'manifest.json',
      'oscal-assessment-results.json',
      'oscal-component-definition.json',
    ]);
    const json = JSON.parse(fs.readFileSync(path.join(base.dir, 'evidence.json'), 'utf8'));
    expect(evidenceSchema.safeParse(json).success).toBe(true);
    expect(json.schemaVersion).toBe('2.0.0');
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
    expect(p.versions).toMatchObject({ node: process.version, hipaaStack: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    // The config file: where, its SHA-256 and its content as loaded.
    expect(p.config).toEqual({
      file: 'config/default.json',
      sha256: sha256File(DEFAULT_CONFIG),
      content: JSON.parse(fs.readFileSync(DEFAULT_CONFIG, 'utf8')),
    });
    // One digest for all templates: what `sha256sum <files> | sha256sum` prints for the files sorted by name.
    const listing = [...p.templates]
      .sort((a, b) => (a.file < b.file ? -1 : 1))
      .map((t) => `${sha256File(path.join(base.r.assemblyDir, t.file))}  ${t.file}\n`)
      .join('');
    expect(p.templatesDigest).toBe(crypto.createHash('sha256').update(listing).digest('hex'));
  });

  test('the manifest holds the SHA-256 of every other file of the pack, of every template and input', () => {
    const m = JSON.parse(fs.readFileSync(path.join(base.dir, 'manifest.json'), 'utf8')) as PackManifest;
    const packFiles = fs.readdirSync(base.dir).filter((f) => f !== 'manifest.json');
    expect(Object.keys(m.files).sort()).toEqual(packFiles.sort());
    for (const f of packFiles) expect(m.files[f]).toBe(sha256File(path.join(base.dir, f)));
    expect(m.templates).toEqual(Object.fromEntries(base.evidence.provenance.templates.map((t) => [t.file, t.sha256])));
    expect(Object.keys(m.inputs)).toEqual(expect.arrayContaining(['validation-report.json', 'manifest.json']));
    expect(Object.keys(m.inputs).filter((f) => f.endsWith('.metadata.json'))).toHaveLength(base.evidence.provenance.templates.length);
    for (const [f, sha] of Object.entries(m.inputs)) expect(sha256File(path.join(base.r.assemblyDir, f))).toBe(sha);
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
    expect(c.out.join()).toMatch(
      /OK: the evidence pack describes exactly the 9 templates in .*: its manifest matches its 6 files, the templates and the inputs; the evidence rebuilt from the templates equals evidence.json/,
    );
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

describe('evidence that binds: any edited byte or value of any file fails verify, naming the file', () => {
  const copy = () => {
    const to = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-bind-'));
    fs.cpSync(base.r.assemblyDir, to, { recursive: true });
    return to;
  };
  /** Change one byte near the middle of a file: the first letter or digit from there, case swapped or digit moved on. */
  const flipMiddleByte = (file: string) => {
    const b = fs.readFileSync(file);
    let i = Math.floor(b.length / 2);
    while (!/[A-Za-z0-9]/.test(String.fromCharCode(b[i]))) i++;
    const c = String.fromCharCode(b[i]);
    b[i] = (/[0-9]/.test(c) ? String((Number(c) + 1) % 10) : c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()).charCodeAt(0);
    fs.writeFileSync(file, b);
  };
  const problems = (dir: string) => {
    const r = verifyEvidence(dir);
    expect(r.ok).toBe(false);
    return r.problems.join('\n');
  };
  const auditTemplate = () => base.evidence.provenance.templates.find((t) => t.stack === 'example-Audit')!.file;
  const metadataFile = () => auditTemplate().replace('.template.json', '.metadata.json');

  test.each([
    ['evidence/evidence.json'],
    ['evidence/evidence.schema.json'],
    ['evidence/index.html'],
    ['evidence/index.md'],
    ['evidence/manifest.json'],
    ['evidence/oscal-component-definition.json'],
    ['evidence/oscal-assessment-results.json'],
    ['(the Audit stack template)'],
    ['(the Audit stack metadata: its acknowledgements)'],
    ['validation-report.json'],
  ])('one byte changed in %s', (which) => {
    const file = which === '(the Audit stack template)' ? auditTemplate() : which.startsWith('(the Audit') ? metadataFile() : which;
    const dir = copy();
    flipMiddleByte(path.join(dir, file));
    expect(problems(dir)).toContain(file);
  });

  test.each([['evidence.json'], ['index.html'], ['index.md'], ['manifest.json'], ['evidence.schema.json']])(
    'a byte added at the end of evidence/%s (whitespace only)',
    (name) => {
      const dir = copy();
      fs.appendFileSync(path.join(dir, 'evidence', name), ' ');
      expect(problems(dir)).toMatch(new RegExp(`modified: evidence/${name.replace('.', '\\.')} `));
    },
  );

  const auditBucket = (e: Evidence) => e.controls.find((c) => c.id === 'audit-worm')!.resources[0];

  test('an edited value (Object Lock years 7 -> 9) fails naming evidence.json and the field, also when every file and digest is rewritten to match', () => {
    const field = new RegExp(
      `modified: evidence/evidence\\.json controls\\[audit-worm\\]\\.resources\\[Audit/${auditBucket(base.evidence).logicalId}\\]\\.values\\.objectLockYears: the pack says 9, the templates give 7`,
    );
    // Edited in the JSON only.
    const dir = copy();
    const file = path.join(dir, 'evidence', 'evidence.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"objectLockYears": 7', '"objectLockYears": 9'));
    expect(problems(dir)).toMatch(field);
    expect(problems(dir)).toMatch(/modified: evidence\/evidence\.json has SHA-256 \w+, evidence\/manifest\.json records \w+/);
    // A careful forger: the pages, OSCAL files and manifest written again from the edited evidence.
    const forged = copy();
    const e = readEvidence(forged);
    auditBucket(e).values.objectLockYears = 9;
    writeEvidencePack(forged, e);
    expect(problems(forged).split('\n')).toEqual([expect.stringMatching(field)]);
  });

  test('an edited trust-center sentence fails, also when written into every page and the manifest', () => {
    const forged = copy();
    const e = readEvidence(forged);
    const claim = e.trustCenter.find((c) => c.id === 'audit-retention')!;
    const forgedText = claim.text!.replace('kept 7 years', 'kept 9 years');
    e.trustCenter = e.trustCenter.map((c) => (c.id === 'audit-retention' ? { ...c, text: forgedText } : c));
    writeEvidencePack(forged, e);
    expect(fs.readFileSync(path.join(forged, 'evidence', 'index.html'), 'utf8')).toContain('kept 9 years');
    const p = problems(forged);
    expect(p).toMatch(
      /modified: evidence\/evidence\.json trustCenter\[audit-retention\]\.text: the pack says "Audit records are kept 9 years/,
    );
    expect(p).toContain('the templates give "Audit records are kept 7 years');
  });

  test('an edited HTML byte fails naming index.html and where', () => {
    const dir = copy();
    const file = path.join(dir, 'evidence', 'index.html');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('Audit records are kept 7 years', 'Audit records are kept 9 years'));
    expect(problems(dir)).toMatch(
      /modified: evidence\/index\.html differs from the page rendered from evidence\.json, at line \d+, column \d+: found ".*kept 9 years/,
    );
  });

  test('a stale assembly from an earlier synth of another config is reported, naming its directory and templates', () => {
    const dir = copy();
    fs.mkdirSync(path.join(dir, 'assembly-prod'));
    fs.copyFileSync(path.join(dir, auditTemplate()), path.join(dir, 'assembly-prod', 'prodAudit1234.template.json'));
    fs.writeFileSync(path.join(dir, 'assembly-prod', 'manifest.json'), '{}');
    expect(problems(dir)).toMatch(
      /stale: assembly-prod\/ is not an assembly of this synth \(.*manifest\.json does not list it\) and holds 1 template\(s\) the pack does not describe: assembly-prod\/prodAudit1234\.template\.json/,
    );
  });

  test('a file added to the pack, or the manifest removed, fails', () => {
    const added = copy();
    fs.writeFileSync(path.join(added, 'evidence', 'notes.txt'), 'approved');
    expect(problems(added)).toContain('added: evidence/notes.txt is in the pack but not in evidence/manifest.json');
    const noManifest = copy();
    fs.rmSync(path.join(noManifest, 'evidence', 'manifest.json'));
    expect(problems(noManifest)).toMatch(/missing: evidence\/manifest\.json: the pack has no manifest/);
  });

  test('an untracked config is dirty, named, with its SHA-256 and content in the provenance; an ignored one too', () => {
    const untracked = path.join(REPO, 'config', `zz-evidence-untracked-${process.pid}.json`);
    const ignored = path.join(REPO, 'test', '.out', `evidence-ignored-${process.pid}.json`);
    fs.mkdirSync(path.dirname(ignored), { recursive: true });
    try {
      for (const [file, status] of [
        [untracked, '\\?\\? config/zz-evidence-untracked-\\d+\\.json \\(used by the synth, not tracked\\)'],
        [ignored, '!! test/\\.out/evidence-ignored-\\d+\\.json \\(used by the synth, ignored by git\\)'],
      ] as const) {
        fs.copyFileSync(DEFAULT_CONFIG, file);
        const dir = copy();
        const p = produceEvidence(base.r.app, base.r.config, 'copied', dir, base.r.findings, { now: NOW, configFile: file }).evidence
          .provenance;
        expect(p.gitDirty).toBe(true);
        expect(p.gitDirtyFiles).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${status}$`))]));
        expect(p.config).toEqual({
          file: path.relative(REPO, file),
          sha256: sha256File(file),
          content: JSON.parse(fs.readFileSync(file, 'utf8')),
        });
        expect(verifyEvidence(dir)).toMatchObject({ ok: true, problems: [] });
        fs.rmSync(file);
      }
    } finally {
      fs.rmSync(untracked, { force: true });
      fs.rmSync(ignored, { force: true });
    }
  });

  test('a config file that does not hold the config the app was built with is refused', () => {
    const other = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-')), 'other.json');
    fs.writeFileSync(other, JSON.stringify({ ...JSON.parse(fs.readFileSync(DEFAULT_CONFIG, 'utf8')), auditRetentionYears: 9 }));
    expect(() => produceEvidence(base.r.app, base.r.config, 'x', copy(), base.r.findings, { configFile: other })).toThrow(
      `the config file ${other} does not hold the config the app was built with`,
    );
  });

  test('git state: clean only when nothing is changed, untracked, or used without git', () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'git-state-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, stdio: 'ignore' });
    git('init', '-q');
    fs.writeFileSync(path.join(repo, '.gitignore'), 'local/\n');
    fs.writeFileSync(path.join(repo, 'a.json'), '{}');
    git('add', '.');
    git('commit', '-qm', 'init');
    expect(gitState(repo, [path.join(repo, 'a.json')])).toMatchObject({
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      dirty: false,
      dirtyFiles: [],
    });
    fs.mkdirSync(path.join(repo, 'local'));
    fs.writeFileSync(path.join(repo, 'local', 'c.json'), '{}');
    // Ignored and not used: clean. Ignored and used: dirty.
    expect(gitState(repo).dirty).toBe(false);
    expect(gitState(repo, [path.join(repo, 'local', 'c.json')]).dirtyFiles).toEqual([
      '!! local/c.json (used by the synth, ignored by git)',
    ]);
    const outside = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'outside-')), 'c.json');
    fs.writeFileSync(outside, '{}');
    expect(gitState(repo, [outside]).dirtyFiles).toEqual([`-- ${outside} (used by the synth, outside the repository)`]);
    fs.writeFileSync(path.join(repo, 'b.txt'), 'x');
    expect(gitState(repo)).toMatchObject({ dirty: true, dirtyFiles: ['?? b.txt'] });
    fs.rmSync(path.join(repo, 'b.txt'));
    fs.writeFileSync(path.join(repo, 'a.json'), '{"x":1}');
    expect(gitState(repo)).toMatchObject({ dirty: true, dirtyFiles: [' M a.json'] });
    expect(gitState(os.tmpdir())).toEqual({ commit: null, dirty: null, dirtyFiles: [] });
  });
});
