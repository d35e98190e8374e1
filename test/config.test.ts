import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, loadConfig, parseConfig } from '../lib/config/load';
import { DEFAULT_POSTGRES_VERSION, RDS_POSTGRES_MINORS, RDS_POSTGRES_VERSIONS } from '../lib/config/postgres-versions';
import { auditLogRetentionDays, availabilityZones } from '../lib/config/schema';

const ROOT = path.join(__dirname, '..');
const base = (): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'config', 'default.json'), 'utf8')) as Record<string, unknown>;
const errorOf = (raw: unknown): string => {
  try {
    parseConfig(raw, 'test.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the config to be rejected');
};

describe('deployment config', () => {
  test('the default file loads with the secure defaults filled in', () => {
    const c = loadConfig('default');
    expect(c).toMatchObject({
      environment: 'example',
      region: 'us-east-1',
      drRegion: 'us-west-2',
      auditRetentionYears: 7,
      backupRetentionDays: 35,
      guardDuty: { enabled: true },
      tenants: [],
    });
    expect(availabilityZones(c)).toEqual(['us-east-1a', 'us-east-1b']);
    expect(auditLogRetentionDays(c)).toBe(2557);
  });

  test('defaults apply when optional fields are left out', () => {
    const c = parseConfig({
      environment: 'prod',
      domainName: 'app.example.org',
      certificate: { mode: 'create' },
      alertEmails: ['sec@example.org'],
    });
    expect(c.region).toBe('us-east-1');
    expect(c.auditRetentionYears).toBe(7);
    expect(c.backupRetentionDays).toBe(35);
    expect(c.database).toEqual({
      instanceClass: 'db.r6g.large',
      allocatedStorageGiB: 100,
      maxAllocatedStorageGiB: 500,
      engineVersion: DEFAULT_POSTGRES_VERSION,
    });
    expect(c.waf.sensitivePaths).toContain('/login');
  });

  test.each([
    ['an unknown top-level field', { auditRetentionYear: 7 }, /auditRetentionYear: unknown field/],
    ['an unknown nested field', { database: { instanceClass: 'db.r6g.large', storage: 10 } }, /database\.storage: unknown field/],
    [
      'a region outside the allowed list',
      { region: 'ap-east-1' },
      /region: got "ap-east-1"; region must be one of the allowed regions: us-east-1/,
    ],
    ['a DR region equal to the primary', { drRegion: 'us-east-1' }, /drRegion: got "us-east-1"; must differ from region/],
    ['audit retention below six years', { auditRetentionYears: 5 }, /auditRetentionYears: got 5; must be at least 6 years/],
    ['audit retention above ten years', { auditRetentionYears: 11 }, /auditRetentionYears: got 11; must be at most 10 years/],
    ['fractional audit years', { auditRetentionYears: 6.5 }, /auditRetentionYears: got 6.5; must be a whole number/],
    ['audit years given as a string', { auditRetentionYears: '7' }, /auditRetentionYears: got "7"; expected number/],
    ['backup retention below 35 days', { backupRetentionDays: 30 }, /backupRetentionDays: got 30; must be at least 35 days/],
    ['an account id that is not 12 digits', { account: '12345' }, /account: got "12345"; must be a 12-digit AWS account id/],
    ['an environment name with capitals', { environment: 'Prod' }, /environment: got "Prod"; must be 3-20 characters/],
    ['a domain that is not a DNS name', { domainName: 'not a domain' }, /domainName: got "not a domain"/],
    ['no alert e-mail', { alertEmails: [] }, /alertEmails: got \[\]; must list at least one e-mail address/],
    ['a malformed alert e-mail', { alertEmails: ['ops'] }, /alertEmails\[0\]: got "ops"; must be an e-mail address/],
    ['an existing certificate without ARN', { certificate: { mode: 'existing' } }, /certificate\.arn: missing; this field is required/],
    [
      'a malformed certificate ARN',
      { certificate: { mode: 'existing', arn: 'arn:aws:iam::1:x' } },
      /certificate\.arn: got "arn:aws:iam::1:x"; must be an ACM certificate ARN/,
    ],
    [
      'an unknown certificate mode',
      { certificate: { mode: 'import' } },
      /certificate\.mode: got \{"mode":"import"\}; certificate\.mode must be "existing"/,
    ],
    [
      'a hosted zone id without its name',
      { certificate: { mode: 'create', hostedZoneId: 'Z123ABC' } },
      /certificate: .*hostedZoneId and hostedZoneName go together/,
    ],
    [
      'a hosted zone that is not a parent of the domain',
      { certificate: { mode: 'create', hostedZoneId: 'Z123ABC', hostedZoneName: 'other.com' } },
      /certificate\.hostedZoneName: got "other.com"; must be domainName/,
    ],
    ['a burstable old instance class', { database: { instanceClass: 'db.t2.micro' } }, /database\.instanceClass: got "db.t2.micro"/],
    [
      'an unsupported engine version',
      { database: { engineVersion: '12.1' } },
      /database\.engineVersion: got "12.1"; must be an RDS for PostgreSQL version that RDS still creates/,
    ],
    [
      'a minor RDS no longer creates (issue 11: 16.4)',
      { database: { engineVersion: '16.4' } },
      /database\.engineVersion: got "16.4"; must be an RDS .*: 14\.18, .*17\.9.*; to allow a newer minor, add it to lib\/config\/postgres-versions\.ts/,
    ],
    ['an engine version given as a number', { database: { engineVersion: 17.9 } }, /database\.engineVersion: got 17\.9; must be an RDS/],
    [
      'max storage below allocated storage',
      { database: { allocatedStorageGiB: 200, maxAllocatedStorageGiB: 100 } },
      /database\.maxAllocatedStorageGiB: got 100; must be at least database\.allocatedStorageGiB \(200\)/,
    ],
    ['a tenant id with upper case', { tenants: [{ id: 'Acme' }] }, /tenants\[0\]\.id: got "Acme"; must be 3-32 characters/],
    ['a tenant id that escapes a prefix', { tenants: [{ id: '../acme' }] }, /tenants\[0\]\.id: got "..\/acme"/],
    ['a tenant id with a slash', { tenants: [{ id: 'acme/x' }] }, /tenants\[0\]\.id: got "acme\/x"/],
    ['a too-short tenant id', { tenants: [{ id: 'ab' }] }, /tenants\[0\]\.id: got "ab"/],
    ['duplicate tenant ids', { tenants: [{ id: 'acme' }, { id: 'acme' }] }, /tenants\[1\]\.id: got "acme"; duplicates another tenant id/],
    ['an unknown tenant field', { tenants: [{ id: 'acme', name: 'Acme' }] }, /tenants\[0\]\.name: unknown field/],
    [
      'a sensitive-path rate above the global rate',
      { waf: { rateLimitPerFiveMinutes: 500, sensitiveRateLimitPerFiveMinutes: 600 } },
      /waf\.sensitiveRateLimitPerFiveMinutes: got 600; must not exceed waf\.rateLimitPerFiveMinutes \(500\)/,
    ],
    [
      'a sensitive path without a leading slash',
      { waf: { sensitivePaths: ['login'] } },
      /waf\.sensitivePaths\[0\]: got "login"; must be a URL path/,
    ],
  ])('rejects %s, naming the field, the value and what is allowed', (_what, change, message) => {
    const msg = errorOf({ ...base(), ...change });
    expect(msg).toMatch(/^Invalid deployment config test\.json:/);
    expect(msg).toMatch(message);
  });

  test('the engine-version table: every listed version is accepted, the default is its newest 17.x, and it is dated', () => {
    for (const engineVersion of RDS_POSTGRES_VERSIONS) {
      expect(parseConfig({ ...base(), database: { engineVersion } }).database.engineVersion).toBe(engineVersion);
    }
    expect(DEFAULT_POSTGRES_VERSION).toBe(`17.${Math.max(...RDS_POSTGRES_MINORS['17'])}`);
    expect(RDS_POSTGRES_VERSIONS).not.toContain('16.4');
    expect(loadConfig('default').database.engineVersion).toBe(DEFAULT_POSTGRES_VERSION);
  });

  test('a missing required field is named', () => {
    const raw = base();
    delete raw.domainName;
    expect(errorOf(raw)).toMatch(/domainName: missing; this field is required \(expected string\)/);
  });

  test('every problem is reported at once', () => {
    const msg = errorOf({ ...base(), region: 'mars-1', auditRetentionYears: 2, extra: true });
    expect(msg).toMatch(/region: got "mars-1"/);
    expect(msg).toMatch(/auditRetentionYears: got 2/);
    expect(msg).toMatch(/extra: unknown field/);
  });

  test('config names are checked before any file is read', () => {
    expect(() => loadConfig('../package')).toThrow(/Invalid config name "..\/package" \(context key "config"\).*available: default/);
    expect(() => loadConfig('nope')).toThrow(/No config named "nope".*available: default/);
  });

  test('a file that is not JSON is reported with its path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ "environment": ');
    expect(() => loadConfig('broken', dir)).toThrow(/broken\.json is not valid JSON/);
  });
});

describe('cdk app entry with a bad config', () => {
  test('exits non-zero, names the field, and writes no template', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ ...base(), auditRetentionYears: 3 }));
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'out-'));
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    const run = spawnSync(tsx, [path.join(ROOT, 'bin', 'hipaa-stack.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ config: 'bad', configDir: dir }) },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/auditRetentionYears: got 3; must be at least 6 years/);
    const written = execFileSync('find', [outdir, '-name', '*.template.json'], { encoding: 'utf8' });
    expect(written.trim()).toBe('');
  });
});
