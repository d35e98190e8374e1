import { DEFAULT_POSTGRES_VERSION } from '../lib/config/postgres-versions';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, loadConfig, parseConfig } from '../lib/config/load';
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

  // Every field and class of mistake: test/config-corpus.test.ts.
  test('a message names the file, counts the problems, and gives field, value and what is allowed', () => {
    expect(errorOf({ ...base(), auditRetentionYears: 5 })).toMatch(
      /^Invalid deployment config test\.json \(1 problem\):\n- auditRetentionYears: got 5; must be at least 6 years/,
    );
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
    expect(() => loadConfig('broken', dir)).toThrow(
      /broken\.json \(2 problems\):\n- \(file\): line 1, column \d+: syntax error: a value is expected/,
    );
  });
});

describe('cdk app entry with a bad config', () => {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  /** Run the real app entry (bin/hipaa-stack.ts) on a config directory; returns its exit code, stderr and the files it wrote. */
  const synth = (files: Record<string, string>, name = 'bad', configDir?: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    for (const [f, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), content);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'out-'));
    const run = spawnSync(tsx, [path.join(ROOT, 'bin', 'hipaa-stack.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ config: name, configDir: configDir ?? dir }) },
    });
    return { status: run.status, stderr: run.stderr, written: execFileSync('find', [outdir, '-type', 'f'], { encoding: 'utf8' }).trim() };
  };

  test('several problems at once, including a type error and the cases that used to crash: exit 1, no stack trace, nothing written', () => {
    const r = synth({
      'bad.json': JSON.stringify({
        ...base(),
        auditRetentionYears: '7',
        vpcCidr: '10.999.0.0/16',
        alertEmails: ['sec@example.com', 'Sec@example.com'],
        certificate: { mode: 'existing', arn: 'arn:aws:acm:eu-west-1:111122223333:certificate/12345678-1234-1234-1234-123456789012' },
      }),
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/\(4 problems\)/);
    expect(r.stderr).toMatch(/- auditRetentionYears: got "7"; expected number/);
    expect(r.stderr).toMatch(/- vpcCidr: got "10\.999\.0\.0\/16"; has 999 where a number 0-255 belongs/);
    expect(r.stderr).toMatch(/- alertEmails\[1\]: got "Sec@example\.com"; repeats alertEmails\[0\]/);
    expect(r.stderr).toMatch(/- certificate\.arn: .*is in region eu-west-1/);
    expect(r.stderr).toMatch(/npm run config:check -- bad/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.written).toBe('');
  });

  test('two tenants in one slot: refused before any template is written', () => {
    const tenants = Array.from({ length: 90 }, (_, i) => ({ id: `t${String(i).padStart(4, '0')}`, slot: i % 89 }));
    const r = synth({ 'bad.json': JSON.stringify({ ...base(), tenants }) });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /- tenants\[89\]\.slot: got 0; duplicates tenants\[0\]\.slot; each tenant needs its own slot \(the lowest unused one is 89\)/,
    );
    expect(r.written).toBe('');
  });

  test('a file with a byte-order mark and a duplicated key; a configDir that does not exist', () => {
    const r = synth({ 'bad.json': `\ufeff{"environment": "a1b", "environment": "a2b"}` });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/- \(file\): line 1, column 1: the file starts with a byte-order mark/);
    expect(r.stderr).toMatch(/- environment: line 1, column \d+: duplicate key "environment"/);
    expect(r.written).toBe('');
    const missing = synth({}, 'default', path.join(os.tmpdir(), 'no-such-config-dir'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/configDir ".*no-such-config-dir" \(context key "configDir"\) does not exist/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    expect(missing.written).toBe('');
  });
});
