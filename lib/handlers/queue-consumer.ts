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

interface DbEndpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * Database endpoint, from the environment (an address, not a secret). The consumer never reads the master
 * secret: it acts for one tenant at a time, assuming the tenant's role and connecting as the tenant's login
 * (`tenant_<id>`) with an IAM authentication token, which that role alone may request (rds-db:connect).
 */
function databaseEndpoint(): DbEndpoint {
  const host = process.env.DB_HOST;
  if (!host) throw new Error('DB_HOST is not set');
  return { host, port: Number(process.env.DB_PORT ?? 5433) };
}

/** The database login a job of this tenant uses (IAM-authenticated, created by the tenant provisioner). */
export const tenantLogin = (tenantId: string) => `tenant_${tenantId}`;

/**
 * Consumes the work queue. Each message is validated; a bad or failed message is reported back alone
 * (partial batch response), so SQS retries only it and, after the redrive limit, moves it to the
 * dead-letter queue. Logs carry job ids only, never message bodies.
 */
export function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  const db = databaseEndpoint();
  for (const record of event.Records) {
    try {
      const job = parseJob(record.body);
      console.log(
        JSON.stringify({
          level: 'info',
          msg: 'job accepted',
          jobId: job.jobId,
          type: job.type,
          tenantId: job.tenantId,
          dbHost: db.host,
          dbUser: tenantLogin(job.tenantId),
        }),
      );
    } catch (e) {
      console.log(JSON.stringify({ level: 'warn', msg: 'job rejected', messageId: record.messageId, reason: (e as Error).message }));
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return Promise.resolve({ batchItemFailures: failures });
}
