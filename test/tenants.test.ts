import { Match, Template } from 'aws-cdk-lib/assertions';
import { parseConfig } from '../lib/config/load';
import { retentionDaysInUse, retentionLifecycleDays, retentionTagging } from '../lib/config/schema';
import { handle, provisioningStatements } from '../lib/handlers/tenant-db-provisioner';
import { produceEvidence } from '../lib/evidence';
import { synthReference, SynthResult, testConfig } from './helpers/synth';

// initech alone in the second stack (slots 50-99).
const TENANTS = [
  { id: 'acme', slot: 0 },
  { id: 'globex', slot: 1, retention: { exports: 'none', documents: '1h' } },
  { id: 'initech', slot: 50 },
];

const byTenant = (r: SynthResult) => {
  const out: Record<string, { stack: string; template: Template }> = {};
  for (const s of r.stage.tenants) for (const id of Object.keys(s.tenants)) out[id] = { stack: s.node.id, template: r.template(s.node.id) };
  return out;
};

let r: SynthResult;
let t: ReturnType<typeof byTenant>;
beforeAll(() => {
  r = synthReference(testConfig({ tenants: TENANTS }), { complianceGate: false });
  t = byTenant(r);
});

/** The resources of one tenant (logical ids start with the tenant id). */
const own = (tenant: string, type: string) =>
  Object.fromEntries(Object.entries(t[tenant].template.findResources(type)).filter(([id]) => id.startsWith(tenant)));

describe('per-tenant isolation', () => {
  test('each tenant gets its own key: tagged with the tenant, rotating, retained, with its own alias', () => {
    for (const id of ['acme', 'globex', 'initech']) {
      const keys = Object.values(own(id, 'AWS::KMS::Key'));
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true, PendingWindowInDays: 30 } });
      expect(keys[0].Properties.Tags).toEqual([{ Key: 'hipaa-stack:tenant', Value: id }]);
      t[id].template.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/hipaa/example/tenant/${id}` });
    }
  });

  test("each tenant's access point serves only its prefix, from the VPC, to its role, under its key", () => {
    const ap = Object.values(own('acme', 'AWS::S3::AccessPoint'))[0];
    expect(ap.Properties.VpcConfiguration).toEqual({ VpcId: expect.anything() });
    expect(ap.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const doc = JSON.stringify(ap.Properties.Policy);
    expect(doc).toContain('/object/tenants/acme/*');
    expect(doc).not.toMatch(/tenants\/(globex|initech)/);
    expect(doc).toContain('s3:x-amz-server-side-encryption-aws-kms-key-id');
    expect(doc).toContain('aws:SecureTransport');
  });

  test("tenant A's role can reach neither tenant B's prefix nor B's key", () => {
    for (const a of ['acme', 'globex', 'initech']) {
      const policy = Object.values(own(a, 'AWS::IAM::ManagedPolicy'))[0];
      const statements = policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>;
      const keyId = Object.keys(own(a, 'AWS::KMS::Key'))[0];
      for (const s of statements) {
        const res = JSON.stringify(s.Resource);
        const actions = [s.Action].flat();
        if (actions.some((x) => x.startsWith('s3:'))) {
          expect(res).toContain(`accesspoint/${a}-`);
          for (const b of ['acme', 'globex', 'initech'].filter((x) => x !== a)) expect(res).not.toContain(b);
        }
        if (actions.some((x) => x.startsWith('kms:'))) expect(s.Resource).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
        if (actions.includes('rds-db:connect')) expect(res).toMatch(new RegExp(`"/tenant_${a}"\\]\\]}$`));
        expect(res).not.toBe('"*"');
      }
      const own3 = statements.flatMap((s) => [s.Action].flat());
      expect(own3.every((x) => /^(s3:(GetObject|PutObject|PutObjectTagging|DeleteObject|ListBucket)$|kms:|rds-db:connect$)/.test(x))).toBe(
        true,
      );
    }
  });

  test('each tenant role may connect to the database as its own tenant login only (IAM auth), and no other role may', () => {
    const connects = (tenant: string) =>
      Object.values(own(tenant, 'AWS::IAM::ManagedPolicy')).flatMap((p) =>
        p.Properties.PolicyDocument.Statement.filter((s: { Action: string }) => s.Action === 'rds-db:connect'),
      );
    for (const id of ['acme', 'globex']) {
      const [grant, ...more] = connects(id);
      expect(more).toEqual([]);
      const parts = grant.Resource['Fn::Join'][1];
      expect(parts[0]).toBe('arn:aws:rds-db:us-east-1:');
      expect(parts[2]).toBe(':dbuser:');
      expect(parts[3]['Fn::GetStackOutput'].OutputName).toMatch(/PostgresInstance.*DbiResourceId/);
      expect(parts[4]).toBe(`/tenant_${id}`);
    }
  });

  test('the tenant role is assumable by the queue worker only', () => {
    const role = Object.values(own('acme', 'AWS::IAM::Role'))[0];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Action: 'sts:AssumeRole',
        Principal: {
          AWS: expect.objectContaining({
            'Fn::GetStackOutput': expect.objectContaining({ OutputName: expect.stringMatching(/ConsumerRole/) }),
          }),
        },
      }),
    ]);
  });

  test('the PHI bucket lets objects be reached only through access points of this account', () => {
    r.template('Data').hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DenyObjectAccessOutsideAccessPoints',
            Effect: 'Deny',
            Condition: {
              StringNotEquals: {
                's3:DataAccessPointAccount': { Ref: 'AWS::AccountId' },
                'aws:PrincipalArn': [Match.objectLike({ 'Fn::GetAtt': Match.anyValue() })],
              },
            },
          }),
        ]),
      },
    });
  });

  test('each tenant gets a database schema and IAM-authenticated role, created at deploy time in the isolated subnets', () => {
    t.acme.template.hasResourceProperties('Custom::TenantDatabaseSchema', {
      TenantId: 'acme',
      Schema: 'tenant_acme',
      Role: 'tenant_acme',
      // CloudFormation gives up after 10 minutes without an answer, not after an hour.
      ServiceTimeout: '600',
    });
    r.template('Data').hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('tenant database schema'),
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
      Environment: { Variables: Match.objectLike({ DB_SECRET_ARN: Match.anyValue() }) },
    });
  });
});

describe('evidence for tenants', () => {
  test('the access points are evidence rows and the isolation sentence is stated', () => {
    const { evidence } = produceEvidence(r.app, r.config, 'default', r.assemblyDir, r.findings);
    const c = evidence.controls.find((x) => x.id === 'tenant-isolation')!;
    expect(c.status).toBe('met');
    expect(c.resources.map((x) => x.values.prefix).sort()).toEqual(['tenants/acme/', 'tenants/globex/', 'tenants/initech/']);
    expect(evidence.trustCenter.find((x) => x.id === 'tenant-isolation')!.text).toMatch(/a key of their own .* \(3 customers\)/);
  });
});

describe('retention per retention value, not per tenant', () => {
  type Rule = { Id: string; Prefix?: string; TagFilters?: Array<{ Key: string; Value: string }>; ExpirationInDays?: number };
  const phiRules = (x: SynthResult) =>
    Object.values(x.template('Data').findResources('AWS::S3::Bucket')).find((b) => JSON.stringify(b).includes('hipaa-retention-days'))!
      .Properties.LifecycleConfiguration.Rules as Rule[];
  const policyOf = (tenant: string) =>
    Object.values(own(tenant, 'AWS::S3::AccessPoint'))[0].Properties.Policy.Statement as Array<{
      Sid: string;
      Effect: string;
      Action: string | string[];
      Resource: unknown;
      Condition?: Record<string, Record<string, unknown>>;
    }>;

  test('one lifecycle rule per distinct retention (tag and prefix), none per tenant; under a day rounds up to one day', () => {
    const rules = phiRules(r);
    // acme and initech: records 7y, documents 7y, exports 30d; globex: documents 1h -> 1 day, exports none.
    expect(rules.filter((x) => x.Id.startsWith('retention-'))).toEqual([
      {
        Id: 'retention-1d',
        Status: 'Enabled',
        Prefix: 'tenants/',
        TagFilters: [{ Key: 'hipaa-retention-days', Value: '1' }],
        ExpirationInDays: 1,
      },
      {
        Id: 'retention-30d',
        Status: 'Enabled',
        Prefix: 'tenants/',
        TagFilters: [{ Key: 'hipaa-retention-days', Value: '30' }],
        ExpirationInDays: 30,
      },
      {
        Id: 'retention-2557d',
        Status: 'Enabled',
        Prefix: 'tenants/',
        TagFilters: [{ Key: 'hipaa-retention-days', Value: '2557' }],
        ExpirationInDays: 2557,
      },
    ]);
    expect(rules).toHaveLength(4);
    expect(JSON.stringify(rules)).not.toMatch(/acme|globex|initech/);
    expect(retentionDaysInUse(r.config.tenants)).toEqual([1, 30, 2557]);
  });

  test("a tenant's access point refuses a write (or re-tag) of a class without that class's retention tag", () => {
    const deny = (tenant: string, days: string) => policyOf(tenant).find((s) => s.Sid === `RetentionTag${days}Days`)!;
    const acme2557 = deny('acme', '2557');
    expect(acme2557).toMatchObject({
      Effect: 'Deny',
      Action: ['s3:PutObject', 's3:PutObjectTagging'],
      Condition: { StringNotEquals: { 's3:RequestObjectTag/hipaa-retention-days': '2557' } },
    });
    const res = (x: { Resource: unknown }) => JSON.stringify(x.Resource);
    expect(res(acme2557)).toMatch(/tenants\/acme\/records\/\*.*tenants\/acme\/documents\/\*/);
    expect(res(deny('acme', '30'))).toMatch(/tenants\/acme\/exports\/\*/);
    expect(res(deny('globex', '1'))).toMatch(/tenants\/globex\/documents\/\*/);
    // Tags are never removed, nor set on an older version.
    expect(policyOf('acme').find((s) => s.Sid === 'RetentionTagStays')).toMatchObject({
      Effect: 'Deny',
      Action: ['s3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging', 's3:PutObjectVersionTagging'],
    });
    // Writes only under a class prefix, never elsewhere under the tenant's prefix.
    const writes = policyOf('acme').find((s) => s.Sid === 'TenantRoleWritesItsClasses')!;
    expect(res(writes)).toMatch(/tenants\/acme\/records\/\*.*tenants\/acme\/documents\/\*.*tenants\/acme\/exports\/\*/);
    expect(retentionTagging(r.config, 'acme', 'exports')).toBe('hipaa-retention-days=30');
    expect(retentionTagging(r.config, 'globex', 'exports')).toBeUndefined();
  });

  test('zero retention stores nothing: writes to that class are denied at the access point, and not granted', () => {
    const deny = policyOf('globex').find((s) => s.Sid === 'ZeroRetentionStoresNothing')!;
    expect(deny.Effect).toBe('Deny');
    expect(JSON.stringify(deny.Resource)).toContain('/object/tenants/globex/exports/*');
    expect(JSON.stringify(policyOf('globex').find((s) => s.Sid === 'TenantRoleWritesItsClasses')!.Resource)).not.toContain('exports');
    expect(JSON.stringify(policyOf('acme'))).not.toContain('ZeroRetentionStoresNothing');
  });

  test('retention values are validated', () => {
    expect(retentionLifecycleDays('1h')).toBe(1);
    expect(retentionLifecycleDays('7y')).toBe(2557); // the most days 7 calendar years span
    const bad = (retention: Record<string, string>) => () => parseConfig({ ...testConfig(), tenants: [{ id: 'acme', retention }] });
    expect(bad({ records: '8y' })).toThrow(/tenants\[0\]\.retention\.records: got "8y"; must be at most 7 years/);
    expect(bad({ records: '0d' })).toThrow(/must be "none" \(store nothing\) or a duration such as 1h, 30d, 7y/);
    expect(bad({ records: 'forever' })).toThrow(/retention\.records: got "forever"/);
    expect(bad({ notes: '1d' })).toThrow(/retention\.notes: unknown field/);
  });
});

describe('adding or removing a tenant never touches another', () => {
  const ids = (x: Template, id: string) =>
    Object.keys(x.toJSON().Resources as object)
      .filter((k) => k.startsWith(id))
      .sort();

  test('the other tenants keep their stacks and logical ids', () => {
    const after = byTenant(
      synthReference(testConfig({ tenants: [TENANTS[0], TENANTS[2], { id: 'umbrella', slot: 3 }] }), { complianceGate: false }),
    );
    for (const id of ['acme', 'initech']) {
      expect(after[id].stack).toBe(t[id].stack);
      expect(ids(after[id].template, id)).toEqual(ids(t[id].template, id));
    }
    expect(t.acme.stack).toBe('Tenants0');
    expect(t.initech.stack).toBe('Tenants1');
    expect(after.umbrella.stack).toBe('Tenants0');
  });

  test('removing the only tenant of a shard keeps the shard stack (emptied, with a placeholder), so cdk deploy removes its resources', () => {
    const shard = t.initech.stack;
    expect(Object.values(t).filter((x) => x.stack === shard)).toHaveLength(1);
    // initech holds the highest slot: offboarded, it keeps the slot, so its stack stays in the app.
    const after = synthReference(testConfig({ tenants: TENANTS.map((x) => (x.id === 'initech' ? { ...x, offboarded: true } : x)) }), {
      complianceGate: false,
    });
    expect(after.stage.tenants.map((s) => s.node.id)).toEqual(['Tenants0', 'Tenants1']);
    const emptied = after.template(shard).toJSON().Resources as Record<string, { Type: string }>;
    expect(
      Object.values(emptied)
        .map((x) => x.Type)
        .filter((type) => type !== 'AWS::CDK::Metadata'),
    ).toEqual(['AWS::CloudFormation::WaitConditionHandle']);
    expect(Object.keys(r.template(shard).findResources('AWS::S3::AccessPoint'))).toHaveLength(1);
    // Its objects keep expiring: the lifecycle rules still cover the retentions it used.
    expect(retentionDaysInUse(after.config.tenants)).toEqual([1, 30, 2557]);
  });

  test('a removed tenant keeps its key and its data (both retained)', () => {
    expect(Object.values(own('globex', 'AWS::KMS::Key'))[0].UpdateReplacePolicy).toBe('Retain');
    expect(Object.values(r.template('Data').findResources('AWS::S3::Bucket')).every((b) => b.DeletionPolicy === 'Retain')).toBe(true);
  });
});

describe('tenant database provisioner', () => {
  const event = (RequestType: 'Create' | 'Update' | 'Delete', Schema = 'tenant_acme') => ({
    RequestType,
    ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x',
    StackId: 's',
    RequestId: 'r',
    LogicalResourceId: 'l',
    ResourceProperties: { TenantId: 'acme', Schema, Role: Schema },
  });

  test('creates the schema and an IAM-authenticated role, idempotently, and reports success', async () => {
    const ran: string[][] = [];
    const sent: string[] = [];
    await handle(event('Create'), {
      run: (s) => Promise.resolve(void ran.push(s)),
      respond: (_u, b) => Promise.resolve(void sent.push(b)),
    });
    expect(ran[0]).toEqual(provisioningStatements('tenant_acme', 'tenant_acme'));
    expect(ran[0].join('\n')).toMatch(/GRANT rds_iam TO "tenant_acme"[\s\S]*CREATE SCHEMA IF NOT EXISTS "tenant_acme"/);
    expect(JSON.parse(sent[0])).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'tenant-db:tenant_acme' });
  });

  test('delete retains the schema; a failure is reported as FAILED; unsafe identifiers are refused', async () => {
    const sent: string[] = [];
    const respond = (_u: string, b: string) => Promise.resolve(void sent.push(b));
    let ran = 0;
    await handle(event('Delete'), { run: () => Promise.resolve(void ran++), respond });
    expect(ran).toBe(0);
    expect(JSON.parse(sent[0])).toMatchObject({ Status: 'SUCCESS', Reason: 'schema tenant_acme and role tenant_acme retained' });
    await handle(event('Create'), { run: () => Promise.reject(new Error('connection refused')), respond });
    expect(JSON.parse(sent[1])).toMatchObject({ Status: 'FAILED', Reason: 'connection refused' });
    await handle(event('Create', 'tenant_x"; DROP TABLE y; --'), { run: () => Promise.resolve(), respond });
    expect(JSON.parse(sent[2])).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/must match/) });
  });
});
