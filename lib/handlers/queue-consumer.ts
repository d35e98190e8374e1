import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

/** A job on the work queue. Jobs carry ids, never PHI: the data stays in the database. */
export interface Job {
  readonly jobId: string;
  readonly tenantId: string;
  readonly type: 'reindex' | 'export' | 'purge';
  readonly recordId: string;
}

const TYPES: ReadonlySet<string> = new Set(['reindex', 'export', 'purge']);
const ID = /^[A-Za-z0-9_-]{1,128}$/;
const TENANT = /^[a-z][a-z0-9]{2,31}$/;

/** Parse and validate a message body; throws with the field that is wrong. */
export function parseJob(body: string): Job {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new Error('body is not JSON');
  }
  if (typeof raw !== 'object' || raw === null) throw new Error('body is not a JSON object');
  const o = raw as Record<string, unknown>;
  if (typeof o.jobId !== 'string' || !ID.test(o.jobId)) throw new Error('jobId must be 1-128 characters of [A-Za-z0-9_-]');
  if (typeof o.tenantId !== 'string' || !TENANT.test(o.tenantId)) throw new Error('tenantId is not a valid tenant id');
  if (typeof o.type !== 'string' || !TYPES.has(o.type)) throw new Error(`type must be one of ${[...TYPES].join(', ')}`);
  if (typeof o.recordId !== 'string' || !ID.test(o.recordId)) throw new Error('recordId must be 1-128 characters of [A-Za-z0-9_-]');
  return { jobId: o.jobId, tenantId: o.tenantId, type: o.type as Job['type'], recordId: o.recordId };
}

interface DbCredentials {
  readonly host: string;
  readonly port: number;
  readonly username: string;
}

let credentials: Promise<DbCredentials> | undefined;
const secrets = new SecretsManagerClient({});

/** Database connection details, read once per container from Secrets Manager (never from the environment). */
async function databaseCredentials(): Promise<DbCredentials> {
  const secretId = process.env.DB_SECRET_ARN;
  if (!secretId) throw new Error('DB_SECRET_ARN is not set');
  credentials ??= secrets.send(new GetSecretValueCommand({ SecretId: secretId })).then((r) => {
    const v = JSON.parse(r.SecretString ?? '{}') as Record<string, unknown>;
    if (typeof v.host !== 'string' || typeof v.username !== 'string') throw new Error('database secret lacks host or username');
    return { host: v.host, port: Number(v.port ?? 5433), username: v.username };
  });
  return credentials;
}

/**
 * Consumes the work queue. Each message is validated; a bad or failed message is reported back alone
 * (partial batch response), so SQS retries only it and, after the redrive limit, moves it to the
 * dead-letter queue. Logs carry job ids only, never message bodies.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  const db = await databaseCredentials();
  for (const record of event.Records) {
    try {
      const job = parseJob(record.body);
      console.log(
        JSON.stringify({ level: 'info', msg: 'job accepted', jobId: job.jobId, type: job.type, tenantId: job.tenantId, dbHost: db.host }),
      );
    } catch (e) {
      console.log(JSON.stringify({ level: 'warn', msg: 'job rejected', messageId: record.messageId, reason: (e as Error).message }));
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
