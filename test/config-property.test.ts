/**
 * Properties of the config checks: any valid config parses (and one sampled config synthesizes into templates
 * that use its values); no input crashes the checks; every tenant id the schema accepts is valid everywhere
 * it is used; the committed JSON Schema is the one the code generates.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Match } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { parseCidr, vpcCidrProblems } from '../lib/config/cidr';
import { configJsonSchemaText } from '../lib/config/json-schema';
import { ConfigError, loadConfig, parseConfig } from '../lib/config/load';
import { ALLOWED_REGION_NAMES } from '../lib/config/regions';
import { ENV_NAME, TENANT_ID } from '../lib/baseline/contract';
import { DeploymentConfigInput } from '../lib/config/schema';
import { parseStrictJson } from '../lib/config/strict-json';
import { synthReference } from './helpers/synth';

const ROOT = path.join(__dirname, '..');

/** A canonical private VPC block of /16 to /18. */
const vpcCidr = fc
  .record({
    range: fc.constantFrom('10', '172', '192'),
    second: fc.integer({ min: 0, max: 255 }),
    prefix: fc.integer({ min: 16, max: 18 }),
    third: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ range, second, prefix, third }) => {
    const octet2 = range === '10' ? second : range === '172' ? 16 + (second % 16) : 168;
    const octet3 = third * 64 - ((third * 64) % 2 ** (24 - prefix));
    return `${range === '10' ? 10 : range === '172' ? 172 : 192}.${octet2}.${octet3}.0/${prefix}`;
  });
const label = fc.stringMatching(/^[a-z][a-z0-9]{0,12}$/);
const regions = fc.tuple(fc.constantFrom(...ALLOWED_REGION_NAMES), fc.constantFrom(...ALLOWED_REGION_NAMES)).filter(([a, b]) => a !== b);
const account = fc.option(fc.stringMatching(/^\d{12}$/), { nil: undefined });
const retention = fc.constantFrom('none', '1h', '30d', '1y', '7y');

export const validConfig: fc.Arbitrary<DeploymentConfigInput> = fc
  .record({
    environment: fc.stringMatching(ENV_NAME),
    account,
    regions,
    vpcCidr,
    zone: fc.tuple(label, fc.constantFrom('com', 'org', 'health')).map(([l, tld]) => `${l}.${tld}`),
    host: label,
    certificate: fc.constantFrom('create', 'zone', 'existing'),
    zoneId: fc.stringMatching(/^Z[A-Z0-9]{4,20}$/),
    emails: fc.uniqueArray(label, { minLength: 1, maxLength: 4 }),
    storage: fc.integer({ min: 20, max: 65536 }),
    extra: fc.integer({ min: 0, max: 1000 }),
    auditRetentionYears: fc.integer({ min: 6, max: 10 }),
    backupRetentionDays: fc.integer({ min: 35, max: 3650 }),
    rate: fc.integer({ min: 100, max: 2_000_000_000 }),
    sensitive: fc.integer({ min: 10, max: 100 }),
    tenants: fc.uniqueArray(
      fc.record({
        id: fc.stringMatching(TENANT_ID),
        retention: fc.option(fc.record({ records: retention, exports: retention }), { nil: undefined }),
      }),
      { maxLength: 12, selector: (t) => t.id },
    ),
    slots: fc.uniqueArray(fc.integer({ min: 0, max: 9999 }), { minLength: 12, maxLength: 12 }),
  })
  .map((r) => {
    const acct = r.account ?? '111122223333';
    const certificate =
      r.certificate === 'create'
        ? { mode: 'create' as const }
        : r.certificate === 'zone'
          ? { mode: 'create' as const, hostedZoneId: r.zoneId, hostedZoneName: r.zone }
          : { mode: 'existing' as const, arn: `arn:aws:acm:${r.regions[0]}:${acct}:certificate/12345678-1234-1234-1234-123456789012` };
    return {
      environment: r.environment,
      ...(r.account ? { account: r.account } : {}),
      region: r.regions[0],
      drRegion: r.regions[1],
      vpcCidr: r.vpcCidr,
      domainName: `${r.host}.${r.zone}`,
      certificate,
      alertEmails: r.emails.map((e, i) => (i % 2 ? `${e}@example.com` : `${e}@Example.org`)),
      database: { allocatedStorageGiB: r.storage, maxAllocatedStorageGiB: Math.min(65536, r.storage + r.extra) },
      auditRetentionYears: r.auditRetentionYears,
      backupRetentionDays: r.backupRetentionDays,
      waf: { rateLimitPerFiveMinutes: r.rate, sensitiveRateLimitPerFiveMinutes: r.sensitive },
      tenants: r.tenants.map((t, i) => (t.retention ? { ...t, slot: r.slots[i] } : { id: t.id, slot: r.slots[i] })),
    };
  });

describe('config properties', () => {
  test('any valid config parses, keeping every value given', () => {
    fc.assert(
      fc.property(validConfig, (raw) => {
        const c = parseConfig(JSON.parse(JSON.stringify(raw)));
        expect(c).toMatchObject(raw);
      }),
      { numRuns: 300 },
    );
  });

  test('any valid config written with $schema loads from a file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-prop-'));
    fc.assert(
      fc.property(validConfig, (raw) => {
        fs.writeFileSync(path.join(dir, 'p.json'), JSON.stringify({ $schema: './schema.json', ...raw }, undefined, 2));
        expect(loadConfig('p', dir)).not.toHaveProperty('$schema');
      }),
      { numRuns: 50 },
    );
  });

  test('no JSON value crashes the checks: it parses or is refused with a ConfigError', () => {
    const base = JSON.parse(fs.readFileSync(path.join(ROOT, 'config', 'default.json'), 'utf8')) as Record<string, unknown>;
    const keys = [...Object.keys(base), 'vpcCidr', 'tenants', 'account', 'waf', 'guardDuty'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) => {
        try {
          parseConfig({ ...base, [key]: value });
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError);
          expect((e as ConfigError).problems.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('any text is read as JSON or refused with problems, never a crash', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const r = parseStrictJson(text);
        if (r.ok) expect(JSON.stringify(r.value)).toBe(JSON.stringify(JSON.parse(text)));
        else expect(r.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  test('a CIDR is accepted only in its canonical form', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const c = parseCidr(text);
        vpcCidrProblems(text);
        if (!('problem' in c)) expect(`${text}`).toMatch(/^(0|[1-9]\d*)(\.(0|[1-9]\d*)){3}\/\d{1,2}$/);
      }),
    );
    fc.assert(fc.property(vpcCidr, (c) => expect(vpcCidrProblems(c)).toEqual([])));
  });

  test('every tenant id the schema accepts is a DNS label, a safe S3 prefix, an access point name and a PostgreSQL identifier', () => {
    fc.assert(
      fc.property(fc.stringMatching(TENANT_ID), (id) => {
        expect(id).toMatch(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/); // RFC 1123 label
        expect(`tenants/${id}/`.split('/').filter((p) => p === '.' || p === '..')).toEqual([]);
        expect(`${id}-abcdef`).toMatch(/^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$/); // S3 access point name, 3-50
        expect(`tenant_${id}`).toMatch(/^[a-z_][a-z0-9_]{0,62}$/); // unquoted PostgreSQL identifier, <= 63 bytes
      }),
    );
  });

  test('the committed config/schema.json is the one the zod schema generates (npm run config:schema)', () => {
    expect(fs.readFileSync(path.join(ROOT, 'config', 'schema.json'), 'utf8')).toBe(configJsonSchemaText());
    const schema = JSON.parse(configJsonSchemaText()) as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['$schema', 'environment', 'vpcCidr', 'tenants']));
    expect(schema.additionalProperties).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'config', 'default.json'), 'utf8'))).toMatchObject({ $schema: './schema.json' });
  });
});

describe('a sampled valid config synthesizes', () => {
  test('its templates use its values (VPC block, regions, tenants)', () => {
    const [raw] = fc.sample(
      validConfig.filter((c) => (c.tenants?.length ?? 0) > 0),
      { numRuns: 1, seed: 1414 },
    );
    const config = parseConfig(raw);
    const r = synthReference(config, { complianceGate: false });
    r.template('Network').hasResourceProperties('AWS::EC2::VPC', { CidrBlock: config.vpcCidr });
    expect(r.stage.drBackup.region).toBe(config.drRegion);
    expect(r.stage.network.region).toBe(config.region);
    const aliases = r.stage.tenants.flatMap((s) => Object.keys(s.tenants));
    expect(aliases.sort()).toEqual(config.tenants.map((t) => t.id).sort());
    // Every shard stack is synthesized (empty ones included, so removing a tenant converges): take one with tenants.
    const first = r.stage.tenants.find((t) => Object.keys(t.tenants).length > 0)!;
    r.template(first.node.id).hasResourceProperties('AWS::KMS::Alias', {
      AliasName: Match.stringLikeRegexp(`^alias/hipaa/${config.environment}/tenant/`),
    });
  });
});
