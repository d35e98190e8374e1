import { run } from '../lib/evidence/cli';
import { produceEvidence } from '../lib/evidence';
import { diffEvidence } from '../lib/evidence/diff';
import { Evidence } from '../lib/evidence/schema';
import { synthReference, testConfig } from './helpers/synth';

// Two evidence packs built by the real builder from two configs: backups kept 90 days and audit records 7 years,
// then 35 days and 8 years. What a deploy of the second cannot take back is listed first, under its own heading.
const NOW = new Date('2026-11-23T12:00:00Z');
const build = (overrides: Parameters<typeof testConfig>[0]) => {
  const r = synthReference(testConfig(overrides), { complianceGate: false });
  return produceEvidence(r.app, r.config, 'default', r.assemblyDir, r.findings, NOW);
};
let before: { evidence: Evidence; dir: string };
let after: { evidence: Evidence; dir: string };
beforeAll(() => {
  before = build({ backupRetentionDays: 90, auditRetentionYears: 7 });
  after = build({ backupRetentionDays: 35, auditRetentionYears: 8 });
});
const copy = (e: Evidence): Evidence => JSON.parse(JSON.stringify(e)) as Evidence;

describe('evidence diff: irreversible changes flagged before deploy', () => {
  test('Object Lock years, Vault Lock minimum retention and a shorter backup plan retention, from two configs', () => {
    const d = diffEvidence(before.evidence, after.evidence);
    expect(d.irreversible).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^audit-worm Audit\/\w+ \(AWS::S3::Bucket\) objectLockYears: 7 -> 8: objects already written keep/),
        expect.stringMatching(
          /^backups-locked DrBackup\/\w+ \(AWS::Backup::BackupVault\) lockMinRetentionDays: 90 -> 35: Vault Lock is immutable/,
        ),
        expect.stringMatching(/^backups-locked Data\/\w+ \(AWS::Backup::BackupVault\) lockMinRetentionDays: 90 -> 35/),
        expect.stringMatching(
          /^backups-locked Data\/\w+ \(AWS::Backup::BackupPlan\) rule 1 keepDays 90 -> 35: recovery points already taken/,
        ),
        expect.stringMatching(/^backups-locked Data\/\w+ \(AWS::Backup::BackupPlan\) rule 1 copy 1 keepDays 90 -> 35/),
      ]),
    );
    // The same change back is still irreversible for the locks (any change), not for the plan (longer is fine).
    const back = diffEvidence(after.evidence, before.evidence);
    expect(back.irreversible.some((l) => /lockMinRetentionDays: 35 -> 90/.test(l))).toBe(true);
    expect(back.irreversible.some((l) => /BackupPlan/.test(l))).toBe(false);
    expect(diffEvidence(before.evidence, before.evidence).irreversible).toEqual([]);
  });

  test('Vault Lock max retention and changeable-for days, Object Lock mode, a shorter RDS backup window', () => {
    const e = copy(before.evidence);
    const vault = e.controls.find((c) => c.id === 'backups-locked')!.resources.find((r) => r.type === 'AWS::Backup::BackupVault')!;
    vault.values = { ...vault.values, lockMaxRetentionDays: 365, lockChangeableForDays: 7 };
    const bucket = e.controls.find((c) => c.id === 'audit-worm')!.resources[0];
    bucket.values = { ...bucket.values, objectLockMode: 'GOVERNANCE' };
    const db = e.controls.find((c) => c.id === 'database-recovery')!.resources[0];
    const days = db.values.backupRetentionDays as number;
    db.values = { ...db.values, backupRetentionDays: days - 28 };
    const d = diffEvidence(before.evidence, e);
    for (const re of [
      /lockMaxRetentionDays: null -> 365: Vault Lock is immutable/,
      /lockChangeableForDays: .* -> 7: Vault Lock is immutable/,
      /objectLockMode: "COMPLIANCE" -> "GOVERNANCE"/,
      new RegExp(`database-recovery .* backupRetentionDays: ${days} -> ${days - 28}: RDS deletes the automated backups`),
    ])
      expect(d.irreversible).toEqual(expect.arrayContaining([expect.stringMatching(re)]));
    // A longer RDS window is not irreversible.
    db.values = { ...db.values, backupRetentionDays: days + 1 };
    expect(diffEvidence(before.evidence, e).irreversible.filter((l) => l.startsWith('database-recovery'))).toEqual([]);
  });

  test('a key, a locked bucket or a locked vault removed', () => {
    const e = copy(before.evidence);
    const drop = (id: string, type?: string) => {
      const c = e.controls.find((x) => x.id === id)!;
      const i = c.resources.findIndex((r) => !type || r.type === type);
      return c.resources.splice(i, 1)[0];
    };
    const key = drop('kms-customer-keys');
    const bucket = drop('audit-worm');
    const vault = drop('backups-locked', 'AWS::Backup::BackupVault');
    const d = diffEvidence(before.evidence, e);
    expect(d.irreversible).toEqual(
      expect.arrayContaining([
        `kms-customer-keys ${key.stack}/${key.logicalId} (AWS::KMS::Key) removed: the key is scheduled for deletion: whatever it encrypted becomes unreadable when the window ends`,
        expect.stringContaining(`audit-worm ${bucket.stack}/${bucket.logicalId} (AWS::S3::Bucket) removed: a locked bucket`),
        expect.stringContaining(`backups-locked ${vault.stack}/${vault.logicalId} (AWS::Backup::BackupVault) removed: a locked vault`),
      ]),
    );
  });

  test('the CLI prints the irreversible changes first, under their own heading', () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = run(
      ['diff', before.dir + '/evidence.json', after.dir + '/evidence.json'],
      (s) => out.push(s),
      (s) => err.push(s),
    );
    const text = out.join('\n');
    expect(text.split('\n')[0]).toMatch(
      /^IRREVERSIBLE: cannot be undone after deploy \(or fails the update\); review before cdk deploy \(\d+\):$/,
    );
    expect(text.indexOf('IRREVERSIBLE')).toBeLessThan(text.indexOf('Controls weakened'));
    expect(code).toBe(1); // shorter backups are also a weakening
    const json: string[] = [];
    run(
      ['diff', before.dir + '/evidence.json', after.dir + '/evidence.json', '--json', '--allow-weakening'],
      (s) => json.push(s),
      () => undefined,
    );
    expect((JSON.parse(json.join('')) as { irreversible: string[] }).irreversible.length).toBeGreaterThanOrEqual(5);
  });
});
