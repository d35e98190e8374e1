import { loadAssemblyModel } from '../lib/behaviour/assembly-model';
import { interactionCatalogue } from '../lib/behaviour/catalogue';
import { evaluateReachability } from '../lib/behaviour/network';
import { synthReference, testConfig } from './helpers/synth';
import { evaluateInteraction, evaluatePath } from './behaviour/evaluate';
import { behaviourRun, REFERENCE_TENANTS } from './behaviour/reference';

// Behaviour of the reference deployment (default config + an account + three tenants), evaluated offline from
// the synthesized cloud assembly: every interaction the design relies on is allowed, every must-deny is denied,
// every network path a VPC function needs exists and the forbidden ones do not. A failure prints the
// interaction, the principal, the resource and the statement or rule that decides.
const run = behaviourRun();

describe('the interaction catalogue covers what the design relies on', () => {
  test.each([
    'alarms-publish-alerts',
    'alarms-use-alerts-key',
    'events-role-publishes-alerts',
    'events-assume-dr-findings-forwarder-role',
    'dr-findings-reach-primary-bus',
    'dr-findings-forwarder-puts-nowhere-else',
    'cloudtrail-writes-audit-bucket',
    'cloudtrail-encrypts-with-audit-key',
    'cloudtrail-delivers-to-log-group',
    'backup-reads-phi-objects',
    'backup-restores-phi-objects',
    'backup-snapshots-database',
    'backup-writes-primary-vault',
    'backup-writes-dr-vault',
    'alb-access-logs',
    'consumer-receives-work',
    'writer-appends-audit-records',
    'writer-cannot-overwrite-audit-records',
    'writer-appends-with-default-retention',
    'writer-cannot-shorten-audit-retention',
    'nobody-deletes-locked-audit-versions',
    'nobody-shortens-audit-retention',
    'provisioner-reads-master-secret',
    'rotation-updates-master-secret',
    'consumer-cannot-read-master-secret',
  ])('%s', (id) => {
    expect(run.interactions.map((i) => i.id)).toContain(id);
  });

  test('every encrypted log group, every logging bucket and every tenant pair has its interactions', () => {
    const ids = run.interactions.map((i) => i.id);
    const encryptedLogGroups = run.model.resources.filter((r) => r.type === 'AWS::Logs::LogGroup' && r.props.KmsKeyId !== undefined);
    expect(ids.filter((i) => i.startsWith('logs-use-key-'))).toHaveLength(encryptedLogGroups.length);
    expect(ids.filter((i) => i.startsWith('server-access-logs-')).length).toBeGreaterThanOrEqual(2);
    for (const a of REFERENCE_TENANTS) {
      expect(ids).toEqual(
        expect.arrayContaining([
          `tenant-${a.id}-writes-own-prefix`,
          `tenant-${a.id}-uses-own-key`,
          `tenant-${a.id}-connects-as-own-login`,
          `tenant-${a.id}-denied-shorter-retention`,
        ]),
      );
      for (const b of REFERENCE_TENANTS.filter((x) => x !== a)) {
        expect(ids).toEqual(
          expect.arrayContaining([
            `tenant-${a.id}-denied-${b.id}-access-point`,
            `tenant-${a.id}-denied-${b.id}-key`,
            `tenant-${a.id}-denied-${b.id}-login`,
          ]),
        );
      }
    }
  });

  test('network checks: every VPC function is kept off the internet; the API function is kept off the database', () => {
    const ids = run.paths.map((p) => p.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'consumer-reaches-database-port-5433',
        'provisioner-reaches-CloudFormation-response-bucket',
        'api-cannot-reach-database-port-5433',
      ]),
    );
    expect(ids.filter((i) => i.endsWith('cannot-reach-the-internet')).length).toBeGreaterThanOrEqual(4);
  });
});

describe('permissions on the reference deployment', () => {
  test.each(run.interactions.map((i) => [i.id, i] as const))('%s', async (_id, i) => {
    const v = await evaluateInteraction(run.model, i);
    // The message names the interaction, the principal, the resource and what decided.
    expect(v.pass ? 'as expected' : v.message).toBe('as expected');
  });
});

describe('network paths on the reference deployment', () => {
  test.each(run.paths.map((p) => [p.id, p] as const))('%s', async (_id, p) => {
    const r = await evaluatePath(run.model, evaluateReachability(run.model, [p])[0]);
    expect(r.pass ? 'as expected' : r.message).toBe('as expected');
  });
});

describe('what the evaluation refuses to assume', () => {
  test('without an account in the config, account-scoped interactions are "unresolved", never allowed', async () => {
    const r = synthReference(testConfig({ tenants: REFERENCE_TENANTS }), { complianceGate: false });
    const model = loadAssemblyModel(r.assemblyDir);
    const i = interactionCatalogue(model).find((x) => x.id === 'provisioner-reads-master-secret')!;
    const v = await evaluateInteraction(model, i);
    expect(v.outcome).toBe('unresolved');
    expect(v.pass).toBe(false);
    expect(v.message).toMatch(/AWS::AccountId/);
  });

  test('a deny interaction whose request is allowed fails with the allowing statement named', async () => {
    const i = run.interactions.find((x) => x.id === 'provisioner-reads-master-secret')!;
    const v = await evaluateInteraction(run.model, { ...i, id: 'inverted', expect: 'deny' });
    expect(v.pass).toBe(false);
    expect(v.message).toMatch(
      /^\[inverted\] Data\/TenantDatabaseProvisioner\/Role → secretsmanager:GetSecretValue on Data\/Postgres\/Instance\/Secret: expected deny, got allowed/,
    );
  });
});
