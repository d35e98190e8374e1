import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { PolicyValidationPluginReport } from 'aws-cdk-lib';
import * as guardWorkers from '../lib/compliance/guard-workers';
import { splitByCost, startGuardRuns } from '../lib/compliance/guard-workers';
import { guardRuleFiles } from '../lib/compliance/guard-rules';
import { planGuardJobs, ScopedControlTowerValidator, selectResources } from '../lib/compliance/scoped-guard';
import { synthReference, testConfig } from './helpers/synth';
import { REFERENCE_TENANTS } from './behaviour/reference';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The reference deployment with tenants, templates copied out, with a set of non-compliant edits planted. */
function plantedTemplates(): { dir: string; paths: string[] } {
  const r = synthReference(testConfig({ tenants: REFERENCE_TENANTS }), { complianceGate: false });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scoped-guard-'));
  const paths: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.template.json')) {
        const body = JSON.parse(fs.readFileSync(path.join(d, e.name), 'utf8')) as Json;
        plant(body);
        const out = path.join(dir, e.name);
        fs.writeFileSync(out, JSON.stringify(body, undefined, 1));
        paths.push(out);
      }
    }
  };
  walk(r.assemblyDir);
  return { dir, paths };
}

/** Non-compliant edits, one resource of each type: key rotation off, a public access point, admin policies, open ingress, unencrypted storage. */
function plant(t: Json): void {
  const first = (type: string) => Object.values((t.Resources ?? {}) as Record<string, Json>).find((r) => r.Type === type);
  const key = first('AWS::KMS::Key');
  if (key) key.Properties.EnableKeyRotation = false;
  const ap = first('AWS::S3::AccessPoint');
  if (ap)
    ap.Properties.PublicAccessBlockConfiguration = {
      BlockPublicAcls: true,
      BlockPublicPolicy: false,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    };
  const policy = first('AWS::IAM::ManagedPolicy');
  if (policy) policy.Properties.PolicyDocument.Statement.push({ Effect: 'Allow', Action: '*', Resource: '*' });
  const role = first('AWS::IAM::Role');
  if (role)
    role.Properties.Policies = [
      { PolicyName: 'all', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } },
    ];
  const sg = first('AWS::EC2::SecurityGroup');
  if (sg) sg.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }];
  const db = first('AWS::RDS::DBInstance');
  if (db) db.Properties.StorageEncrypted = false;
  const bucket = first('AWS::S3::Bucket');
  if (bucket) delete bucket.Properties.BucketEncryption;
}

/** Each violation as rule | template file | resource, sorted. */
const flat = (r: PolicyValidationPluginReport) =>
  r.violations
    .flatMap((v) =>
      v.violatingResources.map((res) => `${v.ruleName} | ${path.basename(res.templatePath ?? '')} | ${res.resourceLogicalId}`),
    )
    .sort();

describe('Control Tower rules scoped by resource type', () => {
  let planted: { dir: string; paths: string[] };
  let full: string[];
  beforeAll(() => {
    planted = plantedTemplates();
    const r = new CfnGuardValidator({ disabledRules: [], maxBuffer: 64 * 1024 * 1024 }).validate({ templatePaths: planted.paths } as never);
    full = flat(r);
  });
  afterAll(() => fs.rmSync(planted.dir, { recursive: true, force: true }));

  test('the planted edits are found by the full rule set (the comparison below is not vacuous)', () => {
    for (const rule of [
      'kms_key_rotation_enabled_check',
      's3_access_point_public_access_prohibited_check',
      'iam_managed_policy_no_statements_with_admin_access_check',
      'iam_inline_policy_no_statements_with_full_access_check',
      'vpc_sg_restricted_common_ports_check',
      'rds_instance_storage_encrypted_check',
      // follows a Ref to a resource of a type the rule does not name
      'lambda_function_public_access_prohibited_check',
    ])
      expect(full.some((v) => v.startsWith(`${rule} |`))).toBe(true);
    expect(full.filter((v) => v.includes('Tenants')).length).toBeGreaterThanOrEqual(4);
  });

  test.each([
    ['split every template by type, two runs at a time', { splitAboveBytes: 0, concurrency: 2 }],
    ['split every template by type, three threads taking pieces from one queue', { splitAboveBytes: 0, concurrency: 3 }],
    ['split no template, one run at a time', { splitAboveBytes: Number.MAX_SAFE_INTEGER, concurrency: 1 }],
    ['the defaults', {}],
  ])('reports exactly what every rule on every template reports: %s', (_name, options) => {
    const scoped = new ScopedControlTowerValidator({ disabledRules: [], maxBuffer: 64 * 1024 * 1024, ...options }).validate({
      templatePaths: planted.paths,
    } as never);
    expect(flat(scoped)).toEqual(full);
    expect(scoped.success).toBe(false);
    // Violations name the templates CDK gave, never a filtered copy.
    for (const v of scoped.violations) for (const res of v.violatingResources) expect(planted.paths).toContain(res.templatePath);
  });

  test('started early (in workers, before its turn) and joined by validate: the same report, from the early runs', () => {
    const starts = jest.spyOn(guardWorkers, 'startGuardRuns');
    try {
      const guard = new ScopedControlTowerValidator({
        disabledRules: [],
        maxBuffer: 64 * 1024 * 1024,
        splitAboveBytes: 0,
        startEarlyAboveBytes: 0,
        concurrency: 2,
      });
      expect(guard.start({ templatePaths: planted.paths })).toBe(true);
      const report = guard.validate({ templatePaths: planted.paths } as never);
      expect(starts).toHaveBeenCalledTimes(1);
      expect(flat(report)).toEqual(full);
      // Started for other templates: cancelled, and validate runs its own.
      expect(guard.start({ templatePaths: planted.paths.slice(1) })).toBe(true);
      expect(flat(guard.validate({ templatePaths: planted.paths } as never))).toEqual(full);
      expect(starts).toHaveBeenCalledTimes(3);
    } finally {
      starts.mockRestore();
    }
  });

  test('a disabled rule is not run on any copy', () => {
    const scoped = new ScopedControlTowerValidator({ disabledRules: ['ct-kms-pr-1'], splitAboveBytes: 0 }).validate({
      templatePaths: planted.paths,
    } as never);
    expect(flat(scoped).filter((v) => v.startsWith('kms_key_rotation_enabled_check'))).toEqual([]);
    expect(flat(scoped).length).toBeGreaterThan(0);
  });
});

describe('planGuardJobs', () => {
  const rules = [
    { name: 'keys', types: ['AWS::KMS::Key'], followsReferences: false },
    { name: 'buckets-and-policies', types: ['AWS::S3::Bucket', 'AWS::S3::BucketPolicy'], followsReferences: false },
    { name: 'any', types: [], followsReferences: false },
    { name: 'queues', types: ['AWS::SQS::Queue'], followsReferences: false },
  ];
  const template = (p: string, types: string[]) => ({
    path: p,
    body: { Resources: Object.fromEntries(types.map((t, i) => [`R${i}`, { Type: t }])) },
    bytes: 1000,
  });
  const written: Array<{ from: string; types: string[] }> = [];
  const write = (t: { path: string }, types: string[]) => {
    written.push({ from: t.path, types });
    return { path: `${t.path}#${types.join('+')}`, bytes: 10 };
  };

  test('a small template is checked whole, without the rules whose types it lacks', () => {
    const jobs = planGuardJobs([template('a', ['AWS::KMS::Key', 'AWS::S3::Bucket'])], rules, write, 5000);
    expect(jobs).toEqual([{ rules: ['keys', 'buckets-and-policies', 'any'], data: ['a'], costs: [3000], cost: 3000 }]);
  });

  test('a large template is split: each rule sees the types it names, a rule naming none sees everything; identical templates share runs', () => {
    written.length = 0;
    const jobs = planGuardJobs(
      [
        template('t1', ['AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy']),
        template('t2', ['AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy']),
      ],
      rules,
      write,
      0,
    );
    expect(jobs).toEqual([
      { rules: ['keys'], data: ['t1#AWS::KMS::Key', 't2#AWS::KMS::Key'], costs: [10, 10], cost: 20 },
      {
        rules: ['buckets-and-policies'],
        data: ['t1#AWS::S3::Bucket+AWS::S3::BucketPolicy', 't2#AWS::S3::Bucket+AWS::S3::BucketPolicy'],
        costs: [10, 10],
        cost: 20,
      },
      { rules: ['any'], data: ['t1', 't2'], costs: [1000, 1000], cost: 2000 },
    ]);
  });

  test('every bundled rule file names the types it checks, or is run on whole templates', () => {
    const files = guardRuleFiles();
    expect(files.length).toBeGreaterThan(200);
    for (const f of files) for (const t of f.types) expect(t).toMatch(/^AWS::\w+::\w+$/);
  });

  test('a costly job is cut into consecutive pieces of about the given cost, never splitting a file', () => {
    const job = { rules: ['r'], data: ['a', 'b', 'c', 'd', 'e'], costs: [4, 4, 4, 4, 4], cost: 20 };
    const pieces = splitByCost([job], 10);
    expect(pieces.map((p) => p.data)).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
    expect(pieces.map((p) => p.cost)).toEqual([8, 12]);
    expect(pieces.every((p) => p.rules === job.rules)).toBe(true);
    // A job already small enough, or of one file, stays whole; every file lands in exactly one piece.
    expect(splitByCost([job], 100).map((p) => p.data)).toEqual([job.data]);
    expect(splitByCost([{ data: ['big'], costs: [50] }], 10).map((p) => p.data)).toEqual([['big']]);
    const many = splitByCost([{ data: ['a', 'b', 'c', 'd', 'e'], costs: [1, 9, 1, 1, 8] }], 5);
    expect(many.flatMap((p) => p.data)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(many.length).toBeGreaterThan(1);
  });

  test('runs over several threads: one report per run, in the order of the runs; a failing run fails the whole, naming it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-runs-'));
    try {
      const open = path.join(dir, 'open.json');
      fs.writeFileSync(
        open,
        JSON.stringify({
          Resources: {
            Sg: {
              Type: 'AWS::EC2::SecurityGroup',
              Properties: {
                GroupDescription: 'x',
                SecurityGroupIngress: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: '0.0.0.0/0' }],
              },
            },
          },
        }),
      );
      const closed = path.join(dir, 'closed.json');
      fs.writeFileSync(
        closed,
        JSON.stringify({ Resources: { Sg: { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'x' } } } }),
      );
      const others = guardRuleFiles()
        .map((r) => r.name)
        .filter((n) => n !== 'ct-ec2-pr-4');
      const run = (p: string, cost: number) => ({ disabledRules: others, templatePaths: [p], cost });
      // One worker thread beside this one, both taking from the queue.
      const reports = startGuardRuns([run(closed, 1), run(open, 3), run(closed, 2), run(open, 1), run(closed, 5)], { workers: 1 }).finish();
      expect(reports.map((r) => r.success)).toEqual([true, false, true, false, true]);
      // cfn-guard's answer larger than the buffer allowed: every run fails, the whole fails, no worker is left behind.
      expect(() => startGuardRuns([run(closed, 1), run(open, 9), run(open, 1)], { workers: 1, maxBuffer: 1 }).finish()).toThrow(
        /ENOBUFS|maxBuffer|cfn-guard/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('selectResources', () => {
  const resources = {
    Perm: { Type: 'AWS::Lambda::Permission', Properties: { SourceArn: { 'Fn::GetAtt': ['Rule', 'Arn'] } } },
    Rule: { Type: 'AWS::Events::Rule', Properties: { RoleArn: { 'Fn::Sub': '${Role.Arn}' } } },
    Role: { Type: 'AWS::IAM::Role', Properties: {} },
    Other: { Type: 'AWS::SQS::Queue', Properties: { KmsMasterKeyId: { Ref: 'Key' } } },
    Key: { Type: 'AWS::KMS::Key', Properties: {} },
  };
  test('keeps the named types, and with references every resource they lead to', () => {
    expect(Object.keys(selectResources(resources, new Set(['AWS::Lambda::Permission']), false))).toEqual(['Perm']);
    expect(Object.keys(selectResources(resources, new Set(['AWS::Lambda::Permission']), true))).toEqual(['Perm', 'Rule', 'Role']);
  });
});
