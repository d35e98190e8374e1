/**
 * The provisioning SQL under PostgreSQL 16+ rules, run on PostgreSQL 18 (PGlite, a WebAssembly build of
 * PostgreSQL, in a child process). The Debian server of test/db-provisioner.test.ts is 15, which takes the
 * other branch of the SQL; here the `GRANT ... WITH SET TRUE, INHERIT FALSE` branch and `SET LOCAL ROLE` meet
 * the rules 16 introduced for CREATEROLE users. PGlite has one session and no pgaudit: the master and the
 * tenants are modelled with SET SESSION AUTHORIZATION, and the pgaudit statement is left out (the Debian test
 * covers it). Statements come from the handler's own `provisioningStatements`.
 */
import { PGAUDIT_STATEMENT, provisioningStatements } from '../lib/handlers/tenant-db-provisioner';
import { runOnPglite, SqlResult, SqlStep } from './helpers/pglite';

const MASTER = 'hipaa_admin';

/** A script of steps with named checkpoints, run once; results are looked up by name. */
class Script {
  readonly steps: SqlStep[] = [];
  private readonly names = new Map<string, number>();
  add(sql: string, as?: string, name?: string): this {
    if (name) this.names.set(name, this.steps.length);
    this.steps.push({ sql, as });
    return this;
  }
  /** The handler's transaction for one tenant, as the master; its steps are named `<name>:<i>`. */
  provision(tenant: string, name: string): this {
    this.add('BEGIN', MASTER);
    provisioningStatements(tenant, tenant)
      .filter((s) => s !== PGAUDIT_STATEMENT)
      .forEach((s, i) => this.add(s, MASTER, `${name}:${i}`));
    return this.add('COMMIT', MASTER, `${name}:commit`);
  }
  stepsNamed(prefix: string): number[] {
    return [...this.names].filter(([n]) => n.startsWith(`${prefix}:`)).map(([, i]) => i);
  }
  index(name: string): number {
    const i = this.names.get(name);
    if (i === undefined) throw new Error(`no step ${name}`);
    return i;
  }
}

const CATALOGUE = `SELECT r.rolname, m.rolname AS member, g.rolname AS grantor, a.admin_option, a.inherit_option, a.set_option FROM pg_auth_members a
  JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member JOIN pg_roles g ON g.oid = a.grantor
  WHERE r.rolname LIKE 'tenant\\_%' OR m.rolname LIKE 'tenant\\_%'
  UNION ALL SELECT nspname, pg_get_userbyid(nspowner), COALESCE(nspacl::text, ''), NULL, NULL, NULL FROM pg_namespace WHERE nspname LIKE 'tenant\\_%'
  ORDER BY 1, 2, 3`;

const s = new Script()
  .add(`SELECT current_setting('server_version_num')::int AS v`, undefined, 'version')
  .add(
    `CREATE ROLE rds_superuser NOLOGIN; CREATE ROLE rds_iam NOLOGIN; GRANT rds_iam TO rds_superuser WITH ADMIN OPTION;
     GRANT CREATE ON DATABASE postgres TO rds_superuser;
     CREATE ROLE ${MASTER} WITH LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE; GRANT rds_superuser TO ${MASTER}`.replace(/;\s*/g, ';\n'),
  )
  // The SQL before the fix.
  .add('BEGIN', MASTER)
  .add(`CREATE ROLE "tenant_legacy" LOGIN`, MASTER)
  .add(`GRANT rds_iam TO "tenant_legacy"`, MASTER)
  .add(`CREATE SCHEMA IF NOT EXISTS "tenant_legacy" AUTHORIZATION "tenant_legacy"`, MASTER, 'legacy')
  .add('ROLLBACK', MASTER)
  // The fix.
  .provision('tenant_acme', 'acme')
  .provision('tenant_globex', 'globex')
  .add(CATALOGUE, undefined, 'catalogue')
  .add(
    `SELECT pg_has_role('${MASTER}', 'tenant_acme', 'USAGE') AS master_inherits, pg_has_role('${MASTER}', 'tenant_acme', 'SET') AS master_can_set,
            pg_has_role('tenant_acme', 'rds_iam', 'MEMBER') AS iam, has_schema_privilege('public', 'tenant_acme', 'USAGE') AS public_usage`,
    undefined,
    'privileges',
  )
  .add(`CREATE TABLE tenant_globex.records (note text)`, 'tenant_globex', 'globex-create')
  .add(`INSERT INTO tenant_globex.records VALUES ('phi')`, 'tenant_globex')
  .add(`SELECT * FROM tenant_globex.records`, 'tenant_acme', 'acme-reads-globex')
  .add(`CREATE TABLE tenant_globex.planted (x int)`, 'tenant_acme', 'acme-writes-globex')
  .add(`SET ROLE tenant_globex`, 'tenant_acme', 'acme-becomes-globex')
  .add(`CREATE TABLE tenant_acme.own (x int)`, 'tenant_acme', 'acme-own')
  .add(`SELECT * FROM tenant_globex.records`, MASTER, 'master-reads-globex')
  // Re-run.
  .provision('tenant_acme', 'acme-again')
  .provision('tenant_globex', 'globex-again')
  .add(CATALOGUE, undefined, 'catalogue-again')
  .add(`SELECT note FROM tenant_globex.records`, undefined, 'data-again');

let results: SqlResult[];
beforeAll(() => {
  results = runOnPglite(s.steps);
});
const at = (name: string) => results[s.index(name)];

describe('tenant provisioning SQL on PostgreSQL 18 (RDS privilege model)', () => {
  test('the server is PostgreSQL 16 or later', () => {
    expect(at('version').rows![0].v).toBeGreaterThanOrEqual(160000);
  });

  test('the SQL before the fix fails: a CREATEROLE master may not SET ROLE to a role it created', () => {
    expect(at('legacy').error).toMatch(/must be able to SET ROLE "tenant_legacy"/);
  });

  test('every provisioning statement succeeds, on the first run and on a re-run', () => {
    for (const run of ['acme', 'globex', 'acme-again', 'globex-again']) {
      const failed = s.stepsNamed(run).filter((i) => results[i].error);
      expect(failed.map((i) => `${s.steps[i].sql}: ${results[i].error}`)).toEqual([]);
    }
  });

  test('schema owned by the tenant login; the master may SET ROLE to it (no ADMIN granted, no INHERIT)', () => {
    const cat = at('catalogue').rows!;
    expect(cat).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rolname: 'tenant_acme', member: 'tenant_acme' }), // the schema row: owner
        expect.objectContaining({
          rolname: 'tenant_acme',
          member: MASTER,
          grantor: MASTER,
          admin_option: false,
          inherit_option: false,
          set_option: true,
        }),
      ]),
    );
    expect(at('privileges').rows).toEqual([{ master_inherits: false, master_can_set: true, iam: true, public_usage: false }]);
  });

  test('isolation: tenant A cannot read, write or become tenant B; the master reads no tenant data without SET ROLE', () => {
    expect(at('globex-create').error).toBeUndefined();
    expect(at('acme-reads-globex').error).toMatch(/permission denied for schema tenant_globex/);
    expect(at('acme-writes-globex').error).toMatch(/permission denied for schema tenant_globex/);
    expect(at('acme-becomes-globex').error).toMatch(/permission denied to set role "tenant_globex"/);
    expect(at('acme-own').error).toBeUndefined();
    expect(at('master-reads-globex').error).toMatch(/permission denied for schema tenant_globex/);
  });

  test('re-run is idempotent: same roles, grants and schemas, data kept', () => {
    expect(at('catalogue-again').rows).toEqual(at('catalogue').rows);
    expect(at('data-again')).toEqual({ rows: [{ note: 'phi' }] });
  });
});
