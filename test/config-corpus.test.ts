/**
 * A corpus of bad configs, each as a file read through `config:check` (the same loader and schema the app
 * uses, without synthesis). Every one must be refused with exit code 1, name the exact field, and leave
 * nothing behind but the file itself. test/config-app.test.ts runs a few through the real app entry.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main as check } from '../lib/config/check-cli';

const ROOT = path.join(__dirname, '..');
const base = (): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'config', 'default.json'), 'utf8')) as Record<string, unknown>;
const ARN = (region: string, account: string) => `arn:aws:acm:${region}:${account}:certificate/12345678-1234-1234-1234-123456789012`;
const tenants = (ids: string[]) => ids.map((id, slot) => ({ id, slot }));
const without = (key: string) => {
  const b = base();
  delete b[key];
  return b;
};
const db = (d: Record<string, unknown>) => ({ database: { ...(base().database as object), ...d } });

/** [what, change merged into the default config or a full replacement, expected field path(s), message pattern] */
type Case = [string, Record<string, unknown> | { replace: unknown }, string | string[], RegExp?];

const CASES: Case[] = [
  // environment
  ['environment missing', { replace: without('environment') }, 'environment', /missing; this field is required/],
  ['environment with capitals', { environment: 'Prod' }, 'environment', /got "Prod"; must be 3-20 characters/],
  ['environment too short', { environment: 'ab' }, 'environment'],
  ['environment as a number', { environment: 123 }, 'environment', /expected string, not number/],
  // account
  ['account of 5 digits', { account: '12345' }, 'account', /12-digit AWS account id/],
  ['account as a number', { account: 123456789012 }, 'account', /expected string/],
  // regions
  ['region not supported', { region: 'ap-east-1' }, 'region', /allowed regions: us-east-1/],
  ['region in capitals', { region: 'US-EAST-1' }, 'region'],
  ['drRegion not supported', { drRegion: 'mars-1' }, 'drRegion'],
  ['drRegion equal to region', { drRegion: 'us-east-1' }, 'drRegion', /must differ from region \(us-east-1\)/],
  ['region equal to the default drRegion', { replace: { ...without('drRegion'), region: 'us-west-2' } }, 'drRegion', /must differ/],
  // vpcCidr
  ['a non-canonical CIDR (leading zero)', { vpcCidr: '10.040.0.0/16' }, 'vpcCidr', /"040" where a number 0-255 without leading zeros/],
  ['an octet above 255', { vpcCidr: '10.999.0.0/16' }, 'vpcCidr', /999 where a number 0-255 belongs/],
  ['host bits set', { vpcCidr: '10.40.1.0/16' }, 'vpcCidr', /host bits set; the network of that block is 10\.40\.0\.0\/16/],
  ['a public block', { vpcCidr: '8.8.0.0/16' }, 'vpcCidr', /inside a private range/],
  ['outside 172.16.0.0/12', { vpcCidr: '172.32.0.0/16' }, 'vpcCidr', /inside a private range/],
  ['a block too small for the subnets', { vpcCidr: '10.40.0.0/20' }, 'vpcCidr', /too small for the subnets/],
  ['a block larger than a VPC may be', { vpcCidr: '10.0.0.0/8' }, 'vpcCidr', /larger than AWS allows/],
  ['no prefix length', { vpcCidr: '10.40.0.0' }, 'vpcCidr', /CIDR notation/],
  ['a prefix above 32', { vpcCidr: '10.40.0.0/33' }, 'vpcCidr', /prefix length above 32/],
  ['CIDR as a number', { vpcCidr: 1040 }, 'vpcCidr', /expected string/],
  // domainName
  ['domainName missing', { replace: without('domainName') }, 'domainName', /missing/],
  ['domainName in capitals', { domainName: 'App.Example.com' }, 'domainName', /lower-case DNS name/],
  ['domainName without a dot', { domainName: 'localhost' }, 'domainName'],
  // certificate
  ['certificate missing', { replace: without('certificate') }, 'certificate'],
  ['an unknown certificate mode', { certificate: { mode: 'import' } }, 'certificate.mode', /"existing" \(with arn\) or "create"/],
  ['an existing certificate without ARN', { certificate: { mode: 'existing' } }, 'certificate.arn', /missing/],
  ['a malformed certificate ARN', { certificate: { mode: 'existing', arn: 'arn:aws:iam::1:x' } }, 'certificate.arn', /ACM certificate ARN/],
  [
    'a certificate of another region',
    { certificate: { mode: 'existing', arn: ARN('eu-west-1', '111122223333') } },
    'certificate.arn',
    /is in region eu-west-1, but the load balancer is in region us-east-1/,
  ],
  [
    'a certificate of another account',
    { account: '444455556666', certificate: { mode: 'existing', arn: ARN('us-east-1', '111122223333') } },
    'certificate.arn',
    /belongs to account 111122223333, but the deployment is in account 444455556666/,
  ],
  [
    'a hosted zone id without its name',
    { certificate: { mode: 'create', hostedZoneId: 'Z123ABC' } },
    'certificate.hostedZoneName',
    /go together/,
  ],
  [
    'a hosted zone name without its id',
    { certificate: { mode: 'create', hostedZoneName: 'example.com' } },
    'certificate.hostedZoneId',
    /go together/,
  ],
  [
    'a hosted zone not a parent of the domain',
    { certificate: { mode: 'create', hostedZoneId: 'Z123ABC', hostedZoneName: 'other.com' } },
    'certificate.hostedZoneName',
    /must be domainName \(app\.example\.com\) or a parent/,
  ],
  [
    'a malformed hosted zone id',
    { certificate: { mode: 'create', hostedZoneId: 'abc', hostedZoneName: 'example.com' } },
    'certificate.hostedZoneId',
  ],
  ['an unknown certificate field', { certificate: { mode: 'create', validation: 'email' } }, 'certificate.validation', /unknown field/],
  // alertEmails
  ['no alert e-mail', { alertEmails: [] }, 'alertEmails', /at least one/],
  ['a malformed e-mail', { alertEmails: ['ops'] }, 'alertEmails[0]', /e-mail address/],
  ['e-mails differing only by case', { alertEmails: ['sec@example.com', 'SEC@Example.com'] }, 'alertEmails[1]', /repeats alertEmails\[0\]/],
  ['e-mails given as one string', { alertEmails: 'sec@example.com' }, 'alertEmails', /expected array, not string/],
  // database (engineVersion's table belongs to lib/config/postgres-versions.ts; only the field path is asserted)
  ['an old burstable instance class', db({ instanceClass: 'db.t2.micro' }), 'database.instanceClass'],
  ['storage below 20 GiB', db({ allocatedStorageGiB: 10 }), 'database.allocatedStorageGiB', /20 to 65536/],
  ['fractional storage', db({ allocatedStorageGiB: 100.5 }), 'database.allocatedStorageGiB'],
  [
    'max storage below storage',
    db({ allocatedStorageGiB: 200, maxAllocatedStorageGiB: 100 }),
    'database.maxAllocatedStorageGiB',
    /at least database\.allocatedStorageGiB \(200\)/,
  ],
  ['an engine version RDS does not offer', db({ engineVersion: '12.1' }), 'database.engineVersion'],
  ['an unknown database field', db({ storage: 10 }), 'database.storage', /unknown field/],
  ['database as a string', { database: 'postgres' }, 'database', /expected object/],
  // retention that cannot be changed after deploy
  [
    'audit retention below six years',
    { auditRetentionYears: 5 },
    'auditRetentionYears',
    /at least 6 years.*Object Lock COMPLIANCE retention cannot be shortened/,
  ],
  ['audit retention above ten years', { auditRetentionYears: 11 }, 'auditRetentionYears', /at most 10 years/],
  ['fractional audit years', { auditRetentionYears: 6.5 }, 'auditRetentionYears', /whole number/],
  ['audit years as a string', { auditRetentionYears: '7' }, 'auditRetentionYears', /expected number, not string/],
  ['backup retention below 35 days', { backupRetentionDays: 30 }, 'backupRetentionDays', /at least 35 days.*Vault Lock grace period/],
  ['backup retention above ten years', { backupRetentionDays: 5000 }, 'backupRetentionDays', /at most 3650/],
  // guardDuty, waf
  ['guardDuty.enabled as a string', { guardDuty: { enabled: 'yes' } }, 'guardDuty.enabled', /expected boolean/],
  ['an unknown guardDuty field', { guardDuty: { enabled: true, s3: true } }, 'guardDuty.s3', /unknown field/],
  ['a WAF rate below 100', { waf: { rateLimitPerFiveMinutes: 50 } }, 'waf.rateLimitPerFiveMinutes', /from 100/],
  ['no sensitive paths', { waf: { sensitivePaths: [] } }, 'waf.sensitivePaths', /at least one path/],
  ['a sensitive path without a slash', { waf: { sensitivePaths: ['login'] } }, 'waf.sensitivePaths[0]', /URL path starting with \//],
  [
    'a sensitive rate above the global rate',
    { waf: { rateLimitPerFiveMinutes: 500, sensitiveRateLimitPerFiveMinutes: 600 } },
    'waf.sensitiveRateLimitPerFiveMinutes',
    /must not exceed waf\.rateLimitPerFiveMinutes \(500\)/,
  ],
  [
    'a sensitive rate above the default global rate',
    { waf: { sensitiveRateLimitPerFiveMinutes: 5000 } },
    'waf.sensitiveRateLimitPerFiveMinutes',
    /must not exceed waf\.rateLimitPerFiveMinutes \(2000\)/,
  ],
  // tenants
  ['a tenant id with capitals', { tenants: tenants(['Acme']) }, 'tenants[0].id', /DNS label, an S3 prefix and a PostgreSQL schema name/],
  ['a tenant id escaping its prefix', { tenants: tenants(['../acme']) }, 'tenants[0].id'],
  ['a tenant id with a slash', { tenants: tenants(['acme/x']) }, 'tenants[0].id'],
  ['a tenant id with a hyphen (not a PostgreSQL identifier)', { tenants: tenants(['acme-x']) }, 'tenants[0].id'],
  ['a tenant id with an underscore (not a DNS label)', { tenants: tenants(['acme_x']) }, 'tenants[0].id'],
  ['a tenant id starting with a digit', { tenants: tenants(['1acme']) }, 'tenants[0].id'],
  ['a too-short tenant id', { tenants: tenants(['ab']) }, 'tenants[0].id'],
  ['a too-long tenant id', { tenants: tenants(['a'.repeat(33)]) }, 'tenants[0].id'],
  ['duplicate tenant ids', { tenants: tenants(['acme', 'globex', 'acme']) }, 'tenants[2].id', /duplicates tenants\[0\]\.id/],
  ['an unknown tenant field', { tenants: [{ id: 'acme', slot: 0, name: 'Acme' }] }, 'tenants[0].name', /unknown field/],
  [
    'a retention over 7 years',
    { tenants: [{ id: 'acme', slot: 0, retention: { records: '8y' } }] },
    'tenants[0].retention.records',
    /at most 7 years/,
  ],
  [
    'a retention in minutes',
    { tenants: [{ id: 'acme', slot: 0, retention: { records: '10m' } }] },
    'tenants[0].retention.records',
    /"none".*1h, 30d, 7y/,
  ],
  [
    'an unknown data class',
    { tenants: [{ id: 'acme', slot: 0, retention: { images: '1y' } }] },
    'tenants[0].retention.images',
    /unknown field/,
  ],
  ['tenants as a string', { tenants: 'acme' }, 'tenants', /expected array/],
  ['a tenant as a string', { tenants: ['acme'] }, 'tenants[0]', /expected object/],
  ['a tenant without a slot', { tenants: [{ id: 'acme' }] }, 'tenants[0].slot', /missing; this field is required/],
  ['a negative slot', { tenants: [{ id: 'acme', slot: -1 }] }, 'tenants[0].slot', /whole number from 0 to 9999, unique among the tenants/],
  ['a fractional slot', { tenants: [{ id: 'acme', slot: 1.5 }] }, 'tenants[0].slot', /whole number from 0 to 9999/],
  ['a slot as a string', { tenants: [{ id: 'acme', slot: '3' }] }, 'tenants[0].slot', /got "3"; .*whole number/],
  ['a slot past the highest', { tenants: [{ id: 'acme', slot: 10000 }] }, 'tenants[0].slot', /whole number from 0 to 9999/],
  [
    'two tenants in one slot',
    {
      tenants: [
        { id: 'acme', slot: 0 },
        { id: 'globex', slot: 2 },
        { id: 'initech', slot: 0 },
      ],
    },
    'tenants[2].slot',
    /got 0; duplicates tenants\[0\]\.slot; each tenant needs its own slot \(the lowest unused one is 1\)/,
  ],
  [
    'more distinct retentions than the PHI bucket has lifecycle rules for',
    {
      tenants: Array.from({ length: 1000 }, (_, i) => ({
        id: `t${String(i).padStart(4, '0')}`,
        slot: i,
        retention: { records: `${i + 1}d` },
      })),
    },
    'tenants',
    /use 1001 distinct retentions .* at most 999 .*S3 allows 1,000 per bucket/,
  ],
  [
    'the removed tenantShards',
    { tenantShards: 8 },
    'tenantShards',
    /was removed: tenants are placed in stacks by their slot .*npm run tenant-slots/,
  ],
  // the file as a whole
  ['an unknown top-level field', { auditRetentionYear: 7 }, 'auditRetentionYear', /unknown field/],
  ['$schema not a string', { $schema: 42 }, '$schema', /expected string/],
  ['null instead of an object', { replace: null }, '(root)', /got null; the file must hold one JSON object/],
  ['an array instead of an object', { replace: [base()] }, '(root)', /got an array/],
  [
    'a type error does not hide other problems',
    { auditRetentionYears: '7', drRegion: 'us-east-1', alertEmails: ['a@example.com', 'A@example.com'], vpcCidr: '10.040.0.0/16' },
    ['auditRetentionYears', 'drRegion', 'alertEmails[1]', 'vpcCidr'],
  ],
];

/** Bad files: [what, file content (string or bytes), expected field, message pattern]. */
const FILES: Array<[string, string | Buffer, string, RegExp]> = [
  [
    'a duplicated key',
    '{"environment": "example", "region": "us-east-1", "region": "eu-west-1"}',
    'region',
    /line 1, column \d+: duplicate key "region": JSON keeps only the last one/,
  ],
  [
    'a duplicated nested key',
    '{\n  "database": {\n    "instanceClass": "db.r6g.large",\n    "instanceClass": "db.r6g.xlarge"\n  }\n}',
    'database.instanceClass',
    /line 4, column 5: duplicate key/,
  ],
  ['a byte-order mark', `\ufeff${JSON.stringify(base())}`, '(file)', /byte-order mark \(U\+FEFF\); save it as UTF-8 without BOM/],
  [
    'a number beyond a double',
    JSON.stringify(base()).replace('"auditRetentionYears":7', '"auditRetentionYears":1e400'),
    'auditRetentionYears',
    /number 1e400 is outside the range/,
  ],
  ['an empty file', '', '(file)', /the file is empty/],
  ['a file of blanks', ' \n\t\n', '(file)', /the file is empty/],
  ['a trailing comma', '{"environment": "example",}', '(file)', /syntax error: a property name in double quotes is expected/],
  ['a comment', '{"environment": "example" // prod\n}', '(file)', /comments are not allowed/],
  ['a file cut short', '{ "environment": ', '(file)', /line 1, column \d+: syntax error: a value is expected/],
  ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), '(file)', /not valid UTF-8/],
];

function checkDir(files: Record<string, string | Buffer>): {
  dir: string;
  run: (...names: string[]) => { code: number; result: ResultJson; text: string };
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-corpus-'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, `${name}.json`), content);
  return {
    dir,
    run: (...names) => {
      const out: string[] = [];
      const code = check(
        [...names, '--config-dir', dir, '--json'],
        (s) => out.push(s),
        (s) => out.push(s),
      );
      return { code, result: JSON.parse(out.join('\n')) as ResultJson, text: out.join('\n') };
    },
  };
}
interface ResultJson {
  ok: boolean;
  results: Array<{ name: string; ok: boolean; problems: Array<{ field: string; message: string }>; message?: string }>;
}

describe('the bad-config corpus', () => {
  const files = Object.fromEntries(
    CASES.map(([, change], i) => [`c${i}`, JSON.stringify('replace' in change ? change.replace : { ...base(), ...change })]),
  );
  const corpus = checkDir(files);

  test('holds at least 60 configs and 10 files', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(FILES.length).toBeGreaterThanOrEqual(10);
  });

  test.each(CASES.map((c, i) => [c[0], i, c[2], c[3]] as const))('%s: refused, naming the exact field', (_what, i, fields, message) => {
    const { code, result } = corpus.run(`c${i}`);
    expect(code).toBe(1);
    const problems = result.results[0].problems;
    const want = [fields].flat();
    expect(problems.map((p) => p.field).sort()).toEqual(expect.arrayContaining(want));
    // Nothing beyond the problems the case is about (a fixture that breaks two things would hide a gap).
    expect([...new Set(problems.map((p) => p.field))].sort()).toEqual([...want].sort());
    if (message)
      expect(
        problems
          .filter((p) => p.field === want[0])
          .map((p) => p.message)
          .join('\n'),
      ).toMatch(message);
    expect(result.results[0].message).toMatch(new RegExp(`^Invalid deployment config .*c${i}\\.json \\(\\d+ problems?\\):`));
  });

  test.each(FILES.map((f, i) => [f[0], i, f[1], f[2], f[3]] as const))(
    'a file with %s: its own message',
    (_what, i, content, field, message) => {
      const c = checkDir({ [`f${i}`]: content });
      const { code, result } = c.run(`f${i}`);
      expect(code).toBe(1);
      const p = result.results[0].problems.find((x) => x.field === field);
      expect(p?.message).toMatch(message);
    },
  );

  test('the default config passes, and config:check writes nothing', () => {
    const c = checkDir({ ok: fs.readFileSync(path.join(ROOT, 'config', 'default.json')) });
    expect(c.run('ok').code).toBe(0);
    expect(fs.readdirSync(c.dir)).toEqual(['ok.json']);
    expect(fs.readdirSync(corpus.dir).length).toBe(CASES.length);
  });
});

describe('files that are not config files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-files-'));
  const run = (name: string, d = dir) => {
    const out: string[] = [];
    const code = check(
      [name, '--config-dir', d],
      (s) => out.push(s),
      (s) => out.push(s),
    );
    return { code, text: out.join('\n') };
  };

  test('a directory named like a config', () => {
    fs.mkdirSync(path.join(dir, 'adir.json'));
    expect(run('adir')).toEqual({ code: 1, text: expect.stringMatching(/adir\.json.*\n- \(file\): is a directory, not a file/) });
  });

  test('a symbolic link to a file that is not a config: refused without quoting it', () => {
    const secret = path.join(dir, 'secret.txt');
    fs.writeFileSync(secret, 'root:x:0:0:SECRET-CONTENT\n');
    fs.symlinkSync(secret, path.join(dir, 'link.json'));
    const r = run('link');
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/- \(file\): is a symbolic link to .*secret\.txt, which is not a \.json config file/);
    expect(r.text).not.toMatch(/SECRET-CONTENT|root:x/);
  });

  test('a symbolic link to nothing', () => {
    fs.symlinkSync(path.join(dir, 'gone.json'), path.join(dir, 'dangling.json'));
    expect(run('dangling').text).toMatch(/- \(file\): is a symbolic link to .*gone\.json, which does not exist/);
  });

  test('a JSON file of another kind: its syntax errors never quote it', () => {
    fs.writeFileSync(path.join(dir, 'other.json'), 'root:x:0:0:SECRET-CONTENT');
    const r = run('other');
    expect(r.code).toBe(1);
    expect(r.text).not.toMatch(/SECRET-CONTENT|root:x/);
  });

  test('a config directory that does not exist, or is a file', () => {
    expect(run('default', path.join(dir, 'nowhere')).text).toMatch(/configDir ".*nowhere" \(context key "configDir"\) does not exist/);
    expect(run('default', path.join(dir, 'secret.txt')).text).toMatch(/is not a directory/);
  });

  test('config names are checked before any file is read', () => {
    expect(run('../package').text).toMatch(/Invalid config name "\.\.\/package"/);
    expect(run('nope').text).toMatch(/No config named "nope"/);
    expect(run('schema').text).toMatch(/Invalid config name "schema"/);
  });

  test('overlapping VPC blocks across environments are refused by --all', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-all-'));
    fs.writeFileSync(path.join(d, 'prod.json'), JSON.stringify({ ...base(), environment: 'prod', vpcCidr: '10.40.0.0/16' }));
    fs.writeFileSync(path.join(d, 'staging.json'), JSON.stringify({ ...base(), environment: 'staging', vpcCidr: '10.40.64.0/18' }));
    const out: string[] = [];
    expect(
      check(
        ['--all', '--config-dir', d],
        (s) => out.push(s),
        (s) => out.push(s),
      ),
    ).toBe(1);
    expect(out.join('\n')).toMatch(/prod\.vpcCidr 10\.40\.0\.0\/16 overlaps staging\.vpcCidr 10\.40\.64\.0\/18/);
  });

  test('--help prints the usage and exits 0; bad arguments exit 2', () => {
    const out: string[] = [];
    expect(check(['--help'], (s) => out.push(s))).toBe(0);
    expect(out.join()).toMatch(/usage: config:check <name>/);
    expect(
      check(
        ['--bogus'],
        () => undefined,
        () => undefined,
      ),
    ).toBe(2);
    expect(
      check(
        [],
        () => undefined,
        () => undefined,
      ),
    ).toBe(2);
  });
});
