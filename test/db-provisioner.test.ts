/**
 * The tenant database provisioner (the real Lambda code, with `pg`) against a real PostgreSQL that models
 * RDS's privilege model (test/helpers/postgres.ts: a non-superuser CREATEROLE master in `rds_superuser`, an
 * `rds_iam` role, pgAudit preloaded, TLS only). Mocked: only the Secrets Manager read and the upload of the
 * CloudFormation response. The server is the installed Debian major (15 on CI); the 16+ branch of the SQL is
 * exercised on PostgreSQL 18 by test/db-provisioner-pg18.test.ts.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { Client } from 'pg';
import { CustomResourceEvent, handle, runWithMasterSecret } from '../lib/handlers/tenant-db-provisioner';
import { RdsModel, startRdsModel } from './helpers/postgres';

jest.setTimeout(60_000);

let model: RdsModel;
let su: Client;
const sm = mockClient(SecretsManagerClient);

beforeAll(async () => {
  model = await startRdsModel();
  su = await model.superuser();
  process.env.DB_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:master';
  sm.on(GetSecretValueCommand, { SecretId: process.env.DB_SECRET_ARN }).resolves({
    SecretString: JSON.stringify({ host: model.host, port: model.port, username: model.master.username, password: model.master.password }),
  });
});

afterAll(async () => {
  await su?.end();
  model?.stop();
  sm.restore();
});

interface Response {
  Status: 'SUCCESS' | 'FAILED';
  Reason: string;
  PhysicalResourceId: string;
  Data: { Schema: string; Role: string };
}

/** Runs the handler as Lambda would (real secret read path, real `pg` connection), capturing the response. */
async function invoke(RequestType: CustomResourceEvent['RequestType'], tenant: string): Promise<Response> {
  const sent: Array<{ url: string; body: string }> = [];
  const name = `tenant_${tenant}`;
  await handle(
    {
      RequestType,
      ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/presigned',
      StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/tenants/1',
      RequestId: `req-${tenant}`,
      LogicalResourceId: 'DatabaseSchema',
      PhysicalResourceId: RequestType === 'Create' ? undefined : `tenant-db:${name}`,
      ResourceProperties: { TenantId: tenant, Schema: name, Role: name },
    },
    { run: runWithMasterSecret(model.tls), respond: (url, body) => Promise.resolve(void sent.push({ url, body })) },
  );
  expect(sent).toHaveLength(1);
  expect(sent[0].url).toMatch(/^https:\/\/cloudformation-custom-resource-response-useast1\./);
  return JSON.parse(sent[0].body) as Response;
}

const rows = async (sql: string, params: unknown[] = []) => (await su.query(sql, params)).rows as Array<Record<string, unknown>>;

/** Everything the provisioner owns, to compare before and after a re-run. */
const catalogue = () =>
  rows(`
    SELECT 'schema' AS kind, n.nspname AS name, pg_get_userbyid(n.nspowner) AS detail, n.nspacl::text AS acl FROM pg_namespace n WHERE n.nspname LIKE 'tenant\\_%'
    UNION ALL SELECT 'member', r.rolname, m.rolname || ' by ' || g.rolname, a.admin_option::text FROM pg_auth_members a
      JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member JOIN pg_roles g ON g.oid = a.grantor WHERE r.rolname LIKE 'tenant\\_%' OR m.rolname LIKE 'tenant\\_%'
    UNION ALL SELECT 'setting', pg_get_userbyid(s.setrole), array_to_string(s.setconfig, ','), NULL FROM pg_db_role_setting s WHERE pg_get_userbyid(s.setrole) LIKE 'tenant\\_%'
    UNION ALL SELECT 'extension', e.extname, e.extversion, NULL FROM pg_extension e
    ORDER BY 1, 2, 3`);

/** Log in as a tenant. On RDS the password is an IAM authentication token; here the test sets one. */
async function loginAs(role: string): Promise<Client> {
  const password = `pw-${role}-${Date.now()}`;
  await su.query(`ALTER ROLE "${role}" PASSWORD '${password}'`);
  return model.connect(role, password);
}

describe(`tenant database provisioner on PostgreSQL (RDS privilege model)`, () => {
  test('the model is faithful: the master is not a superuser, has CREATEROLE and is in rds_superuser', async () => {
    const master = await model.connect(model.master.username, model.master.password);
    try {
      const [me] = (
        await master.query(
          `SELECT rolsuper, rolcreaterole, pg_has_role(current_user, 'rds_superuser', 'MEMBER') AS in_rds_superuser,
                  (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS tls
           FROM pg_roles WHERE rolname = current_user`,
        )
      ).rows as Array<Record<string, unknown>>;
      expect(me).toEqual({ rolsuper: false, rolcreaterole: true, in_rds_superuser: true, tls: true });
      expect(await rows(`SELECT current_setting('shared_preload_libraries') AS preload`)).toEqual([{ preload: 'pgaudit' }]);
    } finally {
      await master.end();
    }
  });

  test('the SQL before the fix fails here as it does on RDS (CREATE SCHEMA ... AUTHORIZATION by a non-superuser)', async () => {
    const master = await model.connect(model.master.username, model.master.password);
    try {
      await master.query('BEGIN');
      await master.query(`DO $$ BEGIN CREATE ROLE "tenant_legacy" LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
      await master.query(`GRANT rds_iam TO "tenant_legacy"`);
      // PostgreSQL 15: "must be member of role"; 16 and later: "must be able to SET ROLE".
      await expect(master.query(`CREATE SCHEMA IF NOT EXISTS "tenant_legacy" AUTHORIZATION "tenant_legacy"`)).rejects.toThrow(
        /must be member of role "tenant_legacy"|must be able to SET ROLE "tenant_legacy"/,
      );
    } finally {
      await master.query('ROLLBACK');
      await master.end();
    }
  });

  test('Create: SUCCESS; schema owned by its login, IAM-only login, PUBLIC shut out, pgaudit created', async () => {
    expect(await rows(`SELECT 1 FROM pg_extension WHERE extname = 'pgaudit'`)).toEqual([]);
    for (const t of ['acme', 'globex']) {
      expect(await invoke('Create', t)).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: `tenant-db:tenant_${t}`,
        Data: { Schema: `tenant_${t}`, Role: `tenant_${t}` },
      });
    }
    expect(
      await rows(`SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' ORDER BY 1`),
    ).toEqual([
      { nspname: 'tenant_acme', owner: 'tenant_acme' },
      { nspname: 'tenant_globex', owner: 'tenant_globex' },
    ]);
    expect(
      await rows(
        `SELECT rolname, rolcanlogin, rolsuper, rolcreaterole, pg_has_role(rolname, 'rds_iam', 'MEMBER') AS iam FROM pg_roles WHERE rolname = 'tenant_acme'`,
      ),
    ).toEqual([{ rolname: 'tenant_acme', rolcanlogin: true, rolsuper: false, rolcreaterole: false, iam: true }]);
    expect(
      await rows(
        `SELECT has_schema_privilege('public', 'tenant_acme', 'USAGE') AS usage, has_schema_privilege('public', 'tenant_acme', 'CREATE') AS create`,
      ),
    ).toEqual([{ usage: false, create: false }]);
    expect(await rows(`SELECT pg_get_userbyid(extowner) AS owner FROM pg_extension WHERE extname = 'pgaudit'`)).toEqual([
      { owner: model.master.username },
    ]);
    expect(
      await rows(`SELECT array_to_string(setconfig, ',') AS c FROM pg_db_role_setting WHERE setrole = 'tenant_acme'::regrole`),
    ).toEqual([{ c: 'search_path=tenant_acme' }]);
  });

  test("isolation: tenant A's login cannot read, write or become tenant B", async () => {
    const globex = await loginAs('tenant_globex');
    try {
      // Its search_path is its own schema: unqualified names land there.
      await globex.query(`CREATE TABLE records (id int PRIMARY KEY, note text)`);
      await globex.query(`INSERT INTO records VALUES (1, 'phi')`);
      expect((await globex.query(`SELECT current_schema() AS s`)).rows).toEqual([{ s: 'tenant_globex' }]);
    } finally {
      await globex.end();
    }
    const acme = await loginAs('tenant_acme');
    try {
      await expect(acme.query(`SELECT * FROM tenant_globex.records`)).rejects.toThrow(/permission denied for schema tenant_globex/);
      await expect(acme.query(`CREATE TABLE tenant_globex.planted (x int)`)).rejects.toThrow(/permission denied for schema tenant_globex/);
      await expect(acme.query(`SET ROLE tenant_globex`)).rejects.toThrow(/permission denied to set role "tenant_globex"/);
      await expect(acme.query(`CREATE TABLE public.planted (x int)`)).rejects.toThrow(/permission denied for schema public/);
      await acme.query(`CREATE TABLE own (x int)`);
      expect((await acme.query(`SELECT count(*)::int AS n FROM tenant_acme.own`)).rows).toEqual([{ n: 0 }]);
    } finally {
      await acme.end();
    }
  });

  test('re-run (Create again, Update) is idempotent: SUCCESS, nothing changes, data kept', async () => {
    const before = await catalogue();
    expect(await invoke('Create', 'acme')).toMatchObject({ Status: 'SUCCESS' });
    expect(await invoke('Update', 'globex')).toMatchObject({ Status: 'SUCCESS' });
    expect(await catalogue()).toEqual(before);
    expect(await rows(`SELECT note FROM tenant_globex.records`)).toEqual([{ note: 'phi' }]);
  });

  test('tenant stacks deploying in parallel: concurrent runs all succeed', async () => {
    const results = await Promise.all(['initech', 'umbrella', 'hooli', 'initech'].map((t) => invoke('Create', t)));
    expect(results.map((r) => r.Status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(
      await rows(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname IN ('tenant_initech', 'tenant_umbrella', 'tenant_hooli')`),
    ).toEqual([{ n: 3 }]);
  });

  test('a failure is reported as FAILED with the PostgreSQL error, and nothing is half-written', async () => {
    // A role of that name exists and the master does not administer it (here: a superuser).
    await su.query(`CREATE ROLE tenant_taken SUPERUSER NOLOGIN`);
    const r = await invoke('Create', 'taken');
    expect(r.Status).toBe('FAILED');
    expect(r.Reason).toMatch(/must be superuser to alter superusers|permission denied to grant role/);
    expect(await rows(`SELECT 1 FROM pg_namespace WHERE nspname = 'tenant_taken'`)).toEqual([]);
    expect(await rows(`SELECT 1 FROM pg_auth_members WHERE roleid = 'rds_iam'::regrole AND member = 'tenant_taken'::regrole`)).toEqual([]);
  });

  test('a database that refuses the connection is reported as FAILED (no hang)', async () => {
    const sent: string[] = [];
    await handle(
      {
        RequestType: 'Create',
        ResponseURL: 'https://example.invalid/',
        StackId: 's',
        RequestId: 'r',
        LogicalResourceId: 'l',
        ResourceProperties: { TenantId: 'acme', Schema: 'tenant_acme', Role: 'tenant_acme' },
      },
      // Without the model's CA the server certificate does not verify: the handler never talks in clear text.
      { run: runWithMasterSecret({ rejectUnauthorized: true }), respond: (_u, b) => Promise.resolve(void sent.push(b)) },
    );
    expect(JSON.parse(sent[0])).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/self[- ]signed certificate/) });
  });

  test('Delete: SUCCESS, schema, role and data retained until offboarding; the tenant can still log in', async () => {
    const before = await catalogue();
    expect(await invoke('Delete', 'globex')).toMatchObject({
      Status: 'SUCCESS',
      Reason: 'schema tenant_globex and role tenant_globex retained',
    });
    expect(await catalogue()).toEqual(before);
    const globex = await loginAs('tenant_globex');
    try {
      expect((await globex.query(`SELECT note FROM records`)).rows).toEqual([{ note: 'phi' }]);
    } finally {
      await globex.end();
    }
  });
});
